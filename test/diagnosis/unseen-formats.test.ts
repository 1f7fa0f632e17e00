// Incidents in formats the bench generators do not write (Heroku logplex with Rails' Logger, journald JSON with a traceback
// split into one entry per line, Docker json-file with winston and Prisma), collected and analysed: the top cause is the right one.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { analyzeIncident } from '../../src/analysis/index.ts';
import { collectEvidence } from '../../src/collectors/gather.ts';
import { loadManifest } from '../../src/manifest/index.ts';
import { Rng } from '../../bench/diagnosis/rng.ts';

const SEED = Number(process.env.FRACAS_TEST_SEED ?? 5) || 5;
const ROOT = mkdtempSync(path.join(tmpdir(), 'fracas-unseen-'));
afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

const MINUTE = 60_000;
/** A seeded draw in [0, 1). */
const random = (seed: number): (() => number) => {
  const rng = new Rng(seed);
  return () => rng.next();
};
const iso = (time: number) => new Date(time).toISOString();

interface Written {
  lines: [number, string][];
  file: string;
}

/** A log file of these lines in time order. */
function writeTimedLines(file: string, lines: [number, string][]): void {
  writeFileSync(
    file,
    `${lines
      .sort((a, b) => a[0] - b[0])
      .map(([, line]) => line)
      .join('\n')}\n`,
  );
}

/** An incident of one log and one pair of configuration files, written to `dir`, collected and analysed. */
async function analyseLogsAndConfig(
  dir: string,
  incident: { id: string; environment: string; service: string; start: number; minutes: number },
  log: { file: string; lines: [number, string][] },
  config: { left: [label: string, file: string, text: string]; right: [label: string, file: string, text: string] },
) {
  mkdirSync(path.join(dir, 'config'), { recursive: true });
  mkdirSync(path.join(dir, 'logs'), { recursive: true });
  for (const [, file, text] of [config.left, config.right]) writeFileSync(path.join(dir, file), text);
  writeTimedLines(path.join(dir, log.file), log.lines);
  writeFileSync(
    path.join(dir, 'incident.yaml'),
    stringify({
      id: incident.id,
      title: incident.id.toLowerCase(),
      severity: 'P2',
      environment: incident.environment,
      service: incident.service,
      window: { start: iso(incident.start), end: iso(incident.start + incident.minutes * MINUTE) },
      sources: [
        { id: 'logs', kind: 'logs', paths: [log.file] },
        { id: 'config', kind: 'config', left: { label: config.left[0], path: config.left[1] }, right: { label: config.right[0], path: config.right[1] } },
      ],
    }),
  );
  const loaded = loadManifest(dir, process.env);
  return analyzeIncident(await collectEvidence(loaded, { env: process.env }), loaded.manifest.conclusions);
}

async function analyse(name: string, start: number, minutes: number, written: Written) {
  const dir = path.join(ROOT, name);
  mkdirSync(path.join(dir, 'logs'), { recursive: true });
  writeTimedLines(path.join(dir, written.file), written.lines);
  writeFileSync(
    path.join(dir, 'incident.yaml'),
    stringify({
      id: name.toUpperCase(),
      title: name,
      severity: 'P2',
      environment: 'production',
      service: name,
      window: { start: iso(start), end: iso(start + minutes * MINUTE) },
      sources: [{ id: 'logs', kind: 'logs', paths: [written.file] }],
    }),
  );
  const loaded = loadManifest(dir, process.env);
  const bundle = await collectEvidence(loaded, { env: process.env });
  return analyzeIncident(bundle, loaded.manifest.conclusions);
}

describe(`incidents in formats fracas was not shaped on (seed ${SEED})`, () => {
  it('Heroku: Rails logs ActiveRecord pool time-outs through logplex, line by line; RoutingError scans and a Redis blip are noise', async () => {
    const next = random(SEED);
    const start = Date.parse('2026-03-04T08:00:00Z');
    const minutes = 150 + Math.floor(next() * 60);
    const onset = Math.floor(minutes * (0.4 + next() * 0.2));
    const lines: [number, string][] = [];
    const stamp = (time: number) => `${iso(time).slice(0, 23)}${String(Math.floor(next() * 1000)).padStart(3, '0')}`;
    const logplex = (time: number, source: string, message: string) => lines.push([time, `${stamp(time)}+00:00 ${source}: ${message}`]);
    const rails = (time: number, letter: string, word: string, id: string, message: string) => `${letter}, [${stamp(time)} #${4 + Math.floor(next() * 3)}] ${word} -- : [${id}] ${message}`;
    let failed = 0;
    for (let minute = 0; minute < minutes; minute++) {
      for (let index = 0; index < 12 + Math.floor(next() * 12); index++) {
        const time = start + minute * MINUTE + Math.floor(next() * MINUTE);
        const id = `${Math.floor(next() * 1e9).toString(16)}-${minute}-${index}`;
        const dyno = `web.${1 + Math.floor(next() * 3)}`;
        const pathName = next() < 0.6 ? `/orders/${Math.floor(next() * 9999)}` : '/products';
        const failing = minute >= onset && pathName.startsWith('/orders') && next() < 0.6;
        if (failing) {
          // A failure's router line comes 5 s later: one past the window's end is outside it, not counted.
          if (time + 5010 <= start + minutes * MINUTE) failed++;
          logplex(
            time + 5000,
            `app[${dyno}]`,
            rails(
              time,
              'E',
              'ERROR',
              id,
              `ActiveRecord::ConnectionTimeoutError (could not obtain a connection from the pool within 5.000 seconds (waited 5.00${Math.floor(next() * 9)} seconds); all pooled connections were in use):`,
            ),
          );
          logplex(
            time + 5000,
            `app[${dyno}]`,
            rails(time, 'E', 'ERROR', id, "activerecord (7.1.3) lib/active_record/connection_adapters/abstract/connection_pool/queue.rb:128:in `block in wait_poll'"),
          );
          logplex(time + 5000, `app[${dyno}]`, rails(time, 'E', 'ERROR', id, "app/controllers/orders_controller.rb:14:in `show'"));
        }
        logplex(
          time + (failing ? 5010 : 80),
          'heroku[router]',
          `at=info method=GET path="${pathName}" host=shop.herokuapp.com request_id=${id} fwd="10.0.0.${1 + Math.floor(next() * 250)}" dyno=${dyno} connect=0ms service=${failing ? 5010 : 80}ms status=${failing ? 500 : 200} bytes=${failing ? 1827 : 5120} protocol=https`,
        );
      }
      if (next() < 0.3)
        logplex(
          start + minute * MINUTE + 30_000,
          'app[web.1]',
          rails(start + minute * MINUTE, 'F', 'FATAL', `scan-${minute}`, 'ActionController::RoutingError (No route matches [GET] "/wp-login.php"):'),
        );
    }
    for (let index = 0; index < 4; index++) {
      const time = start + (onset + index) * MINUTE + 20_000;
      logplex(time, 'app[web.2]', rails(time, 'E', 'ERROR', `r-${index}`, 'Redis::CannotConnectError (Error connecting to Redis on redis-cache.internal:6379 (Errno::ETIMEDOUT)):'));
    }
    const analysis = await analyse('heroku-rails', start, minutes, { file: 'logs/heroku.log', lines });
    const root = analysis.hypotheses[0]!;
    expect(analysis.attribution?.symptom?.count).toBe(failed);
    expect(root.category).toBe('db-pool-exhaustion');
    // The quoted error is the exception itself, without Ruby Logger's prefix or the request tag.
    expect(root.statement).toMatch(/`ActiveRecord::ConnectionTimeoutError \(could not obtain a connection/);
    // The backtrace lines logged as their own records are part of the same error, not causes of their own.
    expect(analysis.attribution!.candidates.filter((candidate) => candidate.kind === 'error-family' && candidate.features.incidentCount === failed)).toHaveLength(1);
  }, 60_000);

  it('journald: a Python traceback split into one journal entry per line is one error, the disk running full', async () => {
    const next = random(SEED + 1);
    const start = Date.parse('2026-05-11T01:00:00Z');
    const minutes = 200 + Math.floor(next() * 100);
    const onset = Math.floor(minutes * (0.45 + next() * 0.2));
    const lines: [number, string][] = [];
    const entry = (time: number, priority: number, message: string, identifier = 'uvicorn') =>
      lines.push([
        time,
        JSON.stringify({ __REALTIME_TIMESTAMP: String(time * 1000), PRIORITY: String(priority), _SYSTEMD_UNIT: 'ingest-api.service', SYSLOG_IDENTIFIER: identifier, _PID: '812', MESSAGE: message }),
      ]);
    for (let minute = 0; minute < minutes; minute++) {
      for (let index = 0; index < 4 + Math.floor(next() * 8); index++) {
        const time = start + minute * MINUTE + Math.floor(next() * MINUTE);
        if (minute >= onset && next() < 0.8) {
          entry(time, 3, 'ERROR:    Exception in ASGI application');
          entry(time, 3, 'Traceback (most recent call last):');
          entry(time, 3, '  File "/srv/ingest/app/storage.py", line 41, in spool');
          entry(time, 3, '    out.write(chunk)');
          entry(time, 3, `OSError: [Errno 28] No space left on device: '/var/lib/ingest/spool/${Math.floor(next() * 1e10).toString(16)}.part'`);
        }
      }
      if (next() < 0.25) entry(start + minute * MINUTE + 1000, 4, 'WARNING:  psycopg2.OperationalError: server closed the connection unexpectedly', 'ingest-api');
    }
    for (let index = 0; index < 5; index++) entry(start + (onset - 2 + index) * MINUTE + 7000, 3, 'ERROR:    httpx.ConnectTimeout: timed out', 'ingest-api');
    const analysis = await analyse('journald-disk', start, minutes, { file: 'logs/journal.json', lines });
    const root = analysis.hypotheses[0]!;
    expect(root.category).toBe('resource-exhaustion');
    expect(root.resource).toBe('disk');
    expect(root.statement).toMatch(/^No space left on device/);
  }, 60_000);

  it('Docker json-file: winston logs Prisma P2024 with the exception in its stack; the pool, not "an uncaught exception", and no docs host as the resource', async () => {
    const next = random(SEED + 2);
    const start = Date.parse('2026-07-20T12:00:00Z');
    const minutes = 150 + Math.floor(next() * 60);
    const onset = Math.floor(minutes * (0.4 + next() * 0.2));
    const lines: [number, string][] = [];
    const docker = (time: number, log: object) => lines.push([time, JSON.stringify({ log: `${JSON.stringify(log)}\n`, stream: 'stdout', time: `${iso(time).slice(0, 23)}456789Z` })]);
    const pool = `Timed out fetching a new connection from the connection pool. More info: http://pris.ly/d/connection-pool (Current connection pool timeout: 10, connection limit: ${3 + Math.floor(next() * 8)})`;
    for (let minute = 0; minute < minutes; minute++) {
      for (let index = 0; index < 3 + Math.floor(next() * 6); index++) {
        const time = start + minute * MINUTE + Math.floor(next() * MINUTE);
        if (minute >= onset && next() < 0.7)
          docker(time, {
            level: 'error',
            message: `\nInvalid \`prisma.order.findMany()\` invocation:\n\n\n${pool}`,
            code: 'P2024',
            stack: `PrismaClientKnownRequestError: \nInvalid \`prisma.order.findMany()\` invocation:\n\n\n${pool}\n    at _n.handleRequestError (/app/node_modules/@prisma/client/runtime/library.js:121:7749)\n    at async listOrders (/app/dist/routes/orders.js:22:18)`,
            timestamp: iso(time),
          });
      }
      if (next() < 0.15)
        docker(start + minute * MINUTE, {
          level: 'error',
          message: 'Invalid `prisma.user.create()` invocation:\n\n\nUnique constraint failed on the fields: (`email`)',
          code: 'P2002',
          timestamp: iso(start + minute * MINUTE),
        });
    }
    const analysis = await analyse('docker-prisma', start, minutes, { file: 'logs/container.log', lines });
    const root = analysis.hypotheses[0]!;
    expect(root.category).toBe('db-pool-exhaustion');
    expect(root.resource).not.toMatch(/pris\.ly/);
    expect(root.statement).toMatch(/`Timed out fetching a new connection from the connection pool/);
  }, 60_000);

  for (const [label, staging, blamed] of [
    ['the port', 'postgres://billing@10.0.3.4:5433/billing', true],
    ['only the user', 'postgres://billing_ro@10.0.3.4:5432/billing', false],
  ] as const)
    it(`.env files: DATABASE_URL differs in ${label}; the refused address ${blamed ? 'is' : 'is not'} blamed on it`, async () => {
      const next = random(SEED + 3);
      const start = Date.parse('2026-10-02T07:00:00Z');
      const minutes = 120 + Math.floor(next() * 60);
      const onset = Math.floor(minutes * 0.5);
      const lines: [number, string][] = [];
      const pino = (time: number, level: number, record: object) => lines.push([time, JSON.stringify({ level, time, pid: 1, hostname: 'billing-1', ...record })]);
      for (let minute = 0; minute < minutes; minute++)
        for (let index = 0; index < 5 + Math.floor(next() * 8); index++) {
          const time = start + minute * MINUTE + Math.floor(next() * MINUTE);
          const reqId = `r${minute}-${index}`;
          const failing = minute >= onset && next() < 0.9;
          if (failing)
            pino(time, 50, {
              reqId,
              err: {
                type: 'Error',
                message: 'connect ECONNREFUSED 10.0.3.4:5433',
                stack: 'Error: connect ECONNREFUSED 10.0.3.4:5433\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)',
                code: 'ECONNREFUSED',
              },
              msg: 'connect ECONNREFUSED 10.0.3.4:5433',
            });
          pino(time + 10, failing ? 50 : 30, {
            reqId,
            req: { method: 'GET', url: '/api/invoices' },
            res: { statusCode: failing ? 500 : 200 },
            responseTime: 12,
            msg: failing ? 'request errored' : 'request completed',
          });
        }
      const analysis = await analyseLogsAndConfig(
        path.join(ROOT, `env-${blamed ? 'port' : 'user'}`),
        { id: 'ENV', environment: 'staging', service: 'billing', start, minutes },
        { file: 'logs/app.jsonl', lines },
        {
          left: ['staging', 'config/staging.env', `NODE_ENV=production\nDATABASE_URL=${staging}\n`],
          right: ['production', 'config/production.env', 'NODE_ENV=production\nDATABASE_URL=postgres://billing@10.0.3.4:5432/billing\n'],
        },
      );
      const config = analysis.attribution!.candidates.find((candidate) => candidate.kind === 'config-difference');
      if (blamed) {
        expect(analysis.hypotheses[0]!.category).toBe('config-drift');
        expect(config?.statement).toContain('the decisive error names `10.0.3.4:5433`');
      } else {
        expect(config).toBeUndefined();
        expect(analysis.hypotheses[0]!.category).toBe('network-connectivity');
      }
    }, 60_000);

  it('ConfigMaps: a value is named by an error only as a whole word (`info` is not named by `getaddrinfo`); the host of the URL that differs is', async () => {
    const next = random(SEED + 5);
    const start = Date.parse('2026-12-01T13:30:00Z');
    const minutes = 90 + Math.floor(next() * 30);
    const onset = Math.floor(minutes * 0.4);
    const lines: [number, string][] = [];
    const pino = (time: number, level: number, record: object) => lines.push([time, JSON.stringify({ level, time, pid: 1, hostname: 'api-6d5f8', ...record })]);
    for (let minute = 0; minute < minutes; minute++)
      for (let index = 0; index < 4 + Math.floor(next() * 8); index++) {
        const time = start + minute * MINUTE + Math.floor(next() * MINUTE);
        const reqId = `req-${minute}-${index}`;
        const failing = minute >= onset && next() < 0.6;
        if (failing)
          pino(time, 50, {
            reqId,
            err: {
              type: 'Error',
              message: 'getaddrinfo ENOTFOUND payments.internal',
              stack: 'Error: getaddrinfo ENOTFOUND payments.internal\n    at GetAddrInfoReqWrap.onlookup [as oncomplete] (node:dns:107:26)',
              code: 'ENOTFOUND',
            },
            msg: 'payment capture failed',
          });
        pino(time + 15, failing ? 50 : 30, { reqId, req: { method: 'POST', url: '/api/checkout' }, res: { statusCode: failing ? 502 : 200 }, responseTime: 15, msg: 'request completed' });
      }
    const configMap = (namespace: string, url: string, level: string) =>
      stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'api-config', namespace }, data: { PAYMENTS_URL: url, PAYMENTS_TIMEOUT_MS: '3000', LOG_LEVEL: level } });
    const analysis = await analyseLogsAndConfig(
      path.join(ROOT, 'configmaps'),
      { id: 'CM', environment: 'production', service: 'api', start, minutes },
      { file: 'logs/api.jsonl', lines },
      {
        left: ['production', 'config/production.yaml', configMap('default', 'http://payments.internal:8080', 'info')],
        right: ['staging', 'config/staging.yaml', configMap('staging', 'http://payments.staging.svc.cluster.local:8080', 'debug')],
      },
    );
    const named = analysis.attribution!.candidates.filter((candidate) => candidate.kind === 'config-difference').map((candidate) => candidate.id);
    expect(named).toEqual(['config-data.PAYMENTS_URL']);
    expect(analysis.hypotheses[0]!.statement).toContain('the decisive error names `payments.internal`');
  }, 60_000);
  it('Docker + pino + Prisma in staging: the connection_limit inside DATABASE_URL is the contributing difference, `info` in "More info:" names no LOG_LEVEL, every failed request id is tracked past the cap, and the export that began with the failures is on the timeline', async () => {
    const next = random(SEED + 6);
    const start = Date.parse('2026-11-30T13:00:00Z');
    const minutes = 150 + Math.floor(next() * 30);
    const onset = Math.floor(minutes * (0.45 + next() * 0.1));
    const limit = 3 + Math.floor(next() * 5);
    const lines: [number, string][] = [];
    const docker = (time: number, record: object) =>
      lines.push([
        time,
        JSON.stringify({ log: `${JSON.stringify({ level: 30, time, pid: 1, hostname: 'orders-api-6c8d7b9f4-x2lkq', ...record })}\n`, stream: 'stdout', time: `${iso(time).slice(0, 23)}123456Z` }),
      ]);
    const pool = `Timed out fetching a new connection from the connection pool. More info: http://pris.ly/d/connection-pool (Current connection pool timeout: 10, connection limit: ${limit})`;
    let request = 0;
    let failed = 0;
    const exportStart = start + onset * MINUTE - Math.floor(next() * 4 * MINUTE);
    docker(exportStart, { context: 'ExportJob', jobId: 'export-1130', msg: 'Starting nightly export: 48213 orders in batches of 500' });
    for (let minute = 0; minute < minutes; minute++)
      for (let index = 0; index < 150 + Math.floor(next() * 40); index++) {
        const time = start + minute * MINUTE + Math.floor(next() * MINUTE);
        const reqId = `req-${(++request).toString(16)}`;
        const failing = minute >= onset && minute < onset + 25 && next() < 0.35;
        if (failing) failed++;
        if (failing)
          docker(time, {
            level: 50,
            reqId,
            err: {
              type: 'PrismaClientKnownRequestError',
              message: `\nInvalid \`prisma.order.findMany()\` invocation:\n\n\n${pool}`,
              code: 'P2024',
              stack: `PrismaClientKnownRequestError: ${pool}\n    at async OrdersService.list (/app/dist/orders/orders.service.js:41:24)`,
            },
            msg: pool,
          });
        docker(time + 5, {
          level: failing ? 50 : 30,
          reqId,
          req: { method: 'GET', url: `/v1/orders/${Math.floor(next() * 9999)}` },
          res: { statusCode: failing ? 500 : 200 },
          responseTime: failing ? 10_010 : 20,
          msg: failing ? 'request errored' : 'request completed',
        });
      }
    const env = (level: string, host: string, connections: number) =>
      `NODE_ENV=production\nLOG_LEVEL=${level}\nDATABASE_URL=postgresql://orders:pw@${host}:5432/orders?schema=public&connection_limit=${connections}&pool_timeout=10\n`;
    const dir = path.join(ROOT, 'prisma-url-limit');
    const analysis = await analyseLogsAndConfig(
      dir,
      { id: 'PRISMA', environment: 'staging', service: 'orders-api', start, minutes },
      { file: 'logs/orders-api.log', lines },
      { left: ['staging', 'config/staging.env', env('info', 'db.staging.internal', limit)], right: ['production', 'config/production.env', env('warn', 'db.prod.internal', 25)] },
    );
    // More request ids than the entity cap holds; those of requests that went well are not tracked, so every failed one is.
    expect(request).toBeGreaterThan(20_000);
    const root = analysis.hypotheses[0]!;
    expect(root.category).toBe('db-pool-exhaustion');
    expect(root.statement).toContain(`in 100% of failed requests (${failed} of ${failed})`);
    const named = analysis.attribution!.candidates.filter((candidate) => candidate.kind === 'config-difference');
    expect(named.map((candidate) => candidate.id)).toEqual(['config-DATABASE_URL.connection_limit']);
    expect(named[0]!.statement).toContain(`the decisive error names \`${limit}\``);
    // The export that began with the failures is on the timeline; the traffic templates, many and from the start, are not.
    const fresh = analysis.timeline.filter((entry) => entry.kind === 'new-activity');
    expect(fresh.map((entry) => entry.label)).toEqual([expect.stringMatching(/^New: Starting nightly export: 48213 orders/)]);
    expect(fresh[0]!.time).toBe(iso(exportStart));
  }, 60_000);
  for (const [label, stagingPool, blamed] of [
    ['larger', 20, true],
    ['smaller', 5, false],
  ] as const)
    it(`Spring Boot + HikariCP: the server's slots run out; a ${label} maximum-pool-size in staging ${blamed ? 'is' : 'is not'} a contributing cause, and the quote is the root exception after "with root cause"`, async () => {
      const next = random(SEED + 7);
      const start = Date.parse('2026-11-30T13:00:00Z');
      const minutes = 100 + Math.floor(next() * 40);
      const onset = Math.floor(minutes * (0.4 + next() * 0.2));
      const lines: [number, string][] = [];
      const stamp = (time: number) => iso(time).slice(0, 23) + 'Z';
      const log = (time: number, level: string, thread: string, logger: string, message: string) =>
        lines.push([time, `${stamp(time)} ${level.padStart(5)} 1 --- [orders] [${thread.padStart(15)}] ${logger.padEnd(40)} : ${message}`]);
      for (let minute = 0; minute < minutes; minute++)
        for (let index = 0; index < 20 + Math.floor(next() * 20); index++) {
          const time = start + minute * MINUTE + Math.floor(next() * MINUTE);
          const thread = `nio-8080-exec-${1 + Math.floor(next() * 10)}`;
          if (minute >= onset && next() < 0.3) {
            if (next() < 0.5)
              log(time, 'WARN', 'HikariPool-1 housekeeper', 'com.zaxxer.hikari.pool.HikariPool', 'HikariPool-1 - Failed to create/setup connection: FATAL: sorry, too many clients already');
            const trace = [
              '',
              `java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30001ms (total=${stagingPool}, active=${stagingPool}, idle=0, waiting=${Math.floor(next() * 30)})`,
              '\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696) ~[HikariCP-5.0.1.jar!/:na]',
              '\tat com.example.orders.OrderService.listOrders(OrderService.java:57) ~[!/:1.14.2]',
            ];
            log(
              time + 1,
              'ERROR',
              thread,
              'o.a.c.c.C.[.[.[/].[dispatcherServlet]',
              `Servlet.service() for servlet [dispatcherServlet] in context with path [] threw exception [Request processing failed: org.springframework.transaction.CannotCreateTransactionException: Could not open JPA EntityManager for transaction] with root cause\n${trace.join('\n')}`,
            );
          } else log(time, 'INFO', thread, 'c.e.orders.web.RequestLoggingFilter', `GET /api/orders/${Math.floor(next() * 9999)} -> 200 in ${4 + Math.floor(next() * 80)}ms`);
        }
      const yaml = (pool: number) => stringify({ spring: { datasource: { url: 'jdbc:postgresql://orders-db:5432/orders', hikari: { 'maximum-pool-size': pool, 'connection-timeout': 30000 } } } });
      const analysis = await analyseLogsAndConfig(
        path.join(ROOT, `spring-slots-${label}`),
        { id: 'SLOTS', environment: 'staging', service: 'orders', start, minutes },
        { file: 'logs/orders.log', lines },
        { left: ['staging', 'config/staging.yaml', yaml(stagingPool)], right: ['production', 'config/production.yaml', yaml(10)] },
      );
      expect(analysis.hypotheses[0]!.category).toBe('db-pool-exhaustion');
      expect(analysis.hypotheses[0]!.statement).toMatch(/`java\.sql\.SQLTransientConnectionException: HikariPool-1 - Connection is not available/);
      const demand = analysis.attribution!.candidates.filter((candidate) => candidate.id.startsWith('config-demand-'));
      if (blamed) {
        expect(demand.map((candidate) => candidate.id)).toEqual(['config-demand-spring.datasource.hikari.maximum-pool-size']);
        expect(demand[0]!.statement).toContain('is `20` in staging but `10` in production');
      } else expect(demand).toEqual([]);
    }, 60_000);
});
