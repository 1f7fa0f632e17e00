// runChecks on the real PostgreSQL 15: checks in one round trip give what each gives on its own; one that fails makes each run alone, with its own error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck, runChecks, type RunOptions } from '../../../src/collectors/database/run-check.ts';
import { openPgSession, type DbSession } from '../../../src/collectors/database/session.ts';
import type { CheckSql } from '../../../src/evidence/database-checks.ts';
import { createScratchDatabase, sql, type Scratch } from '../../helpers/pg.ts';

let scratch: Scratch;
let session: DbSession;
const options: RunOptions = { statementTimeoutMs: 5_000, lockTimeoutMs: 1_000, maxRows: 2, role: 'fracas' };

/** A declared check's shape around any SQL (runChecks does not read the declaration). */
const check = (id: string, text: string) => ({ check: 'settings', id, title: id, sql: text }) as unknown as CheckSql<'settings'>;

beforeAll(async () => {
  scratch = await createScratchDatabase('fracas_batch');
  await sql(scratch.url, 'CREATE TABLE jobs (id int PRIMARY KEY, state text); INSERT INTO jobs SELECT n, CASE WHEN n % 2 = 0 THEN $$done$$ ELSE $$queued$$ END FROM generate_series(1, 5) AS n');
  session = await openPgSession({ connectionString: scratch.url }, options);
}, 30_000);

afterAll(async () => {
  await session?.close();
  await scratch?.drop();
});

describe('runChecks', () => {
  const list = [
    check('states', 'SELECT state, count(*)::int AS n FROM jobs GROUP BY state ORDER BY state'),
    check('rows', 'SELECT id FROM jobs ORDER BY id;'),
    check('read-only', "SELECT current_setting('transaction_read_only') AS read_only, current_setting('TimeZone') AS zone"),
  ];

  it('gives every check what it gives on its own, rows capped and truncation marked', async () => {
    const batched = await runChecks(session, list, options);
    const alone = [];
    for (const item of list) alone.push(await runCheck(session, item, options));
    expect(batched).toEqual(alone);
    expect(batched[1]).toMatchObject({ status: 'ok', rowCount: 2, truncated: true });
    expect(batched[2]?.rows).toEqual([{ read_only: 'on', zone: 'UTC' }]);
  });

  it('sends the batch as one READ ONLY transaction', async () => {
    const results = await session.readOnlyBatch!(["SELECT now()::text AS at, current_setting('transaction_read_only') AS read_only", 'SELECT pg_sleep(0.01)', 'SELECT now()::text AS at']);
    expect(results).toHaveLength(3);
    expect(results[0]?.rows[0]?.read_only).toBe('on');
    expect(results[2]?.rows[0]?.at).toBe(results[0]?.rows[0]?.at);
    await expect(session.readOnlyBatch!(['SELECT 1', 'SELECT nope'])).rejects.toThrow(/nope/);
  });

  it('runs each check alone when one fails, so the others are answered and the failing one has its own error', async () => {
    const failing = [list[0]!, check('missing', 'SELECT nope FROM jobs'), check('writes', "INSERT INTO jobs VALUES (99, 'x') RETURNING id"), list[1]!];
    const results = await runChecks(session, failing, options);
    expect(results.map((result) => [result.id, result.status])).toEqual([
      ['states', 'ok'],
      ['missing', 'failed'],
      ['writes', 'failed'],
      ['rows', 'ok'],
    ]);
    expect(results[1]?.note).toContain('a column does not exist');
    expect(results[2]?.note).toContain('READ ONLY');
    expect((await sql(scratch.url, 'SELECT count(*)::int AS n FROM jobs')).rows[0].n).toBe(5);
  });
});
