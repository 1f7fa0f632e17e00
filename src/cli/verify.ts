// `fracas verify`: collects the incident's sources over a window after the fix and compares them with the incident's failure signature.
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { analyzeIncident, collectFindings } from '../analysis/index.ts';
import type { SavedVerification } from '../analysis/model.ts';
import { failureSignature, familyCounts } from '../analysis/signature.ts';
import { verifyFix } from '../analysis/verification.ts';
import { collectEvidence } from '../collectors/gather.ts';
import { EVIDENCE_DIR, loadEvidence } from '../evidence/store.ts';
import { writeFileAtomic } from '../lib/atomic-write.ts';
import { loadManifest } from '../manifest/index.ts';
import type { Reporter } from './progress.ts';
import { VERIFY_EXIT_CODES } from './exit-codes.ts';
import type { Window } from './window.ts';

const VERIFICATION_FILE = 'verification.json';
const VERIFICATION_EVIDENCE_FILE = 'verification-evidence.json';

export function verificationPath(dir: string): string {
  return path.join(dir, EVIDENCE_DIR, VERIFICATION_FILE);
}

/** The saved verification of an incident, when `fracas verify` ran and its file is readable. */
export function loadVerification(dir: string): SavedVerification | undefined {
  try {
    const parsed = JSON.parse(readFileSync(verificationPath(dir), 'utf8')) as SavedVerification;
    return parsed && typeof parsed.verdict === 'string' && Array.isArray(parsed.rows) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

class VerifyUsageError extends Error {
  override name = 'UsageError';
}

export interface VerifyResult {
  verification: SavedVerification;
  exitCode: number;
  files: string[];
}

/** Default window: from the end of the incident window until now. */
export function defaultVerifyWindow(incidentEnd: string, now = Date.now()): Window {
  return { start: incidentEnd, end: new Date(Math.max(now, Date.parse(incidentEnd) + 60_000)).toISOString() };
}

export async function runVerify(dir: string, window: Window, reporter: Reporter, env: NodeJS.ProcessEnv = process.env): Promise<VerifyResult> {
  const loaded = loadManifest(dir, env);
  let incidentBundle: ReturnType<typeof loadEvidence>;
  try {
    incidentBundle = loadEvidence(loaded.dir);
  } catch (error) {
    throw new VerifyUsageError(
      `${(error as Error).message.replace(/ first\)$/, '')}: verify compares a window after the fix with the incident's saved evidence, so run \`fracas report ${dir}\` first)`,
    );
  }
  if (Date.parse(window.start) < Date.parse(loaded.manifest.window.end)) reporter.step(`note: the verification window starts before the incident window ends (${loaded.manifest.window.end})`);
  const incident = analyzeIncident(incidentBundle, loaded.manifest.conclusions);
  reporter.step(`collecting ${loaded.manifest.id} for ${window.start} .. ${window.end}`);
  const afterBundle = await collectEvidence({ ...loaded, manifest: { ...loaded.manifest, window } }, { progress: reporter, env });
  reporter.stop();
  const evidenceFile = path.join(loaded.dir, EVIDENCE_DIR, VERIFICATION_EVIDENCE_FILE);
  await writeFileAtomic(evidenceFile, `${JSON.stringify(afterBundle, null, 1)}\n`);
  const after = collectFindings(afterBundle);
  const verification = verifyFix(incident.signature, failureSignature(afterBundle, after.findings, [], window), familyCounts(after.findings));
  const saved: SavedVerification = {
    ...verification,
    verifiedAt: new Date().toISOString(),
    window,
    sources: afterBundle.sources.map((source) => ({ id: source.id, status: source.status, ...(source.error ? { error: source.error.message } : {}) })),
  };
  await writeFileAtomic(verificationPath(loaded.dir), `${JSON.stringify(saved, null, 1)}\n`);
  const attempted = afterBundle.sources.filter((source) => source.status !== 'skipped');
  const collected = attempted.filter((source) => source.status === 'ok' || source.status === 'partial');
  const exitCode = attempted.length > 0 && collected.length === 0 ? 3 : VERIFY_EXIT_CODES[saved.verdict];
  return { verification: saved, exitCode, files: [verificationPath(loaded.dir), evidenceFile] };
}

/** The verdict and the before/after table as terminal lines. */
export function verificationLines(verification: SavedVerification): string[] {
  const lines = [`verdict: ${verification.verdict} (${verification.window.start} .. ${verification.window.end})`];
  for (const reason of verification.reasons) lines.push(`  ${reason}`);
  lines.push('metric | before | expected after | after | outcome');
  for (const row of verification.rows) lines.push(`${row.title} | ${row.before} | ${row.expected} | ${row.after} | ${row.outcome}`);
  lines.push(`rule: ${verification.rule}`);
  return lines;
}
