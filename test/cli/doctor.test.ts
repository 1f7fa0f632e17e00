// `fracas doctor` against real parts: Chromium, fc-list, PostgreSQL 15 roles, a local Render API server, the file system.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDoctor, type DoctorCheck } from '../../src/cli/doctor.ts';
import { runCli } from '../helpers/cli.ts';
import { createRole, createScratchDatabase, sql, withUrl, type Role, type Scratch } from '../helpers/pg.ts';

let scratch: Scratch;
let monitor: Role;
let plain: Role;
let server: http.Server;
let baseUrl: string;

function incident(sources: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fracas-doctor-'));
  writeFileSync(
    path.join(dir, 'incident.yaml'),
    `id: DOC-1\ntitle: t\nseverity: P2\nenvironment: staging\nservice: api\nwindow: { start: 2026-05-01T00:00:00Z, end: 2026-05-02T00:00:00Z }\nsources:${sources.startsWith('[') ? ' ' : '\n'}${sources}`,
  );
  return dir;
}

const checkOf = (checks: DoctorCheck[], id: string): DoctorCheck => {
  const found = checks.find((check) => check.id === id);
  if (!found) throw new Error(`no doctor check ${id} (have ${checks.map((check) => check.id).join(', ')})`);
  return found;
};

beforeAll(async () => {
  scratch = await createScratchDatabase('fracas_doctor');
  await sql(scratch.url, `CREATE TABLE public.orders (id bigint PRIMARY KEY, status text NOT NULL, updated_at timestamptz NOT NULL)`);
  monitor = await createRole('fracas_doc_mon', ['pg_monitor']);
  plain = await createRole('fracas_doc_plain', []);
  await sql(scratch.url, `GRANT SELECT ON public.orders TO ${plain.name}`);
  server = http.createServer((request, response) => {
    if (request.headers.authorization !== 'Bearer rnd_good') return void response.writeHead(401).end('{"message":"unauthorized"}');
    if (request.url === '/v1/services/srv-live') return void response.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"srv-live","ownerId":"tea-1"}');
    response.writeHead(404).end('{"message":"not found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await scratch?.drop();
  await monitor?.drop();
  await plain?.drop();
});

const env = (more: Record<string, string> = {}) => ({ ...process.env, ...more });

describe('fracas doctor', () => {
  it('starts the real Chromium and reads fc-list', async () => {
    const result = await runDoctor(undefined, { env: env() });
    expect(checkOf(result.checks, 'browser')).toMatchObject({ status: 'ok', message: expect.stringMatching(/starts headless/) });
    expect(['ok', 'warn']).toContain(checkOf(result.checks, 'fonts').status);
  });

  it('says how to fix a missing browser and a missing fc-list', async () => {
    const result = await runDoctor(undefined, { env: env({ PUPPETEER_EXECUTABLE_PATH: '/nonexistent/chrome', PATH: '/nonexistent' }) });
    expect(checkOf(result.checks, 'browser')).toMatchObject({ status: 'fail', fix: expect.stringMatching(/apt-get install -y chromium/) });
    expect(checkOf(result.checks, 'fonts')).toMatchObject({ status: 'warn', fix: expect.stringMatching(/fonts-noto-core/) });
    expect(result.exitCode).toBe(3);
  });

  it('a pg_monitor role that may not read the job table: a warning with the GRANT to run', async () => {
    const url = withUrl(scratch.url, { user: monitor.name, password: monitor.password });
    const dir = incident(`  - id: db\n    kind: database\n    url: ${url}\n`);
    const result = await runDoctor(dir, { env: env(), noLaunch: true });
    const db = checkOf(result.checks, 'database:db');
    expect(db.status).toBe('warn');
    expect(db.message).toMatch(/\(pg_monitor\).*may not SELECT from public\.orders/);
    expect(db.fix).toContain(`GRANT SELECT ON public.orders TO ${monitor.name}`);
    expect(db.message + (db.fix ?? '')).not.toContain(monitor.password);
    expect(result.exitCode).toBe(2);
  });

  it('a role without pg_monitor: a warning naming pg_monitor', async () => {
    const url = withUrl(scratch.url, { user: plain.name, password: plain.password });
    const dir = incident(`  - id: db\n    kind: database\n    url: ${url}\n    jobs: { table: public.orders }\n`);
    const db = checkOf((await runDoctor(dir, { env: env(), noLaunch: true })).checks, 'database:db');
    expect(db).toMatchObject({ status: 'warn', fix: `GRANT pg_monitor TO ${plain.name};` });
  });

  it('a wrong password and a closed port fail with a hint, never the password', async () => {
    const wrong = withUrl(scratch.url, { user: plain.name, password: 'not-the-password' });
    const closed = withUrl(scratch.url, { port: 1 });
    const dir = incident(`  - id: wrong\n    kind: database\n    url: ${wrong}\n  - id: closed\n    kind: database\n    url: ${closed}\n    connectTimeoutMs: 3000\n`);
    const result = await runDoctor(dir, { env: env(), noLaunch: true });
    expect(checkOf(result.checks, 'database:wrong')).toMatchObject({ status: 'fail', fix: expect.stringMatching(/password/) });
    expect(JSON.stringify(result)).not.toContain('not-the-password');
    expect(checkOf(result.checks, 'database:closed')).toMatchObject({ status: 'fail', message: expect.stringMatching(/ECONNREFUSED|refused/) });
  });

  it('checks RENDER_API_KEY against each named service at the source base URL', async () => {
    const dir = incident(
      `  - id: web\n    kind: render-api\n    ownerId: tea-1\n    resources: [srv-live]\n    baseUrl: ${baseUrl}\n  - id: gone\n    kind: render-api\n    ownerId: tea-1\n    resources: [srv-live, srv-gone]\n    baseUrl: ${baseUrl}\n`,
    );
    const good = await runDoctor(dir, { env: env({ RENDER_API_KEY: 'rnd_good' }), noLaunch: true });
    expect(checkOf(good.checks, 'render-api:web').status).toBe('ok');
    expect(checkOf(good.checks, 'render-api:gone')).toMatchObject({ status: 'fail', message: 'no service srv-gone for this key' });
    const refused = await runDoctor(dir, { env: env({ RENDER_API_KEY: 'rnd_bad' }), noLaunch: true });
    expect(checkOf(refused.checks, 'render-api:web')).toMatchObject({ status: 'fail', message: expect.stringMatching(/refused \(HTTP 401\)/) });
    const unset = await runDoctor(dir, { env: { PATH: process.env.PATH ?? '' }, noLaunch: true });
    expect(checkOf(unset.checks, 'render-api:web')).toMatchObject({ status: 'fail', fix: expect.stringMatching(/export RENDER_API_KEY=/) });
  });

  it('an output directory it cannot write to, and log paths that match nothing', async () => {
    const dir = incident(`  - id: api-logs\n    kind: logs\n    paths: [logs/*.log]\n`);
    writeFileSync(path.join(dir, 'report'), 'a file where the report directory should be');
    const result = await runDoctor(dir, { env: env(), noLaunch: true });
    expect(checkOf(result.checks, 'output-directory')).toMatchObject({ status: 'fail', message: expect.stringMatching(/report: (EEXIST|ENOTDIR)/) });
    expect(checkOf(result.checks, 'logs:api-logs')).toMatchObject({ status: 'fail', message: 'no file matches logs/*.log' });
    mkdirSync(path.join(dir, 'logs'));
    writeFileSync(path.join(dir, 'logs', 'a.log'), 'x\n');
    expect(checkOf((await runDoctor(dir, { env: env(), noLaunch: true })).checks, 'logs:api-logs')).toMatchObject({ status: 'ok', message: '1 file(s)' });
  });

  it('--json and exit codes through the command line; an invalid manifest is exit 1', async () => {
    const ok = await runCli('doctor', incident('[]\n'), '--json', '--no-launch');
    const body = JSON.parse(ok.out) as { checks: DoctorCheck[]; exitCode: number };
    expect(ok.code).toBe(body.exitCode);
    expect(checkOf(body.checks, 'manifest').status).toBe('ok');
    const bad = incident(`  - id: x\n    kind: lgs\n`);
    const invalid = await runCli('doctor', bad, '--no-launch');
    expect(invalid.code).toBe(1);
    expect(invalid.out).toMatch(/FAIL manifest: .*did you mean "logs"/s);
  });
});
