// Custom queries that would act (COPY TO PROGRAM, large objects, server files, signals, stats resets, dblink, postgres_fdw, NOTIFY, advisory locks, set_config) are refused on the real PostgreSQL 15 and change nothing; privileged roles need the manifest's consent; sessions start clean; PGlite statements have a wall-clock limit.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectDatabase } from '../../../src/collectors/database/index.ts';
import { checkCustomQuery } from '../../../src/collectors/database/query-guard.ts';
import { openPgSession } from '../../../src/collectors/database/session.ts';
import type { CollectorOutput } from '../../../src/collectors/types.ts';
import type { QueryCheck } from '../../../src/evidence/schema.ts';
import {
  collectContext,
  connect,
  createRole,
  createScratchDatabase,
  databaseSpec,
  FIXTURE_AS_OF,
  FIXTURE_SEED,
  sql,
  TEST_PG_URL,
  uniqueName,
  withUrl,
  type Role,
  type Scratch,
} from '../../helpers/pg.ts';

let scratch: Scratch;
let signaller: Role;
let plain: Role;

const checkOf = (output: CollectorOutput<'database'>, id: string): QueryCheck => {
  const found = output.evidence.checks.find((check) => check.id === id);
  if (!found) throw new Error(`no check ${id} (have ${output.evidence.checks.map((check) => check.id).join(', ')})`);
  return found;
};

beforeAll(async () => {
  scratch = await createScratchDatabase('fracas_guard');
  const admin = new URL(TEST_PG_URL);
  await sql(
    scratch.url,
    `CREATE TABLE public.ledger (id int PRIMARY KEY, note text);
     INSERT INTO public.ledger SELECT g, 'row ' || g FROM generate_series(1, 5) AS g;
     CREATE EXTENSION dblink;
     CREATE EXTENSION postgres_fdw;
     CREATE SERVER self_server FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '${admin.hostname}', port '${admin.port || 5432}', dbname '${scratch.name}');
     CREATE USER MAPPING FOR PUBLIC SERVER self_server OPTIONS (user '${decodeURIComponent(admin.username)}', password '${decodeURIComponent(admin.password)}');
     CREATE FOREIGN TABLE public.remote_ledger (id int, note text) SERVER self_server OPTIONS (table_name 'ledger');
     CREATE FUNCTION public.wipe_ledger() RETURNS int LANGUAGE sql AS 'SELECT count(*)::int FROM public.ledger';`,
  );
  signaller = await createRole('fracas_sig', ['pg_signal_backend']);
  plain = await createRole('fracas_plain', []);
  await sql(scratch.url, `GRANT SELECT ON public.ledger TO ${plain.name}, ${signaller.name}`);
}, 60_000);

afterAll(async () => {
  await scratch?.drop();
  await signaller?.drop();
  await plain?.drop();
});

describe('the parser check', () => {
  it.each([
    ["COPY (SELECT 1) TO PROGRAM 'id'", /COPY is not a SELECT/],
    ["SELECT lo_import('/etc/hostname')", /lo_import\(\)/],
    ["SELECT pg_catalog.lo_export(16384, '/tmp/x')", /lo_export\(\)/],
    ["SELECT pg_read_file('/etc/hostname')", /pg_read_file\(\)/],
    ["SELECT * FROM pg_ls_dir('.')", /pg_ls_dir\(\)/],
    ['SELECT pg_stat_reset()', /pg_stat_reset\(\)/],
    ["SELECT pg_stat_reset_shared('bgwriter')", /pg_stat_reset_shared\(\)/],
    ['CHECKPOINT', /CHECKPOINT is not a SELECT/],
    ['SELECT pg_terminate_backend(pid) FROM pg_stat_activity', /pg_terminate_backend\(\)/],
    ['SELECT pg_cancel_backend(1)', /pg_cancel_backend\(\)/],
    ["SELECT dblink_exec('dbname=x', 'DELETE FROM t')", /dblink_exec\(\)/],
    ["SELECT * FROM dblink('dbname=x', 'SELECT 1') AS t(a int)", /dblink\(\)/],
    ["SELECT pg_notify('jobs', 'x')", /pg_notify\(\)/],
    ['NOTIFY jobs', /NOTIFY is not a SELECT/],
    ['LISTEN jobs', /LISTEN is not a SELECT/],
    ['SELECT pg_advisory_lock(42)', /pg_advisory_lock\(\)/],
    ['SELECT pg_try_advisory_xact_lock(42)', /pg_try_advisory_xact_lock\(\)/],
    ["SELECT set_config('search_path', 'evil', false)", /set_config\(\)/],
    ["SET search_path = 'evil'", /SET is not a SELECT/],
    ["SELECT query_to_xml('SELECT 1', true, false, '')", /query_to_xml\(\)/],
    ['SELECT * FROM public.ledger FOR UPDATE', /FOR UPDATE/],
    ['SELECT * INTO public.copy_of FROM public.ledger', /SELECT INTO/],
    ['WITH gone AS (DELETE FROM public.ledger RETURNING *) SELECT count(*) FROM gone', /DELETE/],
    ['EXPLAIN ANALYZE SELECT 1', /EXPLAIN ANALYZE/],
    ['SELECT 1; SELECT 2', /exactly one statement/],
    ['SELEC 1', /parser rejects/],
    ['SELECT public.wipe_ledger()', /public\.wipe_ledger\(\), a function outside pg_catalog/],
  ])('refuses %s, naming the call', async (query, reason) => {
    const verdict = await checkCustomQuery(query);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.reason).toMatch(reason);
  });

  it.each([
    "SELECT count(*), max(id), now() - interval '1 hour' FROM public.ledger",
    "WITH recent AS (SELECT id FROM public.ledger WHERE note LIKE 'row%') SELECT date_trunc('hour', now()), count(*) FROM recent",
    'EXPLAIN SELECT * FROM public.ledger',
    "SELECT pg_catalog.current_setting('server_version')",
  ])('accepts the read-only query %s', async (query) => {
    expect((await checkCustomQuery(query)).ok).toBe(true);
  });
});

describe('on the real server, as a superuser that allows custom queries', () => {
  let output: CollectorOutput<'database'>;
  let victim: pg.Client;
  let listener: pg.Client;
  const received: string[] = [];
  const marker = path.join(os.tmpdir(), uniqueName('fracas-copy-program'));
  const exported = path.join(os.tmpdir(), uniqueName('fracas-lo-export'));
  let statsResetBefore: string;
  let largeObjectsBefore: number;

  beforeAll(async () => {
    victim = await connect(scratch.url, 'fracas-victim');
    listener = await connect(scratch.url, 'fracas-listener');
    listener.on('notification', (note) => received.push(note.payload ?? ''));
    await listener.query('LISTEN jobs');
    const pid = (await victim.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
    statsResetBefore = String((await sql(scratch.url, "SELECT coalesce(stats_reset::text, '') AS r FROM pg_stat_database WHERE datname = current_database()")).rows[0].r);
    largeObjectsBefore = (await sql(scratch.url, 'SELECT count(*)::int AS n FROM pg_largeobject_metadata')).rows[0].n as number;
    const dsn = `host=${new URL(TEST_PG_URL).hostname} dbname=${scratch.name} user=${decodeURIComponent(new URL(TEST_PG_URL).username)} password=${decodeURIComponent(new URL(TEST_PG_URL).password)}`;
    const queries: Array<[string, string]> = [
      ['copy-program', `COPY (SELECT 1) TO PROGRAM 'touch ${marker}'`],
      ['lo-import', "SELECT lo_import('/etc/hostname')"],
      ['lo-export', `SELECT lo_export(oid, '${exported}') FROM pg_largeobject_metadata`],
      ['read-file', "SELECT pg_read_file('/etc/hostname')"],
      ['stats-reset', 'SELECT pg_stat_reset()'],
      ['checkpoint', 'CHECKPOINT'],
      ['terminate', `SELECT pg_terminate_backend(${pid})`],
      ['cancel', `SELECT pg_cancel_backend(${pid})`],
      ['dblink-delete', `SELECT dblink_exec('${dsn}', 'DELETE FROM public.ledger')`],
      ['fdw-read', 'SELECT count(*) FROM remote_ledger'],
      ['notify-function', "SELECT pg_notify('jobs', 'from-pg-notify')"],
      ['notify', "NOTIFY jobs, 'from-notify'"],
      ['advisory', 'SELECT pg_advisory_lock(4242)'],
      ['search-path', "SELECT set_config('search_path', 'pg_temp', false)"],
      ['user-function', 'SELECT wipe_ledger()'],
      ['ledger-count', "SELECT count(*)::int AS n, current_setting('search_path') AS search_path FROM public.ledger"],
    ];
    output = await collectDatabase(
      databaseSpec({ url: scratch.url, countersDelayMs: 0, allowPrivilegedQueries: true, queries: queries.map(([id, query]) => ({ id, title: id, sql: query })) }),
      collectContext(),
    );
    await sql(scratch.url, "NOTIFY jobs, 'sentinel'");
    const deadline = Date.now() + 10_000;
    while (!received.includes('sentinel') && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
  }, 60_000);

  afterAll(async () => {
    await victim?.end().catch(() => undefined);
    await listener?.end().catch(() => undefined);
  });

  it.each([
    ['copy-program', /COPY/],
    ['lo-import', /lo_import/],
    ['lo-export', /lo_export/],
    ['read-file', /pg_read_file/],
    ['stats-reset', /pg_stat_reset/],
    ['checkpoint', /CHECKPOINT/],
    ['terminate', /pg_terminate_backend/],
    ['cancel', /pg_cancel_backend/],
    ['dblink-delete', /dblink_exec/],
    ['fdw-read', /remote_ledger, a foreign table/],
    ['notify-function', /pg_notify/],
    ['notify', /NOTIFY/],
    ['advisory', /pg_advisory_lock/],
    ['search-path', /set_config/],
    ['user-function', /public\.wipe_ledger\(\), a function outside pg_catalog/],
  ])('%s is refused, naming the call', (id, call) => {
    const check = checkOf(output, id);
    expect(check.status).toBe('failed');
    expect(check.rows).toEqual([]);
    expect(check.note).toMatch(/^refused: /);
    expect(check.note).toMatch(call);
  });

  it('changed nothing: no program ran, no file was written or imported, stats, rows, sessions, locks and listeners untouched', async () => {
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(exported)).toBe(false);
    expect((await sql(scratch.url, 'SELECT count(*)::int AS n FROM pg_largeobject_metadata')).rows[0].n).toBe(largeObjectsBefore);
    expect(String((await sql(scratch.url, "SELECT coalesce(stats_reset::text, '') AS r FROM pg_stat_database WHERE datname = current_database()")).rows[0].r)).toBe(statsResetBefore);
    expect((await victim.query('SELECT 1 AS alive')).rows[0].alive).toBe(1);
    expect((await sql(scratch.url, 'SELECT count(*)::int AS n FROM public.ledger')).rows[0].n).toBe(5);
    expect((await sql(scratch.url, "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'")).rows[0].n).toBe(0);
    expect(received).toEqual(['sentinel']);
  });

  it('runs the read-only query, says the role is privileged and that the manifest allowed it', () => {
    const check = checkOf(output, 'ledger-count');
    expect(check.status).toBe('ok');
    expect(check.rows[0]).toMatchObject({ n: 5 });
    expect(check.note).toMatch(/superuser.*allowPrivilegedQueries/);
    expect((output.warnings ?? []).join('\n')).toMatch(/custom queries ran as role .* \(superuser/);
    expect(output.evidence.extras).toMatchObject({ customQueries: 'ran-with-privileged-role' });
  });
});

describe('privileged roles without the manifest saying so', () => {
  const queries = [{ id: 'ledger-count', title: 'rows', sql: 'SELECT count(*)::int AS n FROM public.ledger' }];

  it('a superuser: custom queries are not run and the report says why', async () => {
    const output = await collectDatabase(databaseSpec({ url: scratch.url, countersDelayMs: 0, queries }), collectContext());
    const check = checkOf(output, 'ledger-count');
    expect(check).toMatchObject({ status: 'failed', rows: [] });
    expect(check.note).toMatch(/not run: role .* is superuser.*allowPrivilegedQueries: true/);
    expect((output.warnings ?? []).join('\n')).toMatch(/custom queries not run/);
    expect(output.evidence.extras).toMatchObject({ customQueries: 'not-run-privileged-role' });
  }, 30_000);

  it('a member of pg_signal_backend: not run either', async () => {
    const url = withUrl(scratch.url, { user: signaller.name, password: signaller.password });
    const output = await collectDatabase(databaseSpec({ url, countersDelayMs: 0, queries }), collectContext());
    expect(checkOf(output, 'ledger-count').note).toMatch(/a member of pg_signal_backend/);
    expect(output.evidence.extras).toMatchObject({ privileges: ['a member of pg_signal_backend'] });
  }, 30_000);

  it('an ordinary role runs them', async () => {
    const url = withUrl(scratch.url, { user: plain.name, password: plain.password });
    const output = await collectDatabase(databaseSpec({ url, countersDelayMs: 0, queries }), collectContext());
    expect(checkOf(output, 'ledger-count')).toMatchObject({ status: 'ok', rows: [{ n: 5 }] });
    expect(output.evidence.extras).toMatchObject({ customQueries: 'ran', privileges: [] });
  }, 30_000);
});

describe('clean sessions', () => {
  it('DISCARD ALL between custom queries drops settings and advisory locks a statement left behind', async () => {
    const session = await openPgSession({ connectionString: scratch.url, application_name: 'fracas-reset-test' }, { statementTimeoutMs: 5_000, lockTimeoutMs: 1_000 });
    try {
      await session.readOnly("SELECT set_config('search_path', 'pg_temp', false), set_config('application_name', 'leaked', false), pg_advisory_lock(777)");
      expect((await session.readOnly("SELECT current_setting('search_path') AS p")).rows[0]?.p).toBe('pg_temp');
      await session.reset();
      const after = (await session.readOnly("SELECT current_setting('search_path') AS p, current_setting('application_name') AS a")).rows[0];
      expect(after?.p).toBe('"$user", public');
      expect(after?.a).toBe('fracas-reset-test');
      expect((await sql(scratch.url, "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'")).rows[0].n).toBe(0);
    } finally {
      await session.close();
    }
  });
});

describe('wall-clock limits', () => {
  it('PGlite: a statement that never ends is abandoned, the rest of the evidence is kept', async () => {
    const started = Date.now();
    const output = await collectDatabase(
      databaseSpec({ seed: [FIXTURE_SEED], asOf: FIXTURE_AS_OF, statementTimeoutMs: 1_000, queries: [{ id: 'sleep', title: 'sleeps', sql: 'SELECT pg_sleep(1000)' }] }),
      collectContext(),
    );
    expect(Date.now() - started).toBeLessThan(60_000);
    const check = checkOf(output, 'sleep');
    expect(check.status).toBe('failed');
    expect(check.note).toMatch(/abandoned: no answer within 3000 ms/);
    expect(checkOf(output, 'stuck-jobs').status).toBe('ok');
    expect(output.status).toBe('partial');
  }, 90_000);
});
