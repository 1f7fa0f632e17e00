// npm run bench:collect [-- --seed N --lines 49000 --rows 1400 --runs 3]: `fracas collect` on one core on an incident of that shape (Render JSON logs, a Python worker log, a PostgreSQL log, a job table in PostgreSQL 15, configs) against reading and JSON-parsing the same files.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { seededRandom } from '../docs/incidents/sample-random.ts';
import { admin, AS_OF, jobTableSql } from './job-table.ts';
import { numberOption } from './args.ts';

const SEED = numberOption('--seed', 19);
const LINES = numberOption('--lines', 49_000);
const ROWS = numberOption('--rows', 1_400);
const RUNS = numberOption('--runs', 3);
const ADMIN_URL = process.env.FRACAS_BENCH_PG || process.env.FRACAS_TEST_PG || 'postgres://fracas:fracas@127.0.0.1:5432/fracas_test';
const root = path.resolve(import.meta.dirname, '..');

const { rand, int, pick, hex, uuid } = seededRandom(SEED);
const START = Date.parse('2026-11-19T06:00:00Z');
const SPAN = 24 * 3600_000;
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
const stamp = (ms: number, sep: string, fraction: string): string => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${sep}${pad(d.getUTCMilliseconds(), 3)}${fraction}`;
};
/** Times in order across the window, with bursts (a failure window a few hours in). */
const times = (count: number): number[] => Array.from({ length: count }, () => START + Math.floor((rand() < 0.2 ? 0.3 + rand() * 0.1 : rand()) * SPAN)).sort((a, b) => a - b);
const ip = (): string => `10.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`;

// Wording as the libraries print it: uvicorn access lines, SQLAlchemy's QueuePool timeout, httpx's ReadTimeout, psycopg2.
const APP = [
  (job: string) => `Processing job ${job} for document ${uuid()} (${int(1, 900)} pages)`,
  (job: string) => `[webhook] received job_id=${job} request_id=${hex(12)} status=SUCCESS attempt=${int(1, 3)}`,
  (job: string) => `Job ${job} committed status=parse_complete in ${int(5, 900)}ms`,
  () => `Cache miss for key user:${int(1, 99_999)}:profile`,
  () => `HTTP Request: POST https://api.cloud.llamaindex.ai/api/v1/parsing/upload "HTTP/1.1 200 OK"`,
  () => `Connected to database pool (size=${int(5, 10)}, overflow=0)`,
];
const ERRORS = [
  (job: string) =>
    `[webhook] job_id=${job} processing failed: sqlalchemy.exc.TimeoutError: QueuePool limit of size 5 overflow 0 reached, connection timed out, timeout ${pick(['10.00', '30.00'])} (Background on this error at: https://sqlalche.me/e/20/3o7r)`,
  (job: string) => `Job ${job} failed: psycopg2.errors.CheckViolation: new row for relation "upload_jobs" violates check constraint "upload_jobs_status_check"`,
  () => `Exception in ASGI application`,
  () => `Upstream returned 429 Too Many Requests; retrying in ${int(1, 60)}s`,
];
const PATHS = ['/api/documents', '/api/search', '/health', '/api/users/me', '/api/upload-pipeline/upload'];

function renderLog(count: number): string {
  const entries = times(count).map((time) => {
    const job = uuid();
    const roll = rand();
    const labels: Array<[string, string]> = [
      ['resource', 'srv-d1abc'],
      ['instance', `srv-d1abc-${pick(['5k2xq', '7f9c2'])}`],
    ];
    let message: string;
    if (roll < 0.55) {
      const webhook = rand() < 0.3;
      const route = webhook ? `/api/upload-pipeline/webhooks/llamaparse/${job}` : pick(PATHS);
      const status = webhook && rand() < 0.2 ? pick([500, 504]) : pick([200, 200, 200, 201, 204, 404]);
      const method = webhook ? 'POST' : 'GET';
      message = `${ip()}:${int(30_000, 60_000)} - "${method} ${route} HTTP/1.1" ${status}`;
      labels.push(['level', status >= 500 ? 'error' : 'info'], ['type', 'request'], ['method', method], ['path', route], ['statusCode', String(status)]);
    } else if (roll < 0.93) {
      message = pick(APP)(job);
      labels.push(['level', 'info'], ['type', 'app']);
    } else {
      message = pick(ERRORS)(job);
      labels.push(['level', 'error'], ['type', 'app']);
    }
    return JSON.stringify({ id: uuid(), timestamp: new Date(time).toISOString(), message, labels: labels.map(([name, value]) => ({ name, value })) });
  });
  // One record a line, as the logs API pages are usually saved (jq . or a pretty printer keeps one per line).
  return `{"hasMore":false,"nextStartTime":"2026-11-20T06:00:00Z","nextEndTime":"2026-11-20T06:00:00Z","logs":[\n${entries.join(',\n')}\n]}\n`;
}

function workerLog(lineBudget: number): string {
  const out: string[] = [];
  for (const time of times(lineBudget)) {
    if (out.length >= lineBudget) break;
    const job = uuid();
    const roll = rand();
    const head = `${stamp(time, ',', '')} - ${pick(['backend.workers.enhanced_base_worker', 'backend.workers.base_worker', 'backend.services.llamaparse'])} -`;
    if (roll < 0.85)
      out.push(`${head} INFO - Submitting job ${job} (document ${uuid()}) to LlamaParse with webhook_url=https://api.example.onrender.com/api/upload-pipeline/webhooks/llamaparse/${job}`);
    else if (roll < 0.95) out.push(`${head} WARNING - Job ${job} still in working after ${int(61, 300)} minutes; attempt ${int(1, 5)}`);
    else {
      out.push(`${head} ERROR - Job ${job} failed`);
      out.push('Traceback (most recent call last):');
      out.push(`  File "/app/backend/workers/base_worker.py", line ${int(40, 400)}, in process_job`);
      out.push('    response = await client.post(url, json=payload)');
      out.push('  File "/usr/local/lib/python3.11/site-packages/httpx/_client.py", line 1574, in send');
      out.push('    raise mapped_exc(message) from exc');
      out.push('httpx.ReadTimeout: The read operation timed out');
    }
  }
  return `${out.slice(0, lineBudget).join('\n')}\n`;
}

function postgresLog(lineBudget: number): string {
  const out: string[] = [];
  for (const time of times(lineBudget)) {
    if (out.length >= lineBudget) break;
    const pid = int(1000, 40_000);
    const head = `${stamp(time, '.', ' UTC')} [${pid}]`;
    const user = 'postgres@postgres';
    const roll = rand();
    if (roll < 0.4) out.push(`${head} [unknown]@[unknown] LOG:  connection received: host=${ip()} port=${int(30_000, 60_000)}`);
    else if (roll < 0.7)
      out.push(`${head} ${user} LOG:  disconnection: session time: 0:00:${pad(int(0, 59))}.${int(100, 999)} user=postgres database=postgres host=${ip()} port=${int(30_000, 60_000)}`);
    else if (roll < 0.85) out.push(`${head} ${user} LOG:  duration: ${int(1, 3000)}.${int(100, 999)} ms  statement: SELECT job_id, state FROM upload_pipeline.upload_jobs WHERE state = 'working'`);
    else if (roll < 0.93) {
      out.push(`${head} ${user} ERROR:  deadlock detected`);
      out.push(`${head} ${user} DETAIL:  Process ${pid} waits for ShareLock on transaction ${int(10_000, 99_999)}; blocked by process ${int(1000, 40_000)}.`);
      out.push(`${head} ${user} STATEMENT:  UPDATE upload_pipeline.upload_jobs SET state = 'done' WHERE job_id = '${uuid()}'`);
    } else out.push(`${head} ${user} FATAL:  terminating connection due to idle-in-transaction timeout`);
  }
  return `${out.slice(0, lineBudget).join('\n')}\n`;
}

const dir = path.join(root, '.bench', `collect-${SEED}-${LINES}-${ROWS}`);
rmSync(dir, { recursive: true, force: true });
mkdirSync(path.join(dir, 'logs'), { recursive: true });
mkdirSync(path.join(dir, 'config'), { recursive: true });
const renderLines = Math.round(LINES * 0.9);
const workerLines = Math.round(LINES * 0.06);
const files = {
  render: path.join(dir, 'logs', 'render-api.json'),
  worker: path.join(dir, 'logs', 'worker.log'),
  postgres: path.join(dir, 'logs', 'postgres.log'),
};
writeFileSync(files.render, renderLog(renderLines - 2));
writeFileSync(files.worker, workerLog(workerLines));
writeFileSync(files.postgres, postgresLog(LINES - renderLines - workerLines));
writeFileSync(path.join(dir, 'config', 'staging.yaml'), 'database:\n  pool_size: 5\n  max_overflow: 0\nwebhook:\n  timeout_s: 10\n  retries: 0\n');
writeFileSync(path.join(dir, 'config', 'production.yaml'), 'database:\n  pool_size: 20\n  max_overflow: 10\nwebhook:\n  timeout_s: 30\n  retries: 3\n');
const lineCount = Object.values(files).reduce((total, file) => total + readFileSync(file, 'utf8').split('\n').length - 1, 0);
const bytes = Object.values(files).reduce((total, file) => total + statSync(file).size, 0);

const name = `fracas_bench_collect_${process.pid}`;
const url = new URL(ADMIN_URL);
url.pathname = `/${name}`;
await admin(ADMIN_URL, `CREATE DATABASE ${name}`);
try {
  await admin(url.toString(), jobTableSql(ROWS));
  writeFileSync(
    path.join(dir, 'incident.yaml'),
    [
      'id: BENCH-COLLECT',
      'title: bench:collect incident',
      'severity: P2',
      'environment: staging',
      'service: api',
      'window: { start: 2026-11-19T06:00:00Z, end: 2026-11-20T06:00:00Z }',
      'sources:',
      '  - { id: render-logs, kind: logs, paths: [logs/render-api.json], format: render-json }',
      '  - { id: worker-logs, kind: logs, paths: [logs/worker.log], format: python }',
      `  - { id: postgres-log, kind: logs, paths: [logs/postgres.log], format: postgres, postgresPrefix: '%m [%p] %q%u@%d ' }`,
      // The default countersDelayMs (1 s between the two pg_stat_database snapshots), as users run it: the delay overlaps the log reading.
      `  - { id: jobs-db, kind: database, url: "${url.toString()}", asOf: ${AS_OF}, jobs: { table: upload_pipeline.upload_jobs, idColumn: job_id, stateColumn: state, statusColumn: status, errorColumn: last_error, retryColumn: retry_count } }`,
      '  - id: env-config',
      '    kind: config',
      '    left: { label: staging, path: config/staging.yaml }',
      '    right: { label: production, path: config/production.yaml }',
      '',
    ].join('\n'),
  );

  // The CLI as users run it: the compiled dist/ (built first if the sources are newer), pinned to one core.
  const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build failed: ${build.stderr.slice(-1000)}`);
  const oneCore = existsSync('/usr/bin/taskset') ? ['/usr/bin/taskset', '-c', '0'] : [];
  const timed = (command: string[]): { wall: number; cpu: number; rssMB: number; stderr: string } => {
    const started = performance.now();
    const child = spawnSync('/usr/bin/time', ['-f', '%U %S %M', ...oneCore, ...command], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const wall = (performance.now() - started) / 1000;
    if (child.status !== 0 && child.status !== 2) throw new Error(`${command.join(' ')} failed (${child.status}): ${child.stderr.slice(-1500)}`);
    const [user, system, rss] = child.stderr.trim().split('\n').pop()!.split(' ').map(Number);
    return { wall, cpu: user! + system!, rssMB: rss! / 1024, stderr: child.stderr };
  };
  const baselineScript = `
    const fs = require('node:fs');
    let n = JSON.parse(fs.readFileSync(${JSON.stringify(files.render)}, 'utf8')).logs.length;
    for (const file of [${JSON.stringify(files.worker)}, ${JSON.stringify(files.postgres)}]) n += fs.readFileSync(file, 'utf8').split('\\n').length;
    if (n < 1) process.exit(1);`;
  const collects: ReturnType<typeof timed>[] = [];
  const baselines: ReturnType<typeof timed>[] = [];
  for (let run = 0; run < RUNS; run++) {
    // A first collect each time: no earlier evidence to load and merge with.
    rmSync(path.join(dir, 'evidence'), { recursive: true, force: true });
    baselines.push(timed([process.execPath, '-e', baselineScript]));
    collects.push(timed([process.execPath, path.join(root, 'bin/fracas.js'), 'collect', dir]));
  }
  // A re-collect: the earlier evidence is there (and, every source answering, need not be read).
  const again = timed([process.execPath, path.join(root, 'bin/fracas.js'), 'collect', dir]);
  const best = (list: ReturnType<typeof timed>[]) => list.reduce((a, b) => (b.wall < a.wall ? b : a));
  const collect = best(collects);
  const baseline = best(baselines);
  const evidence = JSON.parse(readFileSync(path.join(dir, 'evidence', 'evidence.json'), 'utf8')) as { sources: { id: string; status: string; durationMs: number }[] };
  console.log(
    `input: ${lineCount.toLocaleString('en-US')} log lines in 3 files (${(bytes / 1e6).toFixed(1)} MB: Render JSON, Python worker log, PostgreSQL log; seed ${SEED}) + ${ROWS.toLocaleString('en-US')}-row job table in PostgreSQL + 2 configs`,
  );
  console.log(`sources: ${evidence.sources.map((source) => `${source.id} ${source.status} ${source.durationMs} ms`).join(', ')}`);
  console.log(`evidence.json: ${(statSync(path.join(dir, 'evidence', 'evidence.json')).size / 1e6).toFixed(1)} MB`);
  console.log(`baseline (named): node reading the 3 files, JSON.parse of the Render page, line split of the others: ${baseline.wall.toFixed(2)} s wall, ${baseline.cpu.toFixed(2)} s CPU`);
  console.log(
    `fracas collect (dist, ${oneCore.length > 0 ? 'taskset -c 0' : 'not pinned'}, best of ${RUNS}): ${collect.wall.toFixed(2)} s wall, ${collect.cpu.toFixed(2)} s CPU, ${collect.rssMB.toFixed(0)} MB max RSS (target <= 3 s: ${collect.wall <= 3 ? 'met' : 'NOT met'})`,
  );
  console.log(`fracas collect again (earlier evidence present): ${again.wall.toFixed(2)} s wall, ${again.cpu.toFixed(2)} s CPU`);
  console.log(`ratio collect / baseline: ${(collect.wall / baseline.wall).toFixed(1)} (wall), ${(collect.cpu / baseline.cpu).toFixed(1)} (CPU)`);
} finally {
  await admin(ADMIN_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
