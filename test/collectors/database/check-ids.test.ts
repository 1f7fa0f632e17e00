// Every check the collector writes on PostgreSQL 15 has a declared id, and its SQL and rows have exactly the columns declared in src/evidence/database-checks.ts.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { collectDatabase } from '../../../src/collectors/database/index.ts';
import type { CollectorOutput } from '../../../src/collectors/types.ts';
import { JOB_TABLE_CHECKS } from '../../../src/collectors/database/job-checks.ts';
import { DATABASE_CHECKS, JOB_CHECK_IDS, SCHEMA_CHECK_IDS, type DatabaseCheckId } from '../../../src/evidence/database-checks.ts';
import type { DatabaseEvidence } from '../../../src/evidence/schema.ts';
import { collectContext, connect, createScratchDatabase, databaseSpec, FIXTURE_AS_OF, FIXTURE_SEED, sql, type Scratch } from '../../helpers/pg.ts';

let scratch: Scratch;
let idle: pg.Client;
let named: CollectorOutput<'database'>;
let discovered: CollectorOutput<'database'>;

beforeAll(async () => {
  scratch = await createScratchDatabase('fracas_checkids');
  await sql(scratch.url, readFileSync(FIXTURE_SEED, 'utf8'));
  // Installed (not preloaded): the statement checks are limited at run time, but their SQL is written and compiles.
  await sql(scratch.url, 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
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
  if (id in DATABASE_CHECKS) return id as DatabaseCheckId;
  for (const suffix of suffixes) {
    const base = id.endsWith(`-${suffix}`) ? id.slice(0, -suffix.length - 1) : undefined;
    if (base && ([...JOB_CHECK_IDS, ...SCHEMA_CHECK_IDS] as string[]).includes(base)) return base as DatabaseCheckId;
  }
  return undefined;
}

/** The columns of a table of the scratch database, from the catalog. */
async function tableColumns(table: string): Promise<string[]> {
  const result = await sql(scratch.url, `SELECT attname::text AS name FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`, [table]);
  return result.rows.map((row: { name: string }) => row.name);
}

/** The job table a job check id (with or without a table suffix) ran on. */
function tableOf(checkId: string, evidence: DatabaseEvidence): string | undefined {
  const tables = evidence.jobTables ?? (evidence.jobTable ? [evidence.jobTable] : []);
  return (tables.find((table) => table.checkSuffix && checkId.endsWith(`-${table.checkSuffix}`)) ?? tables[0])?.table;
}

/** What a check's rows (or SQL) may hold: the declared columns, and the job table's columns for the checks that carry them. */
async function allowedColumns(id: DatabaseCheckId, checkId: string, evidence: DatabaseEvidence, sqlColumns = false): Promise<Set<string>> {
  const shape: { columns: readonly string[]; optional?: readonly string[]; dynamic?: string; sqlColumns?: readonly string[] } = DATABASE_CHECKS[id];
  const allowed = new Set([...(sqlColumns && shape.sqlColumns ? shape.sqlColumns : shape.columns), ...(shape.optional ?? [])]);
  const table = shape.dynamic ? tableOf(checkId, evidence) : undefined;
  if (table) for (const column of await tableColumns(table)) allowed.add(shape.dynamic === 'entity-samples' ? `sample_${column}` : column);
  return allowed;
}

/** The columns a SELECT returns, read from a temporary view over it (the view compiles the query; nothing runs). */
async function selectColumns(client: pg.Client, query: string): Promise<string[]> {
  await client.query('DROP VIEW IF EXISTS pg_temp.check_columns');
  await client.query(`CREATE TEMPORARY VIEW check_columns AS ${query}`);
  const result = await client.query(`SELECT attname::text AS name FROM pg_attribute WHERE attrelid = 'pg_temp.check_columns'::regclass AND attnum > 0 ORDER BY attnum`);
  return result.rows.map((row: { name: string }) => row.name);
}

describe('database check ids and row shapes', () => {
  it('the SQL of every declared check returns only declared columns (every check of both runs, rows or not)', async () => {
    const client = await connect(scratch.url, 'check-ids-columns');
    const covered = new Set<DatabaseCheckId>();
    let compared = 0;
    try {
      const runs = [named.evidence, discovered.evidence];
      for (const evidence of runs) {
        const suffixes = (evidence.jobTables ?? []).map((table) => table.checkSuffix).filter((suffix): suffix is string => Boolean(suffix));
        for (const check of evidence.checks) {
          const id = declaredId(check.id, suffixes);
          if (!id || check.sql === '') continue;
          const allowed = await allowedColumns(id, check.id, evidence, true);
          const columns = await selectColumns(client, check.sql);
          expect(columns.length, `${check.id}: no columns`).toBeGreaterThan(0);
          expect(
            columns.filter((column) => !allowed.has(column)),
            `${check.id}: its SQL returns columns its declaration lacks`,
          ).toEqual([]);
          covered.add(id);
          compared += 1;
        }
      }
      // The job table's column look-up is not kept in the evidence: its SQL is checked from its builder.
      const lookup = JOB_TABLE_CHECKS['job-table-columns']('upload_pipeline.upload_jobs');
      expect(await selectColumns(client, lookup.sql)).toEqual([...DATABASE_CHECKS['job-table-columns'].columns]);
      covered.add('job-table-columns');
    } finally {
      await client.end();
    }
    expect([...covered].sort()).toEqual((Object.keys(DATABASE_CHECKS) as DatabaseCheckId[]).sort());
    expect(compared).toBeGreaterThan(40);
  });

  for (const [label, output] of [
    ['named job table', () => named],
    ['discovered job tables', () => discovered],
  ] as const) {
    it(`${label}: every check id is declared, and every row has the declared columns and no other`, async () => {
      const evidence = output().evidence;
      const suffixes = (evidence.jobTables ?? []).map((table) => table.checkSuffix).filter((suffix): suffix is string => Boolean(suffix));
      let checkedRows = 0;
      for (const check of evidence.checks) {
        const id = declaredId(check.id, suffixes);
        expect(id, `check ${check.id} is not declared in DATABASE_CHECKS`).toBeDefined();
        const allowed = await allowedColumns(id!, check.id, evidence);
        for (const row of check.rows) {
          for (const column of DATABASE_CHECKS[id!].columns) expect(row, `${check.id} row lacks ${column}`).toHaveProperty(column);
          expect(
            Object.keys(row).filter((column) => !allowed.has(column)),
            `${check.id} rows hold columns its declaration lacks`,
          ).toEqual([]);
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
