// Job outcomes from the database's job tables: every failed or stuck job (id, state, minute, recorded error), for the symptom and the entity chains.
import { findCheck, jobTables } from '../../evidence/database-checks.ts';
import { evidenceOf, type DbValue, type EvidenceBundle, type EvidenceRef } from '../../evidence/schema.ts';
import type { SignatureMatch } from '../../lib/error-signatures/types.ts';
import { jobErrorSignature } from '../database.ts';

/** States in which a job is finished well; any other state out of flight, with an error recorded, is a failure. */
const SUCCESS_STATE = /^(?:done|complete|completed|succeeded|success|successful|finished|processed|ok|skipped|archived)$/i;

interface JobErrorGroup {
  /** `source:job-error:table:normalised error`: the group's key in entity chains. */
  key: string;
  source: string;
  table: string;
  normalized: string;
  sample: string;
  code: string;
  match?: SignatureMatch;
  /** Failed jobs recording it (stuck or in flight ones with the same error are in `pending`). */
  jobs: string[];
  /** Every job with it recorded, with the minute of its last update. */
  minutes: [string, number][];
  refs: EvidenceRef[];
}

export interface JobOutcomes {
  /** Failed or stuck job id -> its table and the minute it last changed. */
  failed: Map<string, { source: string; table: string; minute?: string; stuck: boolean; state: string }>;
  /** Job id -> the error group its row records. */
  errorOf: Map<string, JobErrorGroup>;
  groups: JobErrorGroup[];
  /** Tables read (qualified as the collector names them). */
  tables: string[];
  refs: EvidenceRef[];
}

const str = (value: DbValue | undefined): string => (value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));
const num = (value: DbValue | undefined): number => (typeof value === 'number' ? value : Number(str(value)) || 0);

/** Every failed and stuck job of every job table (from the `job-failure-ids` check, which lists all of them). */
export function jobOutcomes(bundle: EvidenceBundle): JobOutcomes {
  const out: JobOutcomes = { failed: new Map(), errorOf: new Map(), groups: [], tables: [], refs: [] };
  for (const { source, evidence } of evidenceOf(bundle, 'database')) {
    for (const table of jobTables(evidence)) {
      const ids = findCheck(evidence, 'job-failure-ids', table);
      if (!ids) continue;
      out.tables.push(table.table);
      const stuckIds = new Set(
        str(findCheck(evidence, 'stuck-job-ids', table)?.rows[0]?.ids)
          .split(',')
          .filter(Boolean),
      );
      const recent = findCheck(evidence, 'recent-errors', table);
      const inFlight = new Set(table.inFlightStates);
      const groups = new Map<string, JobErrorGroup>();
      ids.rows.forEach((row, index) => {
        const state = str(row.state);
        const jobIds = str(row.ids).split(',').filter(Boolean);
        const minutes = str(row.minutes).split(',');
        const normalized = str(row.normalized_error);
        let group: JobErrorGroup | undefined;
        if (normalized) {
          const key = `${source.id}:job-error:${table.table}:${normalized}`;
          group = groups.get(key);
          if (!group) {
            const code = str(row.error_code);
            const sample = str(row.sample_error);
            const match = jobErrorSignature(sample, normalized, code);
            // Cite the displayed recent-errors row of the same error; the id listing itself is not shown.
            const shown = recent?.rows.findIndex((candidate) => str(candidate.normalized_error) === normalized && str(candidate.error_code) === code) ?? -1;
            const ref: EvidenceRef =
              shown >= 0 && recent
                ? { kind: 'query-row', source: source.id, check: recent.id, row: shown, excerpt: `${sample.slice(0, 200)} (${num(recent.rows[shown]!.jobs)} jobs)` }
                : { kind: 'query-row', source: source.id, check: ids.id, row: index, excerpt: `${sample.slice(0, 200)} (${num(row.jobs)} jobs)` };
            group = { key, source: source.id, table: table.table, normalized, sample, code, ...(match ? { match } : {}), jobs: [], minutes: [], refs: [ref] };
            groups.set(key, group);
          }
        }
        jobIds.forEach((id, position) => {
          const minute = minutes[position] || undefined;
          const stuck = stuckIds.has(id);
          const failed = stuck || (!inFlight.has(state) && !SUCCESS_STATE.test(state) && group !== undefined);
          if (group) {
            out.errorOf.set(id, group);
            if (minute) group.minutes.push([minute, 1]);
            if (failed) group.jobs.push(id);
          }
          if (failed) out.failed.set(id, { source: source.id, table: table.table, ...(minute ? { minute } : {}), stuck, state });
        });
      });
      out.groups.push(...groups.values());
      if (ids.rows.length > 0 && recent && recent.rows.length > 0)
        out.refs.push({ kind: 'query-row', source: source.id, check: recent.id, row: 0, excerpt: `${str(recent.rows[0]!.sample_error).slice(0, 200)} (${num(recent.rows[0]!.jobs)} jobs)` });
    }
  }
  return out;
}
