// Test helpers for the real PostgreSQL 15: the server URL, scratch databases and roles, sessions, and a throwaway cluster.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { CollectContext } from '../../src/collectors/types.ts';
import { sourceSchema, type DatabaseSourceSpec } from '../../src/manifest/index.ts';

export const TEST_PG_URL = process.env.FRACAS_TEST_PG || 'postgres://fracas:fracas@127.0.0.1:5432/fracas_test';

export function withUrl(url: string, change: { database?: string; user?: string; password?: string; port?: number; host?: string }): string {
  const parsed = new URL(url);
  if (change.database !== undefined) parsed.pathname = `/${encodeURIComponent(change.database)}`;
  if (change.user !== undefined) parsed.username = encodeURIComponent(change.user);
  if (change.password !== undefined) parsed.password = encodeURIComponent(change.password);
  if (change.port !== undefined) parsed.port = String(change.port);
  if (change.host !== undefined) parsed.hostname = change.host;
  return parsed.toString();
}

/** Connect or fail the test with a message that says what to do (never skip). */
export async function connect(url: string, applicationName = 'fracas-test'): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: applicationName, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    const masked = url.replace(/:[^:@/]*@/, ':***@');
    const failure = new Error(
      `The PostgreSQL test server is not reachable at ${masked}: ${(error as Error).message}. ` +
        'Start it (pg_ctlcluster 15 main start), create role fracas SUPERUSER PASSWORD fracas and database fracas_test, or set FRACAS_TEST_PG.',
    ) as Error & { code?: string };
    failure.code = (error as { code?: string }).code;
    throw failure;
  }
  return client;
}

export async function sql(url: string, text: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = await connect(url);
  try {
    return await client.query(text, params);
  } finally {
    await client.end();
  }
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}

export interface Scratch {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A database of its own for one test file; drop() terminates its sessions first. */
export async function createScratchDatabase(prefix: string, adminUrl = TEST_PG_URL): Promise<Scratch> {
  const name = uniqueName(prefix);
  await sql(adminUrl, `CREATE DATABASE ${name}`);
  return {
    name,
    url: withUrl(adminUrl, { database: name }),
    async drop() {
      await sql(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

export interface Role {
  name: string;
  password: string;
  drop(): Promise<void>;
}

/** A LOGIN role (not superuser) with the given memberships, dropped with everything it owns. */
export async function createRole(prefix: string, memberOf: string[], adminUrl = TEST_PG_URL): Promise<Role> {
  const name = uniqueName(prefix);
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  await sql(adminUrl, `CREATE ROLE ${name} LOGIN NOSUPERUSER PASSWORD '${password}'${memberOf.length ? ` IN ROLE ${memberOf.join(', ')}` : ''}`);
  return {
    name,
    password,
    async drop() {
      await sql(adminUrl, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${name}'`);
      await sql(adminUrl, `DROP ROLE IF EXISTS ${name}`);
    },
  };
}

/** Poll until the check returns true (a wait for a precondition, not a timed assertion). */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Wait until `count` sessions with this application_name wait on a lock. */
export async function waitForLockWaiters(url: string, applicationPrefix: string, count: number): Promise<void> {
  await waitFor(`${count} session(s) of ${applicationPrefix} waiting on a lock`, async () => {
    const result = await sql(url, `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name LIKE $1 AND wait_event_type = 'Lock'`, [`${applicationPrefix}%`]);
    return result.rows[0].n >= count;
  });
}

export function databaseSpec(overrides: Record<string, unknown>): DatabaseSourceSpec {
  return sourceSchema.parse({ id: 'db', kind: 'database', ...overrides }) as DatabaseSourceSpec;
}

export function collectContext(dir = process.cwd()): CollectContext {
  return {
    dir,
    resolve: (relative: string) => path.resolve(dir, relative),
    incident: { id: 'TEST-1', title: 'test', severity: 'P2', environment: 'test', service: 'test', window: { start: '2026-11-20T00:00:00Z', end: '2026-11-21T00:00:00Z' } },
    env: process.env,
    progress: () => undefined,
  };
}

export const FIXTURE_SEED = 'test/fixtures/db/upload_jobs.sql';
export const FIXTURE_AS_OF = '2026-11-20T12:00:00Z';

// ---------------------------------------------------------------- a throwaway cluster

export interface Cluster {
  port: number;
  dir: string;
  logFile: string;
  /** Superuser URL (role fracas, password fracas). */
  url: string;
  prefix: string;
  log(): string;
  stop(): void;
}

const BIN_DIRS = ['/usr/lib/postgresql/15/bin', '/usr/local/bin', '/usr/bin'];

function binary(name: string): string {
  for (const dir of BIN_DIRS) if (existsSync(path.join(dir, name))) return path.join(dir, name);
  throw new Error(`${name} not found in ${BIN_DIRS.join(', ')}: install PostgreSQL 15 server binaries`);
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

function asPostgresUser(command: string[], cwd: string): void {
  const isRoot = process.getuid?.() === 0;
  const result = isRoot
    ? spawnSync('su', ['postgres', '-s', '/bin/sh', '-c', command.map((part) => `'${part.replace(/'/g, "'\\''")}'`).join(' ')], { cwd, encoding: 'utf8' })
    : spawnSync(command[0]!, command.slice(1), { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command.join(' ')} failed: ${result.stderr || result.stdout || result.error?.message}`);
}

/** initdb + pg_ctl start a private PostgreSQL 15 on a free port (as the postgres OS user when running as root). */
export async function startCluster(settings: Record<string, string | number>): Promise<Cluster> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fracas-pg-'));
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'server.log');
  const pwfile = path.join(dir, 'pw');
  writeFileSync(pwfile, 'fracas\n');
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
    chownSync(pwfile, uid, gid);
  }
  asPostgresUser([binary('initdb'), '-D', data, '-U', 'fracas', `--pwfile=${pwfile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '--no-sync', '--locale=C', '-E', 'UTF8'], dir);
  const port = await freePort();
  const prefix = '%m [%p] %q%u@%d ';
  const conf = {
    listen_addresses: "'127.0.0.1'",
    port,
    unix_socket_directories: `'${dir}'`,
    lc_messages: "'C'",
    log_line_prefix: `'${prefix}'`,
    log_lock_waits: 'on',
    deadlock_timeout: "'200ms'",
    log_min_error_statement: 'error',
    fsync: 'off',
    ...Object.fromEntries(Object.entries(settings).map(([key, value]) => [key, typeof value === 'number' ? value : `'${value}'`])),
  };
  writeFileSync(
    path.join(data, 'postgresql.auto.conf'),
    Object.entries(conf)
      .map(([key, value]) => `${key} = ${value}`)
      .join('\n') + '\n',
    { flag: 'a' },
  );
  asPostgresUser([binary('pg_ctl'), '-D', data, '-l', logFile, '-w', '-t', '60', 'start'], dir);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      asPostgresUser([binary('pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop'], dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  return {
    port,
    dir,
    logFile,
    url: `postgres://fracas:fracas@127.0.0.1:${port}/postgres`,
    prefix,
    log: () => readFileSync(logFile, 'utf8'),
    stop,
  };
}
