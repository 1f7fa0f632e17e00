// An incident's failure signature: the error families behind its root cause, its symptom counts and its exposure, comparable across windows and incidents.
import { findCheck, jobTables } from '../evidence/database-checks.ts';
import { evidenceOf, logEvidenceOf, type EvidenceBundle } from '../evidence/schema.ts';
import type { Hypothesis, Finding } from './types.ts';

/** One error family of the signature: findings grouped by their catalogue signature (or signal when none). */
interface SignatureFamily {
  /** `signature:<id>` or `signal:<signal>`: the same key in every window and incident. */
  key: string;
  title: string;
  signal: string;
  resource?: string;
  count: number;
}

export interface FailureSignature {
  /** The root-cause hypothesis (confirmed, else the top proposal); absent when none was found. */
  hypothesis?: { id: string; category: string; title: string; status: string };
  /** Families behind the root cause and every confirmed hypothesis. */
  families: SignatureFamily[];
  /** What users suffered, counted the same way in every window. */
  symptom: { errorRecords: number; failedRequests: number; stuckJobs: number };
  /** How much traffic the window saw: the denominator of every rate. */
  exposure: { start: string; end: string; hours: number; records: number; requests: number };
}

function familyKey(finding: Pick<Finding, 'signal' | 'signatureId'>): string {
  return finding.signatureId ? `signature:${finding.signatureId}` : `signal:${finding.signal}`;
}

/** Families of the findings behind these hypotheses, with counts summed over sources. */
function familiesOf(findings: readonly Finding[], hypotheses: readonly Hypothesis[]): SignatureFamily[] {
  const ids = new Set(hypotheses.flatMap((hypothesis) => hypothesis.findingIds));
  const families = new Map<string, SignatureFamily>();
  for (const finding of findings) {
    if (!ids.has(finding.id)) continue;
    const key = familyKey(finding);
    const family = families.get(key) ?? { key, title: finding.title, signal: finding.signal, count: 0, ...(finding.resource ? { resource: finding.resource } : {}) };
    family.count += finding.count;
    families.set(key, family);
  }
  return [...families.values()].sort((left, right) => right.count - left.count || left.key.localeCompare(right.key));
}

/** Stuck jobs whose last update falls in the window (older ones are leftovers of an earlier window). */
function stuckJobsIn(bundle: EvidenceBundle, start: number): number {
  let stuck = 0;
  for (const { evidence } of evidenceOf(bundle, 'database')) {
    for (const table of jobTables(evidence)) {
      const check = findCheck(evidence, 'stuck-jobs', table);
      if (!check) continue;
      const column = table.updatedColumn ?? evidence.extras?.updatedColumn ?? 'updated_at';
      for (const row of check.rows) {
        const updated = Date.parse(String(row[column] ?? ''));
        if (Number.isNaN(updated) || updated >= start) stuck++;
      }
      if (check.truncated) stuck += Math.max(0, check.rowCount - check.rows.length);
    }
  }
  return stuck;
}

/** The signature of one window's evidence and analysis: the root cause's families are looked for under `keys` when given (the incident's). */
export function failureSignature(bundle: EvidenceBundle, findings: readonly Finding[], hypotheses: readonly Hypothesis[], window = bundle.incident.window): FailureSignature {
  const root = hypotheses.find((hypothesis) => hypothesis.status === 'confirmed' && hypothesis.role === 'root-cause') ?? hypotheses.find((hypothesis) => hypothesis.role === 'root-cause');
  const behind = [...new Set([...(root ? [root] : []), ...hypotheses.filter((hypothesis) => hypothesis.status === 'confirmed')])];
  let errorRecords = 0;
  let failedRequests = 0;
  let records = 0;
  let requests = 0;
  for (const { evidence } of logEvidenceOf(bundle)) {
    records += evidence.totalRecords;
    for (const minute of evidence.perMinute) {
      errorRecords += minute.errors;
      failedRequests += minute.failedRequests;
      requests += minute.requests;
    }
  }
  const start = Date.parse(window.start);
  const end = Date.parse(window.end);
  return {
    ...(root ? { hypothesis: { id: root.id, category: root.category, title: root.title, status: root.status } } : {}),
    families: familiesOf(findings, behind),
    symptom: { errorRecords, failedRequests, stuckJobs: stuckJobsIn(bundle, start) },
    exposure: { start: window.start, end: window.end, hours: Math.max(0, (end - start) / 3_600_000), records, requests },
  };
}

/** Counts of every finding by family key, for looking up the incident's families in another window. */
export function familyCounts(findings: readonly Finding[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const finding of findings) {
    const key = familyKey(finding);
    counts.set(key, (counts.get(key) ?? 0) + finding.count);
  }
  return counts;
}
