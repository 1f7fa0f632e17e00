// `fracas probe`: sends the manifest's test webhook deliveries to its staging base URL, saves the answers as evidence and prints them.
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { runProbe } from '../collectors/probe.ts';
import { probeEvidenceSchema, type ProbeEvidence } from '../evidence/probe.ts';
import { EVIDENCE_DIR } from '../evidence/store.ts';
import { writeFileAtomic } from '../lib/atomic-write.ts';
import { createRedactor } from '../lib/secrets/redact.ts';
import { loadManifest } from '../manifest/index.ts';
import { PROBE_EXIT_CODES } from './exit-codes.ts';

const PROBE_FILE = 'probe.json';

export function probePath(dir: string): string {
  return path.join(dir, EVIDENCE_DIR, PROBE_FILE);
}

class ProbeUsageError extends Error {
  override name = 'UsageError';
}

/** The saved probe results of an incident, when `fracas probe` ran. */
export function loadProbe(dir: string): ProbeEvidence | undefined {
  try {
    const parsed = probeEvidenceSchema.safeParse(JSON.parse(readFileSync(probePath(dir), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export async function probeIncident(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<{ evidence: ProbeEvidence; file: string; exitCode: number }> {
  const loaded = loadManifest(dir, env);
  const spec = loaded.manifest.probe;
  if (!spec) throw new ProbeUsageError(`${loaded.file}: no probe: section (add one with environment: staging, baseUrl, path, secretEnv, jobId and payload; see fracas schema)`);
  const redactor = createRedactor();
  const secret = env[spec.secretEnv];
  if (secret) redactor.text(`secret=${secret}`);
  const evidence = redactor.deep(await runProbe(spec, env));
  const file = probePath(loaded.dir);
  await writeFileAtomic(file, `${JSON.stringify(evidence, null, 1)}\n`);
  const answered = evidence.results.filter((result) => result.outcome !== 'no-response');
  const exitCode =
    answered.length === 0 ? PROBE_EXIT_CODES.noResponse : evidence.results.every((result) => result.outcome === 'as-expected') ? PROBE_EXIT_CODES.asExpected : PROBE_EXIT_CODES.unexpected;
  return { evidence, file, exitCode };
}

export function probeLines(evidence: ProbeEvidence): string[] {
  return evidence.results.map(
    (result) =>
      `${result.outcome === 'as-expected' ? 'OK        ' : result.outcome === 'unexpected' ? 'UNEXPECTED' : 'NO ANSWER '} ${result.case.padEnd(14)} ${result.status ?? '-'} in ${result.latencyMs ?? '-'} ms (expected ${result.expected})${result.error ? `: ${result.error}` : ''}`,
  );
}
