// Format readers: detection, Render JSON shapes, JSON lines, text, syslog, Python multi-line, header formats, bad lines, gzip.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../../src/evidence/schema.ts';
import { readLogFile } from '../../../src/collectors/logs/read-file.ts';
import { detectFormat } from '../../../src/collectors/logs/detect.ts';

const fixtures = path.resolve(import.meta.dirname, '../../fixtures/logs');
const tmp = mkdtempSync(path.join(tmpdir(), 'fracas-logs-'));

async function read(file: string, format?: string) {
  const records: LogRecord[] = [];
  const unparsed: { line: number; reason: string; text: string }[] = [];
  const result = await readLogFile(
    file,
    path.basename(file),
    { format },
    {
      record: (record) => records.push(record),
      unparsed: (line, reason, text) => unparsed.push({ line, reason, text }),
    },
  );
  return { result, records, unparsed };
}

describe('log readers', () => {
  it('reads a Render API page with labels carried as fields', async () => {
    const { result, records, unparsed } = await read(path.join(fixtures, 'render-page.json'));
    expect(result.format).toBe('render-json');
    expect(unparsed).toEqual([]);
    expect(records).toHaveLength(12);
    const failed = records.find((record) => record.fields.statusCode === '502')!;
    expect(failed.fields).toMatchObject({ method: 'POST', path: '/webhooks/jobs/8813', type: 'request', instance: 'srv-abc123-x1' });
    expect(failed.level).toBe('error');
    expect(failed.timestamp).toBe('2026-11-20T08:01:10.000Z');
  });

  it('reads an array and back-to-back indented objects with the line each object starts on', async () => {
    const array = await read(path.join(fixtures, 'render-array.json'));
    const cli = await read(path.join(fixtures, 'render-cli.json'));
    expect(array.records.map((record) => record.message)).toEqual(cli.records.map((record) => record.message));
    expect(cli.records[0]!.line).toBe(1);
    const text = readFileSync(path.join(fixtures, 'render-cli.json'), 'utf8').split('\n');
    for (const record of cli.records) expect(text[record.line - 1]).toBe('{');
    expect(array.records[1]!.message).toBe('==> Your service is live 🎉');
  });

  it('survives a JSON page split at every possible chunk boundary (strings with escapes)', async () => {
    const { createRenderJsonParser } = await import('../../../src/collectors/logs/render-json.ts');
    const page = JSON.stringify({
      hasMore: false,
      logs: [
        { timestamp: '2026-11-20T08:00:00Z', message: 'quote \\" and backslash \\\\ and {braces} [x]', labels: [] },
        { timestamp: '2026-11-20T08:00:01Z', message: 'second', labels: [] },
      ],
    });
    for (let cut = 1; cut < page.length; cut++) {
      const seen: string[] = [];
      const parser = createRenderJsonParser('x', { record: (record) => seen.push(record.message), unparsed: () => seen.push('!') });
      parser.push(page.slice(0, cut));
      parser.push(page.slice(cut));
      parser.end();
      expect(seen).toEqual(['quote \\" and backslash \\\\ and {braces} [x]', 'second']);
    }
  });

  it('counts and samples bad JSON lines without failing, keeps text lines as text records, and reads pino, structlog and python-json records', async () => {
    const { result, records, unparsed } = await read(path.join(fixtures, 'pino.jsonl'));
    expect(result.format).toBe('json-lines');
    expect(unparsed.map((entry) => [entry.line, entry.reason])).toEqual([[5, 'invalid-json']]);
    expect(records.find((record) => record.line === 6)).toMatchObject({ message: 'not json at all', fields: { readAs: 'text', timeFrom: 'previous-record' } });
    expect(records.filter((record) => record.fields.readAs !== 'text').map((record) => record.level)).toEqual(['info', 'error', 'error', 'warn', 'info']);
    expect(records[1]!.message).toContain('ECONNRESET');
    expect(records[2]!.message).toBe('upstream returned 429');
    expect(records[3]!.timestamp).toBe('2026-11-20T08:00:03.250Z');
  });

  it('a crash printed between JSON records (V8 heap exhaustion, a Go panic) is one text record at the time of the record before it', async () => {
    const file = path.join(tmp, 'app.log');
    const lines = [
      '{"level":30,"time":1795165495200,"pid":4211,"msg":"GET /api/cart 200"}',
      '',
      '<--- Last few GCs --->',
      '',
      '[4211:0x5d0c2a0]   912345 ms: Mark-Compact 2046.3 (2083.1) -> 2045.9 (2083.4) MB, 1832.42 / 0.00 ms  (average mu = 0.112, current mu = 0.021) allocation failure; scavenge might not succeed',
      '',
      '<--- JS stacktrace --->',
      '',
      'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
      ' 1: 0xb090e0 node::Abort() [node]',
      '{"level":30,"time":1795165498200,"pid":4212,"msg":"server listening on port 3000"}',
      '2026-11-20T10:05:01Z panic: runtime error: invalid memory address or nil pointer dereference',
      'goroutine 1 [running]:',
    ];
    writeFileSync(file, `${lines.join('\n')}\n`);
    const { records, unparsed } = await read(file);
    expect(unparsed).toEqual([]);
    expect(records.map((record) => record.line)).toEqual([1, 3, 11, 12]);
    expect(records[1]).toMatchObject({ level: 'fatal', timestamp: '2026-11-20T09:04:55.200Z', fields: { readAs: 'text', timeFrom: 'previous-record' } });
    expect(records[1]!.message).toContain('FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory');
    expect(records[3]).toMatchObject({ timestamp: '2026-11-20T10:05:01.000Z' });
    expect(records[3]!.message).toContain('goroutine 1 [running]:');
  });

  it('keeps Python tracebacks and indented JSON in one record', async () => {
    const { result, records } = await read(path.join(fixtures, 'python.log'));
    expect(result.format).toBe('python');
    expect(records.map((record) => record.line)).toEqual([1, 2, 9, 13]);
    expect(records[1]!.message.split('\n')).toHaveLength(7);
    expect(records[1]!.level).toBe('error');
    expect(records[2]!.message).toContain('"job_id": 8815');
    expect(records[3]).toMatchObject({ level: 'warn', message: 'pool exhausted, waiting', fields: { logger: 'app.db' } });
  });

  it('reads Render text and RFC 5424 syslog', async () => {
    const text = await read(path.join(fixtures, 'render-text.log'));
    expect(text.result.format).toBe('render-text');
    expect(text.records[2]!.level).toBe('info');
    expect(text.records[0]!.timestamp).toBe('2026-11-20T07:58:00.000Z');
    const syslog = await read(path.join(fixtures, 'syslog.log'));
    expect(syslog.result.format).toBe('syslog');
    expect(syslog.records[1]!.level).toBe('error');
    expect(syslog.records[2]!.level).toBe('warn');
    expect(syslog.records[3]!.timestamp).toBe('2021-04-01T00:00:00.000Z');
    expect(syslog.records[3]!.fields).toMatchObject({ host: 'test-service', app: 'cron-12345', procid: '74440' });
  });

  it('reads a user-given logparser header format', async () => {
    const file = path.join(tmp, 'hdfs.log');
    writeFileSync(
      file,
      '081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating\r\n081109 203807 222 WARN dfs.FSNamesystem: BLOCK* ask 10.250.11.85:50010 to delete  blk_-1\r\n',
    );
    const { records } = await read(file, '<Date> <Time> <Pid> <Level> <Component>: <Content>');
    expect(records).toHaveLength(2);
    expect(records[0]!.message).toBe('PacketResponder 1 for block blk_38865049064139660 terminating');
    expect(records[0]!.fields).toMatchObject({ Pid: '148', Component: 'dfs.DataNode$PacketResponder' });
    expect(records[1]!.level).toBe('warn');
  });

  it('reads gzip files and reports binary, invalid UTF-8 and huge lines as unparsed', async () => {
    const file = path.join(tmp, 'mixed.log.gz');
    const good = '2026-11-20 08:00:00,000 - app - INFO - fine\n';
    const huge = `2026-11-20 08:00:01,000 - app - INFO - ${'x'.repeat(3 << 20)}\n`;
    const body = Buffer.concat([Buffer.from(good), Buffer.from('bin\u0000ary\n'), Buffer.from([0xff, 0xfe, 0x41, 0x0a]), Buffer.from(huge), Buffer.from(good)]);
    writeFileSync(file, gzipSync(body));
    const { result, records, unparsed } = await read(file);
    expect(result.format).toBe('python');
    expect(records.map((record) => record.line)).toEqual([1, 5]);
    expect(unparsed.map((entry) => entry.reason)).toEqual(['binary', 'invalid-utf8', 'line-too-long']);
  });

  it('detects formats from the head of a file', () => {
    expect(detectFormat('{"level":30,"msg":"x"}\n')).toBe('json-lines');
    expect(detectFormat('{\n  "id": "a",\n')).toBe('render-json');
    expect(detectFormat('[\n  {\n')).toBe('render-json');
    expect(detectFormat('[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok\n')).toBe('apache-error');
    expect(detectFormat('2026-11-20 08:00:00.000 UTC [12] LOG:  hello\n2026-11-20 08:00:00.000 UTC [12] ERROR:  bad\n')).toBe('postgres');
  });
});

describe('multi-line messages split into entries', () => {
  it('joins a traceback logged one Render entry per line back into its log record', async () => {
    const { joinMultiline } = await import('../../../src/collectors/logs/tracebacks.ts');
    const at = '2026-11-20T08:00:00.000Z';
    const entry = (line: number, message: string, timestamp = at, fields: Record<string, string> = { instance: 'i-1' }): LogRecord => ({ file: 'x', line, timestamp, message, fields, level: 'error' });
    const out: LogRecord[] = [];
    const joiner = joinMultiline({ record: (record) => out.push(record), unparsed: () => undefined });
    for (const record of [
      entry(1, '2026-11-20 08:00:00,000 - app - ERROR - job 7 failed'),
      entry(2, 'Traceback (most recent call last):'),
      entry(3, '  File "/app/worker.py", line 42, in run'),
      entry(4, '    process(job)'),
      entry(5, 'ValueError: bad input'),
      entry(6, '[SQL: UPDATE jobs SET state = 1]'),
      entry(7, '2026-11-20 08:00:00,000 - app - INFO - next message'),
      entry(8, '  indented but from another instance', at, { instance: 'i-2' }),
      entry(9, 'POST /hook 500', at, { instance: 'i-1', statusCode: '500' }),
    ])
      joiner.record(record);
    joiner.flush();
    expect(out.map((record) => record.line)).toEqual([1, 7, 8, 9]);
    expect(out[0]!.message.split('\n')).toHaveLength(6);
    expect(out[0]!.message).toContain('ValueError: bad input');
  });
});

describe('broken Render JSON', () => {
  it('counts an invalid record and a truncated tail without losing the good records', async () => {
    const file = path.join(tmp, 'broken.json');
    const good = (n: number) => JSON.stringify({ id: `l${n}`, timestamp: '2026-11-20T08:00:00Z', message: `ok ${n}`, labels: [] });
    writeFileSync(file, `{"hasMore":true,"logs":[\n${good(1)},\n{"id":"l2","timestamp":"2026-11-20T08:00:01Z","message":"bad" "x"},\n${good(3)},\n{"id":"l4","message":"cut here`);
    const { records, unparsed } = await read(file);
    expect(records.map((record) => record.message)).toEqual(['ok 1', 'ok 3']);
    expect(records.map((record) => record.line)).toEqual([2, 4]);
    expect(unparsed.map((entry) => [entry.line, entry.reason])).toEqual([
      [3, 'invalid-json'],
      [5, 'truncated-json'],
    ]);
  });
});

describe('traditional syslog', () => {
  it('reads /var/log/syslog lines without a PRI and takes the program and pid as fields', async () => {
    const file = path.join(tmp, 'auth.log');
    writeFileSync(file, 'Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186\nDec 10 06:55:48 LabSZ sshd[24200]: Connection closed by 173.234.31.186 [preauth]\n');
    const { result, records } = await read(file);
    expect(result.format).toBe('syslog');
    expect(records[0]!.message).toBe('Invalid user webmaster from 173.234.31.186');
    expect(records[0]!.fields).toMatchObject({ host: 'LabSZ', app: 'sshd', procid: '24200' });
    expect(records[0]!.timestamp).toMatch(/^\d{4}-12-10T06:55:46\.000Z$/);
  });
});

describe('arrays of Render pages', () => {
  it('reads the entries of every page in an array of API responses', async () => {
    const file = path.join(tmp, 'pages.json');
    const entry = (n: number) => ({ id: `l${n}`, timestamp: `2026-11-20T08:00:0${n}Z`, message: `entry ${n}`, labels: [{ name: 'level', value: 'info' }] });
    writeFileSync(
      file,
      JSON.stringify(
        [
          { hasMore: true, logs: [entry(1), entry(2)] },
          { hasMore: false, logs: [entry(3)] },
        ],
        null,
        2,
      ),
    );
    const { result, records } = await read(file);
    expect(result.format).toBe('render-json');
    expect(records.map((record) => record.message)).toEqual(['entry 1', 'entry 2', 'entry 3']);
  });
});

describe('plain lines', () => {
  it('keeps indented stack frames with the line before them and marks uncaught exceptions as errors', async () => {
    const file = path.join(tmp, 'app.out');
    writeFileSync(
      file,
      '  orphan indented first line\nstarting worker 3\nException in thread "main" java.lang.IllegalStateException: boom\n\tat com.example.Foo.bar(Foo.java:42)\n\tat com.example.Main.main(Main.java:10)\n[error] disk full on /dev/sda1\n',
    );
    const { result, records } = await read(file);
    expect(result.format).toBe('plain');
    expect(records.map((record) => record.line)).toEqual([1, 2, 3, 6]);
    expect(records[2]!.message.split('\n')).toHaveLength(3);
    expect(records[2]!.level).toBe('error');
    expect(records[3]!.level).toBe('error');
    expect(records[1]!.level).toBeUndefined();
  });
});

describe('plain access and error logs', () => {
  it('takes timestamps and request fields from nginx/Apache style lines', async () => {
    const file = path.join(tmp, 'access.log');
    writeFileSync(
      file,
      [
        '10.0.0.3 - - [10/Oct/2026:13:55:38 +0200] "POST /api/webhooks/llamaparse/9f0e HTTP/1.1" 500 12 "-" "python-requests/2.31.0"',
        '2026/10/10 13:55:40 [error] 31#31: *5 connect() failed (111: Connection refused) while connecting to upstream',
        '[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties',
      ].join('\n'),
    );
    const { records } = await read(file);
    expect(records[0]!.timestamp).toBe('2026-10-10T11:55:38.000Z');
    expect(records[0]!.fields).toEqual({ method: 'POST', path: '/api/webhooks/llamaparse/9f0e', statusCode: '500' });
    expect(records[1]!.timestamp).toBe('2026-10-10T13:55:40.000Z');
    expect(records[1]!.level).toBe('error');
    expect(records[2]!.timestamp).toBe('2005-12-04T04:47:44.000Z');
    expect(records[2]!.level).toBe('info');
  });
});
