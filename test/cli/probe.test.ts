// `fracas probe` against a local webhook server that checks HMAC signatures: each case's answer recorded, staging only, other hosts refused, the secret never written.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeIncident } from '../../src/analysis/index.ts';
import { loadEvidence } from '../../src/evidence/store.ts';
import { renderMarkdown } from '../../src/render/outputs.ts';
import { probeIncident, probePath } from '../../src/cli/probe.ts';
import { PROBE_EXIT_CODES } from '../../src/cli/exit-codes.ts';
import { runCli } from '../helpers/cli.ts';

const SECRET = 'whsec_3f9a1c77e0b24d6e8a1b5c9d2e4f6a8b';
const KNOWN_JOBS = new Set(['job-123']);

interface Received {
  signature: string | undefined;
  body: string;
}

/** A webhook endpoint as a careful service writes it: signature first, then JSON, then the job, idempotent on repeats. */
function webhookServer(options: { crashOnUnknown: boolean }) {
  const received: Received[] = [];
  const delivered = new Set<string>();
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const signature = request.headers['x-llamaparse-signature'] as string | undefined;
      received.push({ signature, body });
      const expected = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
      const answer = (status: number, payload: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
      if (request.url !== '/webhooks/llamaparse') return answer(404, { error: 'no route' });
      if (!signature || signature.length !== expected.length || !timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) return answer(401, { error: 'bad signature' });
      let parsed: { job_id?: string; event_id?: string };
      try {
        parsed = JSON.parse(body) as typeof parsed;
      } catch {
        return answer(400, { error: 'malformed JSON' });
      }
      if (!KNOWN_JOBS.has(parsed.job_id ?? '')) {
        if (options.crashOnUnknown) return answer(500, { error: `TypeError: Cannot read properties of undefined (reading 'state') echo ${SECRET}` });
        return answer(404, { error: 'unknown job' });
      }
      if (delivered.has(parsed.event_id ?? '')) return answer(200, { duplicate: true });
      delivered.add(parsed.event_id ?? '');
      return answer(200, { ok: true });
    });
  });
  return { server, received };
}

function incident(baseUrl: string, extra: string[] = []): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fracas-probe-'));
  writeFileSync(
    path.join(dir, 'incident.yaml'),
    [
      'id: INC-PROBE',
      'title: Webhook probe',
      'severity: P2',
      'environment: staging',
      'service: api',
      'window: { start: 2026-11-10T00:00:00Z, end: 2026-11-10T12:00:00Z }',
      'sources: []',
      'probe:',
      '  environment: staging',
      `  baseUrl: ${baseUrl}`,
      '  path: /webhooks/llamaparse',
      '  secretEnv: PROBE_WEBHOOK_SECRET',
      '  signature: { header: X-LlamaParse-Signature, algorithm: sha256, encoding: hex, prefix: "sha256=" }',
      '  jobId: job-123',
      '  payload: { job_id: "{{jobId}}", event_id: "evt-{{jobId}}", status: SUCCESS }',
      '  timeoutMs: 5000',
      ...extra,
      '',
    ].join('\n'),
  );
  return dir;
}

const dirs: string[] = [];
const servers: http.Server[] = [];
async function listen(server: http.Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
const env = { ...process.env, PROBE_WEBHOOK_SECRET: SECRET };

afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('fracas probe', () => {
  it('sends each case, signed as the service expects, and records the answers as they should be', async () => {
    const { server, received } = webhookServer({ crashOnUnknown: false });
    const dir = incident(await listen(server));
    dirs.push(dir);
    const { evidence, exitCode } = await probeIncident(dir, env);
    expect(evidence.results.map((result) => [result.case, result.status, result.outcome])).toEqual([
      ['valid', 200, 'as-expected'],
      ['bad-signature', 401, 'as-expected'],
      ['malformed-json', 400, 'as-expected'],
      ['unknown-job', 404, 'as-expected'],
      ['duplicate', 200, 'as-expected'],
    ]);
    expect(exitCode).toBe(PROBE_EXIT_CODES.asExpected);
    expect(received).toHaveLength(6);
    expect(received[0]?.signature).toBe(`sha256=${createHmac('sha256', SECRET).update(received[0]!.body).digest('hex')}`);
    expect(JSON.parse(received[0]!.body)).toEqual({ job_id: 'job-123', event_id: 'evt-job-123', status: 'SUCCESS' });
    const saved = readFileSync(probePath(dir), 'utf8');
    expect(saved).not.toContain(SECRET);
    const analysis = analyzeIncident(loadEvidence(path.resolve(import.meta.dirname, '../../docs/incidents/fm_028')), { hypotheses: {}, owners: [], done: [] }, { probe: evidence });
    const report = ((await renderMarkdown(analysis)).files.get('root-cause-report.md') ?? '').replace(/\\/g, '');
    expect(report).toContain('## Webhook probes');
    expect(report).toMatch(/\| bad-signature \| 401 or 403 \| 401 \| \d+ ms \| as-expected \|/);
  });

  it('flags a service that crashes on an unknown job id (exit 2), and the secret it echoes is not written', async () => {
    const { server } = webhookServer({ crashOnUnknown: true });
    const dir = incident(await listen(server));
    dirs.push(dir);
    const { evidence, exitCode } = await probeIncident(dir, env);
    expect(evidence.results.find((result) => result.case === 'unknown-job')).toMatchObject({ status: 500, outcome: 'unexpected' });
    expect(exitCode).toBe(PROBE_EXIT_CODES.unexpected);
    expect(readFileSync(probePath(dir), 'utf8')).not.toContain(SECRET);
  });

  it('records no answer when the service is down (exit 3)', async () => {
    const { server } = webhookServer({ crashOnUnknown: false });
    const url = await listen(server);
    await new Promise((resolve) => server.close(resolve));
    const dir = incident(url);
    dirs.push(dir);
    const { evidence, exitCode } = await probeIncident(dir, env);
    expect(evidence.results.every((result) => result.outcome === 'no-response' && result.error)).toBe(true);
    expect(exitCode).toBe(PROBE_EXIT_CODES.noResponse);
  });

  it('refuses anything but staging, a path off the base URL, and a missing secret (exit 1)', async () => {
    const production = incident('http://127.0.0.1:9');
    dirs.push(production);
    writeFileSync(path.join(production, 'incident.yaml'), readFileSync(path.join(production, 'incident.yaml'), 'utf8').replace('  environment: staging', '  environment: production'));
    expect((await runCli('probe', production)).code).toBe(1);
    const offHost = incident('http://127.0.0.1:9');
    dirs.push(offHost);
    writeFileSync(path.join(offHost, 'incident.yaml'), readFileSync(path.join(offHost, 'incident.yaml'), 'utf8').replace('  path: /webhooks/llamaparse', '  path: //evil.example.com/hook'));
    await expect(probeIncident(offHost, env)).rejects.toThrow(/base URL's host only/);
    const noSecret = incident('http://127.0.0.1:9');
    dirs.push(noSecret);
    await expect(probeIncident(noSecret, { ...process.env, PROBE_WEBHOOK_SECRET: '' })).rejects.toThrow(/PROBE_WEBHOOK_SECRET is not set/);
  });
});
