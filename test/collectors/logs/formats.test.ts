// Every documented format: detected from the file, records with times, levels and fields, multi-line traces kept in one record.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../../src/evidence/schema.ts';
import { readLogFile } from '../../../src/collectors/logs/read-file.ts';
import { eventKind } from '../../../src/collectors/logs/events.ts';

const dir = path.resolve(import.meta.dirname, '../../fixtures/logs/formats');

async function read(name: string, format?: string) {
  const records: LogRecord[] = [];
  const unparsed: { line: number; reason: string }[] = [];
  const result = await readLogFile(
    path.join(dir, name),
    name,
    { format },
    {
      record: (record) => records.push(record),
      unparsed: (line, reason) => unparsed.push({ line, reason }),
    },
  );
  return { format: result.format, records, unparsed, levels: records.map((record) => record.level ?? '-') };
}

describe('documented log formats', () => {
  it('logfmt: ts= is the time, level= the level, msg= the message, err= kept with it', async () => {
    const { format, records, levels } = await read('logfmt.log');
    expect(format).toBe('logfmt');
    expect(levels).toEqual(['info', 'info', 'error', 'warn', 'info', 'debug']);
    expect(records[2]!.timestamp).toBe('2026-11-20T08:00:02.911Z');
    expect(records[2]!.message).toBe('job failed\nerror: dial tcp 10.0.0.5:5432: connect: connection refused');
    expect(records[2]!.fields.job_id).toBe('8813');
  });

  it('access logs (Apache common and combined, nginx combined with escapes and an appended request time): one request per line', async () => {
    const { format, records, unparsed, levels } = await read('access.log');
    expect(format).toBe('access-log');
    expect(unparsed).toEqual([]);
    expect(levels).toEqual(['info', 'info', 'error', 'warn', 'warn', 'warn']);
    expect(records[0]!.timestamp).toBe('2000-10-10T20:55:36.000Z');
    expect(records[0]!.fields).toMatchObject({ remote: '127.0.0.1', user: 'frank', method: 'GET', path: '/apache_pb.gif', statusCode: '200', bytes: '2326' });
    expect(records[1]!.fields).toMatchObject({ referer: 'http://www.example.com/start.html', userAgent: 'Mozilla/4.08 [en] (Win98; I ;Nav)' });
    expect(records[2]!.fields).toMatchObject({ method: 'POST', path: '/api/orders/8812/pay', statusCode: '502', requestTime: '0.031' });
    expect(records[3]!.timestamp).toBe('2000-10-10T21:01:03.250Z');
    expect(records[3]!.fields.path).toBe('/search?q="quoted"');
    expect(records[4]!.fields.method).toBeUndefined();
    expect(records[4]!.fields.statusCode).toBe('400');
    expect(records[5]!.message).toBe('- 408');
  });

  it('Go log and a panic with its goroutine trace as one fatal record', async () => {
    const { format, records } = await read('go-panic.log');
    expect(format).toBe('go');
    expect(records.map((record) => record.line)).toEqual([1, 2, 3, 4, 17]);
    const panic = records[3]!;
    expect(panic.level).toBe('fatal');
    expect(panic.message.split('\n')[0]).toBe('panic: runtime error: invalid memory address or nil pointer dereference');
    expect(panic.message).toContain('goroutine 34 [running]:');
    expect(panic.message).toContain('exit status 2');
    expect(panic.timestamp).toBe('2026-11-20T08:00:07.000Z');
    expect(panic.fields.timeFrom).toBe('previous-record');
  });

  it('Java logback/log4j2 with \\tat frames and Caused by: in the ERROR record', async () => {
    const { format, records, levels } = await read('logback.log');
    expect(format).toBe('java');
    expect(levels).toEqual(['info', 'info', 'error', 'warn', 'debug']);
    const error = records[2]!;
    expect(error.message.split('\n')).toHaveLength(10);
    expect(error.message).toContain('Caused by: org.postgresql.util.PSQLException');
    expect(error.fields).toEqual({ thread: 'http-nio-8080-exec-1', logger: 'c.e.upload.JobService' });
    // logback's default pattern has no date: the record has no time rather than an invented one.
    expect(records[4]!.timestamp).toBeUndefined();
  });

  it('Spring Boot and Tomcat: the exception printed on the lines after the log line is attached to it', async () => {
    const spring = await read('spring-boot.log');
    expect(spring.format).toBe('java');
    expect(spring.records).toHaveLength(3);
    expect(spring.records[1]!.message).toContain('java.lang.IllegalStateException: upload 8813 has no owner');
    expect(spring.records[1]!.fields.pid).toBe('4242');
    const tomcat = await read('tomcat.log');
    expect(tomcat.format).toBe('java');
    expect(tomcat.levels).toEqual(['info', 'error', 'warn']);
    expect(tomcat.records[1]!.timestamp).toBe('2026-11-20T08:00:02.913Z');
    expect(tomcat.records[1]!.message.split('\n')[1]).toMatch(/^java\.lang\.NullPointerException/);
  });

  it('Ruby Logger (Rails) with a multi-line exception', async () => {
    const { format, records, levels } = await read('rails.log');
    expect(format).toBe('ruby');
    expect(levels).toEqual(['info', 'info', 'error', 'info', 'warn']);
    expect(records[2]!.message).toContain("app/models/upload.rb:31:in `finish!'");
    expect(records[4]!.fields.progname).toBe('sidekiq');
  });

  it('nginx error log: [warn] is a warning, [error] an error, [crit] fatal; request fields taken', async () => {
    const { format, records, levels } = await read('nginx-error.log');
    expect(format).toBe('nginx-error');
    expect(levels).toEqual(['info', 'warn', 'error', 'fatal']);
    expect(records[1]!.message).toMatch(/^an upstream response is buffered to a temporary file/);
    expect(records[2]!.fields).toMatchObject({ method: 'POST', path: '/webhooks/jobs/8813', client: '10.0.0.8', pid: '31', connection: '9' });
    expect(records[2]!.fields.statusCode).toBeUndefined();
  });

  it('Apache 2.4 error log with module:level, pid/tid and client', async () => {
    const { format, records, levels } = await read('apache-error.log');
    expect(format).toBe('apache-error');
    expect(levels).toEqual(['info', 'error', 'error', 'warn']);
    expect(records[2]!.fields).toMatchObject({ module: 'proxy_http', pid: '8', client: '10.0.0.8:51234' });
    expect(records[0]!.timestamp).toBe('2026-11-20T08:00:00.000Z');
  });

  it('Docker json-file and CRI: the application JSON inside is unwrapped, partial lines joined', async () => {
    const docker = await read('docker-json.log');
    expect(docker.format).toBe('docker-json');
    // "npm WARN ..." carries no level in a position any logger uses: left without one rather than guessed.
    expect(docker.levels).toEqual(['info', 'error', '-', 'error', 'error', '-']);
    // A Java exception written one json-file entry per line is joined to its ERROR line.
    expect(docker.records[4]!.message).toBe(
      '2026-11-20 08:00:05.000 ERROR [main] c.e.Worker - job 8814 failed\njava.lang.IllegalStateException: no owner\n\tat com.example.Worker.run(Worker.java:42)',
    );
    expect(docker.records[1]!.message).toContain('Error: connect ECONNREFUSED 10.0.0.5:5432\n    at TCPConnectWrap');
    expect(docker.records[1]!.timestamp).toBe('2026-11-20T08:00:02.913Z');
    expect(docker.records[1]!.fields.stream).toBe('stdout');
    const cri = await read('cri.log');
    expect(cri.format).toBe('cri');
    expect(cri.records.map((record) => record.line)).toEqual([1, 2, 3, 5]);
    expect(cri.records[1]!.level).toBe('error');
    expect(cri.records[1]!.message).toContain('duplicate key value violates unique constraint');
    expect(cri.records[1]!.message).toContain('/app/jobs/run.go:77');
    expect(cri.records[2]!.message).toBe('a very long line split by the runtime at 16 KiB and joined again');
  });

  it('journalctl -o json: MESSAGE, PRIORITY and the microsecond realtime stamp', async () => {
    const { format, records, levels } = await read('journald.json');
    expect(format).toBe('journald-json');
    expect(levels).toEqual(['info', 'error', 'warn']);
    expect(records[1]!.timestamp).toBe('2026-11-20T08:00:02.913Z');
    expect(records[1]!.fields).toMatchObject({ unit: 'upload-api.service', app: 'upload-api' });
  });

  it('Heroku router lines: at=error with its status, method and path', async () => {
    const { format, records } = await read('heroku.log');
    expect(format).toBe('heroku');
    expect(records[1]!.level).toBe('error');
    expect(records[1]!.fields).toMatchObject({ statusCode: '503', method: 'POST', path: '/webhooks/jobs/8813', code: 'H12', source: 'heroku', process: 'router', dyno: 'web.1' });
    expect(records[2]!.fields.statusCode).toBe('200');
  });

  it('GCP Cloud Logging and CloudWatch exports: severity, jsonPayload.message, textPayload, events[]', async () => {
    const gcp = await read('gcp-logging.jsonl');
    expect(gcp.format).toBe('cloud-logging-json');
    expect(gcp.levels).toEqual(['error', 'warn', 'error']);
    expect(gcp.records[0]!.message).toBe('job 8813 failed: connection refused');
    expect(gcp.records[0]!.fields.service).toBe('upload-worker');
    expect(gcp.records[1]!.message).toBe('Container called exit(1).');
    expect(gcp.records[2]!.fields).toMatchObject({ statusCode: '503', method: 'POST' });
    const cloudwatch = await read('cloudwatch-events.json');
    expect(cloudwatch.records).toHaveLength(2);
    expect(cloudwatch.records[0]!.message).toBe('START RequestId: 5e6f Version: $LATEST');
    expect(cloudwatch.records[0]!.timestamp).toBe('2026-11-20T08:00:00.101Z');
    expect(cloudwatch.records[1]).toMatchObject({ level: 'error', timestamp: '2026-11-20T08:00:02.913Z' });
    expect(cloudwatch.records[1]!.message).toContain('at handler (/var/task/index.js:12:11)');
  });

  it('pino, bunyan, winston, zerolog and zap: err/error objects and stacks merged into the message', async () => {
    const { format, records, levels } = await read('node-errors.jsonl');
    expect(format).toBe('json-lines');
    expect(levels).toEqual(['error', 'error', 'error', 'error', 'warn']);
    expect(records[0]!.message).toBe('Error: connect ECONNREFUSED 10.0.0.5:5432\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)');
    expect(records[1]!.message).toBe('request to enrichment failed\nError: socket hang up\n    at connResetException (node:internal/errors:720:14)');
    expect(records[2]!.message.split('\n')[1]).toBe("TypeError: Cannot read properties of undefined (reading 'id')");
    expect(records[3]!.message).toBe('db ping failed\ndial tcp 10.0.0.5:5432: connect: connection refused');
    expect(records[4]!.timestamp).toBe('2026-11-20T08:00:06.500Z');
  });

  it('CloudNativePG and Cloud SQL: the nested PostgreSQL message and severity, read as PostgreSQL records', async () => {
    const cnpg = await read('cloudnative-pg.jsonl');
    expect(cnpg.levels).toEqual(['info', 'error', 'fatal', 'info']);
    expect(cnpg.records[1]!.message).toBe('new row for relation "upload_jobs" violates check constraint "upload_jobs_state_check"');
    expect(cnpg.records[1]!.fields).toMatchObject({
      severity: 'ERROR',
      pid: '4242',
      sqlstate: '23514',
      user: 'app',
      database: 'uploads',
      format: 'postgres',
      detail: 'Failing row contains (8813, done).',
    });
    expect(new Set(cnpg.records.map((record) => record.message)).size).toBe(4);
    const cloudsql = await read('cloudsql.jsonl');
    expect(cloudsql.records[0]!.message).toBe('duplicate key value violates unique constraint "upload_jobs_pkey"');
    expect(cloudsql.records[0]!.fields).toMatchObject({ severity: 'ERROR', pid: '4242', user: 'app', database: 'uploads' });
  });

  it('Celery, and any text whose lines start with a time: a line without one continues the record before; LEVEL/process is the level', async () => {
    const { format, records, levels, unparsed } = await read('celery.log');
    expect(format).toBe('timestamped');
    expect(unparsed).toEqual([]);
    // The banner before the first timed line is one untimed record; every other record starts at a timed line.
    expect(records.map((record) => record.line)).toEqual([2, 9, 10, 11, 12, 13, 14, 23, 24, 26]);
    expect(levels).toEqual(['-', 'info', 'info', 'info', 'info', 'info', 'error', 'info', 'warn', 'fatal']);
    expect(records[6]!.timestamp).toBe('2026-12-01T10:15:40.112Z');
    expect(eventKind(records[2]!)).toBe('start');
    expect(records[6]!.message.split('\n').at(-1)).toBe('(Background on this error at: https://sqlalche.me/e/20/e3q8)');
    expect(records[8]!.message.split('\n')[1]).toBe('71 seconds.  [orig: 2026-12-01 10:16:05.440112 recv: 2026-12-01 10:14:54.201337]');
    // The same file read as plain text: every unindented line is a record, the note and the wrapped line orphaned.
    const plain = await read('celery.log', 'plain');
    expect(plain.records.length).toBeGreaterThan(records.length + 6);
  });

  it('levels and times where the default formats of Django, Gunicorn, Monolog, Serilog and Elixir put them; exceptions stay with their error', async () => {
    const django = await read('django.log');
    expect(django.levels).toEqual(['info', 'error', 'warn']);
    expect(django.records.map((record) => record.timestamp)).toEqual(['2026-12-01T10:00:00.123Z', '2026-12-01T10:00:01.456Z', '2026-12-01T10:00:02.001Z']);
    expect(django.records[1]!.message.split('\n').at(-1)).toMatch(/^requests\.exceptions\.ConnectTimeout: /);
    const gunicorn = await read('gunicorn.log');
    expect(gunicorn.levels).toEqual(['info', 'fatal', 'error', 'info']);
    expect(gunicorn.records[2]!.timestamp).toBe('2026-12-01T10:00:02.000Z');
    const laravel = await read('laravel.log');
    expect(laravel.levels).toEqual(['info', 'error', 'warn']);
    expect(laravel.records[1]!.message).toContain('[stacktrace]\n#0 /var/www/vendor/guzzlehttp');
    // Time-only formats: the levels are read and the exception joins its error; the records have no date to be placed by.
    const serilog = await read('serilog.log');
    expect(serilog.levels).toEqual(['info', 'error', 'warn']);
    expect(serilog.records[1]!.message.split('\n')[1]).toMatch(/^System\.Net\.Http\.HttpRequestException: /);
    const elixir = await read('elixir.log');
    expect(elixir.levels).toEqual(['info', 'error', 'warn']);
    expect(elixir.records[1]!.message.split('\n')[1]).toBe('** (RuntimeError) capture failed');
    for (const { unparsed } of [django, gunicorn, laravel, serilog, elixir]) expect(unparsed).toEqual([]);
  });

  it('pgbouncer: its levels, pid and client connection', async () => {
    const { format, records, levels } = await read('pgbouncer.log');
    expect(format).toBe('pgbouncer');
    expect(levels).toEqual(['info', 'info', 'info', 'warn', 'info', 'error', 'info']);
    expect(records[3]!.fields).toMatchObject({ connection: 'C-0x55d7c8a1b4e0', database: 'uploads', user: 'app', remote: '10.0.0.8:51240' });
    expect(records[3]!.message).toBe('pooler error: no more connections allowed (max_client_conn)');
  });

  it('PostgreSQL through syslog: [seq-n] chunks and #011 continuation lines joined, severities read', async () => {
    const { format, records } = await read('postgres-syslog.log');
    expect(format).toBe('postgres-syslog');
    const byLine = new Map(records.map((record) => [record.line, record]));
    expect(byLine.get(1)!.message).toBe("duration: 2013.100 ms  statement: UPDATE upload_jobs\nSET state = 'working'\nWHERE job_id = '8813'");
    const deadlock = byLine.get(4)!;
    expect(deadlock).toMatchObject({ level: 'error', fields: { severity: 'ERROR', pid: '4243', user: 'app', database: 'uploads' } });
    expect(deadlock.fields.statement).toBe("UPDATE upload_jobs SET state = 'done' WHERE job_id = '8813'");
    expect(deadlock.fields.detail).toContain('Process 4242 waits for ShareLock on transaction 739');
    expect(byLine.get(8)!.fields.app).toBe('systemd');
    expect(records).toHaveLength(4);
  });

  it('syslog without a year: the year comes from the dates in the file, and a year end is followed', async () => {
    const { records, levels } = await read('syslog-year-end.log');
    expect(records.map((record) => record.timestamp)).toEqual(['2025-12-31T23:59:58.000Z', '2025-12-31T23:59:59.000Z', '2026-01-01T00:00:01.000Z', '2026-01-01T00:00:02.000Z']);
    expect(levels.slice(0, 3)).toEqual(['info', 'error', 'info']);
  });
});
