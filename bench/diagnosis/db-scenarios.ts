// Generated worker incidents whose symptom is in a PostgreSQL job table (failed or stuck rows), with misleading errors in the logs.
// The table is loaded into a scratch database on a real PostgreSQL 15; live sessions (an idle transaction holding row locks,
// workers blocked behind it) are opened before collection. Error texts as requests, psycopg2, pgx, node-postgres and ioredis print them.
import type { HypothesisCategory } from '../../src/analysis/types.ts';
import { Rng } from './rng.ts';
import { MINUTE, plan, type Plan } from './simulate.ts';
import type { AppError } from './writers.ts';

/** A live session opened before collection: its statements run in order; `blocks` marks the last one as expected to wait on a lock. */
interface LiveSession {
  application: string;
  statements: string[];
  blocks?: boolean;
}

export interface DatabaseSetup {
  /** Schema and rows. */
  seed: string;
  sessions: LiveSession[];
  /** The manifest's database source, without `url` (the bench sets it to the scratch database). */
  source: Record<string, unknown>;
}

export interface DbIncident {
  name: string;
  stack: string;
  category: HypothesisCategory;
  files: Record<string, string>;
  manifest: Record<string, unknown>;
  database: DatabaseSetup;
  /** failedRequests: failed or stuck jobs (the symptom); causeRecords: the cause's log records; causeJobs: jobs recording it. */
  truth: { failedRequests: number; causeRecords: number; causeJobs?: number };
}

const iso = (time: number): string => new Date(time).toISOString();
const sqlText = (value: string | undefined): string => (value === undefined ? 'NULL' : `'${value.replace(/'/g, "''")}'`);

interface Job {
  id: string;
  entity: string;
  kind: string;
  state: string;
  error?: string;
  attempts: number;
  created: number;
  updated: number;
}

/** Lines in time order. */
class Lines {
  private readonly entries: { time: number; seq: number; text: string }[] = [];
  private seq = 0;
  add(time: number, text: string): void {
    this.entries.push({ time, seq: this.seq++, text });
  }
  text(): string {
    return `${this.entries
      .sort((a, b) => a.time - b.time || a.seq - b.seq)
      .map((entry) => entry.text)
      .join('\n')}\n`;
  }
}

interface Columns {
  table: string;
  entity: string;
  state: string;
  error: string;
  attempts: string;
  updated: string;
}

function tableSql(columns: Columns, states: string[], jobs: Job[]): string {
  const [schema] = columns.table.includes('.') ? columns.table.split('.') : [undefined];
  const rows = jobs.map(
    (job) => `('${job.id}', ${sqlText(job.entity)}, ${sqlText(job.kind)}, ${sqlText(job.state)}, ${sqlText(job.error)}, ${job.attempts}, 0, '${iso(job.created)}', '${iso(job.updated)}')`,
  );
  const chunks: string[] = [];
  for (let index = 0; index < rows.length; index += 500)
    chunks.push(
      `INSERT INTO ${columns.table} (id, ${columns.entity}, kind, ${columns.state}, ${columns.error}, ${columns.attempts}, priority, created_at, ${columns.updated}) VALUES\n${rows.slice(index, index + 500).join(',\n')};`,
    );
  return `${schema && schema !== 'public' ? `CREATE SCHEMA ${schema};\n` : ''}CREATE TABLE ${columns.table} (
  id uuid PRIMARY KEY,
  ${columns.entity} text NOT NULL,
  kind text NOT NULL,
  ${columns.state} text NOT NULL CHECK (${columns.state} IN (${states.map((state) => sqlText(state)).join(', ')})),
  ${columns.error} text,
  ${columns.attempts} integer NOT NULL DEFAULT 0,
  priority integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  ${columns.updated} timestamptz NOT NULL
);
${chunks.join('\n')}
CREATE INDEX ON ${columns.table} (${columns.state}, ${columns.updated});
ANALYZE ${columns.table};
`;
}

function manifestOf(name: string, p: Plan, title: string, sources: Record<string, unknown>[]): Record<string, unknown> {
  return {
    id: `BENCH-${name}`,
    title,
    severity: 'P2',
    environment: 'production',
    service: name,
    window: { start: iso(p.start), end: iso(p.start + p.minutes * MINUTE) },
    sources,
  };
}

/** Python logging `%(asctime)s %(levelname)s [%(name)s] %(message)s`, tracebacks after the line. */
class PythonWorkerLog {
  readonly lines = new Lines();
  write(time: number, level: 'INFO' | 'WARNING' | 'ERROR', logger: string, message: string, traceback?: string[]): void {
    const stamp = iso(time).replace('T', ' ').replace('Z', '').replace('.', ',');
    this.lines.add(time, [`${stamp} ${level} [${logger}] ${message}`, ...(traceback ?? [])].join('\n'));
  }
}

const logfmt = (value: string): string => (/^[\w./:-]+$/.test(value) ? value : `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);

/** Background errors of a worker (no job ids), constant through the window. */
const WORKER_BACKGROUND: ((rng: Rng) => AppError)[] = [
  (rng) => ({ level: 'error', message: `read ECONNRESET`, fields: { code: 'ECONNRESET', target: `statsd-${rng.int(1, 3)}.internal:8125` } }),
  (rng) => ({ level: 'warn', message: `Slow query took ${rng.int(1500, 5000)}ms: SELECT count(*) FROM audit_log WHERE created_at > $1` }),
  (rng) => ({ level: 'error', message: `Failed to send email to user ${rng.int(1000, 99999)}: SMTP 421 4.7.0 Try again later` }),
];

function jobMinuteRate(rng: Rng): number {
  return rng.float(1.5, 6);
}

/** Python worker calling an OCR vendor: from the onset the vendor answers 503/502, jobs fail; psycopg2 and ECONNRESET noise in the logs. */
const pythonWorkerUpstream = (seed: number): DbIncident => {
  const rng = new Rng(seed);
  const p = plan(rng);
  const log = new PythonWorkerLog();
  const host = rng.pick(['api.ocr-vendor.com', 'vision.parsehub.io', 'extract.docparser.net']);
  const columns: Columns = {
    table: rng.pick(['public.ocr_jobs', 'pipeline.ocr_jobs', 'public.document_jobs']),
    entity: 'document_id',
    state: rng.pick(['state', 'status']),
    error: rng.pick(['last_error', 'error_message']),
    attempts: rng.pick(['attempts', 'retry_count']),
    updated: 'updated_at',
  };
  const logsIds = rng.chance(0.6); // some workers print the job id with the error, some only when they pick the job up
  const failShare = rng.float(0.5, 0.9);
  const jobs: Job[] = [];
  let causeRecords = 0;
  let causeJobs = 0;
  let failed = 0;
  const rate = jobMinuteRate(rng);
  const background = WORKER_BACKGROUND[rng.int(0, WORKER_BACKGROUND.length - 1)]!;
  const backgroundPerHour = rng.float(6, 20);
  const dbBackgroundPerHour = rng.float(2, 6);
  const loud = rng.float(0.3, 1.2);
  for (let minute = 0; minute < p.minutes; minute++) {
    const base = p.start + minute * MINUTE;
    // Loud and misleading: the result backend (Redis) refuses connections now and then during the incident, not linked to any job.
    if (minute >= p.onset && minute < p.recovery)
      for (let index = rng.poisson(loud); index > 0; index--)
        log.write(base + rng.int(0, MINUTE - 1), 'ERROR', 'worker.heartbeat', 'redis.exceptions.ConnectionError: Error 111 connecting to redis:6379. Connection refused.');
    for (let index = rng.poisson(backgroundPerHour / 60); index > 0; index--) {
      const error = background(rng);
      log.write(base + rng.int(0, MINUTE - 1), error.level === 'warn' ? 'WARNING' : 'ERROR', 'worker.metrics', error.message);
    }
    for (let index = rng.poisson(rate); index > 0; index--) {
      const created = base + rng.int(0, MINUTE - 1);
      const job: Job = { id: rng.uuid(), entity: rng.uuid(), kind: 'ocr', state: 'done', attempts: 1, created, updated: created + rng.int(2000, 20000) };
      log.write(created + 50, 'INFO', 'worker.ocr', `processing job job_id=${job.id} document_id=${job.entity}`);
      const inIncident = minute >= p.onset && minute < p.recovery;
      if (inIncident && rng.chance(failShare)) {
        const status = rng.chance(0.75) ? 503 : 502;
        const reason = status === 503 ? 'Service Unavailable' : 'Bad Gateway';
        const message = `requests.exceptions.HTTPError: ${status} Server Error: ${reason} for url: https://${host}/v2/parse`;
        job.state = 'failed';
        job.error = message;
        job.attempts = rng.int(3, 5);
        job.updated = Math.min(created + rng.int(5000, 60000), p.start + p.minutes * MINUTE - 1000);
        log.write(job.updated - 5, 'ERROR', 'worker.ocr', `OCR call failed${logsIds ? ` job_id=${job.id}` : ''}`, [
          'Traceback (most recent call last):',
          '  File "/app/worker/ocr.py", line 88, in run_job',
          '    resp.raise_for_status()',
          '  File "/usr/local/lib/python3.11/site-packages/requests/models.py", line 1021, in raise_for_status',
          '    raise HTTPError(http_error_msg, response=self)',
          message,
        ]);
        causeRecords++;
        causeJobs++;
        failed++;
      } else if (rng.chance(dbBackgroundPerHour / 60 / rate)) {
        // Background: files the worker cannot read fail at the same rate all day.
        const format = rng.pick(['image/heic', 'application/x-iwork-pages', 'image/x-canon-cr2']);
        job.state = 'failed';
        job.error = `ValueError: unsupported file type '${format}'`;
        job.updated = created + rng.int(1000, 5000);
        log.write(job.updated - 3, 'ERROR', 'worker.ocr', `rejected document ${logsIds ? `job_id=${job.id} ` : ''}: ${job.error}`);
        failed++;
      }
      jobs.push(job);
    }
  }
  // Misleading, near the onset: a few statement timeouts of an unrelated report query.
  for (let index = rng.int(2, 6); index > 0; index--)
    log.write(p.start + (p.onset + rng.int(-2, 10)) * MINUTE + rng.int(0, MINUTE - 1), 'ERROR', 'reports', 'psycopg2.errors.QueryCanceled: canceling statement due to statement timeout');
  const states = ['queued', 'running', 'done', 'failed'];
  return {
    name: 'python-worker-upstream',
    stack: 'python-worker-pg',
    category: 'upstream-dependency',
    files: { 'logs/worker.log': log.lines.text() },
    manifest: manifestOf('python-worker-upstream', p, 'Document OCR jobs failing', [{ id: 'worker-logs', kind: 'logs', description: 'OCR worker (Python logging)', paths: ['logs/worker.log'] }]),
    database: {
      seed: tableSql(columns, states, jobs),
      sessions: [],
      source: { id: 'jobs-db', kind: 'database', asOf: iso(p.start + p.minutes * MINUTE), countersDelayMs: 0, jobs: { table: columns.table, stuckAfterMinutes: 60, recentErrorHours: 24 } },
    },
    truth: { failedRequests: failed, causeRecords, causeJobs },
  };
};

/** Node worker (pino): a backfill session left idle in transaction holds row locks on the job table; workers block, jobs stay running. */
const nodeWorkerBlocked = (seed: number): DbIncident => {
  const rng = new Rng(seed);
  const p = plan(rng);
  p.recovery = p.minutes;
  const lines = new Lines();
  const host = `worker-${rng.hex(5)}`;
  const pino = (time: number, level: number, msg: string, extra: Record<string, unknown> = {}) => lines.add(time, JSON.stringify({ level, time, pid: 1, hostname: host, ...extra, msg }));
  const table = rng.pick(['jobs', 'background_jobs', 'task_queue']);
  const columns: Columns = { table: `public.${table}`, entity: rng.pick(['account_id', 'user_id']), state: 'state', error: 'last_error', attempts: 'attempts', updated: 'updated_at' };
  const stuckAfter = rng.pick([20, 30, 45]);
  const asOf = p.start + p.minutes * MINUTE;
  const jobs: Job[] = [];
  let failed = 0;
  const rate = jobMinuteRate(rng);
  const backgroundPerHour = rng.float(1, 4);
  for (let minute = 0; minute < p.minutes; minute++) {
    const base = p.start + minute * MINUTE;
    if (rng.chance(0.25))
      pino(base + rng.int(0, MINUTE - 1), 50, 'read ECONNRESET', {
        err: { type: 'Error', message: 'read ECONNRESET', stack: 'Error: read ECONNRESET\n    at TLSWrap.onStreamRead (node:internal/stream_base_commons:217:20)', code: 'ECONNRESET' },
      });
    for (let index = rng.poisson(rate); index > 0; index--) {
      const created = base + rng.int(0, MINUTE - 1);
      const kind = rng.pick(['sync_contacts', 'send_digest', 'rebuild_index']);
      const job: Job = { id: rng.uuid(), entity: String(rng.int(1000, 99999)), kind, state: 'done', attempts: 1, created, updated: created + rng.int(500, 8000) };
      pino(created + 20, 30, 'claimed job', { job_id: job.id, kind });
      if (minute >= p.onset) {
        // Claimed, then the UPDATE that finishes it waits behind the idle transaction's row locks: it stays running.
        job.state = 'running';
        job.updated = created + 30;
        if (job.updated < asOf - stuckAfter * MINUTE) failed++;
      } else {
        pino(job.updated, 30, 'job completed', { job_id: job.id, kind, ms: job.updated - created });
        if (rng.chance(backgroundPerHour / 60 / rate)) {
          job.state = 'failed';
          job.error = `Error: Request failed with status code 422`;
          failed++;
          pino(job.updated, 50, 'job failed', { job_id: job.id, err: { type: 'AxiosError', message: 'Request failed with status code 422', code: 'ERR_BAD_REQUEST' } });
        }
      }
      jobs.push(job);
    }
  }
  // Misleading, near the onset: the Redis client loses its connection a few times.
  for (let index = rng.int(3, 8); index > 0; index--)
    pino(p.start + (p.onset + rng.int(-2, 8)) * MINUTE + rng.int(0, MINUTE - 1), 50, '[ioredis] Unhandled error event: Error: connect ETIMEDOUT', {
      err: { type: 'Error', message: 'connect ETIMEDOUT', code: 'ETIMEDOUT', errno: -110, syscall: 'connect' },
    });
  const running = jobs.filter((job) => job.state === 'running');
  const victim = running[0]?.id ?? jobs[0]!.id;
  const backfill = rng.pick(['backfill_priorities', 'psql', 'rails console']);
  return {
    name: 'node-worker-blocked',
    stack: 'node-worker-pg',
    category: 'db-lock-contention',
    files: { 'logs/worker.jsonl': lines.text() },
    manifest: manifestOf('node-worker-blocked', p, 'Background jobs stuck in running', [{ id: 'worker-logs', kind: 'logs', description: 'job worker (pino)', paths: ['logs/worker.jsonl'] }]),
    database: {
      seed: tableSql(columns, ['queued', 'running', 'done', 'failed'], jobs),
      sessions: [
        { application: backfill, statements: ['BEGIN', `UPDATE ${columns.table} SET priority = priority + 1 WHERE state = 'running'`] },
        ...Array.from({ length: rng.int(1, 3) }, (_, index) => ({
          application: 'jobs-worker',
          statements: [`UPDATE ${columns.table} SET state = 'done', updated_at = now() WHERE id = '${running[index]?.id ?? victim}'`],
          blocks: true,
        })),
      ],
      source: { id: 'jobs-db', kind: 'database', asOf: iso(asOf), countersDelayMs: 0, jobs: { table: columns.table, stuckAfterMinutes: stuckAfter } },
    },
    truth: { failedRequests: failed, causeRecords: 0 },
  };
};

/** Go import worker (slog + pgx): from the onset a partner feed repeats order lines; inserts violate a unique constraint and jobs die. */
const goWorkerUnique = (seed: number): DbIncident => {
  const rng = new Rng(seed);
  const p = plan(rng);
  const lines = new Lines();
  const slog = (time: number, level: string, msg: string, fields: Record<string, string>) =>
    lines.add(
      time,
      `time=${iso(time)} level=${level} msg=${logfmt(msg)}${Object.entries(fields)
        .map(([key, value]) => ` ${key}=${logfmt(value)}`)
        .join('')}`,
    );
  const constraint = rng.pick(['line_items_order_id_sku_key', 'order_lines_external_id_key', 'shipments_tracking_number_key']);
  const columns: Columns = { table: 'imports.import_jobs', entity: 'feed_id', state: 'status', error: 'last_error', attempts: 'attempts', updated: rng.pick(['updated_at', 'finished_at']) };
  const failShare = rng.float(0.3, 0.8);
  const jobs: Job[] = [];
  let failed = 0;
  let causeRecords = 0;
  let causeJobs = 0;
  const rate = jobMinuteRate(rng);
  const tlsPerHour = rng.float(3, 10);
  const loud = rng.float(0.3, 1.2);
  for (let minute = 0; minute < p.minutes; minute++) {
    const base = p.start + minute * MINUTE;
    // Loud and misleading: the status endpoint's context deadline while the importer is busy retrying, linked to no job.
    if (minute >= p.onset && minute < p.recovery)
      for (let index = rng.poisson(loud); index > 0; index--)
        slog(base + rng.int(0, MINUTE - 1), 'ERROR', 'status check failed', {
          err: 'failed to connect to `host=10.0.4.12 user=importer database=imports`: dial error (timeout: dial tcp 10.0.4.12:5432: i/o timeout)',
        });
    for (let index = rng.poisson(rate); index > 0; index--) {
      const created = base + rng.int(0, MINUTE - 1);
      const job: Job = { id: rng.uuid(), entity: `feed-${rng.int(1, 40)}`, kind: 'import_orders', state: 'completed', attempts: 1, created, updated: created + rng.int(300, 6000) };
      slog(created + 10, 'INFO', 'import started', { job_id: job.id, feed: job.entity });
      const inIncident = minute >= p.onset && minute < p.recovery;
      if (inIncident && rng.chance(failShare)) {
        const key = constraint.startsWith('line_items')
          ? `(order_id, sku)=(${rng.int(10000, 99999)}, SKU-${rng.hex(4).toUpperCase()})`
          : `(${constraint.split('_').slice(2, -1).join('_')})=(${rng.hex(10)})`;
        const err = `ERROR: duplicate key value violates unique constraint "${constraint}" (SQLSTATE 23505)`;
        job.state = 'dead';
        job.error = err;
        job.attempts = rng.int(3, 8);
        slog(job.updated, 'ERROR', 'import failed', { job_id: job.id, err, detail: `Key ${key} already exists.` });
        causeRecords++;
        causeJobs++;
        failed++;
      } else if (rng.chance(tlsPerHour / 60 / rate)) {
        const err = `Get "https://feeds.partner.example/v1/orders?since=${rng.int(1000, 9999)}": net/http: TLS handshake timeout`;
        job.state = 'dead';
        job.error = err;
        slog(job.updated, 'ERROR', 'feed fetch failed', { job_id: job.id, err });
        failed++;
      } else slog(job.updated, 'INFO', 'import finished', { job_id: job.id, rows: String(rng.int(1, 400)) });
      jobs.push(job);
    }
  }
  // Misleading, near the onset: the pool is briefly saturated while a report runs.
  for (let index = rng.int(2, 6); index > 0; index--)
    slog(p.start + (p.onset + rng.int(-1, 10)) * MINUTE + rng.int(0, MINUTE - 1), 'ERROR', 'report query failed', {
      err: 'ERROR: canceling statement due to statement timeout (SQLSTATE 57014)',
    });
  return {
    name: 'go-worker-unique',
    stack: 'go-worker-pg',
    category: 'db-constraint-violation',
    files: { 'logs/importer.log': lines.text() },
    manifest: manifestOf('go-worker-unique', p, 'Order imports dying', [{ id: 'importer-logs', kind: 'logs', description: 'import worker (Go slog)', paths: ['logs/importer.log'] }]),
    database: {
      seed: tableSql(columns, ['pending', 'processing', 'completed', 'dead'], jobs),
      sessions: [],
      source: {
        id: 'imports-db',
        kind: 'database',
        asOf: iso(p.start + p.minutes * MINUTE),
        countersDelayMs: 0,
        jobs: { table: columns.table, ...(columns.updated === 'updated_at' ? {} : { updatedColumn: columns.updated }) },
      },
    },
    truth: { failedRequests: failed, causeRecords, causeJobs },
  };
};

export const DB_GENERATORS: Record<string, (seed: number) => DbIncident> = {
  'python-worker-upstream': pythonWorkerUpstream,
  'node-worker-blocked': nodeWorkerBlocked,
  'go-worker-unique': goWorkerUnique,
};
