// SAMPLE DATA generator — synthetic, for demonstrating fracas.
// Regenerates logs/render-staging-api.json, logs/worker.log, logs/postgres.log and db/seed.sql for FM-028
// from a small discrete-event simulation. Deterministic: same seed, same bytes.
//   npx tsx docs/incidents/fm_028/sample/generate.ts
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../../sample-random.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const INCIDENT = path.resolve(HERE, '..');
const SEED = 28_0028;

// ------------------------------------------------------------------ deterministic randomness

const { rand, between, int, pick, hex, uuid } = seededRandom(SEED);

// ------------------------------------------------------------------ time formats

const T = (iso: string) => Date.parse(iso);
const SEC = 1000;
const MIN = 60 * SEC;
const iso = (ms: number) => new Date(Math.round(ms)).toISOString();
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
function parts(ms: number) {
  const d = new Date(Math.round(ms));
  return {
    date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
    ms: pad(d.getUTCMilliseconds(), 3),
  };
}
/** Python logging asctime: 2026-11-19 09:31:02,114 */
const pyTime = (ms: number) => {
  const p = parts(ms);
  return `${p.date} ${p.time},${p.ms}`;
};
/** PostgreSQL %m: 2026-11-19 09:31:02.114 UTC */
const pgTime = (ms: number) => {
  const p = parts(ms);
  return `${p.date} ${p.time}.${p.ms} UTC`;
};
/** timestamptz text as PostgreSQL prints it: 2026-11-19 09:31:02.114520+00 */
const pgTs = (ms: number, micros = 0) => {
  const p = parts(ms);
  return `${p.date} ${p.time}.${p.ms}${pad(micros, 3)}+00`;
};

// ------------------------------------------------------------------ the scenario

const WINDOW_START = T('2026-11-19T06:00:00Z');
const WINDOW_END = T('2026-11-20T06:00:00Z');
const DEPLOY_START = T('2026-11-19T09:08:12Z');
const RESOURCE = 'srv-d1abc';
const OLD_INSTANCE = 'srv-d1abc-5k2xq';
const NEW_INSTANCE = 'srv-d1abc-7f9c2';
const HOST = 'fracas-api-staging.onrender.com';
const WEBHOOK_PATH = '/api/upload-pipeline/webhooks/llamaparse';
const POOL_SIZE = 5;
const POOL_TIMEOUT = 10 * SEC;
const IDLE_IN_TX_TIMEOUT = 30 * MIN;
const LLAMAPARSE_RETRY_DELAYS = [30 * SEC, 2 * MIN, 8 * MIN];
const MAX_RECORDED_FAILURES = 3; // webhook.max_retries in staging
const JOB_COUNT = 150;

// Real line numbers in the sample code, so traceback frames point at the right lines.
function lineOf(file: string, needle: string, occurrence = 1): number {
  const lines = readFileSync(path.join(INCIDENT, 'code', file), 'utf8').split('\n');
  let seen = 0;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.includes(needle) && ++seen === occurrence) return i + 1;
  }
  throw new Error(`${file}: "${needle}" not found`);
}
const L = {
  get: lineOf('api/upload_pipeline/webhooks.py', 'job = session.get(UploadJob, job_id)'),
  applyInlineCall: lineOf('api/upload_pipeline/webhooks.py', '_apply_inline_result(session, job, payload)'),
  flush: lineOf('api/upload_pipeline/webhooks.py', 'session.flush()'),
  recorderGet: lineOf('api/upload_pipeline/webhooks.py', 'job = session.get(UploadJob, job_id)', 2),
  embedCall: lineOf('backend/workers/base_worker.py', 'self.embed(session, job_id, chunks)'),
  embedCreate: lineOf('backend/workers/base_worker.py', 'response = self.openai.embeddings.create('),
  processParsed: lineOf('backend/workers/base_worker.py', 'self.process_parsed(session, job_id, document_id)'),
};

// Hourly weights of uploads (UTC): staging is used by the team during the European/US day.
const HOUR_WEIGHT = [1, 1, 0.5, 0.5, 0.5, 0.2, 2, 3, 4, 5, 6, 6, 5, 6, 6, 6, 5, 4, 3, 2, 2, 1, 1, 1];

interface Job {
  jobId: string;
  documentId: string;
  uploadAt: number;
  inline: boolean;
  parseError: string | null;
  noWebhook: boolean;
  slowFetch: boolean;
  pages: number;
  // evolving state
  state: string;
  status: string;
  lastError: Record<string, string> | null;
  retryCount: number;
  updatedAt: number;
  createdAt: number;
  createdMicros: number;
}

// ------------------------------------------------------------------ outputs

interface RenderLog {
  id: string;
  timestamp: string;
  message: string;
  labels: { name: string; value: string }[];
}
const render: { at: number; seq: number; log: RenderLog }[] = [];
const worker: { at: number; seq: number; lines: string[] }[] = [];
const postgres: { at: number; seq: number; lines: string[] }[] = [];
let seq = 0;

function instanceAt(at: number): string {
  return at < DEPLOY_START + 4 * MIN + 20 * SEC ? OLD_INSTANCE : NEW_INSTANCE;
}
function renderApp(at: number, level: 'info' | 'warning' | 'error', message: string, instance = instanceAt(at)) {
  render.push({
    at,
    seq: seq++,
    log: {
      id: uuid(),
      timestamp: iso(at),
      message,
      labels: [
        { name: 'resource', value: RESOURCE },
        { name: 'instance', value: instance },
        { name: 'level', value: level },
        { name: 'type', value: 'app' },
      ],
    },
  });
}
function renderBuild(at: number, message: string) {
  render.push({
    at,
    seq: seq++,
    log: {
      id: uuid(),
      timestamp: iso(at),
      message,
      labels: [
        { name: 'resource', value: RESOURCE },
        { name: 'level', value: 'info' },
        { name: 'type', value: 'build' },
      ],
    },
  });
}
function renderRequest(at: number, method: string, reqPath: string, statusCode: number, durationMs: number) {
  const level = statusCode >= 500 ? 'error' : statusCode >= 400 ? 'warning' : 'info';
  const end = at + durationMs;
  render.push({
    at: end,
    seq: seq++,
    log: {
      id: uuid(),
      timestamp: iso(end),
      message: `${method} ${reqPath} ${statusCode} ${Math.round(durationMs)}ms`,
      labels: [
        { name: 'resource', value: RESOURCE },
        { name: 'instance', value: instanceAt(at) },
        { name: 'level', value: level },
        { name: 'type', value: 'request' },
        { name: 'host', value: HOST },
        { name: 'method', value: method },
        { name: 'path', value: reqPath },
        { name: 'statusCode', value: String(statusCode) },
      ],
    },
  });
}
/** An app logger line in the API's format, followed by traceback lines as separate entries (same timestamp). */
function apiLog(at: number, level: 'INFO' | 'WARNING' | 'ERROR', logger: string, message: string, traceback: string[] = []) {
  const lvl = level === 'INFO' ? 'info' : level === 'WARNING' ? 'warning' : 'error';
  renderApp(at, lvl, `${pyTime(at)} - ${logger} - ${level} - ${message}`);
  for (const line of traceback) renderApp(at, 'error', line);
}
function workerLog(at: number, level: 'INFO' | 'WARNING' | 'ERROR', logger: string, message: string, traceback: string[] = []) {
  worker.push({ at, seq: seq++, lines: [`${pyTime(at)} - ${logger} - ${level} - ${message}`, ...traceback] });
}
function pg(at: number, pid: number | null, userDb: string | null, lines: [string, string][]) {
  const prefix = `${pgTime(at)} [${pid ?? 1}] ${userDb ? `${userDb} ` : ''}`;
  postgres.push({ at, seq: seq++, lines: lines.map(([sev, msg]) => `${prefix}${sev}:  ${msg}`) });
}

// ------------------------------------------------------------------ PostgreSQL backends (pids) and the API's pool

let nextPid = 31_200;
const newPid = () => (nextPid += int(3, 40));
const APP_USER = 'postgres@postgres';
const apiClientIp = () => `10.214.${int(1, 3)}.${int(10, 250)}`;
function pgConnect(at: number, appName: string): number {
  const pid = newPid();
  pg(at, pid, '[unknown]@[unknown]', [['LOG', `connection received: host=${apiClientIp()} port=${int(32768, 60999)}`]]);
  pg(at + int(8, 25), pid, APP_USER, [
    ['LOG', `connection authorized: user=postgres database=postgres application_name=${appName} SSL enabled (protocol=TLSv1.3, cipher=TLS_AES_256_GCM_SHA384, bits=256)`],
  ]);
  return pid;
}

/** One pool slot: the backend pid behind it and, when leaked, when the server will end it. */
interface Slot {
  pid: number | null;
  leakedUntil: number;
}
let pool: Slot[] = [];
function freshPool(at: number): void {
  pool = Array.from({ length: POOL_SIZE }, () => ({ pid: null, leakedUntil: 0 }));
  // The app warms two connections at start-up (pool_pre_ping on first requests).
  for (const slot of pool.slice(0, 2)) slot.pid = pgConnect(at + int(200, 900), 'fracas-api-staging');
}
/** A slot free at `at`, or the time the first one frees (undefined if none within the wait). */
function acquire(at: number, wait: number): { slot: Slot; at: number } | undefined {
  const free = pool.find((slot) => slot.leakedUntil <= at);
  if (free) return { slot: ensureConnected(free, at), at };
  const soonest = pool.reduce((a, b) => (a.leakedUntil < b.leakedUntil ? a : b));
  if (soonest.leakedUntil <= at + wait) return { slot: ensureConnected(soonest, soonest.leakedUntil + 3), at: soonest.leakedUntil + 3 };
  return undefined;
}
function ensureConnected(slot: Slot, at: number): Slot {
  if (slot.pid === null) slot.pid = pgConnect(at, 'fracas-api-staging');
  return slot;
}
/** The transaction on this slot is abandoned: the server ends it after idle_in_transaction_session_timeout. */
function leak(slot: Slot, at: number): void {
  const pid = slot.pid!;
  slot.leakedUntil = at + IDLE_IN_TX_TIMEOUT;
  pg(slot.leakedUntil, pid, APP_USER, [['FATAL', 'terminating connection due to idle-in-transaction timeout']]);
  slot.pid = null; // the pool reconnects on next checkout
}

// ------------------------------------------------------------------ jobs

function sampleUploadTimes(n: number): number[] {
  const times: number[] = [];
  const span = T('2026-11-20T04:40:00Z') - WINDOW_START - 10 * MIN;
  while (times.length < n) {
    const t = WINDOW_START + 10 * MIN + rand() * span;
    const hour = new Date(t).getUTCHours();
    if (rand() * 6 < HOUR_WEIGHT[hour]!) times.push(t);
  }
  return times.sort((a, b) => a - b);
}

const PARSE_ERRORS = ['Document is password protected', 'File type not supported: application/vnd.ms-works', 'PDF is corrupted or truncated (no startxref)'];

const jobs: Job[] = sampleUploadTimes(JOB_COUNT).map((uploadAt) => {
  const inline = rand() < 0.1;
  return {
    jobId: uuid(),
    documentId: uuid(),
    uploadAt,
    inline,
    parseError: rand() < 0.05 ? pick(PARSE_ERRORS) : null,
    noWebhook: false,
    slowFetch: !inline && rand() < 0.07,
    pages: inline ? int(1, 6) : int(8, 140),
    state: 'queued',
    status: 'uploaded',
    lastError: null,
    retryCount: 0,
    updatedAt: uploadAt,
    createdAt: uploadAt,
    createdMicros: int(0, 999),
  };
});
// A few jobs whose parse result never arrives (no webhook delivery at all).
for (const index of [52, 77, 101, 128]) {
  const job = jobs[index]!;
  job.noWebhook = true;
  job.parseError = null;
}
// The red herring: early in the window one job's deliveries are rejected (staging webhook secret mismatch).
const SIGNATURE_JOB = jobs.find((job) => job.uploadAt > T('2026-11-19T07:20:00Z') && !job.inline && !job.parseError)!;
SIGNATURE_JOB.slowFetch = false;

// ------------------------------------------------------------------ event loop

type Ev = { at: number; order: number; run: () => void };
const queue: Ev[] = [];
let order = 0;
const schedule = (at: number, run: () => void) => queue.push({ at, order: order++, run });

const count = {
  webhook200: 0,
  webhook500Check: 0,
  webhook500Pool: 0,
  webhook504: 0,
  webhook401: 0,
  duplicates: 0,
  leaks: 0,
  bursts: [] as { start: number; end: number; failures: number }[],
};

function parseDurationMs(job: Job): number {
  return job.inline ? between(25, 70) * SEC : between(45, 240) * SEC + job.pages * between(0.4, 1.1) * SEC;
}

function webhookAttempt(job: Job, attempt: number, at: number): void {
  const reqPath = `${WEBHOOK_PATH}/${job.jobId}`;
  const requestId = hex(12);
  const llamaStatus = job.parseError ? 'ERROR' : 'SUCCESS';
  const deployed = at >= DEPLOY_START + 4 * MIN + 20 * SEC;

  if (job === SIGNATURE_JOB && attempt <= 4 && at < T('2026-11-19T08:00:00Z')) {
    apiLog(at + 2, 'WARNING', 'api.upload_pipeline.webhooks', `[webhook] job_id=${job.jobId} request_id=${requestId} rejected: Invalid webhook signature`);
    renderRequest(at, 'POST', reqPath, 401, between(3, 9));
    count.webhook401++;
    retryLater(job, attempt, at);
    return;
  }

  apiLog(
    at + 1,
    'INFO',
    'api.upload_pipeline.webhooks',
    `[webhook] received job_id=${job.jobId} request_id=${requestId} status=${llamaStatus} attempt=${attempt} inline=${job.inline ? 'True' : 'False'}`,
  );

  const got = acquire(at + 3, POOL_TIMEOUT);
  if (!got) {
    // Pool exhausted: QueuePool TimeoutError after pool_timeout, 500 to LlamaParse.
    const failAt = at + POOL_TIMEOUT + int(4, 18);
    const message = 'QueuePool limit of size 5 overflow 0 reached, connection timed out, timeout 10.00 (Background on this error at: https://sqlalche.me/e/20/3o7r)';
    apiLog(failAt, 'ERROR', 'api.upload_pipeline.webhooks', `[webhook] job_id=${job.jobId} request_id=${requestId} processing failed: ${message}`, poolTraceback());
    renderRequest(at, 'POST', reqPath, 500, failAt - at + int(1, 4));
    count.webhook500Pool++;
    noteBurst(failAt);
    recordFailure(job, failAt + 6, 'TimeoutError', 'QueuePool limit of size 5 overflow 0 reached, connection timed out, timeout 10.00 (Background on this error at: https://sqlalche.me/e/20/3o7r)');
    retryLater(job, attempt, failAt);
    return;
  }
  const start = got.at;
  const slot = got.slot;

  if (job.state !== 'working' || job.status !== 'parsing') {
    const done = start + between(8, 30);
    apiLog(done, 'INFO', 'api.upload_pipeline.webhooks', `[webhook] job_id=${job.jobId} already at state=${job.state} status=${job.status}; acknowledging duplicate delivery`);
    renderRequest(at, 'POST', reqPath, 200, done - at + 2);
    count.duplicates++;
    return;
  }

  if (job.parseError) {
    const done = start + between(20, 60);
    job.retryCount += 1;
    job.state = job.retryCount < MAX_RECORDED_FAILURES ? 'retryable' : 'deadletter';
    job.status = 'failed';
    job.lastError = { stage: 'parse', type: 'LlamaParseError', message: job.parseError };
    job.updatedAt = done;
    apiLog(done, 'INFO', 'api.upload_pipeline.webhooks', `[webhook] job_id=${job.jobId} committed status=failed in ${Math.round(done - at)}ms`);
    renderRequest(at, 'POST', reqPath, 200, done - at + 2);
    count.webhook200++;
    return;
  }

  if (job.inline && deployed) {
    // FM-027 path: UPDATE ... SET status='parsed' violates upload_jobs_status_check; the session is never closed.
    const failAt = start + between(12, 40);
    const micros = int(100, 999);
    const failingRow = `(${job.jobId}, ${job.documentId}, working, parsed, ${job.lastError ? jsonb(job.lastError) : 'null'}, ${job.retryCount}, ${pgTs(job.createdAt, job.createdMicros)}, ${pgTs(failAt, micros)})`;
    pg(failAt, slot.pid, APP_USER, [
      ['ERROR', 'new row for relation "upload_jobs" violates check constraint "upload_jobs_status_check"'],
      ['DETAIL', `Failing row contains ${failingRow}.`],
      [
        'STATEMENT',
        `UPDATE upload_pipeline.upload_jobs SET status='parsed', updated_at='${iso(failAt)
          .replace('Z', '')
          .replace(/\.(\d{3})$/, `.$1${micros}`)}+00:00'::timestamptz WHERE upload_pipeline.upload_jobs.job_id = '${job.jobId}'::UUID`,
      ],
    ]);
    leak(slot, failAt);
    count.leaks++;
    const message = `(psycopg2.errors.CheckViolation) new row for relation "upload_jobs" violates check constraint "upload_jobs_status_check"`;
    apiLog(failAt + 2, 'ERROR', 'api.upload_pipeline.webhooks', `[webhook] job_id=${job.jobId} request_id=${requestId} processing failed: ${message}`, checkTraceback(job, failingRow, failAt, micros));
    renderRequest(at, 'POST', reqPath, 500, failAt - at + int(3, 9));
    count.webhook500Check++;
    noteBurst(failAt);
    recordFailure(job, failAt + 8, 'IntegrityError', `${message}`);
    retryLater(job, attempt, failAt);
    return;
  }

  if (job.slowFetch && attempt === 1) {
    const failAt = start + 10 * SEC + int(1, 9);
    apiLog(failAt, 'WARNING', 'api.upload_pipeline.webhooks', `[webhook] job_id=${job.jobId} timed out fetching parse result after 10s`);
    renderRequest(at, 'POST', reqPath, 504, failAt - at + 2);
    count.webhook504++;
    retryLater(job, attempt, failAt);
    return;
  }

  // The normal path: commit parse_complete, the worker finishes the job.
  const done = start + (job.inline ? between(35, 120) : between(400, 3800));
  job.status = 'parse_complete';
  job.lastError = null;
  job.updatedAt = done;
  apiLog(done, 'INFO', 'api.upload_pipeline.webhooks', `[webhook] job_id=${job.jobId} committed status=parse_complete in ${Math.round(done - start)}ms`);
  renderRequest(at, 'POST', reqPath, 200, done - at + 2);
  count.webhook200++;
  schedule(done + between(1.5, 6) * SEC, () => finishJob(job, done));
}

function retryLater(job: Job, attempt: number, at: number) {
  const delay = LLAMAPARSE_RETRY_DELAYS[attempt - 1];
  if (delay === undefined) return; // LlamaParse gives up after 3 retries
  const next = at + delay + between(0.2, 3) * SEC;
  schedule(next, () => webhookAttempt(job, attempt + 1, next));
}

function recordFailure(job: Job, at: number, type: string, message: string) {
  // Background task with its own session: needs a pool connection too.
  const got = acquire(at, POOL_TIMEOUT);
  if (!got) {
    apiLog(
      at + POOL_TIMEOUT + int(2, 9),
      'WARNING',
      'api.upload_pipeline.webhooks',
      `[webhook] could not record failure for job_id=${job.jobId}: QueuePool limit of size 5 overflow 0 reached, connection timed out, timeout 10.00 (Background on this error at: https://sqlalche.me/e/20/3o7r)`,
    );
    return;
  }
  const done = got.at + between(10, 40);
  job.retryCount += 1;
  job.lastError = { stage: 'webhook', type, message };
  if (job.retryCount >= MAX_RECORDED_FAILURES) {
    job.state = 'deadletter';
    job.status = 'failed';
  }
  job.updatedAt = done;
}

let embedTimeouts = 0;
function finishJob(job: Job, at: number) {
  const chunks = Math.max(3, Math.round(job.pages * between(1.6, 3.2)));
  let took = between(6, 14) + chunks * between(0.05, 0.12);
  if (embedTimeouts < 2 && chunks > 60 && rand() < 0.5) {
    embedTimeouts++;
    const warnAt = at + 30 * SEC + between(1, 2) * SEC;
    workerLog(warnAt, 'WARNING', 'backend.workers.base_worker', `Embedding request for job ${job.jobId} timed out (attempt 1/3)`, [
      'Traceback (most recent call last):',
      `  File "/app/backend/workers/base_worker.py", line ${L.embedCreate}, in embed`,
      '    response = self.openai.embeddings.create(',
      '  File "/usr/local/lib/python3.11/site-packages/openai/resources/embeddings.py", line 128, in create',
      '    return self._post(',
      '  File "/usr/local/lib/python3.11/site-packages/openai/_base_client.py", line 1059, in request',
      '    raise APITimeoutError(request=request) from err',
      'openai.APITimeoutError: Request timed out.',
    ]);
    took += 32;
  }
  const done = at + took * SEC;
  job.state = 'done';
  job.status = 'complete';
  job.updatedAt = done;
  workerLog(done, 'INFO', 'backend.workers.base_worker', `Job ${job.jobId} complete: ${chunks} chunks embedded in ${took.toFixed(1)}s`);
}

function noteBurst(at: number) {
  const last = count.bursts.at(-1);
  if (last && at - last.end < 12 * MIN) {
    last.end = at;
    last.failures++;
  } else count.bursts.push({ start: at, end: at, failures: 1 });
}

function jsonb(value: Record<string, string>): string {
  return `{${Object.keys(value)
    .sort((a, b) => a.length - b.length || (a < b ? -1 : 1))
    .map((key) => `"${key}": ${JSON.stringify(value[key])}`)
    .join(', ')}}`;
}

const SITE = '/usr/local/lib/python3.11/site-packages';
function poolTraceback(): string[] {
  return [
    'Traceback (most recent call last):',
    `  File "/app/api/upload_pipeline/webhooks.py", line ${L.get}, in llamaparse_webhook`,
    '    job = session.get(UploadJob, job_id)',
    `  File "${SITE}/sqlalchemy/orm/session.py", line 3694, in get`,
    '    return self._get_impl(',
    `  File "${SITE}/sqlalchemy/pool/base.py", line 716, in checkout`,
    '    rec = pool._do_get()',
    `  File "${SITE}/sqlalchemy/pool/impl.py", line 164, in _do_get`,
    '    raise exc.TimeoutError(',
    'sqlalchemy.exc.TimeoutError: QueuePool limit of size 5 overflow 0 reached, connection timed out, timeout 10.00 (Background on this error at: https://sqlalche.me/e/20/3o7r)',
  ];
}
function checkTraceback(job: Job, failingRow: string, at: number, micros: number): string[] {
  const d = new Date(Math.round(at));
  const dt = `datetime.datetime(${d.getUTCFullYear()}, ${d.getUTCMonth() + 1}, ${d.getUTCDate()}, ${d.getUTCHours()}, ${d.getUTCMinutes()}, ${d.getUTCSeconds()}, ${d.getUTCMilliseconds() * 1000 + micros}, tzinfo=datetime.timezone.utc)`;
  return [
    'Traceback (most recent call last):',
    `  File "/app/api/upload_pipeline/webhooks.py", line ${L.applyInlineCall}, in llamaparse_webhook`,
    '    _apply_inline_result(session, job, payload)',
    `  File "/app/api/upload_pipeline/webhooks.py", line ${L.flush}, in _apply_inline_result`,
    '    session.flush()',
    `  File "${SITE}/sqlalchemy/engine/default.py", line 941, in do_execute`,
    '    cursor.execute(statement, parameters)',
    'sqlalchemy.exc.IntegrityError: (psycopg2.errors.CheckViolation) new row for relation "upload_jobs" violates check constraint "upload_jobs_status_check"',
    `DETAIL:  Failing row contains ${failingRow}.`,
    '[SQL: UPDATE upload_pipeline.upload_jobs SET status=%(status)s, updated_at=%(updated_at)s WHERE upload_pipeline.upload_jobs.job_id = %(upload_pipeline_upload_jobs_job_id)s::UUID]',
    `[parameters: {'status': 'parsed', 'updated_at': ${dt}, 'upload_pipeline_upload_jobs_job_id': UUID('${job.jobId}')}]`,
    '(Background on this error at: https://sqlalche.me/e/20/gkpj)',
  ];
}

// ------------------------------------------------------------------ the day

let workerPid = 0;
function startApi(at: number, instance: string) {
  const lines: [number, string][] = [
    [0, 'INFO:     Started server process [1]'],
    [2, 'INFO:     Waiting for application startup.'],
  ];
  for (const [offset, message] of lines) renderApp(at + offset, 'info', message, instance);
  renderApp(at + 611, 'info', `${pyTime(at + 611)} - api.upload_pipeline.database - INFO - database pool configured: pool_size=5 max_overflow=0 pool_timeout=10s pool_recycle=1800s`, instance);
  renderApp(at + 640, 'info', 'INFO:     Application startup complete.', instance);
  renderApp(at + 641, 'info', 'INFO:     Uvicorn running on http://0.0.0.0:10000 (Press CTRL+C to quit)', instance);
  freshPool(at + 700);
}

function main() {
  // The old instance was already running at the window start; its pool holds two warm connections.
  pool = Array.from({ length: POOL_SIZE }, () => ({ pid: null, leakedUntil: 0 }));
  pool[0]!.pid = 30_877;
  pool[1]!.pid = 30_902;
  workerPid = 30_851;

  // Deploy: build on Render, new instance, old instance shut down.
  const b = DEPLOY_START;
  const build: [number, string][] = [
    [0, '==> Cloning from https://github.com/acme/insurance-navigator'],
    [1_830, '==> Checking out commit 4e1b9c7a2d0f6e3b8a5c1d7e9f2a4b6c8d0e1f3a in branch staging'],
    [2_410, '==> Using Python version 3.11.9 (default)'],
    [2_415, '==> Docs on specifying a Python version: https://render.com/docs/python-version'],
    [9_020, "==> Running build command 'pip install -r requirements.txt'..."],
    [11_301, 'Collecting fastapi==0.115.6 (from -r requirements.txt (line 1))'],
    [12_112, 'Collecting SQLAlchemy==2.0.36 (from -r requirements.txt (line 4))'],
    [12_690, 'Collecting psycopg2-binary==2.9.10 (from -r requirements.txt (line 5))'],
    [61_004, 'Successfully installed SQLAlchemy-2.0.36 anyio-4.7.0 fastapi-0.115.6 httpx-0.28.1 openai-1.57.0 psycopg2-binary-2.9.10 pydantic-2.10.3 starlette-0.41.3 uvicorn-0.32.1'],
    [88_420, '==> Uploading build...'],
    [131_870, '==> Uploaded in 38.1s. Compression took 5.3s'],
    [133_002, '==> Build successful 🎉'],
    [136_540, '==> Deploying...'],
    [181_007, "==> Running 'uvicorn api.main:app --host 0.0.0.0 --port 10000 --no-access-log'"],
  ];
  for (const [offset, message] of build) renderBuild(b + offset, message);
  const newStart = b + 189_330;
  startApi(newStart, NEW_INSTANCE);
  renderBuild(b + 258_600, '==> Your service is live 🎉');
  const shut = b + 4 * MIN + 20 * SEC;
  renderApp(shut, 'info', 'INFO:     Shutting down', OLD_INSTANCE);
  renderApp(shut + 3, 'info', 'INFO:     Waiting for application shutdown.', OLD_INSTANCE);
  renderApp(shut + 9, 'info', 'INFO:     Application shutdown complete.', OLD_INSTANCE);
  renderApp(shut + 10, 'info', 'INFO:     Finished server process [1]', OLD_INSTANCE);
  for (const pid of [30_877, 30_902]) {
    pg(shut + 12, pid, APP_USER, [
      ['LOG', `disconnection: session time: 27:${pad(int(10, 59))}:${pad(int(10, 59))}.${int(100, 999)} user=postgres database=postgres host=10.214.2.${int(10, 250)} port=${int(32768, 60999)}`],
    ]);
  }
  // The worker service deploys from the same commit a little later.
  const workerStart = b + 262_100;
  workerLog(workerStart - 900, 'INFO', 'backend.workers.base_worker', 'Received SIGTERM; finishing current job and exiting');
  workerLog(workerStart, 'INFO', 'backend.workers.base_worker', 'worker started (concurrency=2)');
  pg(workerStart - 880, workerPid, APP_USER, [['LOG', `disconnection: session time: 27:41:${pad(int(10, 59))}.${int(100, 999)} user=postgres database=postgres host=10.214.3.77 port=41822`]]);
  workerPid = pgConnect(workerStart + 350, 'fracas-worker-staging');

  // Health checks from the uptime monitor every 15 minutes.
  for (let t = WINDOW_START + 4 * MIN + 7 * SEC; t < WINDOW_END; t += 15 * MIN + int(-900, 900)) {
    if (Math.abs(t - shut) < 30 * SEC) continue;
    renderRequest(t, 'GET', '/health', 200, between(1, 6));
  }

  // Checkpoints every 3 hours (background process, no user@db).
  for (let t = WINDOW_START + 47 * MIN; t < WINDOW_END; t += 3 * 60 * MIN) {
    const buffers = int(40, 900);
    pg(t, 88, null, [['LOG', 'checkpoint starting: time']]);
    const write = between(3, 40);
    pg(t + write * SEC + 120, 88, null, [
      [
        'LOG',
        `checkpoint complete: wrote ${buffers} buffers (${((buffers / 16384) * 100).toFixed(1)}%); 0 WAL file(s) added, 0 removed, ${int(0, 2)} recycled; write=${write.toFixed(3)} s, sync=0.0${int(10, 99)} s, total=${(write + 0.1).toFixed(3)} s; sync files=${int(8, 40)}, longest=0.00${int(2, 9)} s, average=0.001 s; distance=${buffers * 8 + int(10, 500)} kB, estimate=${buffers * 9 + int(500, 900)} kB`,
      ],
    ]);
  }

  // Uploads: the API creates the job; the worker claims it and submits it to LlamaParse.
  for (const job of jobs) {
    schedule(job.uploadAt, () => {
      // Uploads touch the database too; when the pool is exhausted the client retries until it goes through.
      let at = job.uploadAt;
      while (!acquire(at, 0)) at += int(20, 60) * SEC;
      job.uploadAt = at;
      job.createdAt = at;
      job.updatedAt = at;
      const took = between(180, 900);
      renderRequest(at, 'POST', '/api/upload-pipeline/upload', 200, took);
      const submitAt = at + took + between(1.2, 6) * SEC;
      schedule(submitAt, () => submit(job, submitAt));
    });
  }

  queue.sort((a, b) => a.at - b.at || a.order - b.order);
  while (queue.length > 0) {
    queue.sort((a, b) => a.at - b.at || a.order - b.order);
    const ev = queue.shift()!;
    ev.run();
  }

  // A few slow dashboard queries (log_min_duration_statement = 1000).
  for (const at of ['2026-11-19T08:14:09.412Z', '2026-11-19T10:31:52.077Z', '2026-11-19T13:02:40.918Z', '2026-11-19T16:47:05.330Z']) {
    const pid = newPid();
    pg(T(at), pid, APP_USER, [
      [
        'LOG',
        `duration: ${between(1000, 2600).toFixed(3)} ms  statement: SELECT date_trunc('hour', created_at) AS hour, state, status, count(*) FROM upload_pipeline.upload_jobs GROUP BY 1, 2, 3 ORDER BY 1 DESC`,
      ],
    ]);
  }

  // Operator replay of the job whose webhooks were rejected early in the morning.
  const replayAt = T('2026-11-19T07:58:41.204Z');
  apiLog(replayAt + 611, 'INFO', 'api.upload_pipeline.webhooks', `[webhook] replay requested for job_id=${SIGNATURE_JOB.jobId} parse_id=${SIGNATURE_JOB.documentId}: HTTP 200`);
  renderRequest(replayAt, 'POST', `${WEBHOOK_PATH}/${SIGNATURE_JOB.jobId}/replay`, 200, 642);
}

function submit(job: Job, at: number) {
  workerLog(at, 'INFO', 'backend.workers.enhanced_base_worker', `Submitting job ${job.jobId} (document ${job.documentId}) to LlamaParse with webhook_url=https://${HOST}${WEBHOOK_PATH}/${job.jobId}`);
  const accepted = at + between(300, 2400);
  job.state = 'working';
  job.status = 'parsing';
  job.updatedAt = accepted;
  if (job.noWebhook) return;
  if (job === SIGNATURE_JOB) {
    const first = accepted + parseDurationMs(job);
    schedule(first, () => webhookAttempt(job, 1, first));
    // After the secret was fixed, the operator replay produces one more delivery.
    const replayed = T('2026-11-19T07:59:12.880Z');
    schedule(replayed, () => webhookAttempt(job, 5, replayed));
    return;
  }
  const first = accepted + parseDurationMs(job);
  schedule(first, () => webhookAttempt(job, 1, first));
}

main();

// ------------------------------------------------------------------ write the files

function byTime<T extends { at: number; seq: number }>(items: T[]): T[] {
  return [...items].sort((a, b) => a.at - b.at || a.seq - b.seq);
}
const inWindow = (at: number) => at >= WINDOW_START && at < WINDOW_END;

const logs = byTime(render)
  .filter((r) => inWindow(r.at))
  .map((r) => r.log);
const page = {
  hasMore: false,
  nextStartTime: logs.at(-1)!.timestamp,
  nextEndTime: iso(WINDOW_END),
  logs,
};
writeFileSync(path.join(INCIDENT, 'logs/render-staging-api.json'), `${JSON.stringify(page, null, 2)}\n`);

const workerLines = byTime(worker)
  .filter((w) => inWindow(w.at))
  .flatMap((w) => w.lines);
writeFileSync(path.join(INCIDENT, 'logs/worker.log'), `${workerLines.join('\n')}\n`);

const pgLines = byTime(postgres)
  .filter((p) => inWindow(p.at))
  .flatMap((p) => p.lines);
writeFileSync(path.join(INCIDENT, 'logs/postgres.log'), `${pgLines.join('\n')}\n`);

// ------------------------------------------------------------------ database seed

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;
const seedRows = [...jobs].sort((a, b) => a.createdAt - b.createdAt);
const seed = [
  '-- SAMPLE DATA — synthetic, for demonstrating fracas (incident FM-028). Generated by sample/generate.ts; do not edit by hand.',
  '-- Runs on PostgreSQL 15 and on PGlite: psql "$DATABASE_URL" -f db/seed.sql',
  'CREATE SCHEMA IF NOT EXISTS upload_pipeline;',
  '',
  'CREATE TABLE upload_pipeline.upload_jobs (',
  '  job_id      uuid PRIMARY KEY,',
  '  document_id uuid NOT NULL,',
  "  state       text NOT NULL CHECK (state IN ('queued', 'working', 'retryable', 'done', 'deadletter')),",
  '  status      text NOT NULL CONSTRAINT upload_jobs_status_check',
  "              CHECK (status IN ('uploaded', 'parsing', 'parse_complete', 'chunking', 'embedding', 'complete', 'failed')),",
  '  last_error  jsonb,',
  '  retry_count int NOT NULL DEFAULT 0,',
  '  created_at  timestamptz NOT NULL,',
  '  updated_at  timestamptz NOT NULL',
  ');',
  '',
  'CREATE INDEX upload_jobs_state_updated_idx ON upload_pipeline.upload_jobs (state, updated_at);',
  'CREATE INDEX upload_jobs_document_idx ON upload_pipeline.upload_jobs (document_id);',
  '',
  'INSERT INTO upload_pipeline.upload_jobs (job_id, document_id, state, status, last_error, retry_count, created_at, updated_at) VALUES',
  seedRows
    .map(
      (job) =>
        `  (${sqlString(job.jobId)}, ${sqlString(job.documentId)}, ${sqlString(job.state)}, ${sqlString(job.status)}, ${
          job.lastError ? `${sqlString(JSON.stringify(job.lastError))}::jsonb` : 'NULL'
        }, ${job.retryCount}, ${sqlString(pgTs(job.createdAt, job.createdMicros))}, ${sqlString(pgTs(job.updatedAt, int(0, 999)))})`,
    )
    .join(',\n') + ';',
  '',
];
writeFileSync(path.join(INCIDENT, 'db/seed.sql'), seed.join('\n'));

// ------------------------------------------------------------------ what a reviewer should expect (stdout)

const asOf = WINDOW_END;
const stuck = jobs.filter((j) => (j.state === 'working' || j.state === 'queued') && j.updatedAt < asOf - 60 * MIN);
const states: Record<string, number> = {};
for (const j of jobs) states[`${j.state}/${j.status}`] = (states[`${j.state}/${j.status}`] ?? 0) + 1;
const summary = {
  renderEntries: logs.length,
  workerLines: workerLines.length,
  postgresLines: pgLines.length,
  jobs: jobs.length,
  states,
  stuck: stuck.length,
  stuckNoWebhook: jobs.filter((j) => j.noWebhook).map((j) => j.jobId),
  webhook: count,
  bursts: count.bursts.map((b) => `${iso(b.start).slice(11, 19)}-${iso(b.end).slice(11, 19)} (${b.failures})`),
  signatureJob: SIGNATURE_JOB.jobId,
  lines: L,
};
console.log(JSON.stringify({ ...summary, webhook: { ...count, bursts: undefined } }, null, 1));
