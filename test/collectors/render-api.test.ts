// Render logs API collector against a local HTTP server: paging, auth header, filters, 429 backoff, 5xx retries, error bodies.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectRenderApi } from '../../src/collectors/render-api.ts';
import type { CollectContext } from '../../src/collectors/types.ts';
import type { RenderApiSourceSpec } from '../../src/manifest/index.ts';

type Handler = (request: IncomingMessage, url: URL, response: ServerResponse) => void;
let handler: Handler = () => undefined;
const seen: URL[] = [];
const authorizations: (string | undefined)[] = [];
const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  seen.push(url);
  authorizations.push(request.headers.authorization);
  handler(request, url, response);
});
let baseUrl = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const log = (index: number, message: string, labels: Record<string, string> = {}) => ({
  id: `log-${index}`,
  timestamp: `2026-11-20T08:${String(index).padStart(2, '0')}:00Z`,
  message,
  labels: Object.entries({ resource: 'srv-1', type: 'app', ...labels }).map(([name, value]) => ({ name, value })),
});

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

const spec = (extra: Partial<RenderApiSourceSpec> = {}): RenderApiSourceSpec => ({
  id: 'render',
  kind: 'render-api',
  ownerId: 'tea-1',
  resources: ['srv-1', 'srv-2'],
  baseUrl,
  apiKeyEnv: 'RENDER_API_KEY',
  filters: { level: ['error', 'warning'] },
  limit: 2,
  maxPages: 10,
  ...extra,
});

const context = (env: NodeJS.ProcessEnv = { RENDER_API_KEY: 'rnd_secret' }): CollectContext => ({
  dir: '/tmp',
  resolve: (relative) => relative,
  incident: { id: 'FM-1', title: 't', severity: 'P2', environment: 'staging', service: 'api', window: { start: '2026-11-20T08:00:00Z', end: '2026-11-20T09:00:00Z' } },
  env,
  progress: () => undefined,
});

const waits: number[] = [];
const options = { baseDelayMs: 1, maxDelayMs: 5, sleep: async (ms: number) => void waits.push(ms) };

describe('collectRenderApi', () => {
  it('pages with nextStartTime/nextEndTime, sends the bearer token, resources and filters as repeated keys', async () => {
    seen.length = 0;
    authorizations.length = 0;
    handler = (_request, url, response) => {
      if (url.searchParams.get('startTime') === '2026-11-20T08:00:00Z') {
        json(response, 200, {
          hasMore: true,
          nextStartTime: '2026-11-20T08:02:00Z',
          nextEndTime: '2026-11-20T09:00:00Z',
          logs: [log(0, 'Processing job_id=7'), log(1, 'POST /webhooks/jobs/job-7 500', { type: 'request', statusCode: '500', method: 'POST', path: '/webhooks/jobs/job-7' })],
        });
      } else json(response, 200, { hasMore: false, nextStartTime: '2026-11-20T09:00:00Z', nextEndTime: '2026-11-20T09:00:00Z', logs: [log(2, 'ERROR:app:boom')] });
    };
    const output = await collectRenderApi(spec(), context(), options);
    expect(output.status).toBe('ok');
    expect(seen).toHaveLength(2);
    expect(seen[0]!.pathname).toBe('/v1/logs');
    expect(seen[0]!.searchParams.getAll('resource')).toEqual(['srv-1', 'srv-2']);
    expect(seen[0]!.searchParams.getAll('level')).toEqual(['error', 'warning']);
    expect(seen[0]!.searchParams.get('ownerId')).toBe('tea-1');
    expect(seen[0]!.searchParams.get('limit')).toBe('2');
    expect(seen[1]!.searchParams.get('startTime')).toBe('2026-11-20T08:02:00Z');
    expect(authorizations).toEqual(['Bearer rnd_secret', 'Bearer rnd_secret']);
    expect(output.evidence.totalRecords).toBe(3);
    expect(output.evidence.records.find((record) => record.fields.statusCode === '500')!.line).toBe(2);
    expect(output.evidence.records.find((record) => record.message === 'ERROR:app:boom')!.level).toBe('error');
    expect(JSON.stringify(output)).not.toContain('rnd_secret');
  });

  it('backs off on 429 for as long as Ratelimit-Reset says, then continues', async () => {
    let calls = 0;
    waits.length = 0;
    handler = (_request, _url, response) => {
      calls++;
      if (calls === 1) json(response, 429, { id: 'rate', message: 'rate limit exceeded' }, { 'Ratelimit-Limit': '400', 'Ratelimit-Remaining': '0', 'Ratelimit-Reset': '2' });
      else json(response, 200, { hasMore: false, logs: [log(0, 'ok')] });
    };
    const output = await collectRenderApi(spec({ maxPages: 1 }), context(), { ...options, maxDelayMs: 10_000 });
    expect(calls).toBe(2);
    expect(waits).toEqual([2000]);
    expect(output.evidence.totalRecords).toBe(1);
  });

  it('retries 5xx a bounded number of times, then fails with http-<status>', async () => {
    let calls = 0;
    handler = (_request, _url, response) => {
      calls++;
      json(response, 503, { id: 'unavailable', message: 'service unavailable' });
    };
    await expect(collectRenderApi(spec(), context(), { ...options, maxServerRetries: 2 })).rejects.toMatchObject({ name: 'SourceFailure', code: 'http-503' });
    expect(calls).toBe(3);
  });

  it('is partial when a later page keeps failing', async () => {
    let calls = 0;
    handler = (_request, _url, response) => {
      calls++;
      if (calls === 1) json(response, 200, { hasMore: true, nextStartTime: '2026-11-20T08:30:00Z', nextEndTime: '2026-11-20T09:00:00Z', logs: [log(0, 'first')] });
      else json(response, 500, { id: 'internal', message: 'boom' });
    };
    const output = await collectRenderApi(spec(), context(), { ...options, maxServerRetries: 1 });
    expect(output.status).toBe('partial');
    expect(output.evidence.totalRecords).toBe(1);
    expect(output.warnings!.join(' ')).toContain('HTTP 500');
  });

  it('reports an {id, message} error body as the source error with its HTTP code', async () => {
    handler = (_request, _url, response) => json(response, 401, { id: 'unauthorized', message: 'invalid API key' });
    const failure = await collectRenderApi(spec(), context(), options).catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: 'SourceFailure', code: 'http-401' });
    expect((failure as Error).message).toContain('invalid API key');
    expect((failure as { hint?: string }).hint).toContain('RENDER_API_KEY');
  });

  it('fails without an API key, and with the network code when nothing listens', async () => {
    await expect(collectRenderApi(spec(), context({}), options)).rejects.toMatchObject({ code: 'missing-api-key' });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(collectRenderApi(spec({ baseUrl: `http://127.0.0.1:${port}` }), context(), { ...options, maxServerRetries: 1 })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
