// Classifies PostgreSQL server-log records into incident events: deadlocks, lock waits, timeouts, refusals, violations, crashes.
import type { LogRecord } from '../evidence/schema.ts';

export type PgEventKind =
  | 'deadlock'
  | 'deadlock-wait'
  | 'lock-wait'
  | 'lock-acquired'
  | 'lock-timeout'
  | 'lock-nowait'
  | 'statement-timeout'
  | 'user-cancel'
  | 'idle-in-transaction-timeout'
  | 'idle-session-timeout'
  | 'admin-terminate'
  | 'connection-slots-reserved'
  | 'too-many-clients'
  | 'auth-failure'
  | 'database-missing'
  | 'constraint-violation'
  | 'unexpected-eof-open-transaction'
  | 'temp-file'
  | 'slow-statement'
  | 'checkpoint'
  | 'checkpoints-too-frequent'
  | 'autovacuum'
  | 'autoanalyze'
  | 'autovacuum-cancelled'
  | 'server-process-crash'
  | 'crash-restart'
  | 'crash-recovery'
  | 'unclean-shutdown'
  | 'recovery-complete';

const PG_EVENT_KINDS: PgEventKind[] = [
  'deadlock',
  'deadlock-wait',
  'lock-wait',
  'lock-acquired',
  'lock-timeout',
  'lock-nowait',
  'statement-timeout',
  'user-cancel',
  'idle-in-transaction-timeout',
  'idle-session-timeout',
  'admin-terminate',
  'connection-slots-reserved',
  'too-many-clients',
  'auth-failure',
  'database-missing',
  'constraint-violation',
  'unexpected-eof-open-transaction',
  'temp-file',
  'slow-statement',
  'checkpoint',
  'checkpoints-too-frequent',
  'autovacuum',
  'autoanalyze',
  'autovacuum-cancelled',
  'server-process-crash',
  'crash-restart',
  'crash-recovery',
  'unclean-shutdown',
  'recovery-complete',
];

type ConstraintKind = 'check' | 'unique' | 'foreign-key' | 'not-null' | 'exclusion';

export interface PgLogEvent {
  kind: PgEventKind;
  file: string;
  line: number;
  timestamp?: string;
  severity?: string;
  pid?: string;
  user?: string;
  database?: string;
  application?: string;
  /** From %e in the prefix when present, else the code this message always has. */
  sqlstate?: string;
  /** The primary message line. */
  message: string;
  constraint?: string;
  constraintKind?: ConstraintKind;
  relation?: string;
  column?: string;
  /** Lock events: mode, what was waited for ("transaction 738", "tuple (0,6) of relation 16419 ..."), how long. */
  lockMode?: string;
  lockTarget?: string;
  waitMs?: number;
  /** Pids holding the lock (lock waits) or the other processes in a deadlock. */
  otherPids?: string[];
  statement?: string;
  /** Column values the failing statement wrote (best effort from UPDATE ... SET / INSERT ... VALUES). */
  values?: { column: string; value: string }[];
  /** DETAIL of a violation: "Failing row contains (...)" or "Key (id)=(1) already exists." */
  detail?: string;
  /** Checkpoints: what started it (time, wal, immediate force wait, end-of-recovery, shutdown) and its total seconds. */
  checkpointReason?: string;
  totalSeconds?: number;
  /** Crashed server processes: the signal or exit code, and which process. */
  processKind?: string;
  exitSignal?: number;
  exitCode?: number;
}

interface Rule {
  kind: PgEventKind;
  pattern: RegExp;
  sqlstate?: string;
  apply?(match: RegExpExecArray, event: PgLogEvent): void;
}

const LOCK = (match: RegExpExecArray, event: PgLogEvent) => {
  event.lockMode = match[2];
  event.lockTarget = match[3];
  event.waitMs = Number(match[4]);
};

const RULES: Rule[] = [
  { kind: 'deadlock', pattern: /^deadlock detected/, sqlstate: '40P01' },
  { kind: 'deadlock-wait', pattern: /^process (\d+) detected deadlock while waiting for (\S+) on (.+?) after ([\d.]+) ms/, apply: LOCK },
  { kind: 'lock-wait', pattern: /^process (\d+) still waiting for (\S+) on (.+?) after ([\d.]+) ms/, apply: LOCK },
  { kind: 'lock-acquired', pattern: /^process (\d+) acquired (\S+) on (.+?) after ([\d.]+) ms/, apply: LOCK },
  { kind: 'lock-timeout', pattern: /^canceling statement due to lock timeout/, sqlstate: '55P03' },
  {
    kind: 'lock-nowait',
    pattern: /^could not obtain lock on (?:row in )?relation "([^"]+)"/,
    sqlstate: '55P03',
    apply: (match, event) => {
      event.relation = match[1];
    },
  },
  { kind: 'statement-timeout', pattern: /^canceling statement due to statement timeout/, sqlstate: '57014' },
  { kind: 'user-cancel', pattern: /^canceling statement due to user request/, sqlstate: '57014' },
  { kind: 'idle-in-transaction-timeout', pattern: /^terminating connection due to idle-in-transaction timeout/, sqlstate: '25P03' },
  { kind: 'idle-session-timeout', pattern: /^terminating connection due to idle-session timeout/, sqlstate: '57P05' },
  { kind: 'admin-terminate', pattern: /^terminating connection due to administrator command/, sqlstate: '57P01' },
  // PG <= 15: "... reserved for non-replication superuser connections"; PG16+: "... reserved for roles with the SUPERUSER attribute"
  // or "... with privileges of the "pg_use_reserved_connections" role".
  { kind: 'connection-slots-reserved', pattern: /^remaining connection slots are reserved for /, sqlstate: '53300' },
  { kind: 'too-many-clients', pattern: /^sorry, too many clients already/, sqlstate: '53300' },
  {
    kind: 'auth-failure',
    pattern: /^(?:password|Ident|Peer|md5|scram-sha-256|LDAP|RADIUS|certificate) authentication failed for user "([^"]*)"|^no pg_hba\.conf entry for /,
    sqlstate: '28P01',
    apply: (match, event) => {
      if (!match[1]) event.sqlstate = event.sqlstate && event.sqlstate !== '28P01' ? event.sqlstate : '28000';
    },
  },
  { kind: 'database-missing', pattern: /^database "([^"]+)" does not exist/, sqlstate: '3D000' },
  {
    kind: 'constraint-violation',
    pattern: /^new row for relation "([^"]+)" violates check constraint "([^"]+)"/,
    sqlstate: '23514',
    apply: (match, event) => {
      event.relation = match[1];
      event.constraint = match[2];
      event.constraintKind = 'check';
    },
  },
  {
    kind: 'constraint-violation',
    pattern: /^duplicate key value violates unique constraint "([^"]+)"/,
    sqlstate: '23505',
    apply: (match, event) => {
      event.constraint = match[1];
      event.constraintKind = 'unique';
    },
  },
  {
    kind: 'constraint-violation',
    pattern: /^(?:insert or update on|update or delete on) table "([^"]+)" violates foreign key constraint "([^"]+)"/,
    sqlstate: '23503',
    apply: (match, event) => {
      event.relation = match[1];
      event.constraint = match[2];
      event.constraintKind = 'foreign-key';
    },
  },
  {
    kind: 'constraint-violation',
    pattern: /^null value in column "([^"]+)"(?: of relation "([^"]+)")? violates not-null constraint/,
    sqlstate: '23502',
    apply: (match, event) => {
      event.column = match[1];
      if (match[2]) event.relation = match[2];
      event.constraint = `${match[2] ? `${match[2]}.` : ''}${match[1]} not null`;
      event.constraintKind = 'not-null';
    },
  },
  {
    kind: 'constraint-violation',
    pattern: /^conflicting key value violates exclusion constraint "([^"]+)"/,
    sqlstate: '23P01',
    apply: (match, event) => {
      event.constraint = match[1];
      event.constraintKind = 'exclusion';
    },
  },
  { kind: 'unexpected-eof-open-transaction', pattern: /^unexpected EOF on client connection with an open transaction/, sqlstate: '08P01' },
  { kind: 'temp-file', pattern: /^temporary file: path "[^"]+", size \d+/ },
  // Checkpoints and restartpoints (log_checkpoints, on by default since PG 15).
  {
    kind: 'checkpoint',
    pattern: /^(?:checkpoint|restartpoint) complete: wrote \d+ buffers .*?total=([\d.]+) s/,
    apply: (match, event) => {
      event.totalSeconds = Number(match[1]);
    },
  },
  { kind: 'checkpoints-too-frequent', pattern: /^checkpoints are occurring too frequently \((\d+) seconds? apart\)/ },
  {
    kind: 'autovacuum',
    pattern: /^automatic (?:aggressive )?vacuum (?:to prevent wraparound )?of table "([^"]+)"/,
    apply: (match, event) => {
      event.relation = match[1];
    },
  },
  {
    kind: 'autoanalyze',
    pattern: /^automatic analyze of table "([^"]+)"/,
    apply: (match, event) => {
      event.relation = match[1];
    },
  },
  { kind: 'autovacuum-cancelled', pattern: /^canceling autovacuum task/, sqlstate: '57014' },
  // Crashes and crash recovery (postmaster and startup process messages).
  {
    kind: 'server-process-crash',
    pattern: /^(.+?) \(PID (\d+)\) (?:was terminated by signal (\d+)|was terminated by exception 0x[0-9A-F]+|exited with exit code (\d+))/,
    apply: (match, event) => {
      event.processKind = match[1];
      if (match[3]) event.exitSignal = Number(match[3]);
      if (match[4]) event.exitCode = Number(match[4]);
    },
  },
  { kind: 'crash-restart', pattern: /^all server processes terminated; reinitializing/ },
  { kind: 'crash-recovery', pattern: /^database system was interrupted(?:; last known up at | while in recovery)/ },
  { kind: 'unclean-shutdown', pattern: /^database system was not properly shut down; automatic recovery in progress/ },
  { kind: 'recovery-complete', pattern: /^redo done at |^redo is not required/ },
  { kind: 'slow-statement', pattern: /^duration: ([\d.]+) ms\s+(?:statement|execute|parse|bind)/ },
];

const SEVERITY_PREFIX = /^(LOG|ERROR|FATAL|PANIC|WARNING|NOTICE|INFO|DEBUG\d?):\s+/;
const SECTION = /^(DETAIL|HINT|CONTEXT|STATEMENT|QUERY):\s+(.*)$/;

/** Split a record's message into its primary line and follow-up sections (also when the reader kept them inline). */
function sections(record: LogRecord): { severity?: string; primary: string; detail?: string; statement?: string; context?: string } {
  const lines = record.message.split('\n');
  let primary = lines[0] ?? '';
  let severity = record.fields.severity;
  const prefixed = SEVERITY_PREFIX.exec(primary);
  if (prefixed) {
    severity ??= prefixed[1];
    primary = primary.slice(prefixed[0].length);
  }
  const found: Record<string, string[]> = {};
  let current: string[] | undefined;
  for (const line of lines.slice(1)) {
    const section = SECTION.exec(line);
    if (section) {
      current = found[section[1]!.toLowerCase()] ??= [];
      current.push(section[2]!);
    } else if (current) current.push(line.replace(/^\t/, ''));
  }
  const pick = (name: string) => record.fields[name] ?? found[name]?.join('\n');
  return { severity, primary: primary.trim(), detail: pick('detail'), statement: pick('statement'), context: pick('context') };
}

/** One record -> one event, or undefined when the record is not one of the incident events. */
export function classifyPgLogRecord(record: LogRecord): PgLogEvent | undefined {
  const { severity, primary, detail, statement } = sections(record);
  for (const rule of RULES) {
    const match = rule.pattern.exec(primary);
    if (!match) continue;
    const fromPrefix = record.fields.sqlstate && record.fields.sqlstate !== '00000' ? record.fields.sqlstate : undefined;
    const event: PgLogEvent = { kind: rule.kind, file: record.file, line: record.line, message: primary };
    if (record.timestamp) event.timestamp = record.timestamp;
    if (severity) event.severity = severity;
    for (const key of ['pid', 'user', 'database', 'application'] as const) {
      const value = record.fields[key];
      if (value && value !== '[unknown]') event[key] = value;
    }
    const sqlstate = fromPrefix ?? rule.sqlstate;
    if (sqlstate) event.sqlstate = sqlstate;
    rule.apply?.(match, event);
    if (statement) event.statement = statement;
    if (detail) {
      if (event.kind === 'lock-wait' || event.kind === 'deadlock-wait') {
        const holders = /Process(?:es)? holding the lock: ([\d, ]+)\./.exec(detail);
        if (holders) event.otherPids = holders[1]!.split(/,\s*/).filter(Boolean);
      } else if (event.kind === 'deadlock') {
        event.otherPids = [...new Set([...detail.matchAll(/blocked by process (\d+)/g)].map((hit) => hit[1]!))].filter((pid) => pid !== event.pid);
        event.detail = detail;
      } else if (event.kind === 'constraint-violation') event.detail = detail;
    }
    if (event.kind === 'constraint-violation' && statement) {
      const values = writtenValues(statement);
      if (values.length > 0) event.values = values;
    }
    return event;
  }
  return undefined;
}

const ROUTINE: PgEventKind[] = ['lock-acquired', 'temp-file', 'slow-statement', 'checkpoint', 'autovacuum', 'autoanalyze', 'recovery-complete'];

/**
 * True for records that are evidence of an incident (deadlocks, waits, timeouts, refusals, violations, abandoned
 * transactions). Several are LOG-level lines, so a log reader that keeps only warn+ records should keep these too.
 */
export function isPgIncidentRecord(record: LogRecord): boolean {
  const event = classifyPgLogRecord(record);
  return event !== undefined && !ROUTINE.includes(event.kind);
}

export function classifyPgLog(records: Iterable<LogRecord>): PgLogEvent[] {
  const events: PgLogEvent[] = [];
  for (const record of records) {
    const event = classifyPgLogRecord(record);
    if (event) events.push(event);
  }
  return events;
}

/** Columns and string/number literals a statement writes: UPDATE t SET a = 'x', b = 2 ...; INSERT INTO t (a, b) VALUES ('x', 2). */
export function writtenValues(statement: string): { column: string; value: string }[] {
  const values: { column: string; value: string }[] = [];
  const update = /\bUPDATE\s+\S+\s+SET\s+([\s\S]+?)(?:\s+WHERE\b|\s+RETURNING\b|;|$)/i.exec(statement);
  if (update) {
    for (const hit of update[1]!.matchAll(/"?([A-Za-z_][\w$]*)"?\s*=\s*(?:'((?:[^']|'')*)'|(-?\d+(?:\.\d+)?)\b)/g)) {
      values.push({ column: hit[1]!.toLowerCase(), value: hit[2] !== undefined ? hit[2].replace(/''/g, "'") : hit[3]! });
    }
    return values;
  }
  const insert = /\bINSERT\s+INTO\s+\S+?\s*\(([^)]*)\)\s*VALUES\s*\(([\s\S]*?)\)\s*(?:,|;|RETURNING|ON\b|$)/i.exec(statement);
  if (insert) {
    const columns = insert[1]!.split(',').map((column) => column.trim().replace(/"/g, '').toLowerCase());
    const literals = splitValues(insert[2]!);
    columns.forEach((column, index) => {
      const literal = literals[index];
      const quoted = literal !== undefined ? /^'((?:[^']|'')*)'/.exec(literal) : null;
      if (quoted) values.push({ column, value: quoted[1]!.replace(/''/g, "'") });
      else if (literal !== undefined && /^-?\d+(\.\d+)?$/.test(literal)) values.push({ column, value: literal });
    });
  }
  return values;
}

function splitValues(list: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (const char of list) {
    if (char === "'") quoted = !quoted;
    if (!quoted && char === '(') depth++;
    if (!quoted && char === ')') depth--;
    if (!quoted && depth === 0 && char === ',') {
      items.push(current.trim());
      current = '';
    } else current += char;
  }
  items.push(current.trim());
  return items;
}

export interface PgEventSummary {
  kind: PgEventKind;
  count: number;
  first?: string;
  last?: string;
}

/** Counts with first and last times, in PG_EVENT_KINDS order (kinds with no events are left out). */
export function summarizePgLogEvents(events: PgLogEvent[]): PgEventSummary[] {
  const byKind = new Map<PgEventKind, PgEventSummary>();
  for (const event of events) {
    const summary = byKind.get(event.kind) ?? { kind: event.kind, count: 0 };
    summary.count++;
    if (event.timestamp) {
      if (!summary.first || event.timestamp < summary.first) summary.first = event.timestamp;
      if (!summary.last || event.timestamp > summary.last) summary.last = event.timestamp;
    }
    byKind.set(event.kind, summary);
  }
  return PG_EVENT_KINDS.filter((kind) => byKind.has(kind)).map((kind) => byKind.get(kind)!);
}

// ---------------------------------------------------------------- findings
