// SAMPLE DATA generator — synthetic, for demonstrating fracas.
// Writes logs/postgres.log (PostgreSQL 15, prefix '%m [%p] %q%u@%d app=%a,e=%e '), logs/claims-sync.syslog
// (Render log stream, RFC 5424 with logfmt messages) and db/seed.sql for the forgotten-transaction sample.
// Deterministic: same seed, same bytes.
//   npx tsx docs/incidents/inc_forgotten_transaction/sample/generate.ts
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../../sample-random.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const INCIDENT = path.resolve(HERE, '..');

const { between, int } = seededRandom(55_03_2026);

const T = (iso: string) => Date.parse(iso);
const SEC = 1000;
const MIN = 60 * SEC;
const iso = (ms: number) => new Date(Math.round(ms)).toISOString();
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const pgTime = (ms: number) => `${iso(ms).slice(0, 23).replace('T', ' ')} UTC`;
const syslogTime = (ms: number) => `${iso(ms).slice(0, 23)}${pad(int(0, 999), 3)}+00:00`;
const ms3 = () => `${int(0, 9)}${int(0, 9)}${int(0, 9)}`;

// ------------------------------------------------------------------ scenario

const WINDOW_START = T('2026-08-21T09:15:00Z');
const WINDOW_END = T('2026-08-21T11:15:00Z');
const HOLDER_CONNECT = T('2026-08-21T09:38:52.417Z');
const HOLDER_UPDATE = T('2026-08-21T09:41:36.902Z'); // BEGIN; UPDATE claims.sync_state ... (never committed)
const HOLDER_PID = 48_213;
const HOLDER_XID = 884_217;
const WORKER_PIDS = [47_102, 47_188];
const LOCK_TIMEOUT = 5 * SEC;
const LEASE = 2 * MIN;
const MAX_ATTEMPTS = 3;
const REL_OID = 16_642;
const DB_OID = 16_391;
const WATERMARK_UPDATE = 'UPDATE claims.sync_state SET high_watermark = GREATEST(high_watermark, $1), updated_at = now() WHERE source = $2';

const pgOut: { at: number; seq: number; lines: string[] }[] = [];
const appOut: { at: number; seq: number; line: string }[] = [];
let seq = 0;

type Sev = 'LOG' | 'ERROR' | 'FATAL' | 'DETAIL' | 'CONTEXT' | 'STATEMENT';
function pg(at: number, pid: number, who: { user: string; db: string; app: string } | null, state: string, lines: [Sev, string][]) {
  const prefix = who ? `${pgTime(at)} [${pid}] ${who.user}@${who.db} app=${who.app},e=${state} ` : `${pgTime(at)} [${pid}] `;
  pgOut.push({ at, seq: seq++, lines: lines.map(([sev, msg]) => `${prefix}${sev}:  ${msg}`) });
}
const WORKER = { user: 'claims_sync', db: 'claims', app: 'claims-sync' };
const HOLDER = { user: 'mkowalski', db: 'claims', app: 'psql' };

const INSTANCE = 'worker-7d9f2';
function app(at: number, level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, string | number>) {
  const pri = level === 'error' ? 131 : level === 'warn' ? 132 : 134;
  const kv = Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === 'string' && /[\s"=]/.test(value) ? JSON.stringify(value) : value}`)
    .join(' ');
  appOut.push({ at, seq: seq++, line: `<${pri}>1 ${syslogTime(at)} claims-sync ${INSTANCE} 2291 ${INSTANCE} - time=${iso(at)} level=${level.toUpperCase()} msg=${JSON.stringify(msg)} ${kv}` });
}

interface Job {
  id: number;
  claim: string;
  createdAt: number;
  state: string;
  step: string;
  attempts: number;
  lastError: string | null;
  updatedAt: number;
}
const jobs: Job[] = [];

/** Ongoing waits on the hot row: which worker pid waits, from when, until when. */
const waits: { pid: number; from: number; until: number }[] = [];
const count = { attempts: 0, lockTimeouts: 0, tupleWaits: 0, synced: 0 };

function attempt(job: Job, at: number, slot: number) {
  const pid = WORKER_PIDS[slot]!;
  count.attempts++;
  job.attempts += 1;
  job.state = 'in_progress';
  job.step = 'fetch';
  job.updatedAt = at;
  app(at + 4, 'info', 'claimed job', { job_id: job.id, claim: job.claim, attempt: job.attempts });
  const fetched = at + between(250, 1400);
  if (fetched < HOLDER_UPDATE) {
    const done = fetched + between(12, 60);
    job.state = 'synced';
    job.step = 'done';
    job.lastError = null;
    job.updatedAt = done;
    count.synced++;
    app(done + 1, 'info', 'synced claim', { job_id: job.id, claim: job.claim, attempt: job.attempts, duration: `${((done - at) / 1000).toFixed(2)}s` });
    return done;
  }
  // The UPDATE of claims.sync_state queues behind the open transaction of pid HOLDER_PID.
  const start = fetched + between(3, 12);
  const deadline = start + LOCK_TIMEOUT + int(0, 3);
  const ahead = waits.find((w) => w.from <= start && w.until > start && w.pid !== pid);
  if (ahead) {
    // Second in line: waits for the tuple lock held by the first waiter, then for the transaction.
    count.tupleWaits++;
    pg(start + 1000 + between(0, 1), pid, WORKER, '00000', [
      ['LOG', `process ${pid} still waiting for ExclusiveLock on tuple (0,1) of relation ${REL_OID} of database ${DB_OID} after 100${int(0, 2)}.${ms3()} ms`],
      ['DETAIL', `Process holding the lock: ${ahead.pid}. Wait queue: ${pid}.`],
      ['STATEMENT', WATERMARK_UPDATE],
    ]);
    const acquired = ahead.until + between(0.5, 2);
    if (acquired < deadline) {
      pg(acquired, pid, WORKER, '00000', [
        ['LOG', `process ${pid} acquired ExclusiveLock on tuple (0,1) of relation ${REL_OID} of database ${DB_OID} after ${(acquired - start).toFixed(3)} ms`],
        ['STATEMENT', WATERMARK_UPDATE],
      ]);
      if (deadline - acquired > 1000) {
        pg(acquired + 1000 + between(0, 1), pid, WORKER, '00000', [
          ['LOG', `process ${pid} still waiting for ShareLock on transaction ${HOLDER_XID} after 100${int(0, 1)}.${ms3()} ms`],
          ['DETAIL', `Process holding the lock: ${HOLDER_PID}. Wait queue: ${pid}.`],
          ['CONTEXT', 'while updating tuple (0,1) in relation "sync_state"'],
          ['STATEMENT', WATERMARK_UPDATE],
        ]);
      }
    }
  } else {
    pg(start + 1000 + between(0, 1), pid, WORKER, '00000', [
      ['LOG', `process ${pid} still waiting for ShareLock on transaction ${HOLDER_XID} after 100${int(0, 1)}.${ms3()} ms`],
      ['DETAIL', `Process holding the lock: ${HOLDER_PID}. Wait queue: ${pid}.`],
      ['CONTEXT', 'while updating tuple (0,1) in relation "sync_state"'],
      ['STATEMENT', WATERMARK_UPDATE],
    ]);
  }
  waits.push({ pid, from: start, until: deadline });
  pg(deadline, pid, WORKER, '55P03', [
    ['ERROR', 'canceling statement due to lock timeout'],
    ['CONTEXT', 'while updating tuple (0,1) in relation "sync_state"'],
    ['STATEMENT', WATERMARK_UPDATE],
  ]);
  count.lockTimeouts++;
  const err = 'write claim: update sync_state: ERROR: canceling statement due to lock timeout (SQLSTATE 55P03)';
  const end = deadline + between(2, 9);
  app(end, 'error', 'sync failed', { job_id: job.id, claim: job.claim, attempt: job.attempts, err, duration: `${((end - at) / 1000).toFixed(2)}s` });
  job.lastError = err;
  job.step = 'write';
  job.updatedAt = end + between(2, 6);
  return end;
}

function main() {
  // Background noise: checkpoints, a reporting query, the holder's session.
  for (let t = WINDOW_START + 12 * MIN; t < WINDOW_END; t += 30 * MIN) {
    pg(t, 71, null, '', [['LOG', 'checkpoint starting: time']]);
    const buffers = int(120, 1400);
    const write = between(8, 60);
    pg(t + write * SEC + 140, 71, null, '', [
      [
        'LOG',
        `checkpoint complete: wrote ${buffers} buffers (${((buffers / 16384) * 100).toFixed(1)}%); 0 WAL file(s) added, 0 removed, ${int(0, 3)} recycled; write=${write.toFixed(3)} s, sync=0.0${int(10, 99)} s, total=${(write + 0.12).toFixed(3)} s; sync files=${int(10, 60)}, longest=0.00${int(2, 9)} s, average=0.001 s; distance=${buffers * 8 + int(10, 900)} kB, estimate=${buffers * 9 + int(100, 900)} kB`,
      ],
    ]);
  }
  const holderPort = int(40_000, 60_000);
  pg(HOLDER_CONNECT, HOLDER_PID, { user: '[unknown]', db: '[unknown]', app: '[unknown]' }, '00000', [['LOG', `connection received: host=10.40.2.15 port=${holderPort}`]]);
  pg(HOLDER_CONNECT + 11, HOLDER_PID, HOLDER, '00000', [
    ['LOG', 'connection authorized: user=mkowalski database=claims application_name=psql SSL enabled (protocol=TLSv1.3, cipher=TLS_AES_256_GCM_SHA384, bits=256)'],
  ]);
  pg(T('2026-08-21T09:40:21.530Z'), HOLDER_PID, HOLDER, '00000', [
    ['LOG', "duration: 1874.220 ms  statement: SELECT claim_ref, state, attempts, last_error, updated_at FROM claims.sync_jobs WHERE updated_at > now() - interval '2 days' ORDER BY updated_at DESC;"],
  ]);
  pg(T('2026-08-21T10:02:11.044Z'), 52_907, { user: 'metabase', db: 'claims', app: 'Metabase v0.50.21' }, '00000', [
    ['LOG', 'duration: 1312.906 ms  execute <unnamed>: SELECT "claims"."status" AS "status", count(*) AS "count" FROM "claims"."claims" GROUP BY "claims"."status" ORDER BY "claims"."status" ASC'],
  ]);

  // Change-feed jobs arrive every few minutes; two worker goroutines claim them.
  let claimSeq = 441_870;
  let jobSeq = 88_110;
  for (let t = WINDOW_START - 5 * MIN + between(0, 60) * SEC; t < WINDOW_END - 2 * MIN; t += between(2, 5.5) * MIN) {
    jobs.push({ id: jobSeq++, claim: `CLM-2026-0${claimSeq++}`, createdAt: t, state: 'pending', step: 'fetch', attempts: 0, lastError: null, updatedAt: t });
  }
  const freeAt = [WINDOW_START - 10 * MIN, WINDOW_START - 10 * MIN];
  // each job: first attempt when a worker polls after creation; retries after the lease expires
  const queue: { at: number; job: Job }[] = jobs.map((job) => ({ at: job.createdAt + between(0.5, 5) * SEC, job }));
  while (queue.length > 0) {
    queue.sort((a, b) => a.at - b.at);
    const next = queue.shift()!;
    const slot = freeAt[0]! <= freeAt[1]! ? 0 : 1;
    const at = Math.max(next.at, freeAt[slot]!);
    if (at >= WINDOW_END - 10 * SEC) continue; // the evidence was collected at the end of the window
    const end = attempt(next.job, at, slot);
    freeAt[slot] = end + between(0.1, 0.5) * SEC;
    if (next.job.state !== 'synced' && next.job.attempts < MAX_ATTEMPTS) {
      queue.push({ at: next.job.updatedAt + LEASE + between(0.5, 5) * SEC, job: next.job });
    }
  }
}

main();

const byTime = <X extends { at: number; seq: number }>(items: X[]) => [...items].sort((a, b) => a.at - b.at || a.seq - b.seq);
const inWindow = (at: number) => at >= WINDOW_START && at < WINDOW_END;
const pgLines = byTime(pgOut)
  .filter((p) => inWindow(p.at))
  .flatMap((p) => p.lines);
writeFileSync(path.join(INCIDENT, 'logs/postgres.log'), `${pgLines.join('\n')}\n`);
const appLines = byTime(appOut)
  .filter((a) => inWindow(a.at))
  .map((a) => a.line);
writeFileSync(path.join(INCIDENT, 'logs/claims-sync.syslog'), `${appLines.join('\n')}\n`);

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
const lastSynced = Math.max(...jobs.filter((j) => j.state === 'synced').map((j) => j.updatedAt));
const seed = [
  '-- SAMPLE DATA — synthetic, for demonstrating fracas (sample inc_forgotten_transaction). Generated by sample/generate.ts; do not edit by hand.',
  '-- Runs on PostgreSQL 15 and on PGlite: psql "$DATABASE_URL" -f db/seed.sql',
  'CREATE SCHEMA IF NOT EXISTS claims;',
  '',
  'CREATE TABLE claims.sync_state (',
  '  source         text PRIMARY KEY,',
  '  high_watermark timestamptz NOT NULL,',
  '  updated_at     timestamptz NOT NULL',
  ');',
  '',
  'CREATE TABLE claims.sync_jobs (',
  '  job_id     bigint PRIMARY KEY,',
  '  claim_ref  text NOT NULL,',
  "  state      text NOT NULL CHECK (state IN ('pending', 'in_progress', 'synced', 'failed')),",
  "  step       text NOT NULL CHECK (step IN ('fetch', 'write', 'done')),",
  '  attempts   integer NOT NULL DEFAULT 0,',
  '  last_error text,',
  '  created_at timestamptz NOT NULL,',
  '  updated_at timestamptz NOT NULL',
  ');',
  '',
  'CREATE INDEX sync_jobs_claimable_idx ON claims.sync_jobs (state, created_at) WHERE attempts < 3;',
  '',
  `INSERT INTO claims.sync_state (source, high_watermark, updated_at) VALUES ('guidewire', ${q(iso(lastSynced - 2_400))}, ${q(iso(lastSynced - 30))});`,
  '',
  'INSERT INTO claims.sync_jobs (job_id, claim_ref, state, step, attempts, last_error, created_at, updated_at) VALUES',
  jobs.map((j) => `  (${j.id}, ${q(j.claim)}, ${q(j.state)}, ${q(j.step)}, ${j.attempts}, ${j.lastError ? q(j.lastError) : 'NULL'}, ${q(iso(j.createdAt))}, ${q(iso(j.updatedAt))})`).join(',\n') + ';',
  '',
];
writeFileSync(path.join(INCIDENT, 'db/seed.sql'), seed.join('\n'));

const asOf = WINDOW_END;
const stuck = jobs.filter((j) => ['pending', 'in_progress'].includes(j.state) && j.updatedAt < asOf - 20 * MIN);
console.log(
  JSON.stringify(
    {
      pgLines: pgLines.length,
      appLines: appLines.length,
      jobs: jobs.length,
      ...count,
      states: jobs.reduce<Record<string, number>>((acc, j) => {
        const key = `${j.state}/${j.attempts}`;
        acc[key] = (acc[key] ?? 0) + 1;
        return acc;
      }, {}),
      stuck: stuck.length,
      firstLockTimeout: pgLines.find((l) => l.includes('lock timeout'))?.slice(0, 23),
      lastLockTimeout: [...pgLines]
        .reverse()
        .find((l) => l.includes('lock timeout'))
        ?.slice(0, 23),
      lastSynced: iso(lastSynced),
    },
    null,
    1,
  ),
);
