// Job, schema and custom-query checks on the real PostgreSQL 15: results, read-only refusal, timeouts, privileges, connection failures.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { collectDatabase } from '../../../src/collectors/database/index.ts';
import { normaliseError, normaliseSql } from '../../../src/collectors/database/job-checks.ts';
import { SourceFailure, type CollectorOutput } from '../../../src/collectors/types.ts';
import type { QueryCheck } from '../../../src/evidence/schema.ts';
import { valuesRejectedByConstraints } from '../../../src/analysis/database.ts';
import { collectContext, connect, createRole, createScratchDatabase, databaseSpec, FIXTURE_AS_OF, FIXTURE_SEED, sql, waitForLockWaiters, withUrl, type Role, type Scratch } from '../../helpers/pg.ts';

let scratch: Scratch;
let monitor: Role;
let plain: Role;
let full: CollectorOutput<'database'>;

const checkOf = (output: CollectorOutput<'database'>, id: string): QueryCheck => {
  const found = output.evidence.checks.find((check) => check.id === id);
  if (!found) throw new Error(`no check ${id} (have ${output.evidence.checks.map((check) => check.id).join(', ')})`);
  return found;
};

async function failureOf(promise: Promise<unknown>): Promise<SourceFailure> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SourceFailure) return error;
    throw error;
  }
  throw new Error('expected a SourceFailure');
}

beforeAll(async () => {
  scratch = await createScratchDatabase('fracas_jobs');
  await sql(scratch.url, readFileSync(FIXTURE_SEED, 'utf8'));
  await sql(
    scratch.url,
    `CREATE TYPE public.task_state AS ENUM ('new', 'running', 'finished');
     CREATE TABLE public.tasks (id bigint PRIMARY KEY, phase public.task_state NOT NULL, err text, touched timestamptz NOT NULL);
     INSERT INTO public.tasks VALUES (1, 'running', 'Timeout after 30 s on host 10.0.0.1', '2026-11-20 09:00+00'),
                                     (2, 'running', 'Timeout after 12 s on host 10.0.0.2', '2026-11-20 11:59+00'),
                                     (3, 'finished', NULL, '2026-11-20 08:00+00');`,
  );
  monitor = await createRole('fracas_mon', ['pg_monitor']);
  plain = await createRole('fracas_plain', []);
  await sql(scratch.url, `GRANT USAGE ON SCHEMA upload_pipeline TO ${plain.name}; GRANT SELECT ON ALL TABLES IN SCHEMA upload_pipeline TO ${plain.name}`);
  full = await collectDatabase(databaseSpec({ url: scratch.url, asOf: FIXTURE_AS_OF, countersDelayMs: 100 }), collectContext());
});

afterAll(async () => {
  await scratch?.drop();
  await monitor?.drop();
  await plain?.drop();
});

describe('job checks on PostgreSQL 15', () => {
  it('finds the stuck jobs and groups recent errors as of asOf', () => {
    expect(full.evidence.engine).toBe('postgres');
    expect(full.evidence.serverVersion).toMatch(/^15\./);
    expect(checkOf(full, 'stuck-jobs').rows.map((row) => row.job_id)).toEqual(['10000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000003']);
    const errors = checkOf(full, 'recent-errors').rows;
    expect(errors[0]).toMatchObject({ normalized_error: 'webhook timeout after <n>s for job <uuid>', occurrences: 3, jobs: 3 });
    expect(errors.map((row) => row.normalized_error)).toContain('deadlock detected');
    const retries = checkOf(full, 'retry-counts').rows.find((row) => row.retries === 5);
    expect(retries).toMatchObject({ jobs: 2 });
  });

  it('collects schema evidence: constraints with allowed values, foreign keys and indexes', () => {
    const status = full.evidence.constraints.find((constraint) => constraint.name === 'upload_jobs_status_check');
    expect(status).toMatchObject({ column: 'status', table: 'upload_pipeline.upload_jobs' });
    expect(status?.allowedValues).toContain('parsed');
    expect(checkOf(full, 'foreign-keys').rows[0]).toMatchObject({ referenced_table: 'upload_pipeline.documents', referencing_columns_indexed: false });
    expect(checkOf(full, 'indexes').rows.map((row) => row.index)).toContain('upload_pipeline.upload_jobs_state_updated_idx');
  });

  it('matches a real CHECK violation to the parsed constraint', async () => {
    const client = await connect(scratch.url, 'check-violation');
    let error: (Error & { code?: string; constraint?: string }) | undefined;
    try {
      await client.query(`UPDATE upload_pipeline.upload_jobs SET status = 'parse_failed' WHERE job_id = '10000000-0000-4000-8000-000000000001'`);
    } catch (caught) {
      error = caught as typeof error;
    } finally {
      await client.end();
    }
    expect(error?.code).toBe('23514');
    expect(error?.constraint).toBe('upload_jobs_status_check');
    const rejected = valuesRejectedByConstraints(full.evidence.constraints, [
      { column: 'status', value: 'parse_failed' },
      { column: 'status', value: 'parsed' },
    ]);
    expect(rejected).toEqual([expect.objectContaining({ value: 'parse_failed', constraint: error?.constraint })]);
  });

  it('runs on any job table: enum state, text errors, no status or retry column', async () => {
    const output = await collectDatabase(
      databaseSpec({
        url: scratch.url,
        asOf: FIXTURE_AS_OF,
        countersDelayMs: 0,
        jobs: {
          table: 'public.tasks',
          idColumn: 'id',
          stateColumn: 'phase',
          errorColumn: 'err',
          updatedColumn: 'touched',
          createdColumn: 'touched',
          inFlightStates: ['running'],
          stuckAfterMinutes: 30,
        },
      }),
      collectContext(),
    );
    expect(checkOf(output, 'stuck-jobs').rows.map((row) => row.id)).toEqual([1]);
    expect(checkOf(output, 'recent-errors').rows[0]).toMatchObject({ normalized_error: 'Timeout after <n> s on host <ip>', occurrences: 2 });
    expect(checkOf(output, 'retry-counts')).toMatchObject({ status: 'limited' });
    expect(output.evidence.constraints.find((constraint) => constraint.column === 'phase')?.allowedValues).toEqual(['new', 'running', 'finished']);
    // Columns the manifest leaves out are recognised, not assumed: no status or retry column here, and no warning about one.
    expect(checkOf(output, 'retry-counts').note).toMatch(/no retry column: none recognised/);
    expect((output.warnings ?? []).join(' ')).not.toMatch(/has no column/);
  });

  it('fails the job checks, not the source, when the table does not exist', async () => {
    const output = await collectDatabase(databaseSpec({ url: scratch.url, countersDelayMs: 0, jobs: { table: 'nowhere.jobs' } }), collectContext());
    expect(output.status).toBe('partial');
    expect(checkOf(output, 'stuck-jobs')).toMatchObject({ status: 'failed' });
    expect(checkOf(output, 'stuck-jobs').note).toMatch(/nowhere\.jobs not found/);
    expect(checkOf(output, 'connection-headroom').status).toBe('ok');
  });
});

describe('error normalisation', () => {
  it('gives the same text in SQL (PostgreSQL regex) as in TypeScript', async () => {
    const samples = [
      "webhook timeout after 30s for job 10000000-0000-4000-8000-000000000002 at 10.0.0.12 (id 'abc') 0xdeadbeef",
      '(psycopg2.errors.CheckViolation) new row for relation "upload_jobs" violates check constraint "x"',
      'ERROR: canceling statement due to lock timeout (SQLSTATE 55P03) abc123 http2 took 1.5 ms',
    ];
    for (const sample of samples) {
      const result = await sql(scratch.url, `SELECT ${normaliseSql('$1::text')} AS normalized`, [sample]);
      expect(result.rows[0].normalized).toBe(normaliseError(sample));
    }
  });
});

describe('custom queries and timeouts', () => {
  it('refuses writes and multi-statement tricks, changing nothing', async () => {
    const output = await collectDatabase(
      databaseSpec({
        url: scratch.url,
        countersDelayMs: 0,
        allowPrivilegedQueries: true,
        queries: [
          { id: 'delete-all', title: 'write', sql: 'DELETE FROM upload_pipeline.upload_jobs' },
          { id: 'escape', title: 'end the transaction then write', sql: 'COMMIT; DELETE FROM upload_pipeline.upload_jobs' },
          { id: 'function-write', title: 'write in a DO block', sql: "DO $$ BEGIN UPDATE upload_pipeline.upload_jobs SET state = 'done'; END $$" },
        ],
      }),
      collectContext(),
    );
    expect(checkOf(output, 'delete-all')).toMatchObject({ status: 'failed' });
    expect(checkOf(output, 'delete-all').note).toMatch(/refused: DELETE is not a SELECT/);
    expect(checkOf(output, 'escape').note).toMatch(/exactly one statement/);
    expect(checkOf(output, 'function-write').note).toMatch(/refused: DO is not a SELECT/);
    const count = await sql(scratch.url, `SELECT count(*)::int AS n, count(*) FILTER (WHERE state = 'working')::int AS working FROM upload_pipeline.upload_jobs`);
    expect(count.rows[0]).toEqual({ n: 12, working: 3 });
  });

  it('cancels a slow query with statement_timeout and reports it', async () => {
    const output = await collectDatabase(
      databaseSpec({ url: scratch.url, countersDelayMs: 0, statementTimeoutMs: 200, allowPrivilegedQueries: true, queries: [{ id: 'slow', title: 'slow', sql: 'SELECT pg_sleep(5)' }] }),
      collectContext(),
    );
    expect(checkOf(output, 'slow')).toMatchObject({ status: 'failed' });
    expect(checkOf(output, 'slow').note).toMatch(/statement_timeout after 200 ms.*57014/);
  });

  it('gives up on a table locked by a migration with lock_timeout', async () => {
    const holder = await connect(scratch.url, 'migration-holder');
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE upload_pipeline.upload_jobs IN ACCESS EXCLUSIVE MODE');
      const output = await collectDatabase(databaseSpec({ url: scratch.url, countersDelayMs: 0, lockTimeoutMs: 150 }), collectContext());
      expect(checkOf(output, 'stuck-jobs')).toMatchObject({ status: 'failed' });
      expect(checkOf(output, 'stuck-jobs').note).toMatch(/lock_timeout 150 ms.*55P03/);
      expect(output.status).toBe('partial');
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
  });
});

describe('roles without superuser', () => {
  it('pg_monitor without SELECT on the job table: job checks limited, health complete', async () => {
    const url = withUrl(scratch.url, { user: monitor.name, password: monitor.password });
    const output = await collectDatabase(databaseSpec({ url, countersDelayMs: 0 }), collectContext());
    expect(output.evidence.extras).toMatchObject({ superuser: false, readAllStats: true, monitor: true });
    expect(checkOf(output, 'stuck-jobs')).toMatchObject({ status: 'limited' });
    expect(checkOf(output, 'stuck-jobs').note).toMatch(/lacks a privilege.*42501/);
    expect(checkOf(output, 'check-constraints').status).toBe('ok');
    for (const id of ['connection-headroom', 'idle-in-transaction', 'blocking-chains', 'waiting-locks', 'settings']) expect(checkOf(output, id).status).toBe('ok');
  });

  it('a role without pg_monitor: activity checks limited with the reason', async () => {
    const holder = await connect(scratch.url, 'other-role-session');
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1');
      const url = withUrl(scratch.url, { user: plain.name, password: plain.password });
      const output = await collectDatabase(databaseSpec({ url, countersDelayMs: 0 }), collectContext());
      expect(checkOf(output, 'stuck-jobs').status).toBe('ok');
      const headroom = checkOf(output, 'connection-headroom');
      expect(headroom.status).toBe('limited');
      expect(headroom.note).toMatch(/pg_read_all_stats/);
      expect(Number(headroom.rows[0]?.hidden_sessions)).toBeGreaterThan(0);
      expect(checkOf(output, 'idle-in-transaction')).toMatchObject({ status: 'limited', rows: [] });
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
  });
});

describe('connection failures become SourceFailure', () => {
  it('ECONNREFUSED on a closed port, with a hint', async () => {
    const failure = await failureOf(collectDatabase(databaseSpec({ url: 'postgres://fracas:s3cret-pw@127.0.0.1:1/fracas_test' }), collectContext()));
    expect(failure.code).toBe('ECONNREFUSED');
    expect(failure.hint).toMatch(/127\.0\.0\.1:1/);
    expect(failure.message).not.toContain('s3cret-pw');
    expect(failure.message).toContain('***');
  });

  it('28P01 for a wrong password, without the password', async () => {
    const url = withUrl(scratch.url, { password: 'wrong-Pa55word' });
    const failure = await failureOf(collectDatabase(databaseSpec({ url }), collectContext()));
    expect(failure.code).toBe('28P01');
    expect(`${failure.message} ${failure.hint}`).not.toContain('wrong-Pa55word');
  });

  it('3D000 for a missing database', async () => {
    const failure = await failureOf(collectDatabase(databaseSpec({ url: withUrl(scratch.url, { database: 'no_such_db_fracas' }) }), collectContext()));
    expect(failure.code).toBe('3D000');
  });

  it('never puts the password in provenance', () => {
    expect(full.provenance.endpoint).toMatch(/^postgres:\/\/fracas:\*\*\*@/);
    expect(JSON.stringify(full)).not.toMatch(/fracas:fracas@/);
  });
});

describe('idle transaction blocking the job table', () => {
  it('is seen by the idle-in-transaction, blocking and lock checks', async () => {
    const holder = await connect(scratch.url, 'jobs-idle-holder');
    const waiters: pg.Client[] = [];
    const pending: Promise<unknown>[] = [];
    try {
      await holder.query('BEGIN');
      await holder.query(`UPDATE upload_pipeline.upload_jobs SET retry_count = retry_count + 1 WHERE job_id = '10000000-0000-4000-8000-000000000004'`);
      for (const name of ['jobs-waiter-1', 'jobs-waiter-2']) {
        const waiter = await connect(scratch.url, name);
        waiters.push(waiter);
        pending.push(waiter.query(`UPDATE upload_pipeline.upload_jobs SET state = 'done' WHERE job_id = '10000000-0000-4000-8000-000000000004'`).catch(() => undefined));
        await waitForLockWaiters(scratch.url, name, 1);
      }
      const output = await collectDatabase(databaseSpec({ url: scratch.url, countersDelayMs: 0 }), collectContext());
      const holderPid = (await sql(scratch.url, `SELECT pid FROM pg_stat_activity WHERE application_name = 'jobs-idle-holder'`)).rows[0].pid as number;
      const idle = checkOf(output, 'idle-in-transaction').rows.find((row) => row.pid === holderPid);
      expect(idle).toMatchObject({ state: 'idle in transaction', locked_tables: ['upload_pipeline.upload_jobs'] });
      expect(idle?.blocking_pids as number[]).toHaveLength(1);
      const chains = checkOf(output, 'blocking-chains').rows;
      expect(chains).toHaveLength(2);
      for (const row of chains) expect(row.root_blockers).toEqual([holderPid]);
      expect(chains.map((row) => row.depth).sort()).toEqual([1, 2]);
      expect(checkOf(output, 'waiting-locks').rows.length).toBeGreaterThanOrEqual(2);
      expect(checkOf(output, 'oldest-transactions').rows.map((row) => row.pid)).toContain(holderPid);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await Promise.all(pending);
      await holder.end();
      await Promise.all(waiters.map((waiter) => waiter.end()));
    }
  });
});
