// The logs collector: globs, time window (counted, not kept), templates, per-minute counts, events, requests, entities, failures.
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectLogs } from '../../../src/collectors/logs/index.ts';
import { logFindings } from '../../../src/analysis/log-patterns.ts';
import type { CollectContext } from '../../../src/collectors/types.ts';
import type { LogSourceSpec } from '../../../src/manifest/index.ts';

const fixtures = path.resolve(import.meta.dirname, '../../fixtures/logs');
const dir = mkdtempSync(path.join(tmpdir(), 'fracas-collect-'));
mkdirSync(path.join(dir, 'logs'));
copyFileSync(path.join(fixtures, 'render-page.json'), path.join(dir, 'logs', 'render-1.json'));
writeFileSync(path.join(dir, 'logs', 'render-2.json.gz'), gzipSync(readFileSync(path.join(fixtures, 'render-cli.json'))));

function context(window = { start: '2026-11-20T07:00:00Z', end: '2026-11-20T09:00:00Z' }): CollectContext {
  return {
    dir,
    resolve: (relative) => path.resolve(dir, relative),
    incident: { id: 'FM-1', title: 't', severity: 'P2', environment: 'prod', service: 'api', window },
    env: {},
    progress: () => undefined,
  };
}

const spec = (paths: string[], format = 'auto'): LogSourceSpec => ({ id: 'app-logs', kind: 'logs', paths, format });

describe('collectLogs', () => {
  it('reads globs (gzip included) into evidence with templates, minutes, events, requests and entities', async () => {
    const output = await collectLogs(spec(['logs/*.json*']), context());
    expect(output.status).toBe('ok');
    const evidence = output.evidence;
    expect(evidence.files.map((file) => file.path)).toEqual(['logs/render-1.json', 'logs/render-2.json.gz']);
    expect(evidence.totalRecords).toBe(16);
    expect(evidence.events.map((event) => event.kind)).toEqual(['deploy', 'deploy', 'deploy', 'deploy', 'start', 'start']);
    const processing = evidence.templates.find((template) => template.template.startsWith('Processing job_id='))!;
    expect(processing.template).toBe('Processing job_id=<*> document_id=<*>');
    expect(processing.count).toBe(4);
    expect(processing.entities['job-id']).toEqual(['8812', '8813', '8814']);
    const minute = evidence.perMinute.find((bucket) => bucket.minute === '2026-11-20T08:01:00Z')!;
    expect(minute).toEqual({ minute: '2026-11-20T08:01:00Z', total: 3, errors: 2, requests: 1, failedRequests: 1 });
    expect(evidence.requests!.find((request) => request.statusCode === 502)).toMatchObject({ method: 'POST', path: '/webhooks/jobs/<*>', count: 1 });
    const job8813 = evidence.entities!.find((entity) => entity.id === '8813')!;
    expect(job8813.webhook.failed).toBe(2);
    expect(evidence.entities!.find((entity) => entity.id === '8812')!.webhook.delivered).toBe(1);
    const cited = evidence.records.find((record) => record.fields.statusCode === '500')!;
    expect(cited.templateId).toMatch(/^t-[0-9a-f]{8}$/);
    expect(evidence.templates.some((template) => template.id === cited.templateId)).toBe(true);
  });

  it('counts records outside the incident window without keeping them, and can be switched off', async () => {
    const narrow = await collectLogs(spec(['logs/render-1.json']), context({ start: '2026-11-20T08:01:00Z', end: '2026-11-20T08:02:59Z' }));
    expect(narrow.evidence.totalRecords).toBe(5);
    expect(narrow.evidence.window?.outside).toBe(7);
    expect(narrow.evidence.files[0]!.outsideWindow).toBe(7);
    expect(narrow.evidence.records.every((record) => record.timestamp! >= '2026-11-20T08:01:00Z')).toBe(true);
    expect(narrow.evidence.events.length).toBeGreaterThan(0);
    const all = await collectLogs(spec(['logs/render-1.json']), context({ start: '2026-11-20T08:01:00Z', end: '2026-11-20T08:02:59Z' }), { window: null });
    expect(all.evidence.totalRecords).toBe(12);
    expect(all.evidence.window).toBeUndefined();
  });

  it('is partial when one pattern matches nothing, and fails with ENOENT when nothing can be read', async () => {
    const partial = await collectLogs(spec(['logs/render-1.json', 'missing/*.log']), context());
    expect(partial.status).toBe('partial');
    expect(partial.warnings!.join('\n')).toContain('missing/*.log');
    await expect(collectLogs(spec(['nope/*.log']), context())).rejects.toMatchObject({ name: 'SourceFailure', code: 'ENOENT' });
    await expect(collectLogs(spec(['nope.log']), context())).rejects.toMatchObject({ name: 'SourceFailure', code: 'ENOENT' });
    await expect(collectLogs(spec(['logs/render-1.json'], 'xml'), context())).rejects.toMatchObject({ code: 'bad-format' });
  });
});

describe('records kept as evidence', () => {
  it("a template's failing records have a cap of their own: 502s logged as `request completed` after many 200s are kept and cited", async () => {
    const lines: string[] = [];
    const start = Date.parse('2026-11-20T07:30:00Z');
    for (let index = 0; index < 400; index++) {
      const failing = index >= 300 && index % 3 === 0;
      lines.push(JSON.stringify({ level: failing ? 50 : 30, time: start + index * 1000, reqId: `req-${index}`, res: { statusCode: failing ? 502 : 200 }, responseTime: 12, msg: 'request completed' }));
    }
    writeFileSync(path.join(dir, 'logs', 'completed.jsonl'), `${lines.join('\n')}\n`);
    const { evidence } = await collectLogs(spec(['logs/completed.jsonl']), context());
    const kept = evidence.records.filter((record) => record.message === 'request completed');
    expect(kept.filter((record) => record.fields.statusCode === '502')).toHaveLength(34);
    expect(kept.filter((record) => record.fields.statusCode === '200')).toHaveLength(50);
    expect(evidence.recordsTruncated).toBe(true);
    // The 5xx finding cites them, and says that the records name no path rather than printing an empty one.
    const failures = logFindings('app-logs', evidence).find((finding) => finding.signal === 'http-5xx')!;
    expect(failures.refs.length).toBeGreaterThan(0);
    expect(failures.detail).toMatch(/most on \(no path in the records\)\.$/);
  });
});

describe('collectLogs on PostgreSQL server logs', () => {
  it('keeps the LOG lines the database analysis needs (lock waits, deadlock waits) but not routine ones, with a detected format', async () => {
    const pgDir = mkdtempSync(path.join(tmpdir(), 'fracas-pg-'));
    copyFileSync(path.join(fixtures, 'postgres15-sample.log'), path.join(pgDir, 'postgresql.log'));
    const output = await collectLogs(
      { id: 'pg', kind: 'logs', paths: ['postgresql.log'], format: 'auto' },
      { ...context(), dir: pgDir, resolve: (relative) => path.resolve(pgDir, relative) },
      { window: null },
    );
    const evidence = output.evidence;
    expect(evidence.files[0]).toMatchObject({ format: 'postgres', postgresPrefix: '%m [%p] %q%u@%d ', unparsed: 0 });
    const messages = evidence.records.map((record) => record.message);
    expect(messages.some((message) => message.includes('still waiting for ShareLock'))).toBe(true);
    expect(messages.some((message) => message.includes('detected deadlock while waiting'))).toBe(true);
    expect(messages.some((message) => message.startsWith('connection received'))).toBe(false);
    expect(evidence.records.find((record) => record.message.startsWith('deadlock detected'))!.fields).toMatchObject({ severity: 'ERROR', pid: '5814' });
  });
});
