// Entity ids (job, document, request, user) gathered from findings, and job states from database rows.
import { jobTables } from '../evidence/database-checks.ts';
import { evidenceOf, type EvidenceBundle } from '../evidence/schema.ts';
import type { Finding, Signal } from './types.ts';

export function entityIds(findings: Finding[], kind: string, signals?: Signal[]): Set<string> {
  const ids = new Set<string>();
  for (const finding of findings) {
    if (signals && !signals.includes(finding.signal)) continue;
    for (const id of finding.entities?.[kind] ?? []) ids.add(id);
  }
  return ids;
}

/** job id -> state, from every database check row that carries both the job table's id and state columns. */
export function jobStates(bundle: EvidenceBundle): Map<string, string> {
  const states = new Map<string, string>();
  for (const { evidence } of evidenceOf(bundle, 'database')) {
    for (const { idColumn, stateColumn } of jobTables(evidence)) {
      for (const check of evidence.checks) {
        for (const row of check.rows) {
          const id = row[idColumn];
          const state = row[stateColumn];
          if ((typeof id === 'string' || typeof id === 'number') && typeof state === 'string') states.set(String(id), state);
        }
      }
    }
  }
  return states;
}
