// Every check the collector writes on PostgreSQL 15 has an id and the row columns declared in src/evidence/database-checks.ts.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { collectDatabase } from '../../../src/collectors/database/index.ts';
import type { CollectorOutput } from '../../../src/collectors/types.ts';
import { CHECK_COLUMNS, JOB_CHECK_IDS, SCHEMA_CHECK_IDS, type DatabaseCheckId } from '../../../src/evidence/database-checks.ts';
import { collectContext, connect, createScratchDatabase, databaseSpec, FIXTURE_AS_OF, FIXTURE_SEED, sql, type Scratch } from '../../helpers/pg.ts';

let scratch: Scratch;
let idle: pg.Client;
let named: CollectorOutput<'database'>;
let discovered: CollectorOutput<'database'>;

beforeAll(async () => {
  scratch = await createScratchDatabase('fracas_checkids');
  await sql(scratch.url, readFileSync(FIXTURE_SEED, 'utf8'));
  await sql(
    scratch.url,
    `CREATE TABLE public.exports (id bigint PRIMARY KEY, status text NOT NULL, attempts int NOT NULL, error text, updated_at timestamptz NOT NULL);
    INSERT INTO public.exports VALUES (1, 'running', 2, 'disk full', '2026-11-20 09:00+00'), (2, 'done', 0, NULL, '2026-11-20 10:00+00');`,
  );
  // A session idle in transaction holding a lock, so the activity checks have rows.
  idle = await connect(scratch.url, 'check-ids-idle');
  await idle.query(`BEGIN; UPDATE public.exports SET attempts = attempts WHERE id = 2`);
  named = await collectDatabase(
    databaseSpec({ url: scratch.url, asOf: FIXTURE_AS_OF, countersDelayMs: 0, jobs: { table: 'upload_pipeline.upload_jobs', entityColumns: ['document_id'], inFlightStates: ['queued', 'working'] } }),
    collectContext(),
  );
  discovered = await collectDatabase(databaseSpec({ url: scratch.url, asOf: FIXTURE_AS_OF, countersDelayMs: 0 }), collectContext());
}, 60_000);

afterAll(async () => {
  await idle?.query('ROLLBACK').catch(() => undefined);
  await idle?.end();
  await scratch?.drop();
});

/** The declared id of a check id as written: itself, or a job/schema check id with a table suffix. */
function declaredId(id: string, suffixes: string[]): DatabaseCheckId | undefined {
  if (id in CHECK_COLUMNS) return id as DatabaseCheckId;
  for (const suffix of suffixes) {
    const base = id.endsWith(`-${suffix}`) ? id.slice(0, -suffix.length - 1) : undefined;
    if (base && ([...JOB_CHECK_IDS, ...SCHEMA_CHECK_IDS] as string[]).includes(base)) return base as DatabaseCheckId;
  }
  return undefined;
}

describe('database check ids and row shapes', () => {
  for (const [label, output] of [
    ['named job table', () => named],
    ['discovered job tables', () => discovered],
  ] as const) {
    it(`${label}: every check id is declared, and every row has the declared columns`, () => {
      const evidence = output().evidence;
      const suffixes = (evidence.jobTables ?? []).map((table) => table.checkSuffix).filter((suffix): suffix is string => Boolean(suffix));
      let checkedRows = 0;
      for (const check of evidence.checks) {
        const id = declaredId(check.id, suffixes);
        expect(id, `check ${check.id} is not declared in CHECK_COLUMNS`).toBeDefined();
        for (const row of check.rows) {
          for (const column of CHECK_COLUMNS[id!]) expect(row, `${check.id} row lacks ${column}`).toHaveProperty(column);
          checkedRows += 1;
        }
      }
      const withRows = evidence.checks.filter((check) => check.rows.length > 0).map((check) => check.id);
      for (const id of [
        'stuck-jobs',
        'state-distribution',
        'stuck-job-age',
        'recent-errors',
        'retry-counts',
        'indexes',
        'connection-headroom',
        'sessions-by-state',
        'idle-in-transaction',
        'settings',
        'database-counters',
      ]) {
        expect(withRows).toContain(id);
      }
      expect(checkedRows).toBeGreaterThan(20);
    });
  }

  it('discovery chose both job tables, the second under suffixed ids', () => {
    expect(discovered.evidence.jobTables?.map((table) => table.table).sort()).toEqual(['public.exports', 'upload_pipeline.upload_jobs']);
    expect(discovered.evidence.checks.map((check) => check.id)).toContain(`stuck-jobs-${discovered.evidence.jobTables![1]!.checkSuffix}`);
  });
});
