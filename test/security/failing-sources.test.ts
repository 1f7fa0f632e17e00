// Broken sources leave a partial report that names them and why, with the documented exit codes and no leaked secrets.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess } from '../helpers/cli.ts';

const API_KEY = 'rnd_FailSrcKey0123456789abcdEFGH';
const DB_PASSWORD = 'DbPass-Secret-77x';

let api: Server;
let silent: TcpServer;
const sockets: Socket[] = [];
let apiBase = '';
let silentPort = 0;
let refusedPort = 0;
let root = '';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function fracas(args: string[], env: NodeJS.ProcessEnv = {}) {
  return runCliProcess(args, { RENDER_API_KEY: API_KEY, ...env });
}

const GOOD_LOG = Array.from({ length: 20 }, (_, index) =>
  JSON.stringify({ timestamp: `2026-11-20T08:${String(10 + index).padStart(2, '0')}:00Z`, level: index % 3 === 0 ? 'error' : 'info', message: `job ${index} state changed` }),
).join('\n');

function incident(name: string, sources: string[]): string {
  const dir = path.join(root, name);
  mkdirSync(path.join(dir, 'logs', 'a-directory.log'), { recursive: true });
  writeFileSync(path.join(dir, 'logs', 'good.jsonl'), `${GOOD_LOG}\n`);
  writeFileSync(
    path.join(dir, 'incident.yaml'),
    [
      `id: ${name.toUpperCase()}`,
      'title: Sources that fail',
      'severity: P3',
      'environment: staging',
      'service: api',
      'window: { start: 2026-11-20T08:00:00Z, end: 2026-11-20T09:00:00Z }',
      'sources:',
      ...sources,
      '',
    ].join('\n'),
  );
  return dir;
}

const SOURCES = {
  good: ['  - { id: good-logs, kind: logs, paths: [logs/good.jsonl], format: json-lines }'],
  missing: ['  - { id: missing-logs, kind: logs, paths: [logs/gone.log] }'],
  unreadable: ['  - { id: unreadable-logs, kind: logs, paths: [logs/a-directory.log] }'],
  refused: () => [`  - { id: db-refused, kind: database, url: "postgres://app:${DB_PASSWORD}@127.0.0.1:${refusedPort}/app?sslmode=disable", connectTimeoutMs: 3000 }`],
  timeout: () => [`  - { id: db-timeout, kind: database, url: "postgres://app:${DB_PASSWORD}@127.0.0.1:${silentPort}/app?sslmode=disable", connectTimeoutMs: 1500 }`],
  unauthorized: () => [`  - { id: render-401, kind: render-api, ownerId: own-401, resources: [srv-1], baseUrl: "${apiBase}" }`],
  unavailable: () => [`  - { id: render-503, kind: render-api, ownerId: own-503, resources: [srv-1], baseUrl: "${apiBase}" }`],
};

beforeAll(async () => {
  api = createServer((request, response) => {
    const owner = new URL(request.url ?? '/', 'http://x').searchParams.get('ownerId');
    // A careless proxy that echoes the credential back: the key must still not reach any output.
    if (owner === 'own-401') {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ id: 'unauthorized', message: `invalid credentials: ${request.headers.authorization ?? ''}` }));
      return;
    }
    response.writeHead(503, { 'content-type': 'text/plain' });
    response.end('upstream unavailable');
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  apiBase = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  // Accepts connections and never answers: a database that times out.
  silent = createTcpServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentPort = (silent.address() as AddressInfo).port;
  // A port nobody listens on: connection refused.
  const probe = createTcpServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  refusedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  root = mkdtempSync(path.join(tmpdir(), 'fracas-failing-'));
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
  await new Promise<void>((resolve) => api.close(() => resolve()));
  rmSync(root, { recursive: true, force: true });
});

interface Summary {
  exitCode: number;
  pdf: string;
  outputs: string[];
  sources: { id: string; status: string; error?: string }[];
}

describe('a run with failing sources', () => {
  let dir = '';
  let run: Run;
  let summary: Summary;

  beforeAll(async () => {
    dir = incident('partial-run', [...SOURCES.good, ...SOURCES.missing, ...SOURCES.unreadable, ...SOURCES.refused(), ...SOURCES.timeout(), ...SOURCES.unauthorized(), ...SOURCES.unavailable()]);
    run = await fracas(['report', dir, '--json', '--format', 'md']);
    summary = JSON.parse(run.stdout) as Summary;
  }, 180_000);

  it('is partial: exit code 2, the good source collected, every broken one failed with a reason', () => {
    expect(run.code, run.stderr).toBe(2);
    expect(summary.exitCode).toBe(2);
    const status = Object.fromEntries(summary.sources.map((source) => [source.id, source.status]));
    expect(status).toEqual({
      'good-logs': 'ok',
      'missing-logs': 'failed',
      'unreadable-logs': 'failed',
      'db-refused': 'failed',
      'db-timeout': 'failed',
      'render-401': 'failed',
      'render-503': 'failed',
    });
    const errors = Object.fromEntries(summary.sources.map((source) => [source.id, source.error ?? '']));
    expect(errors['missing-logs']).toMatch(/gone\.log/);
    expect(errors['db-refused']).toMatch(/ECONNREFUSED|refused/i);
    expect(errors['render-401']).toMatch(/401/);
    expect(errors['render-503']).toMatch(/503/);
  });

  it('writes the Markdown report, whose Sources section names each failed source and why', () => {
    const report = readFileSync(path.join(dir, 'report', 'root-cause-report.md'), 'utf8');
    const rows = report.split('\n').filter((line) => line.startsWith('| `'));
    for (const id of ['missing-logs', 'unreadable-logs', 'db-refused', 'db-timeout', 'render-401', 'render-503']) {
      const row = rows.find((line) => line.startsWith(`| \`${id}\``));
      expect(row, id).toBeDefined();
      expect(row, id).toMatch(/failed/);
      expect(row, id).toMatch(/\*\*.+\*\*/);
    }
    expect(rows.find((line) => line.startsWith('| `good-logs`'))).toMatch(/ok/);
  });

  it('leaks neither the API key nor the database password into evidence, reports, --json or stderr', () => {
    const outputs: Record<string, string> = {
      'stdout (--json)': run.stdout,
      'evidence.json': readFileSync(path.join(dir, 'evidence', 'evidence.json'), 'utf8'),
      ...Object.fromEntries(summary.outputs.filter((file) => file.endsWith('.md')).map((file) => [path.basename(file), readFileSync(file, 'utf8')])),
      'stderr (progress and errors)': run.stderr,
    };
    const leaks = Object.entries(outputs).flatMap(([where, text]) => [API_KEY, DB_PASSWORD].filter((secret) => text.includes(secret)).map((secret) => `${where}: ${secret}`));
    expect(leaks).toEqual([]);
  });

  it('keeps the evidence of a source that worked before and fails now, marked as kept', async () => {
    const logFile = path.join(dir, 'logs', 'good.jsonl');
    rmSync(logFile);
    const again = await fracas(['collect', dir, '--json']);
    writeFileSync(logFile, `${GOOD_LOG}\n`);
    const saved = JSON.parse(readFileSync(path.join(dir, 'evidence', 'evidence.json'), 'utf8')) as {
      sources: { id: string; status: string; warnings: string[]; evidence?: { totalRecords: number } }[];
    };
    const good = saved.sources.find((source) => source.id === 'good-logs');
    expect(good?.status).toBe('partial');
    expect(good?.evidence?.totalRecords).toBe(20);
    expect(good?.warnings[0]).toMatch(/^kept evidence collected at .+; this run: /);
    expect(again.code).toBe(2);
  }, 120_000);
});

describe('exit codes of whole runs', () => {
  it('is 3 when no source could be collected', async () => {
    const dir = incident('all-fail', [...SOURCES.missing, ...SOURCES.unreadable, ...SOURCES.refused()]);
    const run = await fracas(['report', dir, '--json', '--format', 'md']);
    expect(run.code, run.stderr).toBe(3);
    expect((JSON.parse(run.stdout) as Summary).exitCode).toBe(3);
  }, 120_000);

  it('is 4 when the Markdown is written but the PDF cannot be', async () => {
    const dir = incident('no-pdf', SOURCES.good);
    const run = await fracas(['report', dir, '--json'], { PUPPETEER_EXECUTABLE_PATH: path.join(root, 'no-such-chromium') });
    const summary = JSON.parse(run.stdout) as Summary;
    expect(run.code, run.stderr).toBe(4);
    expect(summary.pdf).toBe('failed');
    expect(summary.outputs.some((file) => file.endsWith('root-cause-report.md'))).toBe(true);
  }, 120_000);

  it('is 1 for an invalid manifest, with the problem on stderr', async () => {
    const dir = path.join(root, 'bad-manifest');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'incident.yaml'), `id: BAD\ntitle: x\nseverity: P9\n`);
    const run = await fracas(['report', dir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/severity/);
  }, 60_000);

  it('is 0 when everything was collected and written', async () => {
    const dir = incident('complete', SOURCES.good);
    const run = await fracas(['report', dir, '--format', 'md']);
    expect(run.code, run.stderr).toBe(0);
  }, 120_000);
});
