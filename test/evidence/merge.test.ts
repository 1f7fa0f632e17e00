// Tests for src/evidence/merge.ts: a re-run keeps evidence a failing source can no longer provide, and says so.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AnySourceResult, EvidenceBundle } from '../../src/evidence/schema.ts';
import { isKeptEvidence, mergeEvidence, needsEarlierEvidence } from '../../src/evidence/merge.ts';
import { evidencePath, loadPreviousEvidence, saveEvidence } from '../../src/evidence/store.ts';

const logs = { files: [], totalRecords: 3, records: [], recordsTruncated: false, templates: [], events: [], perMinute: [] };
const config = { files: [], pairs: [] };

function bundle(collectedAt: string, sources: AnySourceResult[]): EvidenceBundle {
  return {
    schemaVersion: 1,
    incident: { id: 'FM-028', title: 't', severity: 'P1', environment: 'prod', service: 'api', window: { start: '2026-11-20T08:00:00Z', end: '2026-11-20T09:00:00Z' } },
    collectedAt,
    sources,
  };
}

const okLogs = (at: string): AnySourceResult => ({
  id: 'render-logs',
  kind: 'logs',
  status: 'ok',
  warnings: ['1 line unparsed'],
  provenance: { description: 'logs', collectedAt: at },
  durationMs: 5,
  evidence: logs,
});
const failedLogs: AnySourceResult = {
  id: 'render-logs',
  kind: 'logs',
  status: 'failed',
  warnings: [],
  error: { message: 'logs/render.log: no such file', code: 'ENOENT' },
  provenance: { description: 'logs', collectedAt: '2026-11-21T10:00:00Z' },
  durationMs: 1,
};

describe('mergeEvidence', () => {
  it('keeps the previous evidence of a source that fails now, marked partial with a warning', () => {
    const merged = mergeEvidence(bundle('2026-11-20T10:00:00Z', [okLogs('2026-11-20T10:00:00Z')]), bundle('2026-11-21T10:00:00Z', [failedLogs]));
    const source = merged.sources[0] as AnySourceResult;
    expect(source.status).toBe('partial');
    expect(source.evidence).toEqual(logs);
    expect(source.error?.code).toBe('ENOENT');
    expect(source.warnings[0]).toBe('kept evidence collected at 2026-11-20T10:00:00Z; this run: logs/render.log: no such file');
    expect(source.warnings).toContain('1 line unparsed');
    expect(source.provenance.collectedAt).toBe('2026-11-20T10:00:00Z');
    expect(isKeptEvidence(source)).toBe(true);
    expect(merged.collectedAt).toBe('2026-11-21T10:00:00Z');
  });

  it('keeps the original collection time across several failing re-runs, with one warning', () => {
    const first = bundle('2026-11-20T10:00:00Z', [okLogs('2026-11-20T10:00:00Z')]);
    const second = mergeEvidence(first, bundle('2026-11-21T10:00:00Z', [failedLogs]));
    const third = mergeEvidence(second, bundle('2026-11-22T10:00:00Z', [{ ...failedLogs, error: { message: 'EACCES' } }]));
    const source = third.sources[0] as AnySourceResult;
    expect(source.warnings.filter((warning) => warning.startsWith('kept evidence'))).toEqual(['kept evidence collected at 2026-11-20T10:00:00Z; this run: EACCES']);
    expect(source.evidence).toEqual(logs);
  });

  it('prefers fresh evidence, and does not invent evidence for new or previously failed sources', () => {
    const previous = bundle('2026-11-20T10:00:00Z', [okLogs('2026-11-20T10:00:00Z'), { ...failedLogs, id: 'config', kind: 'config' } as AnySourceResult]);
    const fresh = okLogs('2026-11-21T10:00:00Z');
    const next = bundle('2026-11-21T10:00:00Z', [fresh, { ...failedLogs, id: 'config', kind: 'config' } as AnySourceResult, { ...failedLogs, id: 'new-one' }]);
    const merged = mergeEvidence(previous, next);
    expect(merged.sources[0]).toBe(fresh);
    expect(merged.sources[1]?.status).toBe('failed');
    expect(merged.sources[2]?.status).toBe('failed');
    expect(mergeEvidence(undefined, next)).toBe(next);
  });

  it("marks placeholders of kept evidence with their run, so they cannot be confused with this run's", () => {
    const redactedLogs = { ...logs, records: [{ file: 'a.log', line: 1, message: 'login with [REDACTED:password:1]', fields: {} }] };
    const previous = bundle('2026-11-20T10:00:00.000Z', [{ ...okLogs('2026-11-20T10:00:00.000Z'), evidence: redactedLogs } as AnySourceResult]);
    const first = mergeEvidence(previous, bundle('2026-11-21T10:00:00Z', [failedLogs]));
    const message = (first.sources[0]!.evidence as typeof redactedLogs).records[0]?.message;
    expect(message).toBe('login with [REDACTED:password:1-r20261120100000000]');
    const second = mergeEvidence(first, bundle('2026-11-22T10:00:00Z', [failedLogs]));
    expect((second.sources[0]!.evidence as typeof redactedLogs).records[0]?.message).toBe(message);
  });

  it('carries over sources this run did not collect when asked (an --only run), and drops removed ones', () => {
    const config = {
      id: 'config-drift',
      kind: 'config',
      status: 'ok',
      warnings: [],
      provenance: { description: 'c', collectedAt: '2026-11-20T10:00:00Z' },
      durationMs: 1,
      evidence: { files: [], pairs: [] },
    } as AnySourceResult;
    const previous = bundle('2026-11-20T10:00:00Z', [okLogs('2026-11-20T10:00:00Z'), config]);
    const next = bundle('2026-11-21T10:00:00Z', [okLogs('2026-11-21T10:00:00Z')]);
    expect(mergeEvidence(previous, next, { notCollected: ['config-drift'] }).sources.map((source) => source.id)).toEqual(['render-logs', 'config-drift']);
    expect(mergeEvidence(previous, next).sources.map((source) => source.id)).toEqual(['render-logs']);
  });

  it('matches sources by id and kind', () => {
    const previous = bundle('2026-11-20T10:00:00Z', [
      { id: 'render-logs', kind: 'config', status: 'ok', warnings: [], provenance: { description: 'c', collectedAt: 'x' }, durationMs: 1, evidence: config },
    ]);
    const merged = mergeEvidence(previous, bundle('2026-11-21T10:00:00Z', [failedLogs]));
    expect(merged.sources[0]?.status).toBe('failed');
  });
});

describe('needsEarlierEvidence', () => {
  it('is true only when a source has no evidence now (failed or skipped) or other sources are carried over', () => {
    expect(needsEarlierEvidence(bundle('2026-11-21T10:00:00Z', [okLogs('2026-11-21T10:00:00Z')]))).toBe(false);
    expect(needsEarlierEvidence(bundle('2026-11-21T10:00:00Z', [failedLogs]))).toBe(true);
    expect(needsEarlierEvidence(bundle('2026-11-21T10:00:00Z', [{ ...failedLogs, status: 'skipped', error: undefined }]))).toBe(true);
    expect(needsEarlierEvidence(bundle('2026-11-21T10:00:00Z', [okLogs('2026-11-21T10:00:00Z')]), { notCollected: ['config-drift'] })).toBe(true);
  });
});

describe('saveEvidence', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fracas-save-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps earlier evidence for a source that fails now, and saves a complete run as it is', async () => {
    const first = await saveEvidence(dir, bundle('2026-11-20T10:00:00Z', [okLogs('2026-11-20T10:00:00Z')]));
    expect(first.sources[0]?.status).toBe('ok');
    const failing = await saveEvidence(dir, bundle('2026-11-21T10:00:00Z', [failedLogs]));
    expect(failing.sources[0]?.status).toBe('partial');
    expect(isKeptEvidence(failing.sources[0]!)).toBe(true);
    const complete = bundle('2026-11-22T10:00:00Z', [okLogs('2026-11-22T10:00:00Z')]);
    expect(await saveEvidence(dir, complete)).toBe(complete);
    expect(loadPreviousEvidence(dir)).toEqual(complete);
  });
});

describe('loadPreviousEvidence', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fracas-merge-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (text: string): void => {
    mkdirSync(path.dirname(evidencePath(dir)), { recursive: true });
    writeFileSync(evidencePath(dir), text);
  };

  it('reads a bundle and ignores missing, corrupt or foreign files', () => {
    expect(loadPreviousEvidence(dir)).toBeUndefined();
    write(JSON.stringify(bundle('2026-11-20T10:00:00Z', [okLogs('2026-11-20T10:00:00Z')])));
    expect(loadPreviousEvidence(dir)?.sources).toHaveLength(1);
    write('{"schemaVersion":1,"sour');
    expect(loadPreviousEvidence(dir)).toBeUndefined();
    write('{"schemaVersion":99,"sources":[]}');
    expect(loadPreviousEvidence(dir)).toBeUndefined();
  });
});
