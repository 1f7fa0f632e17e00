// Seeded logs in the line formats whose readers carry state from line to line (PostgreSQL stderr and syslog, BSD syslog, CRI, Heroku, Render text) and in timestamped text, as the software prints them: wording, volumes and timing vary with the seed.
import { seededRandom } from '../../docs/incidents/sample-random.ts';

type Random = ReturnType<typeof seededRandom>;

const TABLES = ['upload_jobs', 'documents', 'users', 'webhook_events'];

/** A PostgreSQL 15 message from one backend: its first line (severity, text) and its follow-up lines (DETAIL, ... or TAB continuations). */
interface PgMessage {
  pid: number;
  who: string;
  severity: string;
  text: string;
  /** Follow-up lines: `[severity, text]`, or `['\t', text]` for a TAB continuation. */
  after: [string, string][];
}

function pgMessages(random: Random) {
  const { int, pick } = random;
  const table = () => pick(TABLES);
  const id = () => int(1, 99_999);
  const statement = (): string[] =>
    pick([
      () => [`UPDATE ${table()}`, `SET state = '${pick(['working', 'done', 'failed'])}', updated_at = now()`, `WHERE job_id = '${id()}'`],
      () => [`SELECT id, status FROM ${table()} WHERE id = ${id()} FOR UPDATE`],
      () => [`INSERT INTO ${table()}(id, status) VALUES (${id()}, 'pending')`],
      () => [`SELECT count(*)`, `FROM ${table()} j`, `JOIN documents d ON d.job_id = j.id`, `WHERE j.created_at > now() - interval '1 hour'`],
    ])();
  const tabbed = (lines: string[]): [string, string][] => lines.slice(1).map((line) => ['\t', line]);
  return (pid: number, who: string): PgMessage => {
    const make = (severity: string, text: string, after: [string, string][] = []): PgMessage => ({ pid, who, severity, text, after });
    return pick([
      () => make('LOG', `connection received: host=10.0.${int(0, 9)}.${int(1, 254)} port=${int(30_000, 65_000)}`),
      () => make('LOG', `connection authorized: user=app database=uploads application_name=${pick(['worker', 'api', 'psql'])}`),
      () => make('LOG', `disconnection: session time: 0:00:${String(int(0, 59)).padStart(2, '0')}.${int(100, 999)} user=app database=uploads host=10.0.1.${int(1, 254)} port=${int(30_000, 65_000)}`),
      () => {
        const lines = statement();
        return make('LOG', `duration: ${int(1000, 9000)}.${int(100, 999)} ms  statement: ${lines[0]}`, tabbed(lines));
      },
      () =>
        make('ERROR', `duplicate key value violates unique constraint "${table()}_pkey"`, [
          ['DETAIL', `Key (id)=(${id()}) already exists.`],
          ['STATEMENT', statement().join(' ')],
        ]),
      () =>
        make('ERROR', 'deadlock detected', [
          ['DETAIL', `Process ${pid} waits for ShareLock on transaction ${int(700, 900)}; blocked by process ${pid + 7}.`],
          ['\t', `Process ${pid + 7} waits for ShareLock on transaction ${int(700, 900)}; blocked by process ${pid}.`],
          ['\t', `Process ${pid}: ${statement().join(' ')}`],
          ['HINT', 'See server log for query details.'],
          ['CONTEXT', `while updating tuple (0,${int(1, 40)}) in relation "${table()}"`],
          ['STATEMENT', statement().join(' ')],
        ]),
      () =>
        make('LOG', `process ${pid} still waiting for ShareLock on transaction ${int(700, 900)} after 1000.${int(100, 999)} ms`, [
          ['DETAIL', `Process holding the lock: ${pid + 3}. Wait queue: ${pid}.`],
          ['CONTEXT', `while updating tuple (0,${int(1, 40)}) in relation "${table()}"`],
          ['STATEMENT', statement().join(' ')],
        ]),
      () => make('ERROR', 'canceling statement due to statement timeout', [['STATEMENT', statement().join(' ')]]),
      () => make('FATAL', 'password authentication failed for user "app"', [['DETAIL', 'Connection matched pg_hba.conf line 97: "host all all 0.0.0.0/0 scram-sha-256"']]),
      () => make('FATAL', 'sorry, too many clients already'),
    ])();
  };
}

/** The lines of a stream of messages, a few of whose follow-up lines arrive after other backends' lines (stderr without the logging collector). */
function interleave(random: Random, messages: () => PgMessage, count: number, write: (message: PgMessage, severity: string, text: string) => string): string[] {
  const lines: string[] = [];
  const late: { due: number; line: string }[] = [];
  for (let index = 0; index < count; index++) {
    const message = messages();
    lines.push(write(message, message.severity, message.text));
    const delayed = random.rand() < 0.04;
    for (const [severity, text] of message.after) {
      const line = write(message, severity, text);
      if (delayed) late.push({ due: index + random.int(1, 12), line });
      else lines.push(line);
    }
    while (late.length > 0 && late[0]!.due <= index) lines.push(late.shift()!.line);
  }
  for (const { line } of late) lines.push(line);
  return lines;
}

const pgTime = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', ' UTC');

/**
 * A PostgreSQL 15 stderr log: one log_line_prefix for the first part, then a reload that changes it (lines the first
 * prefix does not fit are read by the generic rule), with multi-line statements, DETAIL/HINT/CONTEXT/STATEMENT lines
 * and now and then follow-up lines arriving after other backends' lines.
 */
export function postgresLog(seed: number, messages: number, start = Date.parse('2026-11-20T08:00:00Z')): string {
  const random = seededRandom(seed);
  const message = pgMessages(random);
  const pids = Array.from({ length: random.int(8, 40) }, () => random.int(1000, 60_000));
  let time = start;
  let prefix = random.pick(['%m [%p] %q%u@%d ', '%m [%p] ']);
  const write = (entry: PgMessage, severity: string, text: string): string => {
    if (severity === '\t') return `\t${text}`;
    const who = prefix.includes('app=') ? `${entry.who} app=worker,e=${severity === 'ERROR' ? '40P01' : '00000'} ` : prefix.includes('%u@%d') ? `${entry.who} ` : '';
    return `${pgTime(time)} [${entry.pid}] ${who}${severity}:  ${text}`;
  };
  const next = (): PgMessage => {
    time += random.int(0, 400);
    if (random.rand() < 0.02)
      return { pid: 29, who: '', severity: 'LOG', text: `checkpoint complete: wrote ${random.int(1, 900)} buffers (0.${random.int(1, 9)}%); 0 WAL file(s) added, 0 removed, 1 recycled`, after: [] };
    return message(random.pick(pids), random.rand() < 0.1 ? '[unknown]@[unknown]' : 'app@uploads');
  };
  const half = Math.floor(messages / 2);
  const before = interleave(random, next, half, write);
  const reload = [`${pgTime(time)} [4863] LOG:  received SIGHUP, reloading configuration files`, `${pgTime(time)} [4863] LOG:  parameter "log_line_prefix" changed to "%m [%p] %q%u@%d app=%a,e=%e "`];
  prefix = '%m [%p] %q%u@%d app=%a,e=%e ';
  const after = interleave(random, next, messages - half, write);
  return `${[...before, ...reload, ...after].join('\n')}\n`;
}

const BSD_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const bsdTime = (ms: number): string => {
  const date = new Date(ms);
  return `${BSD_MONTHS[date.getUTCMonth()]} ${String(date.getUTCDate()).padStart(2, ' ')} ${date.toISOString().slice(11, 19)}`;
};

/** PostgreSQL through rsyslog (`[seq-n]` chunks, `#011` for TAB) across a year end, with a few other programs' lines; log_line_prefix '' until a reload sets 'user=%u,db=%d '. */
export function postgresSyslogLog(seed: number, messages: number): string {
  const random = seededRandom(seed);
  const message = pgMessages(random);
  const pids = Array.from({ length: random.int(6, 30) }, () => random.int(1000, 60_000));
  const sequence = new Map<number, number>();
  let time = Date.parse('2025-12-31T23:40:00Z');
  const parts = new Map<PgMessage, number>();
  const write = (entry: PgMessage, severity: string, text: string): string => {
    if (!parts.has(entry)) sequence.set(entry.pid, (sequence.get(entry.pid) ?? 0) + 1);
    const part = (parts.get(entry) ?? 0) + 1;
    parts.set(entry, part);
    const chunk = `[${sequence.get(entry.pid)}-${part}]`;
    const prefix = reloaded ? `user=${entry.who.split('@')[0]},db=${entry.who.split('@')[1] ?? ''} ` : '';
    const body = severity === '\t' ? `#011${text}` : `${prefix}${severity}:  ${text}`;
    return `${bsdTime(time)} db-1 postgres[${entry.pid}]: ${chunk} ${body}`;
  };
  let reloaded = false;
  const next = (): PgMessage => {
    time += random.int(0, 3000);
    return message(random.pick(pids), random.pick(['app@uploads', 'report@uploads']));
  };
  const half = Math.floor(messages / 2);
  const before = interleave(random, next, half, write);
  const reload = [
    `${bsdTime(time)} db-1 postgres[4863]: [1-1] LOG:  received SIGHUP, reloading configuration files`,
    `${bsdTime(time)} db-1 postgres[4863]: [2-1] LOG:  parameter "log_line_prefix" changed to "user=%u,db=%d "`,
  ];
  reloaded = true;
  const lines = [...before, ...reload, ...interleave(random, next, messages - half, write)];
  // Other programs now and then (a stretch of PostgreSQL lines between them is where a piece may begin).
  for (let at = random.int(300, 900); at < lines.length; at += random.int(300, 1500)) {
    const stamp = lines[at]!.slice(0, 15);
    lines.splice(at, 0, `${stamp} db-1 ${random.pick(['systemd[1]: Started Session 12 of user postgres.', `CRON[${random.int(100, 9999)}]: (root) CMD (/usr/lib/postgresql/15/bin/pg_ctl status)`])}`);
  }
  return `${lines.join('\n')}\n`;
}

const TRACEBACK = (random: Random): string[] => [
  'Traceback (most recent call last):',
  `  File "/app/api/webhooks.py", line ${random.int(100, 200)}, in handle`,
  '    await session.commit()',
  `  File "/app/.venv/lib/python3.12/site-packages/sqlalchemy/ext/asyncio/session.py", line ${random.int(900, 1100)}, in commit`,
  '    await greenlet_spawn(self.sync_session.commit)',
  random.pick([
    `sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "db-1" (10.0.0.5), port 5432 failed: ${random.pick(['Connection refused', 'FATAL:  sorry, too many clients already'])}`,
    // An exception class that does not end in Error or Exception.
    "requests.exceptions.ConnectTimeout: HTTPSConnectionPool(host='api.cloud.llamaindex.ai', port=443): Max retries exceeded with url: /api/v1/parsing/upload",
  ]),
];

/** BSD syslog (no year) from Dec 31 into Jan 1: sshd, CRON, the kernel, and an application that prints its own ISO time and Python tracebacks one line at a time. */
export function syslogLog(seed: number, lines: number): string {
  const random = seededRandom(seed);
  const { int, pick } = random;
  let time = Date.parse('2025-12-31T23:10:00Z') + int(0, 1_800_000);
  const ip = () => `${int(1, 223)}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`;
  const sshd = [
    () => `Failed password for ${pick(['root', 'invalid user admin', 'invalid user oracle'])} from ${ip()} port ${int(1024, 65_000)} ssh2`,
    () => `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip()}  user=root`,
    () => `Received disconnect from ${ip()} port ${int(1024, 65_000)}:11: Bye Bye [preauth]`,
    () => `Connection closed by ${ip()} port ${int(1024, 65_000)} [preauth]`,
    () => `Accepted publickey for deploy from ${ip()} port ${int(1024, 65_000)} ssh2: ED25519 SHA256:${random.alnum(43)}`,
  ];
  const out: string[] = [];
  while (out.length < lines) {
    time += int(0, 2500);
    const stamp = bsdTime(time);
    const roll = random.rand();
    if (roll < 0.55) out.push(`${stamp} web-1 sshd[${int(20_000, 30_000)}]: ${pick(sshd)()}`);
    else if (roll < 0.65) out.push(`${stamp} web-1 CRON[${int(1000, 9999)}]: pam_unix(cron:session): session ${pick(['opened', 'closed'])} for user root${random.rand() < 0.5 ? ' by (uid=0)' : ''}`);
    else if (roll < 0.7) out.push(`${stamp} web-1 kernel: [${int(1000, 99_999)}.${int(100_000, 999_999)}] Out of memory: Killed process ${int(1000, 9999)} (node) total-vm:${int(100_000, 999_999)}kB`);
    else {
      const app = `${stamp} web-1 upload-api[4242]: `;
      const iso = new Date(time).toISOString();
      out.push(`${app}${iso} ${pick(['INFO', 'INFO', 'WARNING', 'ERROR'])} ${pick(['request started', 'job 8813 queued', 'request failed: connection reset', 'upstream returned 429'])}`);
      if (random.rand() < 0.15) for (const line of TRACEBACK(random)) out.push(`${app}${line}`);
    }
  }
  return `${out.join('\n')}\n`;
}

/** Kubernetes CRI container logs: zap JSON on stdout, Java stack traces on stderr, and lines longer than 16 KiB split into P parts, the two streams interleaved. */
export function criLog(seed: number, lines: number): string {
  const random = seededRandom(seed);
  const { int, pick } = random;
  let time = Date.parse('2026-11-20T08:00:00Z');
  const stamp = () => {
    time += int(0, 700);
    return `${new Date(time).toISOString().slice(0, 19)}.${String(int(0, 999_999_999)).padStart(9, '0')}Z`;
  };
  const zap = (level: string, msg: string, extra = ''): string =>
    JSON.stringify({ level, ts: time / 1000, caller: `jobs/run.go:${int(20, 200)}`, msg, job_id: String(int(1, 99_999)), ...(extra ? { payload: extra } : {}) });
  const out: string[] = [];
  /** A line split by the runtime: P parts of 16 KiB, the F part after some lines of the other stream. */
  const split = (stream: string, text: string): void => {
    for (let at = 0; at + 16_384 < text.length; at += 16_384) out.push(`${stamp()} ${stream} P ${text.slice(at, at + 16_384)}`);
    const other = stream === 'stdout' ? 'stderr' : 'stdout';
    for (let index = int(0, 3); index > 0; index--) out.push(`${stamp()} ${other} F ${zap('info', 'heartbeat')}`);
    out.push(`${stamp()} ${stream} F ${text.slice(Math.floor((text.length - 1) / 16_384) * 16_384)}`);
  };
  while (out.length < lines) {
    const roll = random.rand();
    if (roll < 0.6) out.push(`${stamp()} stdout F ${zap(pick(['info', 'info', 'warn']), pick(['listening', 'job started', 'job finished', 'cache miss']))}`);
    else if (roll < 0.75) {
      out.push(`${stamp()} stderr F ${new Date(time).toISOString()} ERROR job ${int(1, 99_999)} failed`);
      out.push(`${stamp()} stderr F java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.`);
      for (const frame of ['com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)', 'com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:181)'])
        out.push(`${stamp()} stderr F \tat ${frame}`);
      out.push(`${stamp()} stderr F Caused by: org.postgresql.util.PSQLException: Connection to db:5432 refused.`);
    } else if (roll < 0.77) split(pick(['stdout', 'stderr']), zap('error', 'job payload rejected', 'x'.repeat(int(16_400, 40_000))));
    else out.push(`${stamp()} ${pick(['stdout', 'stderr'])} F plain text line from a sidecar ${int(1, 999)}`);
  }
  return `${out.join('\n')}\n`;
}

/** Heroku logplex: router lines, platform lines, and app lines (a traceback written at once arrives as lines with one time). */
export function herokuLog(seed: number, lines: number): string {
  const random = seededRandom(seed);
  const { int, pick } = random;
  let time = Date.parse('2026-11-20T08:00:00Z') * 1000;
  const stamp = () => {
    const date = new Date(Math.floor(time / 1000));
    return `${date.toISOString().slice(0, 19)}.${String(time % 1_000_000).padStart(6, '0')}+00:00`;
  };
  const out: string[] = [];
  while (out.length < lines) {
    time += int(0, 900_000);
    const roll = random.rand();
    const dyno = pick(['web.1', 'web.2', 'worker.1']);
    if (roll < 0.45) {
      const status = pick([200, 200, 200, 201, 404, 503]);
      const error = status === 503 ? 'at=error code=H12 desc="Request timeout" ' : 'at=info ';
      out.push(
        `${stamp()} heroku[router]: ${error}method=${pick(['GET', 'POST'])} path="/api/jobs/${int(1, 99_999)}" host=upload.herokuapp.com request_id=${random.uuid()} fwd="10.0.${int(0, 9)}.${int(1, 254)}" dyno=${dyno} connect=${int(0, 3)}ms service=${int(1, 30_001)}ms status=${status} bytes=${int(0, 9000)} protocol=https`,
      );
    } else if (roll < 0.5) out.push(`${stamp()} heroku[${dyno}]: ${pick(['Error R14 (Memory quota exceeded)', 'State changed from up to crashed', 'Process exited with status 137'])}`);
    else {
      out.push(`${stamp()} app[${dyno}]: ${pick(['INFO', 'ERROR', 'WARN'])} ${pick(['job 8813 failed: upstream returned 429', 'Listening on port 34567', 'processing webhook'])}`);
      if (random.rand() < 0.12) for (const line of TRACEBACK(random)) out.push(`${stamp()} app[${dyno}]: ${line}`);
    }
  }
  return `${out.join('\n')}\n`;
}

/** Render's CLI text output (`YYYY-MM-DD HH:MM:SS  message`): app lines, requests, deploys, tracebacks printed one entry per line in one second. */
export function renderTextLog(seed: number, lines: number): string {
  const random = seededRandom(seed);
  const { int, pick } = random;
  let time = Date.parse('2026-11-20T08:00:00Z');
  const out: string[] = [];
  while (out.length < lines) {
    time += int(0, 1500);
    const stamp = new Date(time).toISOString().slice(0, 19).replace('T', ' ');
    const roll = random.rand();
    if (roll < 0.3) out.push(`${stamp}  ${pick(['GET', 'POST'])} /api/${pick(['jobs', 'documents'])}/${int(1, 99_999)} ${pick([200, 200, 404, 500, 504])} ${int(1, 3000)}ms`);
    else if (roll < 0.33) out.push(`${stamp}  ${pick(['==> Deploying...', '==> Build successful 🎉', '==> Your service is live 🎉'])}`);
    else {
      out.push(`${stamp}  ${pick(['INFO:     Started server process [7]', 'Processing job 8813', 'Cache miss for key user:42:profile', 'ERROR:root:webhook failed'])}`);
      if (random.rand() < 0.12) for (const line of TRACEBACK(random)) out.push(`${stamp}  ${line}`);
    }
  }
  return `${out.join('\n')}\n`;
}

/**
 * Text whose lines start with a time in one of several styles (Celery's `[time: LEVEL/process]`, ISO with a comma or a
 * T), with messages that go on over lines without one: tracebacks, SQLAlchemy's background note, a wrapped warning.
 */
export function timestampedLog(seed: number, lines: number): string {
  const random = seededRandom(seed);
  const { int, pick, uuid } = random;
  let time = Date.parse('2026-12-01T09:30:00Z');
  const style = pick([
    (ms: number, level: string) => `[${new Date(ms).toISOString().replace('T', ' ').replace('.', ',').slice(0, 23)}: ${level}/${pick(['MainProcess', `ForkPoolWorker-${int(1, 16)}`])}]`,
    (ms: number, level: string) => `${new Date(ms).toISOString()} ${level.padEnd(7)}`,
    (ms: number, level: string) => `${new Date(ms).toISOString().replace('T', ' ').replace('Z', '').replace('.', ',')} ${level}`,
  ]);
  const out: string[] = [];
  while (out.length < lines) {
    time += int(0, 2500);
    const task = `ingest.tasks.${pick(['parse_document', 'extract_tables', 'notify_owner'])}[${uuid()}]`;
    const roll = random.rand();
    if (roll < 0.45) out.push(`${style(time, 'INFO')} Task ${task} received`);
    else if (roll < 0.8) out.push(`${style(time, 'INFO')} Task ${task} succeeded in ${int(1, 9)}.${int(1000, 9999)}s: None`);
    else if (roll < 0.95) {
      out.push(
        `${style(time, 'ERROR')} Task ${task} raised unexpected: OperationalError('(psycopg2.OperationalError) ${pick(['FATAL:  no more connections allowed (max_client_conn)', 'server closed the connection unexpectedly'])}')`,
      );
      out.push(...TRACEBACK(random));
      if (random.rand() < 0.7) out.push('', `(Background on this error at: https://sqlalche.me/e/20/${pick(['e3q8', 'f405'])})`);
    } else
      out.push(
        `${style(time, 'WARNING')} Substantial drift from celery@worker-${int(1, 9)} may mean clocks are out of sync.  Current drift is`,
        `${int(31, 300)} seconds.  [orig: 2026-12-01 ${int(10, 11)}:00:00 recv: 2026-12-01 ${int(10, 11)}:01:00]`,
      );
  }
  return `${out.join('\n')}\n`;
}
