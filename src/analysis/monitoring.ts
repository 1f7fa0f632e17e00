// Monitoring checks for `fracas check`: the incident's failure families, stuck jobs and database health, each against a threshold, on a recent window's evidence.
import { findCheck, jobTables } from '../evidence/database-checks.ts';
import { evidenceOf, type EvidenceBundle } from '../evidence/schema.ts';
import type { FailureSignature } from './signature.ts';
import { DEFAULT_THRESHOLDS, type MonitorThresholds } from './monitoring-thresholds.ts';

type CheckStatus = 'ok' | 'alert' | 'error';

export interface MonitorResult {
  /** kebab-case: `family-<signal or signature>`, `stuck-jobs`, `failed-requests`, `connection-headroom`, `idle-in-transaction`, `blocked-sessions`. */
  id: string;
  title: string;
  status: CheckStatus;
  value: number | null;
  threshold: number;
  /** What the value means and, for an error, why it could not be measured. */
  detail: string;
}

const number = (value: unknown): number => (typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN);

function over(id: string, title: string, value: number, threshold: number, detail: string): MonitorResult {
  return { id, title, status: value > threshold ? 'alert' : 'ok', value, threshold, detail };
}

function unmeasured(id: string, title: string, threshold: number, detail: string): MonitorResult {
  return { id, title, status: 'error', value: null, threshold, detail };
}

function databaseChecks(bundle: EvidenceBundle, thresholds: MonitorThresholds): MonitorResult[] {
  const databases = evidenceOf(bundle, 'database');
  const failed = bundle.sources.filter((source) => source.kind === 'database' && !source.evidence);
  if (databases.length === 0) {
    return failed.map((source) => unmeasured(`database-${source.id}`, `Database ${source.id}`, 0, `the source failed: ${source.error?.message ?? 'no evidence'}`));
  }
  const results: MonitorResult[] = [];
  for (const { source, evidence } of databases) {
    const suffix = databases.length > 1 ? `-${source.id}` : '';
    // One stuck-jobs check per job table (named in the manifest or discovered).
    for (const table of jobTables(evidence)) {
      const stuck = findCheck(evidence, 'stuck-jobs', table);
      const id = `stuck-jobs${suffix}${table.checkSuffix ? `-${table.checkSuffix}` : ''}`;
      results.push(
        stuck && stuck.status === 'ok'
          ? over(
              id,
              `Jobs stuck in ${table.inFlightStates.join('/')} over ${table.stuckAfterMinutes} min (${table.table})`,
              stuck.rowCount,
              thresholds.stuckJobs,
              `${stuck.rowCount} job(s) in ${table.table}`,
            )
          : unmeasured(id, 'Stuck jobs', thresholds.stuckJobs, stuck?.note ?? 'the stuck-jobs check did not run'),
      );
    }
    const headroom = findCheck(evidence, 'connection-headroom')?.rows[0];
    if (headroom) {
      const available = number(headroom.available_to_ordinary_roles);
      const free = number(headroom.free_ordinary_slots);
      const share = available > 0 ? free / available : Number.NaN;
      results.push(
        Number.isFinite(share)
          ? {
              id: `connection-headroom${suffix}`,
              title: 'Free connection slots (share of those ordinary roles may use)',
              status: share < thresholds.connectionHeadroom ? 'alert' : 'ok',
              value: Math.round(share * 1000) / 1000,
              threshold: thresholds.connectionHeadroom,
              detail: `${free} of ${available} slots free`,
            }
          : unmeasured(`connection-headroom${suffix}`, 'Free connection slots', thresholds.connectionHeadroom, 'the server did not report its slots'),
      );
    }
    const idle = findCheck(evidence, 'idle-in-transaction');
    if (idle && idle.status === 'ok') {
      const longest = Math.max(0, ...idle.rows.map((row) => number(row.idle_s)).filter(Number.isFinite));
      results.push(
        over(`idle-in-transaction${suffix}`, 'Longest session idle in transaction (seconds)', longest, thresholds.idleInTransactionSeconds, `${idle.rowCount} session(s) idle in transaction`),
      );
    }
    const blocked = findCheck(evidence, 'blocking-chains');
    if (blocked && blocked.status === 'ok')
      results.push(over(`blocked-sessions${suffix}`, 'Sessions blocked by a lock', blocked.rowCount, thresholds.blockedSessions, `${blocked.rowCount} blocked session(s)`));
  }
  return results;
}

/**
 * The monitoring checks on a recent window: each of the incident's failure families (`familyCounts` counts the
 * window's findings by family key), failed requests, and the database checks.
 */
export function monitoringChecks(
  bundle: EvidenceBundle,
  incident: FailureSignature | undefined,
  familyCounts: ReadonlyMap<string, number>,
  recent: FailureSignature,
  thresholds: MonitorThresholds = DEFAULT_THRESHOLDS,
): MonitorResult[] {
  const results: MonitorResult[] = [];
  const logSources = bundle.sources.filter((source) => source.kind === 'logs' || source.kind === 'render-api');
  const logsRead = logSources.some((source) => source.evidence);
  for (const family of incident?.families ?? []) {
    const id = `family-${family.key.replace(/^[a-z]+:/, '')}`;
    results.push(
      logsRead || evidenceOf(bundle, 'database').length > 0
        ? over(id, `${family.title} (a failure family of the incident)`, familyCounts.get(family.key) ?? 0, thresholds.family, `occurrences in the window; the incident had ${family.count}`)
        : unmeasured(id, family.title, thresholds.family, 'no log or database source could be read'),
    );
  }
  if (logsRead) {
    const { requests } = recent.exposure;
    const share = requests > 0 ? recent.symptom.failedRequests / requests : 0;
    results.push({
      id: 'failed-requests',
      title: 'Share of requests failing (status >= 400)',
      status: share > thresholds.failedRequestShare ? 'alert' : 'ok',
      value: Math.round(share * 1000) / 1000,
      threshold: thresholds.failedRequestShare,
      detail: `${recent.symptom.failedRequests} of ${requests} request(s)`,
    });
  } else if (logSources.length > 0) {
    for (const source of logSources) results.push(unmeasured(`logs-${source.id}`, `Logs ${source.id}`, 0, `the source failed: ${source.error?.message ?? 'no evidence'}`));
  }
  results.push(...databaseChecks(bundle, thresholds));
  return results;
}
