// SAMPLE DATA generator — synthetic, for demonstrating fracas.
// Writes logs/render-quote-renderer.json (`render logs -o json`: indented objects back to back),
// logs/app.jsonl (structlog JSON lines) and db/seed.sql for the memory-restart sample. Deterministic.
//   npx tsx docs/incidents/inc_memory_restarts/sample/generate.ts
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../../sample-random.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const INCIDENT = path.resolve(HERE, '..');

const { rand, between, int, hex, uuid, alnum } = seededRandom(512_2048);

const T = (iso: string) => Date.parse(iso);
const SEC = 1000;
const MIN = 60 * SEC;
const iso = (ms: number) => new Date(Math.round(ms)).toISOString();
/** structlog's TimeStamper(fmt="iso", utc=True): microseconds. */
const isoMicro = (ms: number) => `${iso(ms).slice(0, 23)}${String(int(0, 999)).padStart(3, '0')}Z`;

function lineOf(file: string, needle: string): number {
  const lines = readFileSync(path.join(INCIDENT, 'code', file), 'utf8').split('\n');
  const index = lines.findIndex((line) => line.includes(needle));
  if (index < 0) throw new Error(`${file}: "${needle}" not found`);
  return index + 1;
}
const L = { writePdf: lineOf('app/jobs.py', 'document.write_pdf(buffer') };

// ------------------------------------------------------------------ scenario

const WINDOW_START = T('2026-09-14T08:00:00Z');
const WINDOW_END = T('2026-09-14T16:00:00Z');
const RESOURCE = 'srv-d4qr7';
const HOST = 'quote-renderer-staging.onrender.com';
const LIMIT_MB = 512;
const HOUR_WEIGHT: Record<number, number> = { 8: 2, 9: 4, 10: 6, 11: 6, 12: 4, 13: 6, 14: 6, 15: 4 };

interface RenderLog {
  id: string;
  timestamp: string;
  message: string;
  labels: { name: string; value: string }[];
}
const render: { at: number; seq: number; log: RenderLog }[] = [];
const app: { at: number; seq: number; line: string }[] = [];
let seq = 0;

let instance = `${RESOURCE}-${alnum(5)}`;
let up = true;
let rss = 176;

function renderEntry(at: number, type: 'app' | 'request', level: 'info' | 'warning' | 'error', message: string, extra: { name: string; value: string }[] = [], inst = instance) {
  render.push({
    at,
    seq: seq++,
    log: {
      id: `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`,
      timestamp: iso(at),
      message,
      labels: [{ name: 'resource', value: RESOURCE }, { name: 'instance', value: inst }, { name: 'level', value: level }, { name: 'type', value: type }, ...extra],
    },
  });
}
function request(at: number, method: string, reqPath: string, status: number, ms: number, inst = instance) {
  const level = status >= 500 ? 'error' : status >= 400 ? 'warning' : 'info';
  renderEntry(
    at + ms,
    'request',
    level,
    `${method} ${reqPath} ${status} ${Math.round(ms)}ms`,
    [
      { name: 'host', value: HOST },
      { name: 'method', value: method },
      { name: 'path', value: reqPath },
      { name: 'statusCode', value: String(status) },
    ],
    inst,
  );
}
function structlog(at: number, level: 'info' | 'warning' | 'error', event: string, fields: Record<string, unknown>) {
  const record = { event, ...fields, instance, level, logger: fields.logger ?? 'quote_renderer.jobs', timestamp: isoMicro(at) };
  app.push({ at, seq: seq++, line: JSON.stringify(record) });
}

function startInstance(at: number) {
  renderEntry(at, 'app', 'info', "==> Running 'uvicorn app.main:app --host 0.0.0.0 --port 10000 --no-access-log'");
  renderEntry(at + 6_412, 'app', 'info', 'INFO:     Started server process [1]');
  renderEntry(at + 6_414, 'app', 'info', 'INFO:     Waiting for application startup.');
  renderEntry(at + 7_903, 'app', 'info', 'INFO:     Application startup complete.');
  renderEntry(at + 7_905, 'app', 'info', 'INFO:     Uvicorn running on http://0.0.0.0:10000 (Press CTRL+C to quit)');
  structlog(at + 7_850, 'info', 'startup', { logger: 'quote_renderer.main', rss_mb: Math.round(rss), max_concurrent_jobs: 2 });
}

interface Job {
  jobId: string;
  quote: string;
  requestedAt: number;
  state: string;
  phase: string;
  error: string | null;
  attempts: number;
  heartbeatAt: number;
  pages: number;
}
const jobs: Job[] = [];
const count = { oom: [] as string[], interrupted: [] as string[], memoryErrors: 0, ready: 0, r502: 0, r503: 0, r202: 0 };
let downUntil = 0;
let lastEnd = 0;
let lastDeathAt = 0;
let quoteSeq = 18_300;

function oom(at: number, running: Job[]) {
  const old = instance;
  renderEntry(at, 'app', 'error', '==> Out of memory (used over 512Mi)', [], old);
  renderEntry(at + 180, 'app', 'error', `Instance ${old} exceeded its memory limit of ${LIMIT_MB} MB`, [], old);
  count.oom.push(iso(at));
  for (const job of running) {
    job.state = 'rendering'; // never updated again: the process died with it
    count.interrupted.push(job.jobId);
  }
  up = false;
  const gap = between(38, 75) * SEC;
  downUntil = at + gap;
  instance = `${RESOURCE}-${alnum(5)}`;
  rss = int(168, 190);
  startInstance(at + gap - 8_000);
}

/** A render request; returns when the job finished (or the instance died). */
function renderRequest(at: number) {
  const quote = `Q-2026-0${quoteSeq++}`;
  const reqPath = `/api/quotes/${quote}/render`;
  if (at < downUntil) {
    request(at, 'POST', reqPath, 503, between(1, 4), instance);
    count.r503++;
    return;
  }
  const pages = rand() < 0.15 ? int(40, 90) : int(4, 22);
  const job: Job = { jobId: uuid(), quote, requestedAt: at, state: 'queued', phase: 'queued', error: null, attempts: 0, heartbeatAt: at, pages };
  jobs.push(job);
  request(at, 'POST', reqPath, 202, between(18, 60));
  count.r202++;
  if (at < lastDeathAt) {
    // Accepted while the previous job was still rendering; the in-process queue died with the instance.
    count.interrupted.push(job.jobId);
    return;
  }
  const start = Math.max(at + between(0.2, 1.5) * SEC, lastEnd + between(0.05, 0.3) * SEC);
  job.state = 'rendering';
  job.phase = 'layout';
  job.attempts = 1;
  job.heartbeatAt = start;
  structlog(start + 600, 'info', 'render started', { job_id: job.jobId, quote_number: quote, pages, rss_mb: Math.round(rss) });
  const duration = (3 + pages * between(0.35, 0.7)) * SEC;
  const transient = pages * between(2.4, 3.6) + between(20, 40);
  const retained = pages * between(0.9, 1.6) + between(4, 9);
  const peak = rss + transient;
  const end = start + duration;
  // heartbeats every 15 s while rendering
  if (peak > LIMIT_MB) {
    const dieAt = start + duration * between(0.45, 0.8);
    job.phase = 'pdf';
    job.heartbeatAt = start + Math.floor((dieAt - start) / (15 * SEC)) * 15 * SEC;
    oom(dieAt, [job]);
    lastDeathAt = dieAt;
    lastEnd = dieAt;
    return;
  }
  if (peak > LIMIT_MB - 22 && count.memoryErrors < 3) {
    const failAt = start + duration * 0.6;
    const mib = int(140, 230);
    job.state = 'failed';
    job.phase = 'pdf';
    job.error = `MemoryError: unable to allocate ${mib} MiB for page raster`;
    job.heartbeatAt = failAt;
    count.memoryErrors++;
    structlog(failAt, 'error', 'render failed', {
      job_id: job.jobId,
      quote_number: quote,
      rss_mb: Math.round(peak - 12),
      exception: [
        'Traceback (most recent call last):',
        `  File "/opt/render/project/src/app/jobs.py", line ${L.writePdf}, in run`,
        '    document.write_pdf(buffer, optimize_images=settings.renderer.optimize_images)',
        '  File "/opt/render/project/src/.venv/lib/python3.12/site-packages/weasyprint/document.py", line 391, in write_pdf',
        '    pdf = generate_pdf(self, target, zoom, **options)',
        '  File "/opt/render/project/src/.venv/lib/python3.12/site-packages/weasyprint/pdf/__init__.py", line 127, in generate_pdf',
        '    images = _use_references(pdf, resources, images)',
        `MemoryError: unable to allocate ${mib} MiB for page raster`,
      ].join('\n'),
    });
    rss += retained / 2;
    lastEnd = failAt;
    return;
  }
  rss += retained;
  job.state = 'ready';
  job.phase = 'done';
  job.heartbeatAt = end;
  lastEnd = end;
  count.ready++;
  structlog(end, 'info', 'render finished', { job_id: job.jobId, quote_number: quote, pages, duration_ms: Math.round(end - start), rss_mb: Math.round(rss) });
  // the quote page polls until the PDF is ready
  for (let poll = at + 4 * SEC; poll < end + 6 * SEC; poll += between(6, 14) * SEC) {
    if (rand() < 0.35) request(poll, 'GET', `/api/quotes/${quote}`, 200, between(8, 30));
  }
}

function main() {
  startInstance(WINDOW_START - 3 * 60 * MIN);
  up = true;
  // Render requests from the QA team and the nightly regression suite.
  const arrivals: number[] = [];
  for (let t = WINDOW_START + between(1, 4) * MIN; t < WINDOW_END - 5 * MIN; t += (between(2, 5) * MIN * 4) / (HOUR_WEIGHT[new Date(t).getUTCHours()] ?? 1)) {
    arrivals.push(t);
  }
  for (const at of arrivals) {
    // GC and cache eviction give a little memory back between jobs.
    rss = Math.max(170, rss - between(0, 3));
    renderRequest(at);
    if (!up && at > downUntil) up = true;
  }
  // Requests that hit the dying instance or the gap: 502 from the proxy while the process is killed, 503 after.
  for (const when of count.oom) {
    const at = T(when);
    const inflightOld = render.find((r) => r.at <= at && r.log.message === '==> Out of memory (used over 512Mi)' && Math.abs(r.at - at) < 10)?.log.labels[1]?.value ?? instance;
    for (let i = 0; i < int(1, 3); i++) {
      request(at - between(0.5, 3) * SEC, 'GET', `/api/quotes/Q-2026-0${int(18_300, quoteSeq - 1)}`, 502, between(500, 2900), inflightOld);
      count.r502++;
    }
    for (let i = 0; i < int(2, 4); i++) {
      request(at + between(5, 35) * SEC, 'GET', `/api/quotes/Q-2026-0${int(18_300, quoteSeq - 1)}`, 503, between(1, 3), inflightOld);
      count.r503++;
    }
  }
  // Health checks and process stats every 5 minutes (stats only when up).
  for (let t = WINDOW_START + 2 * MIN; t < WINDOW_END; t += 5 * MIN) {
    const down = count.oom.some((when) => t >= T(when) && t < T(when) + 80 * SEC);
    request(t, 'GET', '/healthz', down ? 503 : 200, down ? between(1, 3) : between(1, 5));
  }
}

main();

// process stats: reconstruct rss from the app log's own numbers (last value before each tick)
const byTime = <X extends { at: number; seq: number }>(items: X[]) => [...items].sort((a, b) => a.at - b.at || a.seq - b.seq);
const sortedApp = byTime(app);
for (let t = WINDOW_START + 4 * MIN; t < WINDOW_END; t += 10 * MIN) {
  const before = sortedApp.filter((a) => a.at <= t).at(-1);
  if (!before) continue;
  const last = JSON.parse(before.line) as { rss_mb?: number; instance: string };
  if (count.oom.some((when) => t >= T(when) && t < T(when) + 80 * SEC)) continue;
  app.push({
    at: t,
    seq: seq++,
    line: JSON.stringify({
      event: 'process stats',
      rss_mb: last.rss_mb,
      font_cache_entries: int(30, 60),
      threads: int(5, 7),
      instance: last.instance,
      level: 'info',
      logger: 'quote_renderer.main',
      timestamp: isoMicro(t),
    }),
  });
}

const inWindow = (at: number) => at >= WINDOW_START && at < WINDOW_END;
// `render logs -o json`: Go's json.MarshalIndent, objects back to back; < > & escaped as \u003c \u003e \u0026.
const goJson = (value: unknown) => JSON.stringify(value, null, 2).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
const renderLogs = byTime(render).filter((r) => inWindow(r.at));
writeFileSync(path.join(INCIDENT, 'logs/render-quote-renderer.json'), `${renderLogs.map((r) => goJson(r.log)).join('\n')}\n`);
const appLines = byTime(app)
  .filter((a) => inWindow(a.at))
  .map((a) => a.line);
writeFileSync(path.join(INCIDENT, 'logs/app.jsonl'), `${appLines.join('\n')}\n`);

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
const seed = [
  '-- SAMPLE DATA — synthetic, for demonstrating fracas (sample inc_memory_restarts). Generated by sample/generate.ts; do not edit by hand.',
  '-- Runs on PostgreSQL 15 and on PGlite: psql "$DATABASE_URL" -f db/seed.sql',
  'CREATE TABLE public.quote_jobs (',
  '  job_id       uuid PRIMARY KEY,',
  '  quote_number text NOT NULL,',
  "  state        text NOT NULL CHECK (state IN ('queued', 'rendering', 'ready', 'failed')),",
  "  phase        text NOT NULL CHECK (phase IN ('queued', 'layout', 'pdf', 'upload', 'done')),",
  '  error        text,',
  '  attempts     smallint NOT NULL DEFAULT 0,',
  '  requested_at timestamptz NOT NULL,',
  '  heartbeat_at timestamptz NOT NULL',
  ');',
  '',
  'CREATE INDEX quote_jobs_state_idx ON public.quote_jobs (state, heartbeat_at);',
  'CREATE UNIQUE INDEX quote_jobs_quote_idx ON public.quote_jobs (quote_number, requested_at);',
  '',
  'INSERT INTO public.quote_jobs (job_id, quote_number, state, phase, error, attempts, requested_at, heartbeat_at) VALUES',
  jobs.map((j) => `  (${q(j.jobId)}, ${q(j.quote)}, ${q(j.state)}, ${q(j.phase)}, ${j.error ? q(j.error) : 'NULL'}, ${j.attempts}, ${q(iso(j.requestedAt))}, ${q(iso(j.heartbeatAt))})`).join(',\n') +
    ';',
  '',
];
writeFileSync(path.join(INCIDENT, 'db/seed.sql'), seed.join('\n'));

console.log(
  JSON.stringify(
    {
      renderEntries: renderLogs.length,
      appLines: appLines.length,
      jobs: jobs.length,
      ...count,
      oomCount: count.oom.length,
      lines: L,
    },
    null,
    1,
  ),
);
