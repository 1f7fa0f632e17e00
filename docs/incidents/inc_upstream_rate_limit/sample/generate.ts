// SAMPLE DATA generator — synthetic, for demonstrating fracas.
// Writes logs/render-enricher-api.txt (render logs -o text), logs/worker.jsonl (pino) and db/seed.sql for the
// upstream rate-limit sample. Deterministic: same seed, same bytes.
//   npx tsx docs/incidents/inc_upstream_rate_limit/sample/generate.ts
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../../sample-random.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const INCIDENT = path.resolve(HERE, '..');

const { rand, between, int, pick, uuid } = seededRandom(429_2026);
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ulid = () => `01J9${Array.from({ length: 22 }, () => CROCKFORD[Math.floor(rand() * 32)]).join('')}`;

const T = (iso: string) => Date.parse(iso);
const SEC = 1000;
const MIN = 60 * SEC;
const iso = (ms: number) => new Date(Math.round(ms)).toISOString();
const textTime = (ms: number) => iso(ms).slice(0, 19).replace('T', ' ');

function lineOf(file: string, needle: string): number {
  const lines = readFileSync(path.join(INCIDENT, 'code', file), 'utf8').split('\n');
  const index = lines.findIndex((line) => line.includes(needle));
  if (index < 0) throw new Error(`${file}: "${needle}" not found`);
  return index + 1;
}
const L = {
  throwRateLimit: lineOf('src/geo/client.ts', 'throw new UpstreamRateLimitError'),
  geocodeCall: lineOf('src/worker/run-task.ts', 'const result = await geo.geocode'),
  promiseAll: lineOf('src/worker/run-task.ts', 'await Promise.all(rows.map'),
};

// ------------------------------------------------------------------ scenario

const WINDOW_START = T('2026-10-06T12:00:00Z');
const WINDOW_END = T('2026-10-06T20:00:00Z');
const LIMITED_FROM = T('2026-10-06T14:05:31Z');
const LIMITED_UNTIL = T('2026-10-06T17:38:12Z');
const MAX_ATTEMPTS = 5;
const RETRY_DELAY = 250;
const WORKER_HOST = 'srv-crq7m2h-worker-6c5d8';
const ROOT = '/opt/render/project/src';

/** What GeoLookup answers to one call at time t. */
function upstream(at: number): { status: number; retryAfter?: number; ms: number } {
  if (at >= LIMITED_FROM && at < LIMITED_UNTIL) {
    const secondOfMinute = new Date(at).getUTCSeconds();
    const allowed = secondOfMinute < 4 ? rand() < 0.55 : rand() < 0.06;
    if (!allowed) return { status: 429, retryAfter: 60 - secondOfMinute || 60, ms: between(18, 60) };
  }
  return { status: 200, ms: between(70, 260) };
}

const STREETS = ['Maple Ave', 'Oak St', 'Cedar Ln', 'Harbor Rd', 'Willow Dr', 'Elm St', 'Lakeview Blvd', 'Pine Ct', 'Sunset Way', 'Mill Rd'];
const CITIES = [
  ['Dayton', 'OH', '45402'],
  ['Boise', 'ID', '83702'],
  ['Tulsa', 'OK', '74103'],
  ['Fresno', 'CA', '93721'],
  ['Albany', 'NY', '12207'],
  ['Raleigh', 'NC', '27601'],
] as const;

interface Task {
  taskId: string;
  batchId: string;
  addressId: string;
  address: string;
  createdAt: number;
  updatedAt: number;
  state: string;
  httpStatus: number | null;
  lastError: string | null;
  attempts: number;
  lat: number | null;
  lon: number | null;
}

const worker: { at: number; seq: number; line: string }[] = [];
const api: { at: number; seq: number; line: string }[] = [];
let seq = 0;

function pino(at: number, level: 30 | 40 | 50, fields: Record<string, unknown>, msg: string) {
  const record = { level, time: Math.round(at), pid: 18, hostname: WORKER_HOST, name: 'property-enricher-worker', ...fields, msg };
  worker.push({ at, seq: seq++, line: JSON.stringify(record) });
}
function apiLine(at: number, message: string) {
  api.push({ at, seq: seq++, line: `${textTime(at)}  ${message}` });
}

const tasks: Task[] = [];
const count = { calls: 0, calls429: 0, tasksOk: 0, tasksFailed: 0, lookups: 0, lookups503: 0, batches: 0 };

function geocode(at: number): { end: number; ok: boolean; attempts: number; retryAfter?: number; statuses: number[] } {
  let t = at;
  const statuses: number[] = [];
  let retryAfter: number | undefined;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const answer = upstream(t);
    count.calls++;
    statuses.push(answer.status);
    t += answer.ms;
    if (answer.status === 200) return { end: t, ok: true, attempts: attempt, statuses };
    count.calls429++;
    retryAfter = answer.retryAfter;
    t += RETRY_DELAY + between(0, 4);
  }
  return { end: t, ok: false, attempts: MAX_ATTEMPTS, retryAfter, statuses };
}

function processBatch(batchId: string, created: number, size: number) {
  const batchTasks: Task[] = [];
  for (let i = 0; i < size; i++) {
    const [city, state, zip] = pick(CITIES);
    const task: Task = {
      taskId: uuid(),
      batchId,
      addressId: uuid(),
      address: `${int(10, 9800)} ${pick(STREETS)}, ${city}, ${state} ${zip}`,
      createdAt: created + i * between(2, 9),
      updatedAt: created,
      state: 'pending',
      httpStatus: null,
      lastError: null,
      attempts: 0,
      lat: null,
      lon: null,
    };
    batchTasks.push(task);
    tasks.push(task);
  }
  // The worker claims up to 8 at a time (concurrency 8) and runs them in parallel.
  let t = created + between(0.8, 2.2) * SEC;
  for (let i = 0; i < batchTasks.length; i += 8) {
    let groupEnd = t;
    for (const task of batchTasks.slice(i, i + 8)) {
      const start = t + between(5, 40);
      let callAt = start;
      const result = geocode(callAt);
      // warn lines for each retried attempt
      for (let attempt = 1; attempt <= result.statuses.length; attempt++) {
        const status = result.statuses[attempt - 1]!;
        callAt += between(18, 60);
        if (status !== 200) {
          pino(callAt, 40, { taskId: task.taskId, upstream: 'geolookup', status, attempt, retryAfter: result.retryAfter }, `geolookup responded ${status}, retrying`);
          callAt += RETRY_DELAY;
        }
      }
      const end = Math.max(result.end, callAt) + between(3, 12);
      task.attempts = 1;
      task.updatedAt = end;
      if (result.ok) {
        const [lat, lon] = [between(30, 45), -between(75, 120)];
        task.state = 'succeeded';
        task.httpStatus = 200;
        task.lat = Number(lat.toFixed(6));
        task.lon = Number(lon.toFixed(6));
        count.tasksOk++;
        pino(end, 30, { taskId: task.taskId, addressId: task.addressId, precision: pick(['rooftop', 'rooftop', 'street', 'postcode']), durationMs: Math.round(end - start) }, 'address geocoded');
      } else {
        const message = `geolookup rate limited: HTTP 429 Too Many Requests (Retry-After: ${result.retryAfter}s) after ${MAX_ATTEMPTS} attempts`;
        task.state = 'failed';
        task.httpStatus = 429;
        task.lastError = message;
        count.tasksFailed++;
        const stack = [
          `UpstreamRateLimitError: ${message}`,
          `    at GeoClient.geocode (${ROOT}/src/geo/client.ts:${L.throwRateLimit}:35)`,
          `    at async runTask (${ROOT}/src/worker/run-task.ts:${L.geocodeCall}:20)`,
          `    at async Promise.all (index ${batchTasks.indexOf(task) % 8})`,
          `    at async runOnce (${ROOT}/src/worker/run-task.ts:${L.promiseAll}:3)`,
        ].join('\n');
        pino(
          end,
          50,
          {
            err: { type: 'UpstreamRateLimitError', message, stack, status: 429, retryAfterSeconds: result.retryAfter, attempts: MAX_ATTEMPTS },
            taskId: task.taskId,
            addressId: task.addressId,
            batchId,
            durationMs: Math.round(end - start),
          },
          'geocode task failed',
        );
      }
      groupEnd = Math.max(groupEnd, end);
    }
    t = groupEnd + between(20, 120);
  }
  const done = Math.max(...batchTasks.map((task) => task.updatedAt));
  const failed = batchTasks.filter((task) => task.state === 'failed').length;
  pino(done + 15, failed > 0 ? 40 : 30, { batchId, tasks: batchTasks.length, succeeded: batchTasks.length - failed, failed }, 'batch finished');
  return done;
}

function main() {
  pino(WINDOW_START + 1_204, 30, { concurrency: 8 }, 'enrichment worker started');
  apiLine(WINDOW_START + 950, 'Server listening on http://0.0.0.0:10000 (property-enricher-api, production)');

  // Batches from the portfolio import UI, and the polls that follow them.
  for (let t = WINDOW_START + between(6, 14) * MIN; t < WINDOW_END - 20 * MIN; t += between(14, 32) * MIN) {
    const batchId = `b_${ulid()}`;
    const size = int(3, 10);
    count.batches++;
    apiLine(t, `[batches] accepted ${batchId}: ${size} addresses from portfolio import`);
    apiLine(t + int(20, 60), `POST /v1/enrichment-batches 202 ${int(25, 70)}ms`);
    const done = processBatch(batchId, t + 60, size);
    for (let poll = t + 20 * SEC; poll < done + 40 * SEC; poll += between(25, 60) * SEC) {
      apiLine(poll, `GET /v1/enrichment-batches/${batchId} 200 ${int(6, 30)}ms`);
    }
  }

  // Single lookups from the quote form (same GeoClient, same retries), every couple of minutes.
  for (let t = WINDOW_START + between(1, 3) * MIN; t < WINDOW_END; t += between(1.5, 4.5) * MIN) {
    count.lookups++;
    const result = geocode(t);
    const ms = Math.round(result.end - t + between(4, 15));
    if (result.ok) {
      apiLine(t + ms, `GET /v1/geocode 200 ${ms}ms`);
    } else {
      count.lookups503++;
      apiLine(t + ms - 2, `[geo] lookup failed: geolookup rate limited: HTTP 429 Too Many Requests (Retry-After: ${result.retryAfter}s) after ${MAX_ATTEMPTS} attempts`);
      apiLine(t + ms, `GET /v1/geocode 503 ${ms}ms`);
    }
  }

  for (let t = WINDOW_START + 5 * MIN; t < WINDOW_END; t += 10 * MIN) apiLine(t + int(0, 9000), `GET /healthz 200 ${int(1, 4)}ms`);
}

main();

const byTime = <X extends { at: number; seq: number }>(items: X[]) => [...items].sort((a, b) => a.at - b.at || a.seq - b.seq);
const inWindow = (at: number) => at >= WINDOW_START && at < WINDOW_END;
const workerLines = byTime(worker)
  .filter((w) => inWindow(w.at))
  .map((w) => w.line);
const apiLines = byTime(api)
  .filter((a) => inWindow(a.at))
  .map((a) => a.line);
writeFileSync(path.join(INCIDENT, 'logs/worker.jsonl'), `${workerLines.join('\n')}\n`);
writeFileSync(path.join(INCIDENT, 'logs/render-enricher-api.txt'), `${apiLines.join('\n')}\n`);

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
const seed = [
  '-- SAMPLE DATA — synthetic, for demonstrating fracas (sample inc_upstream_rate_limit). Generated by sample/generate.ts; do not edit by hand.',
  '-- Runs on PostgreSQL 15 and on PGlite: psql "$DATABASE_URL" -f db/seed.sql',
  'CREATE TABLE public.geocode_tasks (',
  '  task_id          uuid PRIMARY KEY,',
  '  batch_id         text NOT NULL,',
  '  address_id       uuid NOT NULL,',
  '  address_line     text NOT NULL,',
  "  state            text NOT NULL CHECK (state IN ('pending', 'running', 'succeeded', 'failed')),",
  '  last_http_status integer,',
  '  last_error       text,',
  '  attempts         integer NOT NULL DEFAULT 0,',
  '  lat              numeric(9, 6),',
  '  lon              numeric(9, 6),',
  '  created_at       timestamptz NOT NULL,',
  '  updated_at       timestamptz NOT NULL',
  ');',
  '',
  'CREATE INDEX geocode_tasks_state_idx ON public.geocode_tasks (state, created_at);',
  'CREATE INDEX geocode_tasks_batch_idx ON public.geocode_tasks (batch_id);',
  '',
  'INSERT INTO public.geocode_tasks (task_id, batch_id, address_id, address_line, state, last_http_status, last_error, attempts, lat, lon, created_at, updated_at) VALUES',
  tasks
    .map(
      (t) =>
        `  (${q(t.taskId)}, ${q(t.batchId)}, ${q(t.addressId)}, ${q(t.address)}, ${q(t.state)}, ${t.httpStatus ?? 'NULL'}, ${t.lastError ? q(t.lastError) : 'NULL'}, ${t.attempts}, ${t.lat ?? 'NULL'}, ${t.lon ?? 'NULL'}, ${q(iso(t.createdAt))}, ${q(iso(t.updatedAt))})`,
    )
    .join(',\n') + ';',
  '',
];
writeFileSync(path.join(INCIDENT, 'db/seed.sql'), seed.join('\n'));

const failed = tasks.filter((t) => t.state === 'failed');
console.log(
  JSON.stringify(
    {
      workerLines: workerLines.length,
      apiLines: apiLines.length,
      tasks: tasks.length,
      ...count,
      firstFailedTask: failed[0] && iso(failed[0].updatedAt),
      lastFailedTask: failed.at(-1) && iso(failed.at(-1)!.updatedAt),
      lines: L,
    },
    null,
    1,
  ),
);
