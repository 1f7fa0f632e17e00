// A throwaway PostgreSQL 15 cluster (small max_connections, pg_stat_statements, log_lock_waits): connection exhaustion,
// every incident condition provoked for real, and its server log classified into events and findings.
import pg from 'pg';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseFindings } from '../../../src/analysis/database.ts';
import { pgLogFindings } from '../../../src/analysis/pg-log-events.ts';
import { classifyPgLog, summarizePgLogEvents, type PgLogEvent } from '../../../src/lib/pg-log-events.ts';
import { collectDatabase } from '../../../src/collectors/database/index.ts';
import { parsePostgresLog } from '../../../src/collectors/logs/postgres.ts';
import { SourceFailure } from '../../../src/collectors/types.ts';
import { collectContext, connect, databaseSpec, FIXTURE_SEED, sql, startCluster, waitFor, waitForLockWaiters, withUrl, type Cluster } from '../../helpers/pg.ts';

let cluster: Cluster;
let jobsUrl: string;
let appUrl: string;
const JOB = (n: string) => `10000000-0000-4000-8000-00000000000${n}`;
const MAX_CONNECTIONS = 8;
const RESERVED = 2;

beforeAll(async () => {
  cluster = await startCluster({
    max_connections: MAX_CONNECTIONS,
    superuser_reserved_connections: RESERVED,
    shared_preload_libraries: 'pg_stat_statements',
  });
  await sql(cluster.url, 'CREATE DATABASE jobs');
  await sql(cluster.url, "CREATE ROLE app LOGIN PASSWORD 'app-secret'");
  jobsUrl = withUrl(cluster.url, { database: 'jobs' });
  appUrl = withUrl(jobsUrl, { user: 'app', password: 'app-secret' });
  await sql(jobsUrl, readFileSync(FIXTURE_SEED, 'utf8'));
  await sql(jobsUrl, 'CREATE EXTENSION pg_stat_statements; GRANT USAGE ON SCHEMA upload_pipeline TO app; GRANT SELECT, UPDATE, INSERT ON ALL TABLES IN SCHEMA upload_pipeline TO app');
}, 120_000);

afterAll(() => {
  cluster?.stop();
});

async function expectError(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code;
  }
  throw new Error('expected the statement to fail');
}

describe('incident conditions provoked on a cluster of our own', () => {
  it('deadlock, lock wait and lock timeout, NOWAIT, statement timeout, idle-in-transaction timeout, CHECK violation, client EOF, bad password', async () => {
    // Deadlock: two app sessions update two rows in opposite order.
    const a = await connect(appUrl, 'dl-a');
    const b = await connect(appUrl, 'dl-b');
    await a.query('BEGIN');
    await a.query(`UPDATE upload_pipeline.upload_jobs SET retry_count = 1 WHERE job_id = '${JOB('a')}'`);
    await b.query('BEGIN');
    await b.query(`UPDATE upload_pipeline.upload_jobs SET retry_count = 1 WHERE job_id = '${JOB('b')}'`);
    const crossed = await Promise.allSettled([
      a.query(`UPDATE upload_pipeline.upload_jobs SET retry_count = 2 WHERE job_id = '${JOB('b')}'`),
      b.query(`UPDATE upload_pipeline.upload_jobs SET retry_count = 2 WHERE job_id = '${JOB('a')}'`),
    ]);
    expect(crossed.filter((result) => result.status === 'rejected').map((result) => (result as PromiseRejectedResult).reason.code)).toEqual(['40P01']);
    await a.query('ROLLBACK');
    await b.query('ROLLBACK');

    // Lock wait longer than deadlock_timeout, then lock_timeout; NOWAIT on the same row.
    await a.query('BEGIN');
    await a.query(`UPDATE upload_pipeline.upload_jobs SET retry_count = 3 WHERE job_id = '${JOB('c')}'`);
    await b.query("SET lock_timeout = '600ms'");
    expect(await expectError(b.query(`UPDATE upload_pipeline.upload_jobs SET state = 'done' WHERE job_id = '${JOB('c')}'`))).toBe('55P03');
    expect(await expectError(b.query(`SELECT job_id FROM upload_pipeline.upload_jobs WHERE job_id = '${JOB('c')}' FOR UPDATE NOWAIT`))).toBe('55P03');
    await a.query('ROLLBACK');

    // Statement timeout.
    await b.query("SET statement_timeout = '200ms'");
    expect(await expectError(b.query('SELECT pg_sleep(2)'))).toBe('57014');
    await b.query('RESET statement_timeout');

    // CHECK violation: the application writes a status the constraint does not allow.
    const violation = await b
      .query(`UPDATE upload_pipeline.upload_jobs SET status = 'parse_failed' WHERE job_id = '${JOB('1')}'`)
      .catch((error: unknown) => error as { code?: string; constraint?: string });
    expect(violation).toMatchObject({ code: '23514', constraint: 'upload_jobs_status_check' });
    await Promise.all([a.end(), b.end()]);

    // Idle in transaction past idle_in_transaction_session_timeout.
    const idle = await connect(appUrl, 'idle-victim');
    await idle.query("SET idle_in_transaction_session_timeout = '300ms'");
    await idle.query('BEGIN');
    await idle.query(`UPDATE upload_pipeline.upload_jobs SET retry_count = 4 WHERE job_id = '${JOB('4')}'`);
    await waitFor('the idle-in-transaction timeout to end the session', async () => cluster.log().includes('idle-in-transaction timeout'));
    await idle.end().catch(() => undefined);

    // A client that vanishes with an open transaction.
    const vanishing = new pg.Client({ connectionString: appUrl, application_name: 'vanishing' });
    vanishing.on('error', () => undefined);
    await vanishing.connect();
    await vanishing.query('BEGIN');
    await vanishing.query('SELECT 1');
    (vanishing as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    await waitFor('the server to log the abandoned transaction', async () => cluster.log().includes('unexpected EOF on client connection with an open transaction'));

    // A wrong password.
    expect(await expectError(sql(withUrl(appUrl, { password: 'wrong' }), 'SELECT 1'))).toBe('28P01');
  });

  it('connection exhaustion: the app role is refused (53300), a superuser still sees the full slots', async () => {
    const hogs: pg.Client[] = [];
    try {
      for (let index = 0; index < MAX_CONNECTIONS - RESERVED; index++) hogs.push(await connect(appUrl, `hog-${index}`));
      // The collector as the application role cannot get a slot: a SourceFailure, not a crash.
      let failure: unknown;
      try {
        await collectDatabase(databaseSpec({ url: appUrl, countersDelayMs: 0 }), collectContext());
      } catch (error) {
        failure = error;
      }
      expect(failure).toBeInstanceOf(SourceFailure);
      expect((failure as SourceFailure).code).toBe('53300');
      expect((failure as SourceFailure).hint).toMatch(/connection exhaustion/);

      // A superuser uses a reserved slot and sees no headroom left.
      const output = await collectDatabase(databaseSpec({ url: jobsUrl, countersDelayMs: 0 }), collectContext());
      const headroom = output.evidence.checks.find((check) => check.id === 'connection-headroom')!;
      expect(headroom.rows[0]).toMatchObject({ max_connections: MAX_CONNECTIONS, superuser_reserved: RESERVED, available_to_ordinary_roles: MAX_CONNECTIONS - RESERVED });
      expect(Number(headroom.rows[0]!.free_ordinary_slots)).toBeLessThanOrEqual(0);
      const exhaustion = databaseFindings('db', output.evidence).find((finding) => finding.signal === 'pool-exhaustion');
      expect(exhaustion).toMatchObject({ severity: 'critical' });
      expect(exhaustion!.refs[0]).toMatchObject({ kind: 'query-row', check: 'connection-headroom', row: 0 });
      // pg_stat_statements is preloaded here, so top-statements is complete.
      const top = output.evidence.checks.find((check) => check.id === 'top-statements')!;
      expect(top.status).toBe('ok');
      expect(top.rows.length).toBeGreaterThan(0);

      // Fill the reserved slots too: now even a superuser gets "sorry, too many clients already".
      // (retry while the collector's own backend is still exiting)
      for (let index = 0; index < RESERVED; index++) {
        await waitFor(`superuser slot ${index}`, async () => {
          try {
            hogs.push(await connect(jobsUrl, `su-hog-${index}`));
            return true;
          } catch {
            return false;
          }
        });
      }
      expect(await expectError(sql(jobsUrl, 'SELECT 1'))).toBe('53300');
    } finally {
      await Promise.all(hogs.map((hog) => hog.end()));
    }
  });

  it('the server log yields each event with its SQLSTATE, constraint and the value written', async () => {
    await waitFor('the refusals to reach the log', async () => cluster.log().includes('too many clients'));
    const records = parsePostgresLog(cluster.log(), { prefix: cluster.prefix, file: 'server.log' });
    const events = classifyPgLog(records);
    const counts = Object.fromEntries(summarizePgLogEvents(events).map((summary) => [summary.kind, summary.count]));
    expect(counts).toMatchObject({ deadlock: 1, 'lock-timeout': 1, 'lock-nowait': 1, 'statement-timeout': 1, 'idle-in-transaction-timeout': 1, 'unexpected-eof-open-transaction': 1 });
    expect(counts['lock-wait']).toBeGreaterThanOrEqual(1);
    expect(counts['connection-slots-reserved']).toBeGreaterThanOrEqual(1);
    expect(counts['too-many-clients']).toBeGreaterThanOrEqual(1);
    expect(counts['auth-failure']).toBeGreaterThanOrEqual(1);
    const violation = events.find((event) => event.kind === 'constraint-violation') as PgLogEvent;
    expect(violation).toMatchObject({ constraint: 'upload_jobs_status_check', constraintKind: 'check', sqlstate: '23514', relation: 'upload_jobs', user: 'app', database: 'jobs' });
    expect(violation.values).toEqual([{ column: 'status', value: 'parse_failed' }]);
    const deadlock = events.find((event) => event.kind === 'deadlock')!;
    expect(deadlock.otherPids?.length).toBe(1);
    const signals = new Set(pgLogFindings('pg-log', records).map((finding) => finding.signal));
    for (const signal of ['deadlock', 'lock-wait', 'lock-timeout', 'statement-timeout', 'idle-in-transaction', 'connection-refused', 'constraint-violation', 'auth-failure', 'network-error']) {
      expect(signals).toContain(signal);
    }
  });
});

describe('sslmode against a server without SSL', () => {
  it('prefer falls back to a plain connection; require fails with a hint', async () => {
    const preferred = await collectDatabase(databaseSpec({ url: `${jobsUrl}?sslmode=prefer`, countersDelayMs: 0 }), collectContext());
    expect(preferred.evidence.engine).toBe('postgres');
    let failure: unknown;
    try {
      await collectDatabase(databaseSpec({ url: `${jobsUrl}?sslmode=require` }), collectContext());
    } catch (error) {
      failure = error;
    }
    expect(failure).toMatchObject({ code: 'ssl-unsupported', hint: expect.stringMatching(/sslmode=disable/) });
  });
});

describe('waiting-locks on a pg_monitor role in the cluster', () => {
  it('sees another role blocking the job table', async () => {
    await sql(cluster.url, "CREATE ROLE watcher LOGIN PASSWORD 'watch' IN ROLE pg_monitor");
    const holder = await connect(appUrl, 'cluster-holder');
    const waiter = await connect(appUrl, 'cluster-waiter');
    try {
      await holder.query('BEGIN');
      await holder.query(`UPDATE upload_pipeline.upload_jobs SET retry_count = 9 WHERE job_id = '${JOB('5')}'`);
      const pending = waiter.query(`UPDATE upload_pipeline.upload_jobs SET retry_count = 10 WHERE job_id = '${JOB('5')}'`);
      await waitForLockWaiters(jobsUrl, 'cluster-waiter', 1);
      const output = await collectDatabase(databaseSpec({ url: withUrl(jobsUrl, { user: 'watcher', password: 'watch' }), countersDelayMs: 0 }), collectContext());
      const waiting = output.evidence.checks.find((check) => check.id === 'waiting-locks')!;
      expect(waiting.status).toBe('ok');
      expect(waiting.rows.some((row) => row.application_name === 'cluster-waiter')).toBe(true);
      expect(output.evidence.checks.find((check) => check.id === 'top-statements')!.status).toBe('ok');
      await holder.query('ROLLBACK');
      await pending;
    } finally {
      await holder.end();
      await waiter.end();
    }
  });
});
