// `fracas check`: runs the monitoring the report proposes once, on the last minutes of the incident's log and database sources: a status line per check, for cron or CI.
import { collectFindings, analyzeIncident } from '../analysis/index.ts';
import { monitoringChecks, type MonitorResult } from '../analysis/monitoring.ts';
import { DEFAULT_THRESHOLDS, type MonitorThresholds } from '../analysis/monitoring-thresholds.ts';
import { failureSignature, familyCounts, type FailureSignature } from '../analysis/signature.ts';
import { collectEvidence } from '../collectors/gather.ts';
import { loadPreviousEvidence } from '../evidence/store.ts';
import { loadManifest } from '../manifest/index.ts';
import { CHECK_EXIT_CODES } from './exit-codes.ts';
import type { Reporter } from './progress.ts';
import type { Window } from './window.ts';

/** Source kinds that monitoring reads: what changes minute to minute (not config, code or history). */
const MONITORED_KINDS = new Set(['logs', 'render-api', 'database']);

export interface CheckRun {
  incident: string;
  window: Window;
  /** Whether the incident's saved evidence gave the failure families to watch. */
  signature: boolean;
  checks: MonitorResult[];
  exitCode: number;
}

export async function runCheck(dir: string, window: Window, reporter: Reporter, thresholds: MonitorThresholds = DEFAULT_THRESHOLDS, env: NodeJS.ProcessEnv = process.env): Promise<CheckRun> {
  const loaded = loadManifest(dir, env);
  const saved = loadPreviousEvidence(loaded.dir);
  let incident: FailureSignature | undefined;
  if (saved) incident = analyzeIncident(saved, loaded.manifest.conclusions).signature;
  else reporter.step(`no saved evidence in ${dir}: checking database health and failed requests only (run \`fracas report ${dir}\` to watch the incident's failure families too)`);
  const sources = loaded.manifest.sources.filter((source) => MONITORED_KINDS.has(source.kind));
  const bundle = await collectEvidence({ ...loaded, manifest: { ...loaded.manifest, window, sources } }, { progress: reporter, env });
  reporter.stop();
  const findings = collectFindings(bundle).findings;
  const checks = monitoringChecks(bundle, incident, familyCounts(findings), failureSignature(bundle, findings, [], window), thresholds);
  const exitCode = checks.some((check) => check.status === 'alert') ? CHECK_EXIT_CODES.alert : checks.some((check) => check.status === 'error') ? CHECK_EXIT_CODES.error : CHECK_EXIT_CODES.ok;
  return { incident: loaded.manifest.id, window, signature: Boolean(incident), checks, exitCode };
}

/** One status line per check: STATUS id value (threshold) detail. */
export function checkLines(run: CheckRun): string[] {
  const width = Math.max(...run.checks.map((check) => check.id.length), 10);
  return run.checks.map(
    (check) => `${check.status.toUpperCase().padEnd(5)} ${check.id.padEnd(width)} ${check.value === null ? '-' : String(check.value)} (threshold ${check.threshold}) ${check.title}: ${check.detail}`,
  );
}
