// `fracas verify` on generated incidents: the failures gone (verified), still there (not verified), too little traffic (inconclusive).
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCollect } from '../../src/cli/run.ts';
import { createReporter } from '../../src/cli/progress.ts';
import { runVerify, verificationPath } from '../../src/cli/verify.ts';
import { VERIFY_EXIT_CODES } from '../../src/cli/exit-codes.ts';
import { poissonCdf } from '../../src/analysis/verification.ts';
import { main } from '../../src/cli.ts';

const INCIDENT = { start: '2026-11-10T00:00:00Z', end: '2026-11-10T12:00:00Z' };
const AFTER = { start: '2026-11-11T00:00:00Z', end: '2026-11-11T12:00:00Z' };
const quiet = createReporter({ quiet: true });

/** A small seeded generator (mulberry32), so wording, volume and timing vary by seed but runs repeat. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

// Error texts as node-postgres and Node's net module print them.
const FAILURES = [
  (host: string) => `connect ECONNREFUSED ${host}:5432`,
  () => 'Connection terminated due to connection timeout',
];
const PATHS = ['/api/uploads', '/api/documents', '/api/jobs'];

/** pino lines: requests over the window; failures at `failureShare` of requests, with the same error text family. */
function pinoLines(window: { start: string; end: string }, requests: number, failureShare: number, next: () => number): string[] {
  const start = Date.parse(window.start);
  const span = Date.parse(window.end) - start;
  const lines: string[] = [];
  const host = `10.0.${Math.floor(next() * 250)}.${Math.floor(next() * 250)}`;
  for (let i = 0; i < requests; i++) {
    const time = start + Math.floor((i / requests) * span + next() * (span / requests));
    const url = PATHS[Math.floor(next() * PATHS.length)]!;
    if (next() < failureShare) {
      const message = FAILURES[0]!(host);
      lines.push(JSON.stringify({ level: 50, time, pid: 12, hostname: 'api-1', msg: 'request failed', req: { method: 'POST', url }, err: { type: 'Error', message, stack: `Error: ${message}\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)` } }));
      lines.push(JSON.stringify({ level: 50, time: time + 3, pid: 12, hostname: 'api-1', msg: message, statusCode: 500, method: 'POST', path: url }));
    } else {
      lines.push(JSON.stringify({ level: 30, time, pid: 12, hostname: 'api-1', msg: 'request completed', statusCode: 200, method: 'POST', path: url, responseTime: Math.round(next() * 80) }));
    }
  }
  return lines;
}

function incidentDir(name: string, after: { requests: number; failureShare: number }, seed: number): string {
  const next = random(seed);
  const dir = mkdtempSync(path.join(tmpdir(), `fracas-verify-${name}-`));
  mkdirSync(path.join(dir, 'logs'));
  const lines = [...pinoLines(INCIDENT, 600 + Math.floor(next() * 400), 0.2 + next() * 0.2, next), ...pinoLines(AFTER, after.requests, after.failureShare, next)];
  writeFileSync(path.join(dir, 'logs', 'api.jsonl'), `${lines.join('\n')}\n`);
  writeFileSync(
    path.join(dir, 'incident.yaml'),
    [
      'id: INC-VERIFY',
      'title: Database connections refused',
      'severity: P2',
      'environment: staging',
      'service: api',
      `window: { start: ${INCIDENT.start}, end: ${INCIDENT.end} }`,
      'sources:',
      '  - id: api-logs',
      '    kind: logs',
      '    paths: [logs/api.jsonl]',
      '',
    ].join('\n'),
  );
  return dir;
}

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

async function verifyScenario(name: string, after: { requests: number; failureShare: number }, seed: number) {
  const dir = incidentDir(name, after, seed);
  made.push(dir);
  await runCollect(dir, { formats: [], reporter: quiet });
  return { dir, result: await runVerify(dir, AFTER, quiet) };
}

describe('fracas verify', () => {
  for (const seed of [1, 2, 3]) {
    it(`verifies a fix when the failures are gone at full traffic (seed ${seed})`, async () => {
      const { dir, result } = await verifyScenario('fixed', { requests: 800, failureShare: 0 }, seed);
      expect(result.verification.verdict).toBe('verified');
      expect(result.exitCode).toBe(VERIFY_EXIT_CODES.verified);
      const root = result.verification.rows.find((row) => row.decisive);
      expect(root?.before).toBeGreaterThan(50);
      expect(root?.after).toBe(0);
      expect(root?.expected).toBeGreaterThan(20);
      const saved = JSON.parse(readFileSync(verificationPath(dir), 'utf8')) as { verdict: string; rule: string };
      expect(saved.verdict).toBe('verified');
      expect(saved.rule).toContain('Poisson');
    });

    it(`does not verify when the failures persist at the same rate (seed ${seed})`, async () => {
      const { result } = await verifyScenario('persists', { requests: 800, failureShare: 0.25 }, seed);
      expect(result.verification.verdict).toBe('not-verified');
      expect(result.exitCode).toBe(VERIFY_EXIT_CODES['not-verified']);
      expect(result.verification.reasons.join(' ')).toMatch(/persists|reduced/);
    });
  }

  it('is inconclusive when the after window has too little traffic to tell', async () => {
    const { result } = await verifyScenario('quiet', { requests: 4, failureShare: 0 }, 9);
    expect(result.verification.verdict).toBe('inconclusive');
    expect(result.exitCode).toBe(VERIFY_EXIT_CODES.inconclusive);
    expect(result.verification.reasons.join(' ')).toContain('too little traffic');
  });

  it('through the command line: the verdict, its exit code and the Verification section in the report', async () => {
    const dir = incidentDir('cli', { requests: 700, failureShare: 0 }, 5);
    made.push(dir);
    await runCollect(dir, { formats: [], reporter: quiet });
    const out: string[] = [];
    const sink = { write: (chunk: string) => (out.push(chunk), true) } as unknown as NodeJS.WriteStream;
    const code = await main(['node', 'fracas', 'verify', dir, '--window', `${AFTER.start}..${AFTER.end}`, '--format', 'md', '--json', '--quiet'], { out: sink, err: sink });
    expect(code).toBe(0);
    const printed = JSON.parse(out.find((chunk) => chunk.startsWith('{')) ?? '{}') as { verdict: string; outputs: string[] };
    expect(printed.verdict).toBe('verified');
    const report = readFileSync(path.join(dir, 'report', 'root-cause-report.md'), 'utf8');
    expect(report).toContain('**Verdict: verified**');
    const plan = readFileSync(path.join(dir, 'report', 'implementation-plan.md'), 'utf8');
    expect(plan).toMatch(/\| Staging environment verified working \| ✅ done \| fracas verify: verified over /);
    expect(plan).toMatch(/\| Fix implemented and tested \| ✅ done \| fracas verify: verified over /);
  });

  it('refuses to verify an incident whose evidence was never collected (exit 1)', async () => {
    const dir = incidentDir('uncollected', { requests: 10, failureShare: 0 }, 4);
    made.push(dir);
    const err: string[] = [];
    const sink = { write: (chunk: string) => (err.push(chunk), true) } as unknown as NodeJS.WriteStream;
    const code = await main(['node', 'fracas', 'verify', dir, '--quiet'], { out: sink, err: sink });
    expect(code).toBe(1);
    expect(err.join('')).toContain(`fracas report ${dir}`);
  });
});

describe('poissonCdf', () => {
  it('matches known values and stays finite for large means', () => {
    expect(poissonCdf(0, 3)).toBeCloseTo(Math.exp(-3), 10);
    expect(poissonCdf(2, 1)).toBeCloseTo(Math.exp(-1) * (1 + 1 + 0.5), 10);
    expect(poissonCdf(5000, 5000)).toBeGreaterThan(0.49);
    expect(poissonCdf(5000, 5000)).toBeLessThan(0.51);
    expect(poissonCdf(0, 10_000)).toBe(0);
    expect(poissonCdf(3, 0)).toBe(1);
  });
});
