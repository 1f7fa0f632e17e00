// Findings from database evidence: stuck jobs, job errors, connection headroom, idle transactions, blocking, deadlocks, constraints.
import { findCheck, jobTables, type DatabaseCheckId, type JobTable, type TypedCheck } from '../evidence/database-checks.ts';
import type { CheckConstraint, DatabaseEvidence, DbRow, DbValue, EvidenceRef } from '../evidence/schema.ts';
import { classifyError, hintsFromFields, type ErrorHints, type SignatureMatch } from '../lib/error-signatures/index.ts';
import type { Finding, Severity, Signal } from './types.ts';

/** Thresholds, exported so tests and reports can name them. */
export const THRESHOLDS = {
  /** connection-headroom used_pct at which slots count as nearly exhausted. */
  headroomWarnPct: 80,
  headroomCriticalPct: 95,
  /** Seconds idle in transaction that make an idle session medium / high severity. */
  idleMediumSeconds: 30,
  idleHighSeconds: 300,
  /** Transaction age that counts as long. */
  longTransactionSeconds: 300,
  /** Retries at or above this count are reported. */
  manyRetries: 3,
  /** Refs kept per finding. */
  maxRefs: 20,
};

export interface RejectedValue {
  value: string;
  table: string;
  column?: string;
  constraint: string;
  allowedValues: string[];
}

/**
 * Values (e.g. states the application writes, read from logs or code) that a CHECK constraint or enum rejects.
 * A value with a column is checked against that column's constraints only. A value without a column is flagged
 * against every constraint with an allowed set that rejects it, unless some such constraint accepts it
 * (then it belongs to that column and is fine).
 */
export function valuesRejectedByConstraints(constraints: CheckConstraint[], values: Iterable<string | { value: string; column?: string }>): RejectedValue[] {
  const withSets = constraints.filter((constraint) => constraint.allowedValues && constraint.allowedValues.length > 0);
  const rejected: RejectedValue[] = [];
  const seen = new Set<string>();
  for (const item of values) {
    const { value, column } = typeof item === 'string' ? { value: item, column: undefined } : item;
    const relevant = column ? withSets.filter((constraint) => constraint.column?.toLowerCase() === column.toLowerCase()) : withSets;
    if (!column && relevant.some((constraint) => constraint.allowedValues!.includes(value))) continue;
    for (const constraint of relevant) {
      if (constraint.allowedValues!.includes(value)) continue;
      const key = `${value}\u0000${constraint.table}\u0000${constraint.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const entry: RejectedValue = { value, table: constraint.table, constraint: constraint.name, allowedValues: constraint.allowedValues! };
      if (constraint.column) entry.column = constraint.column;
      rejected.push(entry);
    }
  }
  return rejected;
}

// ---------------------------------------------------------------- helpers

/** A check of the evidence by its id (for job checks: the given job table's), unless it failed. */
function check<K extends DatabaseCheckId>(evidence: DatabaseEvidence, id: K, table?: JobTable): TypedCheck<K> | undefined {
  return findCheck(evidence, id, table);
}

const num = (value: DbValue | undefined): number => (typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : 0);
const str = (value: DbValue | undefined): string => (value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));
/** A row's time, when it is one: a finding's times are sorted and subtracted downstream (a row may hold anything). */
const timeOf = (value: DbValue | undefined): string | undefined => {
  const text = str(value);
  return text !== '' && Number.isFinite(Date.parse(text)) ? text : undefined;
};
const list = (value: DbValue | undefined): string[] => (Array.isArray(value) ? value.filter((item) => item !== null).map(str) : []);
const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

function excerptOf(row: DbRow, keys?: string[]): string {
  const entries = Object.entries(row).filter(([key, value]) => value !== null && (!keys || keys.includes(key)));
  return entries
    .map(([key, value]) => `${key}=${str(value)}`)
    .join(' ')
    .slice(0, 240);
}

function refs(sourceId: string, checkId: string | { id: string } | undefined, rows: { row: DbRow; index: number }[], keys?: string[]): EvidenceRef[] {
  const id = typeof checkId === 'string' ? checkId : checkId?.id;
  if (!id) return [];
  return rows.slice(0, THRESHOLDS.maxRefs).map(({ row, index }) => ({ kind: 'query-row', source: sourceId, check: id, row: index, excerpt: excerptOf(row, keys) }));
}

function indexed(rows: DbRow[]): { row: DbRow; index: number }[] {
  return rows.map((row, index) => ({ row, index }));
}

function minMax(values: string[]): { first?: string; last?: string } {
  const sorted = values.filter(Boolean).sort();
  return { first: sorted[0], last: sorted[sorted.length - 1] };
}

/** Column -> entity kind: from the collector's extras, else by name (document_id -> document-id). */
function entityColumns(evidence: DatabaseEvidence): Record<string, string> {
  return evidence.extras?.entityColumns ?? {};
}

function kindOfColumn(column: string, known: Record<string, string>): string | undefined {
  if (known[column]) return known[column];
  const match = /^(document|request|user|job)_?id$/i.exec(column);
  return match ? `${match[1]!.toLowerCase()}-id` : undefined;
}

function addEntity(entities: Record<string, string[]>, kind: string, value: string): void {
  if (!value) return;
  entities[kind] ??= [];
  const ids = entities[kind];
  if (!ids.includes(value) && ids.length < 200) ids.push(value);
}

function make(sourceId: string, key: string, signal: Signal, severity: Severity, title: string, detail: string, count: number, findingRefs: EvidenceRef[], extra: Partial<Finding> = {}): Finding {
  return { id: `${sourceId}-${key}`, signal, area: 'database', title, detail, severity, count, refs: findingRefs, ...extra };
}

// ---------------------------------------------------------------- job findings

/** `key` for the first job table, `key-<suffix>` for the others, so findings of two tables never share an id. */
const tableKey = (key: string, table: JobTable) => (table.checkSuffix ? `${key}-${table.checkSuffix}` : key);

function stuckJobs(sourceId: string, evidence: DatabaseEvidence, table: JobTable): Finding[] {
  const list_ = check(evidence, 'stuck-jobs', table);
  const ages = check(evidence, 'stuck-job-age', table);
  const total = ages && ages.rows.length > 0 ? ages.rows.reduce((sum, row) => sum + num(row.jobs), 0) : (list_?.rowCount ?? 0);
  if (total === 0) return [];
  const { idColumn, inFlightStates, stuckAfterMinutes } = table;
  const known = entityColumns(evidence);
  const entities: Record<string, string[]> = {};
  const updatedColumn = table.updatedColumn ?? evidence.extras?.updatedColumn ?? 'updated_at';
  for (const row of list_?.rows ?? []) {
    addEntity(entities, 'job-id', str(row[idColumn]));
    for (const [column, value] of Object.entries(row)) {
      const kind = column === idColumn ? undefined : kindOfColumn(column, known);
      if (kind && value !== null) addEntity(entities, kind, str(value));
    }
  }
  const times = minMax((list_?.rows ?? []).map((row) => str(row[updatedColumn])).concat((ages?.rows ?? []).flatMap((row) => [str(row.oldest_update), str(row.newest_update)])));
  const byState = (ages?.rows ?? []).map((row) => `${str(row.state)} ${num(row.jobs)} (oldest ${Math.round(num(row.max_minutes))} min since update)`);
  const over24h = (ages?.rows ?? []).reduce((sum, row) => sum + num(row.over_24h), 0);
  const asOf = evidence.extras?.asOf ?? evidence.serverTime;
  const severity: Severity = total >= 50 || over24h > 0 ? 'critical' : 'high';
  // All stuck ids (not only the listed rows) when the collector gathered them.
  const allIds = check(evidence, 'stuck-job-ids', table)?.rows[0]?.ids;
  if (typeof allIds === 'string' && allIds.length > 0) {
    const listed = new Set(entities['job-id'] ?? []);
    entities['job-id'] = [...(entities['job-id'] ?? []), ...allIds.split(',').filter((value) => !listed.has(value))];
  }
  const findingRefs = [...refs(sourceId, ages, indexed(ages?.rows ?? [])), ...refs(sourceId, list_, indexed(list_?.rows ?? []))].slice(0, THRESHOLDS.maxRefs);
  return [
    make(
      sourceId,
      tableKey('stuck-jobs', table),
      'stuck-jobs',
      severity,
      `${plural(total, 'job')} stuck in ${inFlightStates.join('/')} for more than ${stuckAfterMinutes} minutes`,
      `${plural(total, 'job')} of ${table.table} are in an in-flight state but were not updated for more than ${stuckAfterMinutes} minutes${asOf ? ` (as of ${asOf})` : ''}${byState.length ? `: ${byState.join('; ')}` : ''}${list_?.truncated ? '; the listing is truncated' : ''}. A worker or webhook that should have moved them on never did.`,
      total,
      findingRefs,
      { entities, ...(times.first ? { firstSeen: times.first } : {}), ...(times.last ? { lastSeen: times.last } : {}) },
    ),
  ];
}

/**
 * The error signature of one recorded job error (its raw sample, normalised text and error code), from the
 * error-signature catalogue; the code is a hint (SQLSTATE, errno, or an upstream HTTP status).
 */
export function jobErrorSignature(sample: string, normalized: string, code: string): SignatureMatch | undefined {
  const hints: ErrorHints = code ? hintsFromFields({ code }) : {};
  if (/^[1-5]\d\d$/.test(code)) hints.httpStatus = Number(code);
  return classifyError(sample || normalized, hints) ?? (sample && normalized ? classifyError(normalized, hints) : undefined);
}

/** The signal of a job error: its signature's, else webhook failures when the error names the webhook, else job errors. */
function jobErrorSignal(match: SignatureMatch | undefined, text: string): Signal {
  if (match) return match.signature.signal;
  return /webhook/i.test(text) ? 'webhook-failures' : 'job-errors';
}

function jobErrors(sourceId: string, evidence: DatabaseEvidence, table: JobTable): Finding[] {
  const errors = check(evidence, 'recent-errors', table);
  if (!errors) return [];
  const known = entityColumns(evidence);
  return errors.rows.slice(0, 8).map((row, index) => {
    const text = `${str(row.normalized_error)} ${str(row.error_code)} ${str(row.sample_error)}`;
    const match = jobErrorSignature(str(row.sample_error), str(row.normalized_error), str(row.error_code));
    const signal = jobErrorSignal(match, text);
    const occurrences = num(row.occurrences);
    const entities: Record<string, string[]> = {};
    for (const id of list(row.sample_ids)) addEntity(entities, 'job-id', id);
    for (const [column, kind] of Object.entries(known)) for (const id of list(row[`sample_${column}`])) addEntity(entities, kind, id);
    return make(
      sourceId,
      tableKey(`job-error-${index + 1}`, table),
      signal,
      occurrences >= 10 || signal === 'constraint-violation' ? 'high' : 'medium',
      `${plural(occurrences, 'job error')}: ${str(row.normalized_error).slice(0, 100)}`,
      `${plural(num(row.jobs), 'job')} recorded "${str(row.sample_error).slice(0, 200)}"${str(row.error_code) ? ` (code ${str(row.error_code)})` : ''} between ${str(row.first_seen)} and ${str(row.last_seen)}; states now: ${list(row.states).join(', ')}.`,
      occurrences,
      refs(sourceId, errors, [{ row, index }], ['normalized_error', 'error_code', 'occurrences', 'jobs', 'first_seen', 'last_seen']),
      {
        entities,
        ...(timeOf(row.first_seen) ? { firstSeen: timeOf(row.first_seen) } : {}),
        ...(timeOf(row.last_seen) ? { lastSeen: timeOf(row.last_seen) } : {}),
        ...(match ? { signatureId: match.signature.id, resource: match.resource } : {}),
        ...(match?.resourceName ? { resourceName: match.resourceName } : {}),
      },
    );
  });
}

function retries(sourceId: string, evidence: DatabaseEvidence, table: JobTable): Finding[] {
  const counts = check(evidence, 'retry-counts', table);
  if (!counts) return [];
  const many = indexed(counts.rows).filter(({ row }) => num(row.retries) >= THRESHOLDS.manyRetries);
  const jobs = many.reduce((sum, { row }) => sum + num(row.jobs), 0);
  if (jobs === 0) return [];
  return [
    make(
      sourceId,
      tableKey('many-retries', table),
      'job-errors',
      'low',
      `${plural(jobs, 'job')} retried ${THRESHOLDS.manyRetries} or more times`,
      `Retry counts: ${many.map(({ row }) => `${num(row.retries)} retries: ${num(row.jobs)} job(s)`).join(', ')}. Repeated retries mean the same step keeps failing.`,
      jobs,
      refs(sourceId, counts, many),
    ),
  ];
}

/** Values stored in the table that its own CHECK/enum would reject (possible with NOT VALID constraints). */
function storedViolations(sourceId: string, evidence: DatabaseEvidence, table: JobTable): Finding[] {
  const distribution = check(evidence, 'state-distribution', table);
  if (!distribution) return [];
  const findings: Finding[] = [];
  // Rows are keyed by the job table's own column names.
  const constraints = evidence.constraints.filter(
    (constraint) => !table.checkSuffix || constraint.table === table.table || constraint.table.endsWith(`.${table.table}`) || table.table.endsWith(`.${constraint.table}`),
  );
  for (const column of [table.stateColumn, table.statusColumn]) {
    if (!column) continue;
    const alias = column;
    const offending = indexed(distribution.rows).filter(({ row }) => row[alias] !== null && valuesRejectedByConstraints(constraints, [{ value: str(row[alias]), column }]).length > 0);
    if (offending.length === 0) continue;
    const count = offending.reduce((sum, { row }) => sum + num(row.jobs), 0);
    findings.push(
      make(
        sourceId,
        tableKey(`stored-${alias}-outside-constraint`, table),
        'constraint-violation',
        'medium',
        `${plural(count, 'row')} hold a ${column} value their constraint does not allow`,
        `Values ${offending.map(({ row }) => `"${str(row[alias])}"`).join(', ')} of ${column} are outside the allowed set (the constraint was added NOT VALID or later).`,
        count,
        refs(sourceId, distribution, offending),
      ),
    );
  }
  return findings;
}

// ---------------------------------------------------------------- health findings

function setting(evidence: DatabaseEvidence, name: string): string | undefined {
  const row = check(evidence, 'settings')?.rows.find((item) => item.name === name);
  return row ? str(row.setting) : undefined;
}

/** Whether the server log can be expected to show lock waits. */
function lockWaitLogging(evidence: DatabaseEvidence): string {
  return setting(evidence, 'log_lock_waits') === 'off' ? ' log_lock_waits is off, so the server log does not record these waits.' : '';
}

function headroom(sourceId: string, evidence: DatabaseEvidence): Finding[] {
  const result = check(evidence, 'connection-headroom');
  const row = result?.rows[0];
  if (!row) return [];
  const used = num(row.used_pct);
  const free = num(row.free_ordinary_slots);
  if (used < THRESHOLDS.headroomWarnPct && free > 0) return [];
  return [
    make(
      sourceId,
      'connection-headroom',
      'pool-exhaustion',
      used >= THRESHOLDS.headroomCriticalPct || free <= 0 ? 'critical' : 'high',
      `Connection slots ${used}% used (${num(row.client_backends)} of ${num(row.available_to_ordinary_roles)} available to ordinary roles)`,
      `max_connections ${num(row.max_connections)}, ${num(row.superuser_reserved)} reserved for superusers${num(row.reserved) ? ` and ${num(row.reserved)} for pg_use_reserved_connections` : ''}; ${free} free for ordinary roles; ${num(row.active)} active, ${num(row.idle)} idle, ${num(row.idle_in_transaction)} idle in transaction. New application connections are refused with SQLSTATE 53300 when none are free.${result?.status === 'limited' ? ` (${result.note})` : ''}`,
      num(row.client_backends),
      refs(sourceId, 'connection-headroom', [{ row, index: 0 }]),
    ),
  ];
}

function idleInTransaction(sourceId: string, evidence: DatabaseEvidence): Finding[] {
  const idle = check(evidence, 'idle-in-transaction');
  if (!idle || idle.rows.length === 0) return [];
  const rows = indexed(idle.rows);
  const blocking = rows.filter(({ row }) => list(row.blocking_pids).length > 0);
  const longest = Math.max(...rows.map(({ row }) => num(row.idle_s)));
  const severity: Severity = blocking.length > 0 || longest >= THRESHOLDS.idleHighSeconds ? 'high' : longest >= THRESHOLDS.idleMediumSeconds ? 'medium' : 'low';
  const timeout = setting(evidence, 'idle_in_transaction_session_timeout');
  const tables = [...new Set(rows.flatMap(({ row }) => list(row.locked_tables)))];
  return [
    make(
      sourceId,
      'idle-in-transaction',
      'idle-in-transaction',
      severity,
      `${plural(rows.length, 'session')} idle in transaction${blocking.length ? `, ${blocking.length} blocking others` : ''}`,
      `Sessions opened a transaction and stopped sending statements (longest idle ${longest} s; applications: ${[...new Set(rows.map(({ row }) => str(row.application_name) || str(row.role)))].join(', ')})${tables.length ? `; they hold write locks on ${tables.join(', ')}` : ''}${blocking.length ? `; blocked pids: ${blocking.flatMap(({ row }) => list(row.blocking_pids)).join(', ')}` : ''}.${timeout === '0' ? ' idle_in_transaction_session_timeout is 0 (disabled), so nothing ends them.' : timeout ? ` idle_in_transaction_session_timeout is ${timeout} ms.` : ''}`,
      rows.length,
      refs(sourceId, 'idle-in-transaction', rows, ['pid', 'application_name', 'state', 'xact_age_s', 'idle_s', 'blocking_pids', 'locked_tables', 'last_query']),
    ),
  ];
}

function longTransactions(sourceId: string, evidence: DatabaseEvidence): Finding[] {
  const findings: Finding[] = [];
  const oldest = check(evidence, 'oldest-transactions');
  const long = indexed(oldest?.rows ?? []).filter(({ row }) => num(row.xact_age_s) >= THRESHOLDS.longTransactionSeconds);
  if (long.length > 0) {
    findings.push(
      make(
        sourceId,
        'long-transactions',
        'long-transaction',
        long.some(({ row }) => num(row.xact_age_s) >= 3600) ? 'high' : 'medium',
        `${plural(long.length, 'transaction')} open for more than ${THRESHOLDS.longTransactionSeconds / 60} minutes`,
        `Oldest: ${Math.round(num(long[0]!.row.xact_age_s))} s (${str(long[0]!.row.application_name) || str(long[0]!.row.role)}, state ${str(long[0]!.row.state)}). Long transactions hold locks and keep old row versions alive.`,
        long.length,
        refs(sourceId, 'oldest-transactions', long, ['pid', 'application_name', 'state', 'xact_age_s', 'state_age_s', 'query']),
      ),
    );
  }
  const prepared = check(evidence, 'prepared-transactions');
  if (prepared && prepared.rows.length > 0) {
    findings.push(
      make(
        sourceId,
        'prepared-transactions',
        'long-transaction',
        'medium',
        `${plural(prepared.rows.length, 'prepared transaction')} left open`,
        'Two-phase transactions were prepared but never committed or rolled back; they hold their locks until someone does.',
        prepared.rows.length,
        refs(sourceId, 'prepared-transactions', indexed(prepared.rows)),
      ),
    );
  }
  return findings;
}

function blockingChains(sourceId: string, evidence: DatabaseEvidence): Finding[] {
  const chains = check(evidence, 'blocking-chains');
  if (!chains || chains.rows.length === 0) return [];
  const byRoot = new Map<string, { row: DbRow; index: number }[]>();
  for (const entry of indexed(chains.rows)) {
    const roots = list(entry.row.root_blockers);
    const key = roots.length > 0 ? roots.join(',') : 'cycle';
    byRoot.set(key, [...(byRoot.get(key) ?? []), entry]);
  }
  return [...byRoot.entries()].map(([root, rows]) => {
    const first = rows[0]!.row;
    const depth = Math.max(...rows.map(({ row }) => num(row.depth)));
    const rootText =
      root === 'cycle'
        ? 'a cycle of sessions waiting on each other (a deadlock about to be detected)'
        : `pid ${root}${str(first.root_state) ? ` (${str(first.root_state)}${str(first.root_application_name) ? `, ${str(first.root_application_name)}` : ''}, transaction open ${num(first.root_xact_age_s)} s, last query: ${str(first.root_query).slice(0, 120)})` : ''}`;
    return make(
      sourceId,
      `blocking-chain-${root === 'cycle' ? 'cycle' : root.replace(/,/g, '-')}`,
      'blocking-chain',
      'high',
      `${plural(rows.length, 'session')} blocked behind ${root === 'cycle' ? 'a lock cycle' : `pid ${root}`}${depth > 1 ? ` (chain depth ${depth})` : ''}`,
      `Root blocker: ${rootText}. Blocked: ${rows.map(({ row }) => `pid ${str(row.pid)} waiting ${num(row.waiting_s)} s on ${str(row.wait_event)}`).join('; ')}.${lockWaitLogging(evidence)}`,
      rows.length,
      refs(sourceId, 'blocking-chains', rows, ['pid', 'blocked_by', 'root_blockers', 'depth', 'wait_event', 'waiting_s', 'query', 'root_state']),
    );
  });
}

function waitingLocks(sourceId: string, evidence: DatabaseEvidence): Finding[] {
  const waiting = check(evidence, 'waiting-locks');
  if (!waiting || waiting.rows.length === 0) return [];
  const rows = indexed(waiting.rows);
  const longest = Math.max(...rows.map(({ row }) => num(row.waiting_s)));
  return [
    make(
      sourceId,
      'waiting-locks',
      'lock-wait',
      longest >= 10 ? 'high' : 'medium',
      `${plural(rows.length, 'lock request')} waiting (longest ${longest} s)`,
      `Ungranted locks: ${rows
        .slice(0, 5)
        .map(({ row }) => `${str(row.mode)} on ${str(row.relation) || `${str(row.locktype)} ${str(row.transactionid)}`} by pid ${str(row.pid)}`)
        .join('; ')}.${setting(evidence, 'lock_timeout') === '0' ? ' lock_timeout is 0: waiters wait forever.' : ''}${lockWaitLogging(evidence)}`,
      rows.length,
      refs(sourceId, 'waiting-locks', rows, ['pid', 'locktype', 'relation', 'transactionid', 'mode', 'waiting_s', 'blocked_by']),
    ),
  ];
}

function counters(sourceId: string, evidence: DatabaseEvidence): Finding[] {
  const result = check(evidence, 'database-counters');
  if (!result) return [];
  const after = result.rows.findIndex((row) => row.snapshot === 'after');
  const delta = result.rows.findIndex((row) => row.snapshot === 'delta');
  const findings: Finding[] = [];
  const deltaDeadlocks = delta >= 0 ? num(result.rows[delta]!.deadlocks) : 0;
  const totalDeadlocks = after >= 0 ? num(result.rows[after]!.deadlocks) : 0;
  if (deltaDeadlocks > 0) {
    findings.push(
      make(
        sourceId,
        'deadlocks-during-collection',
        'deadlock',
        'high',
        `${plural(deltaDeadlocks, 'deadlock')} while the checks ran`,
        `pg_stat_database.deadlocks rose by ${deltaDeadlocks} in ${num(result.rows[delta]!.interval_s)} s: deadlocks are happening now.`,
        deltaDeadlocks,
        refs(sourceId, 'database-counters', [{ row: result.rows[delta]!, index: delta }], ['snapshot', 'deadlocks', 'xact_rollback', 'interval_s']),
      ),
    );
  } else if (totalDeadlocks > 0) {
    const reset = str(result.rows[after]!.stats_reset);
    findings.push(
      make(
        sourceId,
        'deadlocks-since-reset',
        'deadlock',
        'medium',
        `${plural(totalDeadlocks, 'deadlock')} recorded since statistics were ${reset ? `reset at ${reset}` : 'last reset'}`,
        `pg_stat_database.deadlocks is ${totalDeadlocks} for ${str(result.rows[after]!.database)} (cumulative; the server log has the statements).`,
        totalDeadlocks,
        refs(sourceId, 'database-counters', [{ row: result.rows[after]!, index: after }], ['snapshot', 'database', 'deadlocks', 'xact_rollback', 'stats_reset']),
      ),
    );
  }
  return findings;
}

/** All findings for one database source. Pure: reads only the evidence. */
export function databaseFindings(sourceId: string, evidence: DatabaseEvidence): Finding[] {
  return [
    ...jobTables(evidence).flatMap((table) => [
      ...stuckJobs(sourceId, evidence, table),
      ...jobErrors(sourceId, evidence, table),
      ...retries(sourceId, evidence, table),
      ...storedViolations(sourceId, evidence, table),
    ]),
    ...headroom(sourceId, evidence),
    ...idleInTransaction(sourceId, evidence),
    ...longTransactions(sourceId, evidence),
    ...blockingChains(sourceId, evidence),
    ...waitingLocks(sourceId, evidence),
    ...counters(sourceId, evidence),
  ];
}
