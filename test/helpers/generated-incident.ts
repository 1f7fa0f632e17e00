// A generated incident for loop tests (verify, check): pino logs with node-postgres connection failures, then a later window whose traffic and failures the test chooses.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const INCIDENT = { start: '2026-11-10T00:00:00Z', end: '2026-11-10T12:00:00Z' };
export const AFTER = { start: '2026-11-11T00:00:00Z', end: '2026-11-11T12:00:00Z' };

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
const FAILURES = [(host: string) => `connect ECONNREFUSED ${host}:5432`, () => 'Connection terminated due to connection timeout'];
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
      lines.push(
        JSON.stringify({
          level: 50,
          time,
          pid: 12,
          hostname: 'api-1',
          msg: 'request failed',
          req: { method: 'POST', url },
          err: { type: 'Error', message, stack: `Error: ${message}\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)` },
        }),
      );
      lines.push(JSON.stringify({ level: 50, time: time + 3, pid: 12, hostname: 'api-1', msg: message, statusCode: 500, method: 'POST', path: url }));
    } else {
      lines.push(JSON.stringify({ level: 30, time, pid: 12, hostname: 'api-1', msg: 'request completed', statusCode: 200, method: 'POST', path: url, responseTime: Math.round(next() * 80) }));
    }
  }
  return lines;
}

/** An incident directory with one log source; `extraSources` are appended to the manifest's sources (YAML lines). */
export function incidentDir(name: string, after: { requests: number; failureShare: number }, seed: number, extraSources: string[] = [], parent = tmpdir(), id = 'INC-VERIFY'): string {
  const next = random(seed);
  const dir = mkdtempSync(path.join(parent, `fracas-${name}-`));
  mkdirSync(path.join(dir, 'logs'));
  const lines = [...pinoLines(INCIDENT, 600 + Math.floor(next() * 400), 0.2 + next() * 0.2, next), ...pinoLines(AFTER, after.requests, after.failureShare, next)];
  writeFileSync(path.join(dir, 'logs', 'api.jsonl'), `${lines.join('\n')}\n`);
  writeFileSync(
    path.join(dir, 'incident.yaml'),
    [
      `id: ${id}`,
      'title: Database connections refused',
      'severity: P2',
      'environment: staging',
      'service: api',
      `window: { start: ${INCIDENT.start}, end: ${INCIDENT.end} }`,
      'sources:',
      '  - id: api-logs',
      '    kind: logs',
      '    paths: [logs/api.jsonl]',
      ...extraSources,
      '',
    ].join('\n'),
  );
  return dir;
}
