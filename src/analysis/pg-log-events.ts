// Turns PostgreSQL server-log events into findings: one per kind of trouble, with the events' evidence references.
import type { EvidenceRef, LogRecord } from '../evidence/schema.ts';
import { classifyPgLog, type PgEventKind, type PgLogEvent } from '../lib/pg-log-events.ts';
import type { Finding, Severity, Signal } from './types.ts';

const MAX_REFS = 20;

interface FindingSpec {
  key: string;
  signal: Signal;
  severity: Severity;
  title: (events: PgLogEvent[]) => string;
  detail: (events: PgLogEvent[]) => string;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
const maxWait = (events: PgLogEvent[]) => Math.max(0, ...events.map((event) => event.waitMs ?? 0));
const distinct = (values: (string | undefined)[]) => [...new Set(values.filter((value): value is string => Boolean(value)))];

const GROUPS: { kinds: PgEventKind[]; spec: FindingSpec }[] = [
  {
    kinds: ['deadlock'],
    spec: {
      key: 'deadlocks',
      signal: 'deadlock',
      severity: 'high',
      title: (events) => `${plural(events.length, 'deadlock')} in the PostgreSQL log (SQLSTATE 40P01)`,
      detail: (events) =>
        `PostgreSQL aborted ${plural(events.length, 'transaction')} to break a deadlock${relations(events)}. Two sessions updated the same rows in opposite order; the DETAIL lines name both statements.`,
    },
  },
  {
    kinds: ['lock-wait', 'deadlock-wait'],
    spec: {
      key: 'lock-waits',
      signal: 'lock-wait',
      severity: 'medium',
      title: (events) => `${plural(events.length, 'lock wait')} longer than deadlock_timeout`,
      detail: (events) =>
        `Sessions waited for row or transaction locks (longest logged ${Math.round(maxWait(events))} ms before the message; holders: ${
          distinct(events.flatMap((event) => event.otherPids ?? []))
            .slice(0, 10)
            .join(', ') || 'not logged'
        }).`,
    },
  },
  {
    kinds: ['lock-timeout', 'lock-nowait'],
    spec: {
      key: 'lock-timeouts',
      signal: 'lock-timeout',
      severity: 'high',
      title: (events) => `${plural(events.length, 'statement')} cancelled by lock_timeout or NOWAIT (SQLSTATE 55P03)`,
      detail: (events) => `Statements gave up waiting for a lock${relations(events)}: another transaction held the rows.`,
    },
  },
  {
    kinds: ['statement-timeout'],
    spec: {
      key: 'statement-timeouts',
      signal: 'statement-timeout',
      severity: 'medium',
      title: (events) => `${plural(events.length, 'statement')} cancelled by statement_timeout (SQLSTATE 57014)`,
      detail: (events) => `Statements ran longer than statement_timeout and were cancelled${statements(events)}.`,
    },
  },
  {
    kinds: ['idle-in-transaction-timeout'],
    spec: {
      key: 'idle-in-transaction-terminations',
      signal: 'idle-in-transaction',
      severity: 'high',
      title: (events) => `${plural(events.length, 'session')} terminated for idling in a transaction (SQLSTATE 25P03)`,
      detail: () => 'A client opened a transaction and stopped sending statements until idle_in_transaction_session_timeout closed the connection; until then its row locks blocked other writers.',
    },
  },
  {
    kinds: ['connection-slots-reserved', 'too-many-clients'],
    spec: {
      key: 'connection-refusals',
      signal: 'connection-refused',
      severity: 'critical',
      title: (events) => `${plural(events.length, 'connection')} refused: no free connection slots (SQLSTATE 53300)`,
      detail: (events) => {
        const reserved = events.filter((event) => event.kind === 'connection-slots-reserved').length;
        return `The server was at max_connections: ${reserved} refused because only reserved slots were left, ${events.length - reserved} with "sorry, too many clients already"; roles: ${distinct(events.map((event) => event.user)).join(', ') || 'unknown'}.`;
      },
    },
  },
  {
    kinds: ['auth-failure'],
    spec: {
      key: 'auth-failures',
      signal: 'auth-failure',
      severity: 'medium',
      title: (events) => `${plural(events.length, 'connection')} refused by authentication (SQLSTATE 28P01/28000)`,
      detail: (events) => `Authentication failed for role(s) ${distinct(events.map((event) => event.user)).join(', ') || 'unknown'}: a wrong or rotated password, or a pg_hba.conf rule.`,
    },
  },
  {
    kinds: ['unexpected-eof-open-transaction'],
    spec: {
      key: 'abandoned-transactions',
      signal: 'network-error',
      severity: 'medium',
      title: (events) => `${plural(events.length, 'client')} vanished with an open transaction`,
      detail: () => 'The client connection closed (crash, kill, network drop or a pool discarding it) while a transaction was open; PostgreSQL rolled it back.',
    },
  },
];

/** Crashed server processes (exit code 1 of a background worker at shutdown is routine and left out). */
function crashes(events: PgLogEvent[]): PgLogEvent[] {
  return events.filter((event) => event.kind === 'server-process-crash' && (event.exitSignal !== undefined || (event.exitCode !== undefined && event.exitCode !== 0 && event.exitCode !== 1)));
}

const SIGNAL_NAMES: Record<number, string> = { 6: 'SIGABRT', 9: 'SIGKILL (the OOM killer or kill -9)', 11: 'SIGSEGV' };

/** Findings about the server's own life: crash recoveries (repeated or not), crashed processes, checkpoint pressure. */
function serverFindings(sourceId: string, events: PgLogEvent[]): Finding[] {
  const findings: Finding[] = [];
  const recoveries = events.filter((event) => event.kind === 'unclean-shutdown');
  const crashed = crashes(events);
  if (recoveries.length > 0) {
    const causes = distinct(
      crashed.map(
        (event) =>
          `${event.processKind ?? 'a server process'} ${event.exitSignal !== undefined ? `killed by signal ${event.exitSignal}${SIGNAL_NAMES[event.exitSignal] ? ` ${SIGNAL_NAMES[event.exitSignal]}` : ''}` : `exited with code ${event.exitCode}`}`,
      ),
    );
    findings.push(
      finding(
        sourceId,
        `${sourceId}-pg-crash-recovery`,
        {
          signal: 'restart',
          severity: recoveries.length > 1 ? 'high' : 'medium',
          title: () =>
            recoveries.length > 1
              ? `PostgreSQL went through crash recovery ${recoveries.length} times ("database system was not properly shut down")`
              : 'PostgreSQL went through crash recovery once ("database system was not properly shut down")',
          detail: () =>
            `The server restarted without a clean shutdown ${plural(recoveries.length, 'time')} and replayed WAL before accepting connections again; connections open at those moments were dropped. ${
              causes.length > 0
                ? `Logged causes: ${causes.slice(0, 5).join('; ')}.`
                : 'No crashed server process is logged before them (the whole server was stopped or killed from outside: host restart, container kill, OOM of the postmaster).'
            }`,
        },
        [...recoveries, ...crashed].sort((a, b) => a.line - b.line),
      ),
    );
  } else if (crashed.length > 0) {
    findings.push(
      finding(
        sourceId,
        `${sourceId}-pg-process-crashes`,
        {
          signal: 'restart',
          severity: 'high',
          title: () => `${plural(crashed.length, 'PostgreSQL server process')} crashed`,
          detail: () => 'A server process ended by a signal or an error exit; the postmaster then terminates every session and reinitializes.',
        },
        crashed,
      ),
    );
  }
  const frequent = events.filter((event) => event.kind === 'checkpoints-too-frequent');
  if (frequent.length > 0) {
    findings.push(
      finding(
        sourceId,
        `${sourceId}-pg-checkpoints-too-frequent`,
        {
          signal: 'burst',
          severity: 'low',
          title: () => `Checkpoints occurred too frequently ${plural(frequent.length, 'time')} (WAL volume above max_wal_size)`,
          detail: () =>
            'Writes produced WAL faster than max_wal_size allows between checkpoints, so PostgreSQL forced checkpoints early (each one writes dirty buffers and adds full-page writes): a burst of writes, or max_wal_size set too low.',
        },
        frequent,
      ),
    );
  }
  return findings;
}

function relations(events: PgLogEvent[]): string {
  const names = distinct(events.flatMap((event) => [event.relation, /in relation "([^"]+)"/.exec(event.detail ?? '')?.[1]]));
  return names.length > 0 ? ` on ${names.join(', ')}` : '';
}

function statements(events: PgLogEvent[]): string {
  const texts = distinct(events.map((event) => event.statement?.split('\n')[0]?.slice(0, 80)));
  return texts.length > 0
    ? ` (e.g. ${texts
        .slice(0, 2)
        .map((text) => `\`${text}\``)
        .join(', ')})`
    : '';
}

function refOf(sourceId: string, event: PgLogEvent): EvidenceRef {
  const ref: EvidenceRef = { kind: 'log-record', source: sourceId, file: event.file, line: event.line, excerpt: event.message.slice(0, 200) };
  if (event.timestamp) ref.timestamp = event.timestamp;
  return ref;
}

/** Entity ids named in the failing statements: job_id = '...', document_id = '...'. */
function entitiesOf(events: PgLogEvent[]): Record<string, string[]> | undefined {
  const entities: Record<string, Set<string>> = {};
  for (const event of events) {
    for (const hit of (event.statement ?? '').matchAll(/\b([a-z_]*?(job|document|request|user))_?id\s*=\s*'([^']+)'/gi)) {
      const kind = `${hit[2]!.toLowerCase()}-id`;
      entities[kind] ??= new Set();
      entities[kind].add(hit[3]!);
    }
  }
  const out = Object.fromEntries(Object.entries(entities).map(([kind, ids]) => [kind, [...ids].slice(0, 50)]));
  return Object.keys(out).length > 0 ? out : undefined;
}

function finding(sourceId: string, id: string, spec: Omit<FindingSpec, 'key'>, events: PgLogEvent[]): Finding {
  const times = events
    .map((event) => event.timestamp)
    .filter((time): time is string => Boolean(time))
    .sort();
  const result: Finding = {
    id,
    signal: spec.signal,
    area: 'logs',
    title: spec.title(events),
    detail: spec.detail(events),
    severity: spec.severity,
    count: events.length,
    refs: events.slice(0, MAX_REFS).map((event) => refOf(sourceId, event)),
  };
  const entities = entitiesOf(events);
  if (entities) result.entities = entities;
  if (times[0]) result.firstSeen = times[0];
  if (times.length > 0) result.lastSeen = times[times.length - 1];
  return result;
}

/** Findings from PostgreSQL server-log records, one per kind of event and one per violated constraint. */
export function pgLogFindings(sourceId: string, records: LogRecord[]): Finding[] {
  const events = classifyPgLog(records);
  const findings: Finding[] = [];
  for (const group of GROUPS) {
    const matching = events.filter((event) => group.kinds.includes(event.kind));
    if (matching.length > 0) findings.push(finding(sourceId, `${sourceId}-pg-${group.spec.key}`, group.spec, matching));
  }
  findings.push(...serverFindings(sourceId, events));
  const byConstraint = new Map<string, PgLogEvent[]>();
  for (const event of events) {
    if (event.kind !== 'constraint-violation') continue;
    const key = event.constraint ?? 'unknown';
    byConstraint.set(key, [...(byConstraint.get(key) ?? []), event]);
  }
  for (const [constraint, matching] of byConstraint) {
    const first = matching[0]!;
    const values = distinct(matching.flatMap((event) => (event.values ?? []).map((value) => `${value.column}='${value.value}'`)));
    findings.push(
      finding(
        sourceId,
        `${sourceId}-pg-violates-${slug(constraint)}`,
        {
          signal: 'constraint-violation',
          severity: first.constraintKind === 'check' || first.constraintKind === 'not-null' ? 'high' : 'medium',
          title: () => `${plural(matching.length, 'write')} rejected by ${first.constraintKind ?? ''} constraint ${constraint}${first.sqlstate ? ` (SQLSTATE ${first.sqlstate})` : ''}`,
          detail: () =>
            `PostgreSQL rejected ${plural(matching.length, 'statement')}${first.relation ? ` on ${first.relation}` : ''} because of ${constraint}${values.length > 0 ? `; values written: ${values.slice(0, 8).join(', ')}` : ''}. The application writes values the schema does not allow.`,
        },
        matching,
      ),
    );
  }
  return findings;
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'constraint'
  );
}
