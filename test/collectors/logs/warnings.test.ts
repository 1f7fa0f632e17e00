// Nothing dropped silently: window misses with a hint, empty files, records without time, a format that barely parses, filters.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectLogs } from '../../../src/collectors/logs/index.ts';
import { SourceFailure, type CollectContext } from '../../../src/collectors/types.ts';
import type { LogSourceSpec } from '../../../src/manifest/index.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'fracas-warnings-'));

function context(window = { start: '2025-12-31T00:00:00Z', end: '2025-12-31T23:59:59Z' }): CollectContext {
  return {
    dir,
    resolve: (relative) => path.resolve(dir, relative),
    incident: { id: 'FM-1', title: 't', severity: 'P2', environment: 'prod', service: 'api', window },
    env: {},
    progress: () => undefined,
  };
}

const spec = (paths: string[], extra: Partial<LogSourceSpec> = {}): LogSourceSpec => ({ id: 'app-logs', kind: 'logs', paths, format: 'auto', ...extra });

function pinoLines(count: number, startMs: number, stepMs = 60_000): string {
  return (
    Array.from({ length: count }, (_, index) =>
      JSON.stringify({ level: index % 3 === 0 ? 50 : 30, time: startMs + index * stepMs, msg: `job ${index} ${index % 3 === 0 ? 'failed' : 'done'}`, service: index % 2 === 0 ? 'api' : 'worker' }),
    ).join('\n') + '\n'
  );
}

describe('log source warnings', () => {
  it('all records before the window: partial, counted, first/last seen and which window bound to widen', async () => {
    writeFileSync(path.join(dir, 'early.jsonl'), pinoLines(10, Date.parse('2025-11-30T08:00:00Z')));
    const output = await collectLogs(spec(['early.jsonl']), context());
    expect(output.status).toBe('partial');
    const file = output.evidence.files[0]!;
    expect(file).toMatchObject({ outsideWindow: 10, beforeWindow: 10, firstSeen: '2025-11-30T08:00:00.000Z', lastSeen: '2025-11-30T08:09:00.000Z' });
    expect(output.evidence.totalRecords).toBe(0);
    expect(output.warnings!.join('\n')).toContain('all 10 record(s) are before the window (first 2025-11-30T08:00:00.000Z, last 2025-11-30T08:09:00.000Z): widen `window.start` to 2025-11-30');
  });

  it('all records after the window name window.end; some outside is counted but not partial', async () => {
    writeFileSync(path.join(dir, 'late.jsonl'), pinoLines(4, Date.parse('2026-01-02T10:00:00Z')));
    const late = await collectLogs(spec(['late.jsonl']), context());
    expect(late.warnings!.join('\n')).toContain('widen `window.end` to 2026-01-03');
    writeFileSync(path.join(dir, 'straddle.jsonl'), pinoLines(6, Date.parse('2025-12-31T23:57:00Z')));
    const straddle = await collectLogs(spec(['straddle.jsonl']), context());
    expect(straddle.status).toBe('ok');
    expect(straddle.evidence.totalRecords).toBe(3);
    expect(straddle.warnings!.join('\n')).toContain('3 of 6 timed record(s) are outside the window (0 before, 3 after)');
  });

  it('an empty file is a warning that makes the source partial', async () => {
    writeFileSync(path.join(dir, 'empty.log'), '');
    const output = await collectLogs(spec(['empty.log']), context());
    expect(output.status).toBe('partial');
    expect(output.warnings).toEqual(['empty.log: the file is empty (0 lines); nothing was read from it']);
  });

  it('records without a time are a warning naming the format', async () => {
    writeFileSync(path.join(dir, 'untimed.log'), 'starting up\nERROR something broke\nstill running\n');
    const output = await collectLogs(spec(['untimed.log']), context());
    expect(output.status).toBe('partial');
    expect(output.evidence.files[0]!.untimed).toBe(3);
    expect(output.warnings!.join('\n')).toContain('none of the 3 record(s) has a time (format plain)');
    writeFileSync(path.join(dir, 'some-untimed.jsonl'), `${JSON.stringify({ time: '2026-11-20T08:00:00Z', msg: 'started' })}\n${JSON.stringify({ msg: 'no time here' })}\n`);
    const some = await collectLogs(spec(['some-untimed.jsonl']), context());
    expect(some.warnings!.join('\n')).toContain('some-untimed.jsonl: 1 of 2 record(s) have no time (format json-lines): those are kept whatever the window');
  });

  it('a header format that parses less than a tenth of the lines names the format tried and suggests the detected one', async () => {
    writeFileSync(
      path.join(dir, 'nginx.log'),
      Array.from({ length: 30 }, (_, index) => `2025/12/31 08:${String(index).padStart(2, '0')}:00 [error] 31#31: *${index} connect() failed (111: Connection refused)`).join('\n') + '\n',
    );
    const output = await collectLogs(spec(['nginx.log'], { format: '<Date> <Time> \\[<Level>\\] <Pid>: <Content> end' }), context());
    expect(output.status).toBe('partial');
    const text = output.warnings!.join('\n');
    expect(text).toContain('format header: <Date> <Time> \\[<Level>\\] <Pid>: <Content> end parsed 0 record(s) from 30 line(s)');
    expect(text).toContain('set `format: nginx-error`');
  });

  it('a header format that does not compile is a clear error naming it', async () => {
    const error = await collectLogs(spec(['nginx.log'], { format: '<Date> (<Level> <Content>' }), context()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SourceFailure);
    expect((error as Error).message).toMatch(/^log format "<Date> \(<Level> <Content>" does not compile/);
  });

  it('filters by service, level, text, regex and field, counting what they leave out', async () => {
    writeFileSync(path.join(dir, 'mixed.jsonl'), pinoLines(12, Date.parse('2025-12-31T08:00:00Z')));
    const byLevel = await collectLogs(spec(['mixed.jsonl'], { filter: { level: 'error' } }), context());
    expect(byLevel.evidence.totalRecords).toBe(4);
    expect(byLevel.evidence.files[0]!.filteredOut).toBe(8);
    expect(byLevel.warnings!.join('\n')).toContain("8 record(s) left out by the source's filter");
    const byService = await collectLogs(spec(['mixed.jsonl'], { filter: { service: 'worker', text: 'DONE' } }), context());
    expect(byService.evidence.totalRecords).toBe(4);
    const byRegex = await collectLogs(spec(['mixed.jsonl'], { filter: { regex: '^job (1|2)\\d? ', fields: { service: 'api' } } }), context());
    // job 2 and job 10 are the api records whose message matches.
    expect(byRegex.evidence.totalRecords).toBe(2);
    expect(byRegex.evidence.templates.reduce((total, template) => total + template.count, 0)).toBe(2);
    const bad = await collectLogs(spec(['mixed.jsonl'], { filter: { regex: '(?<=x)y' } }), context()).catch((caught: unknown) => caught);
    expect((bad as Error).message).toContain('does not compile (RE2 syntax)');
  });
});
