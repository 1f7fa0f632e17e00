// `fracas init` end to end: windows, live sources from --from-render and --database-url, and the scaffold runs as written.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWindow, runInit } from '../../src/cli/init.ts';
import { parseManifest } from '../../src/manifest/index.ts';
import { runCli } from '../helpers/cli.ts';
import { createScratchDatabase, sql, type Scratch } from '../helpers/pg.ts';

const fresh = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'fracas-init-')), 'incident');
const manifestOf = (dir: string) => parseManifest(readFileSync(path.join(dir, 'incident.yaml'), 'utf8'), path.join(dir, 'incident.yaml'), {});

let server: http.Server;
let baseUrl: string;
const seen: { url: string; authorization: string | undefined }[] = [];
let scratch: Scratch;
const savedDatabaseUrl = process.env.DATABASE_URL;

beforeAll(async () => {
  delete process.env.DATABASE_URL;
  // Render's GET /v1/services/{serviceId}: 200 with the service (ownerId, name), 401 for a wrong key, 404 for an unknown id.
  server = http.createServer((request, response) => {
    seen.push({ url: request.url ?? '', authorization: request.headers.authorization });
    const match = /^\/v1\/services\/([^/?]+)$/.exec(request.url ?? '');
    response.setHeader('content-type', 'application/json');
    if (request.headers.authorization !== 'Bearer rnd_good') return void response.writeHead(401).end(JSON.stringify({ message: 'unauthorized' }));
    if (match?.[1] !== 'srv-d1abc') return void response.writeHead(404).end(JSON.stringify({ message: 'not found' }));
    response.writeHead(200).end(JSON.stringify({ id: 'srv-d1abc', name: 'orders-api', ownerId: 'tea-c9xyz', type: 'web_service' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  scratch = await createScratchDatabase('fracas_init');
  await sql(
    scratch.url,
    `CREATE TABLE public.orders (id bigint PRIMARY KEY, status text NOT NULL, updated_at timestamptz NOT NULL);
     INSERT INTO public.orders SELECT n, (ARRAY['pending', 'paid', 'shipped'])[1 + n % 3], now() - n * interval '7 minutes' FROM generate_series(1, 60) n;`,
  );
}, 60_000);

afterAll(async () => {
  if (savedDatabaseUrl !== undefined) process.env.DATABASE_URL = savedDatabaseUrl;
  delete process.env.RENDER_API_KEY;
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await scratch?.drop();
});

describe('a partial source on the terminal', () => {
  it('prints every warning that made it partial, with its hint', async () => {
    const dir = fresh();
    await runCli('init', dir, '--id', 'INC-9', '--title', 't', '--since', '1d', '--database-url', scratch.url);
    const file = path.join(dir, 'incident.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('kind: database ', 'jobs: { table: public.nope }\n    kind: database '));
    process.env.DATABASE_URL = scratch.url;
    try {
      const collected = await runCli('collect', dir, '--quiet');
      expect(collected.code).toBe(2);
      expect(collected.err).toMatch(/fracas: source database is partial/);
      expect(collected.err).toMatch(/fracas: {3}- stuck-jobs failed: table public\.nope not found .*set jobs\.table in the manifest/);
    } finally {
      delete process.env.DATABASE_URL;
    }
  });
});

describe('fracas init', () => {
  it('needs a window when there is no terminal to ask on, and says how to give one', async () => {
    const result = await runCli('init', fresh(), '--id', 'INC-1', '--title', 'Checkout fails');
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/--since 6h .*--window/);
  });

  it('on a terminal, asks for the window and takes a duration or START..END', async () => {
    const questions: string[] = [];
    const now = new Date('2026-05-04T10:20:30Z');
    const io = (answer: string) => ({
      env: {},
      note: () => undefined,
      now,
      ask: async (question: string) => {
        questions.push(question);
        return answer;
      },
    });
    const dir = fresh();
    await runInit(dir, { id: 'INC-10', title: 't', force: false }, io('2d'));
    expect(manifestOf(dir).window).toEqual({ start: '2026-05-02T10:21:00.000Z', end: '2026-05-04T10:21:00.000Z' });
    await runInit(dir, { id: 'INC-10', title: 't', force: true }, io('2026-05-01T08:00:00Z..2026-05-01T09:30:00Z'));
    expect(manifestOf(dir).window).toEqual({ start: '2026-05-01T08:00:00.000Z', end: '2026-05-01T09:30:00.000Z' });
    expect(questions[0]).toMatch(/When did the incident happen\?/);
    await expect(runInit(dir, { id: 'INC-10', title: 't', force: true }, io('last tuesday'))).rejects.toThrow(/not a duration/);
  });

  it('takes --since and --window', () => {
    const now = new Date('2026-05-04T10:20:30Z');
    expect(parseWindow({ since: '6h' }, now)).toEqual({ start: '2026-05-04T04:21:00.000Z', end: '2026-05-04T10:21:00.000Z' });
    expect(parseWindow({ window: '2026-05-01T00:00:00Z..2026-05-02T12:00:00+02:00' }, now)).toEqual({ start: '2026-05-01T00:00:00.000Z', end: '2026-05-02T10:00:00.000Z' });
    expect(() => parseWindow({ window: '2026-05-02T00:00:00Z..2026-05-01T00:00:00Z' })).toThrow(/after the end/);
    expect(() => parseWindow({ since: 'yesterday' })).toThrow(/30m, 6h, 2d or 1w/);
  });

  it('writes a manifest with only commented sources that validates and reports with exit 0', async () => {
    const dir = fresh();
    expect((await runCli('init', dir, '--id', 'INC-2', '--title', 'Checkout fails', '--window', '2026-05-01T00:00:00Z..2026-05-02T00:00:00Z')).code).toBe(0);
    expect(manifestOf(dir)).toMatchObject({ sources: [], window: { start: '2026-05-01T00:00:00.000Z' } });
    const schemaUrl = /^# yaml-language-server: \$schema=(file:\S+)$/m.exec(readFileSync(path.join(dir, 'incident.yaml'), 'utf8'))?.[1];
    expect(JSON.parse(readFileSync(new URL(schemaUrl ?? 'file:///missing'), 'utf8'))).toMatchObject({ title: 'fracas incident manifest (incident.yaml)' });
    expect((await runCli('validate', dir)).code).toBe(0);
    const report = await runCli('report', dir, '--format', 'md', '--quiet');
    expect(report.code).toBe(0);
  });

  it('adds the log files already in <dir>/logs as a live source', async () => {
    const dir = fresh();
    mkdirSync(path.join(dir, 'logs'), { recursive: true });
    writeFileSync(path.join(dir, 'logs', 'api.log'), '2026-05-01T10:00:00Z ERROR payment provider timed out\n');
    await runCli('init', dir, '--id', 'INC-3', '--title', 't', '--window', '2026-05-01T00:00:00Z..2026-05-02T00:00:00Z');
    expect(manifestOf(dir).sources).toEqual([expect.objectContaining({ kind: 'logs', paths: ['logs/api.log'] })]);
    expect((await runCli('collect', dir, '--quiet')).code).toBe(0);
  });

  it('--from-render looks the owner up with RENDER_API_KEY; a refused key is a usage error', async () => {
    const dir = fresh();
    process.env.RENDER_API_KEY = 'rnd_wrong';
    const refused = await runCli('init', dir, '--id', 'INC-4', '--title', 't', '--since', '1d', '--from-render', 'srv-d1abc', '--render-api-url', baseUrl);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/RENDER_API_KEY was refused.*--render-owner/);
    process.env.RENDER_API_KEY = 'rnd_good';
    const created = await runCli('init', dir, '--id', 'INC-4', '--title', 't', '--since', '1d', '--from-render', 'srv-d1abc', '--render-api-url', baseUrl);
    expect(created.code).toBe(0);
    expect(seen.at(-1)).toEqual({ url: '/v1/services/srv-d1abc', authorization: 'Bearer rnd_good' });
    expect(manifestOf(dir)).toMatchObject({ service: 'orders-api', sources: [{ kind: 'render-api', ownerId: 'tea-c9xyz', resources: ['srv-d1abc'], baseUrl }] });
  });

  it('--render-owner needs no lookup', async () => {
    const dir = fresh();
    delete process.env.RENDER_API_KEY;
    const before = seen.length;
    const created = await runCli('init', dir, '--id', 'INC-5', '--title', 't', '--since', '1d', '--from-render', 'srv-other', '--render-owner', 'usr-abc');
    expect(created.code).toBe(0);
    expect(seen.length).toBe(before);
    expect(created.err).toMatch(/export RENDER_API_KEY/);
    expect(manifestOf(dir).sources).toEqual([expect.objectContaining({ ownerId: 'usr-abc', resources: ['srv-other'] })]);
  });

  it('--database-url leaves the password out of the file, and a database with an orders table collects complete', async () => {
    const dir = fresh();
    const url = new URL(scratch.url);
    const created = await runCli('init', dir, '--id', 'INC-6', '--title', 't', '--since', '1d', '--database-url', scratch.url);
    expect(created.code).toBe(0);
    const text = readFileSync(path.join(dir, 'incident.yaml'), 'utf8');
    if (url.password) {
      expect(text).not.toContain(`:${url.password}@`);
      expect(created.err).toMatch(/password was not written/);
    }
    expect(text).toContain('${DATABASE_URL:-postgres://');
    // The password comes from DATABASE_URL, as the note says.
    process.env.DATABASE_URL = scratch.url;
    try {
      const collected = await runCli('collect', dir, '--json', '--quiet');
      const summary = JSON.parse(collected.out) as { sources: { id: string; status: string }[] };
      expect(summary.sources).toEqual([expect.objectContaining({ id: 'database', status: 'ok' })]);
      expect(collected.code).toBe(0);
      const evidence = JSON.parse(readFileSync(path.join(dir, 'evidence', 'evidence.json'), 'utf8'));
      const database = evidence.sources.find((source: { id: string }) => source.id === 'database');
      expect(database.evidence.jobTable).toMatchObject({ table: 'public.orders', stateColumn: 'status', inFlightStates: ['pending'] });
      // The report says which job table fracas chose.
      expect((await runCli('render', dir, '--format', 'md', '--quiet')).code).toBe(0);
      const report = readFileSync(path.join(dir, 'report', 'root-cause-report.md'), 'utf8').replace(/\\(?=[^\sA-Za-z0-9])/g, '');
      expect(report).toContain('*Job tables:* no jobs: block in the manifest; job checks ran on public.orders (status, updated_at).');
    } finally {
      delete process.env.DATABASE_URL;
    }
    // Or the password comes from PGPASSWORD, with the URL written in the file.
    if (url.password) {
      process.env.PGPASSWORD = decodeURIComponent(url.password);
      try {
        expect((await runCli('collect', dir, '--quiet')).code).toBe(0);
      } finally {
        delete process.env.PGPASSWORD;
      }
      const without = JSON.parse((await runCli('collect', dir, '--quiet', '--json')).out) as { sources: { error?: string }[] };
      expect(without.sources[0]?.error).toMatch(/password/);
    }
  });
});
