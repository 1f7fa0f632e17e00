// A real deadlock between two sessions while the collector runs: pg_stat_database's delta and the analysis both show it.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { databaseFindings } from '../../../src/analysis/database.ts';
import { collectDatabase } from '../../../src/collectors/database/index.ts';
import { collectContext, connect, createScratchDatabase, databaseSpec, FIXTURE_SEED, sql, type Scratch } from '../../helpers/pg.ts';

let scratch: Scratch;

beforeAll(async () => {
  scratch = await createScratchDatabase('fracas_deadlock');
  await sql(scratch.url, readFileSync(FIXTURE_SEED, 'utf8'));
});

afterAll(async () => {
  await scratch?.drop();
});

const JOB_1 = '10000000-0000-4000-8000-00000000000a';
const JOB_2 = '10000000-0000-4000-8000-00000000000b';

/** Two sessions update two rows in opposite order; PostgreSQL kills one with 40P01. Returns the SQLSTATEs seen. */
async function deadlock(a: pg.Client, b: pg.Client): Promise<string[]> {
  for (const client of [a, b]) await client.query("SET deadlock_timeout = '100ms'");
  await a.query('BEGIN');
  await a.query(`UPDATE upload_pipeline.upload_jobs SET retry_count = retry_count + 1 WHERE job_id = '${JOB_1}'`);
  await b.query('BEGIN');
  await b.query(`UPDATE upload_pipeline.upload_jobs SET retry_count = retry_count + 1 WHERE job_id = '${JOB_2}'`);
  const results = await Promise.allSettled([
    a.query(`UPDATE upload_pipeline.upload_jobs SET retry_count = retry_count + 1 WHERE job_id = '${JOB_2}'`),
    b.query(`UPDATE upload_pipeline.upload_jobs SET retry_count = retry_count + 1 WHERE job_id = '${JOB_1}'`),
  ]);
  for (const client of [a, b]) await client.query('ROLLBACK');
  // Backends flush their statistics when they exit.
  await Promise.all([a.end(), b.end()]);
  return results.flatMap((result) => (result.status === 'rejected' ? [String((result.reason as { code?: string }).code)] : []));
}

describe('a deadlock during collection', () => {
  it('shows in the database-counters delta and as a deadlock finding', async () => {
    const a = await connect(scratch.url, 'deadlock-a');
    const b = await connect(scratch.url, 'deadlock-b');
    let provoked: Promise<string[]> | undefined;
    const context = {
      ...collectContext(),
      progress: (message: string) => {
        // The first counters snapshot is taken before the first check runs.
        if (!provoked && message.endsWith(': stuck-jobs')) provoked = deadlock(a, b);
      },
    };
    const output = await collectDatabase(databaseSpec({ url: scratch.url, countersDelayMs: 4_000 }), context);
    expect(await provoked).toEqual(['40P01']);
    const counters = output.evidence.checks.find((check) => check.id === 'database-counters')!;
    expect(counters.rows.map((row) => row.snapshot)).toEqual(['before', 'after', 'delta']);
    expect(Number(counters.rows[2]!.deadlocks)).toBeGreaterThanOrEqual(1);
    expect(Number(counters.rows[2]!.xact_rollback)).toBeGreaterThanOrEqual(1);
    const finding = databaseFindings('db', output.evidence).find((item) => item.signal === 'deadlock');
    expect(finding).toMatchObject({ id: 'db-deadlocks-during-collection', severity: 'high' });
    expect(finding!.refs[0]).toMatchObject({ kind: 'query-row', source: 'db', check: 'database-counters', row: 2 });
  });
});
