// `fracas templates`: the table, --jsonl in input order with start lines, --format header formats, errors.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { filterFromFlags, runTemplates } from '../../src/cli/templates.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'fracas-templates-'));
const fixtures = path.resolve(import.meta.dirname, '../fixtures/logs');

async function run(file: string, options: Parameters<typeof runTemplates>[1]) {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks: string[] = [];
  const errors: string[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  err.on('data', (chunk: Buffer) => errors.push(chunk.toString()));
  const code = await runTemplates(file, options, out, err);
  return { code, out: chunks.join(''), err: errors.join('') };
}

describe('fracas templates', () => {
  it('prints one JSON object per record, in input order, with the line each record starts on', async () => {
    const { code, out } = await run(path.join(fixtures, 'python.log'), { jsonl: true });
    expect(code).toBe(0);
    const rows = out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { line: number; templateId: string; template: string });
    expect(rows.map((row) => row.line)).toEqual([1, 2, 9, 13]);
    expect(Object.keys(rows[0]!)).toEqual(['line', 'templateId', 'template']);
    expect(rows[1]!.template).toBe('Job <*> failed');
  });

  it('groups records by template with a user-given header format', async () => {
    const file = path.join(dir, 'ssh.log');
    const users = ['root', 'admin', 'oracle', 'test', 'guest'];
    const lines = users.flatMap((user, index) => [
      `Dec 10 06:55:${10 + index} LabSZ sshd[${24200 + index}]: Invalid user ${user} from 10.0.0.${index}`,
      `Dec 10 06:55:${20 + index} LabSZ sshd[${24200 + index}]: Failed password for invalid user ${user} from 10.0.0.${index} port ${5000 + index} ssh2`,
    ]);
    writeFileSync(file, `${lines.join('\r\n')}\r\n`);
    const { code, out } = await run(file, { jsonl: true, format: '<Date> <Day> <Time> <Component> sshd\\[<Pid>\\]: <Content>' });
    expect(code).toBe(0);
    const rows = out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { line: number; template: string });
    expect(rows).toHaveLength(10);
    expect(new Set(rows.map((row) => row.template))).toEqual(new Set(['Invalid user <*> from <*>', 'Failed password for invalid user <*> from <*> port <*> ssh2']));
    expect(rows.map((row) => row.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('prints a table of templates with counts, most frequent first', async () => {
    const { code, out } = await run(path.join(fixtures, 'render-page.json'), {});
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toContain('12 record(s)');
    expect(lines[0]).toContain('render-json');
    const processing = lines.find((line) => line.includes('Processing job_id=<*> document_id=<*>'))!;
    expect(processing.trim().split(/\s+/)[0]).toBe('3');
  });

  it('fails with a usage error on an unknown format and with a read error on a missing file', async () => {
    expect((await run(path.join(fixtures, 'python.log'), { format: 'xml' })).code).toBe(1);
    const missing = await run(path.join(dir, 'nope.log'), {});
    expect(missing.code).toBe(3);
    expect(missing.err).toContain('ENOENT');
  });

  it('takes the log source filters as flags and says what they left out', async () => {
    const file = path.join(dir, 'mixed.jsonl');
    writeFileSync(
      file,
      Array.from({ length: 9 }, (_, index) =>
        JSON.stringify({
          level: index % 3 === 0 ? 'error' : 'info',
          time: `2026-11-20T08:00:0${index}Z`,
          msg: `job ${index} ${index % 3 === 0 ? 'failed' : 'done'}`,
          service: index % 2 ? 'worker' : 'api',
        }),
      ).join('\n'),
    );
    const errors = await run(file, { jsonl: true, filter: filterFromFlags({ level: 'error' }) });
    expect(errors.out.trim().split('\n')).toHaveLength(3);
    expect(errors.err).toContain('6 record(s) left out by the filter');
    const worker = await run(file, { jsonl: true, filter: filterFromFlags({ service: ['worker'], regex: 'job [13] ', field: ['level=info'] }) });
    expect(
      worker.out
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { line: number }).line),
    ).toEqual([2]);
    expect(() => filterFromFlags({ level: 'loud' })).toThrow(/--level/);
    expect(() => filterFromFlags({ field: ['novalue'] })).toThrow(/key=value/);
    expect((await run(file, { filter: { regex: '(?=x)' } })).code).toBe(1);
  });

  it('warns on stderr and exits 2 when the format parses less than a tenth of the lines, naming the one detected', async () => {
    const file = path.join(dir, 'nginx.log');
    writeFileSync(file, Array.from({ length: 20 }, (_, index) => `2026/11/20 08:00:${String(index).padStart(2, '0')} [warn] 7#7: *${index} upstream response buffered`).join('\n') + '\n');
    const result = await run(file, { format: 'json-lines' });
    expect(result.code).toBe(2);
    expect(result.err).toContain('format json-lines parsed 0 record(s) from 20 line(s)');
    expect(result.err).toContain('set `format: nginx-error`');
    const empty = path.join(dir, 'empty.log');
    writeFileSync(empty, '');
    const none = await run(empty, {});
    expect(none.code).toBe(2);
    expect(none.err).toContain('the file is empty');
  });
});
