// The database checks' ids and row shapes, defined once: the collector writes them, analysis and the templates read them.
import type { DatabaseEvidence, DbRow, DbValue, JobTableEvidence, QueryCheck } from './schema.ts';

/** Where a check's SQL is built: each group is one table of SQL builders in src/collectors/database/. */
type CheckGroup = 'discovery' | 'job-table' | 'job' | 'schema' | 'health' | 'counters' | 'statements';

interface CheckShape {
  readonly group: CheckGroup;
  /** Columns every row has. */
  readonly columns: readonly string[];
  /** Columns some rows have (a server version, an optional job-table column, the counters' delta row). */
  readonly optional?: readonly string[];
  /**
   * Columns named at run time: `job-columns`, the job table's own columns (the listing checks select them by
   * name, see `DatabaseEvidence.jobTable`); `entity-samples`, `sample_<entity column>`.
   */
  readonly dynamic?: 'job-columns' | 'entity-samples';
  /**
   * The SQL's own columns when the collector rebuilds its rows into `columns` (a catalog look-up, the counters'
   * snapshots); the SQL may also return `optional` ones.
   */
  readonly sqlColumns?: readonly string[];
}

/**
 * Every database check: its id, the group whose SQL builds it and the shape of its rows. The collector's SQL
 * tables are keyed by these ids (a type error for an undeclared id or a declared one without SQL), its rows
 * and the analysis' reads are typed by these shapes, and test/collectors/database/check-ids.test.ts compares
 * the columns of every check's SQL and rows on PostgreSQL 15 with them.
 */
export const DATABASE_CHECKS = {
  // discovery of job tables (no `jobs:` block in the manifest)
  'job-table-candidates': {
    group: 'discovery',
    columns: ['table', 'state_column', 'updated_column', 'estimated_rows', 'chosen', 'reason'],
    sqlColumns: ['schema', 'name', 'estimated_rows', 'columns'],
  },
  'job-states': { group: 'discovery', columns: ['value', 'jobs', 'in_flight'] },
  'job-table-columns': { group: 'job-table', columns: ['name', 'type', 'is_enum', 'primary_key'] },
  // job checks (on each job table)
  'stuck-jobs': { group: 'job', columns: ['minutes_since_update'], optional: ['last_error'], dynamic: 'job-columns' },
  'stuck-job-ids': { group: 'job', columns: ['jobs', 'ids'] },
  'state-distribution': { group: 'job', columns: ['jobs', 'stuck', 'oldest_update', 'newest_update'], dynamic: 'job-columns' },
  'stuck-job-age': {
    group: 'job',
    columns: ['state', 'jobs', 'oldest_update', 'newest_update', 'min_minutes', 'avg_minutes', 'median_minutes', 'max_minutes', 'under_4h', 'from_4h_to_24h', 'over_24h'],
  },
  'recent-errors': {
    group: 'job',
    columns: ['normalized_error', 'error_code', 'occurrences', 'jobs', 'first_seen', 'last_seen', 'sample_error', 'states', 'sample_ids'],
    dynamic: 'entity-samples',
  },
  'recent-error-jobs': { group: 'job', columns: [], dynamic: 'job-columns' },
  'retry-counts': { group: 'job', columns: ['retries', 'jobs', 'in_flight', 'stuck', 'last_update'], optional: ['with_error'] },
  // schema evidence on each job table
  'check-constraints': { group: 'schema', columns: ['name', 'table', 'definition', 'validated', 'columns'] },
  'enum-columns': { group: 'schema', columns: ['column', 'type', 'labels'] },
  'foreign-keys': {
    group: 'schema',
    columns: ['name', 'table', 'columns', 'referenced_table', 'referenced_columns', 'definition', 'validated', 'referencing_columns_indexed'],
  },
  indexes: { group: 'schema', columns: ['index', 'columns', 'definition', 'is_unique', 'is_primary', 'is_valid', 'is_partial'] },
  // server health
  'connection-headroom': {
    group: 'health',
    columns: [
      'max_connections',
      'superuser_reserved',
      'reserved',
      'available_to_ordinary_roles',
      'client_backends',
      'free_ordinary_slots',
      'used_pct',
      'active',
      'idle',
      'idle_in_transaction',
      'waiting_on_lock',
      'hidden_sessions',
    ],
  },
  'sessions-by-state': { group: 'health', columns: ['database', 'role', 'application_name', 'state', 'wait_event_type', 'sessions', 'longest_in_state_s'] },
  'idle-in-transaction': {
    group: 'health',
    columns: ['pid', 'role', 'application_name', 'client_addr', 'state', 'xid', 'xact_age_s', 'idle_s', 'last_query', 'blocking_pids', 'locked_tables'],
  },
  'oldest-transactions': {
    group: 'health',
    columns: ['pid', 'role', 'application_name', 'state', 'wait_event_type', 'wait_event', 'xid', 'xmin', 'xact_age_s', 'state_age_s', 'xact_start', 'query'],
  },
  'prepared-transactions': { group: 'health', columns: ['gid', 'prepared', 'owner', 'database', 'age_s'] },
  'blocking-chains': {
    group: 'health',
    columns: [
      'pid',
      'role',
      'application_name',
      'blocked_by',
      'root_blockers',
      'depth',
      'wait_event_type',
      'wait_event',
      'waiting_s',
      'query',
      'root_pid',
      'root_state',
      'root_application_name',
      'root_xact_age_s',
      'root_state_age_s',
      'root_query',
    ],
  },
  'waiting-locks': {
    group: 'health',
    columns: ['pid', 'role', 'application_name', 'locktype', 'relation', 'transactionid', 'page', 'tuple', 'mode', 'waiting_s', 'blocked_by', 'query'],
  },
  settings: { group: 'health', columns: ['name', 'setting', 'unit', 'source'] },
  'role-settings': { group: 'health', columns: ['role', 'database', 'settings'] },
  // two pg_stat_database snapshots and their difference (rows: before, after, delta; the sessions counters from PostgreSQL 14)
  'database-counters': {
    group: 'counters',
    columns: ['snapshot', 'database'],
    sqlColumns: ['database', 'numbackends', 'xact_commit', 'xact_rollback', 'deadlocks', 'conflicts', 'temp_files', 'temp_bytes', 'stats_reset', 'taken_at'],
    optional: [
      'numbackends',
      'xact_commit',
      'xact_rollback',
      'deadlocks',
      'conflicts',
      'temp_files',
      'temp_bytes',
      'sessions',
      'sessions_abandoned',
      'sessions_fatal',
      'sessions_killed',
      'idle_in_transaction_ms',
      'stats_reset',
      'taken_at',
      'interval_s',
    ],
  },
  'top-statements': { group: 'statements', columns: ['calls', 'total_ms', 'mean_ms', 'max_ms', 'rows', 'temp_blks_written', 'role', 'query'] },
  'job-table-statements': { group: 'statements', columns: ['calls', 'total_ms', 'mean_ms', 'max_ms', 'rows', 'temp_blks_written', 'role', 'query'] },
} as const satisfies Record<string, CheckShape>;

export type DatabaseCheckId = keyof typeof DATABASE_CHECKS;

type Shape<K extends DatabaseCheckId> = (typeof DATABASE_CHECKS)[K];
type RequiredColumn<K extends DatabaseCheckId> = Shape<K>['columns'][number];
type OptionalColumn<K extends DatabaseCheckId> = Shape<K> extends { optional: readonly (infer C)[] } ? C & string : never;

/**
 * A row of check K: its declared columns (reading another is a type error), plus any column for the checks
 * whose rows carry columns named at run time.
 */
export type CheckRow<K extends DatabaseCheckId> = { [C in RequiredColumn<K>]: DbValue } & { [C in OptionalColumn<K>]?: DbValue } & (Shape<K> extends { dynamic: string } ? DbRow : unknown);

export type TypedCheck<K extends DatabaseCheckId> = Omit<QueryCheck, 'rows'> & { rows: CheckRow<K>[] };

/** A row as check K's SQL returns it: the evidence's row, or for a check whose rows are rebuilt, its SQL's columns. */
type SqlRow<K extends DatabaseCheckId> = Shape<K> extends { sqlColumns: readonly (infer C)[] } ? { [P in C & string]: DbValue } : CheckRow<K>;

/** What running check K's SQL gives the collector. */
export type SqlCheck<K extends DatabaseCheckId> = Omit<QueryCheck, 'rows'> & { rows: SqlRow<K>[] };

/** The ids of one group's checks. */
export type CheckIdsOf<G extends CheckGroup> = { [K in DatabaseCheckId]: Shape<K>['group'] extends G ? K : never }[DatabaseCheckId];

/** A check's title and SQL, as a group's builder makes them. */
export interface CheckText {
  title: string;
  sql: string;
}

/**
 * One group's SQL builders: exactly its declared checks, in the order they run, each a function (of whatever the
 * group needs) to its title and SQL, or undefined when it does not apply (a job table without an error column).
 */
export type CheckSqlTable<G extends CheckGroup> = { readonly [K in CheckIdsOf<G>]: (...args: never[]) => CheckText | undefined };

/** A declared check ready to run: `id` is the check's id as written in the evidence (with a job table's suffix). */
export interface CheckSql<K extends DatabaseCheckId = DatabaseCheckId> extends CheckText {
  check: K;
  id: string;
}

/** The evidence's view of a typed check (rows are JSON records there). */
export function storedCheck<K extends DatabaseCheckId>(check: TypedCheck<K> | SqlCheck<K>): QueryCheck {
  return check as QueryCheck;
}

/** The checks that run on each job table (their ids carry the table's suffix for the second table on). */
export const JOB_CHECK_IDS = [
  'job-states',
  'stuck-jobs',
  'stuck-job-ids',
  'state-distribution',
  'stuck-job-age',
  'recent-errors',
  'recent-error-jobs',
  'retry-counts',
] as const satisfies readonly DatabaseCheckId[];
export const SCHEMA_CHECK_IDS = ['check-constraints', 'enum-columns', 'foreign-keys', 'indexes'] as const satisfies readonly DatabaseCheckId[];
/** The job checks that always exist for a job table (run, or recorded as failed/limited with the reason). */
export const CORE_JOB_CHECK_IDS = ['stuck-jobs', 'state-distribution', 'stuck-job-age', 'recent-errors', 'retry-counts'] as const satisfies readonly DatabaseCheckId[];
export type JobCheckId = (typeof JOB_CHECK_IDS)[number] | (typeof SCHEMA_CHECK_IDS)[number] | 'job-table-columns' | 'job-table-statements';

/** The job table a set of job checks ran on, as the collector records it. */
export type JobTable = JobTableEvidence;

/** `stuck-jobs` for the first job table, `stuck-jobs-orders` (the table's kebab-case name) for the others. */
export function jobCheckId(id: JobCheckId, table?: { checkSuffix?: string }): string {
  return table?.checkSuffix ? `${id}-${table.checkSuffix}` : id;
}

/** A kebab-case suffix for a table name: sales.Order_Items -> sales-order-items. */
export function tableSuffix(table: string): string {
  return (
    table
      .toLowerCase()
      .replace(/^public\./, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'table'
  );
}

/** Every job table of the evidence: the recorded list, else the single `jobTable` (bundles written before discovery). */
export function jobTables(evidence: DatabaseEvidence): JobTable[] {
  if (evidence.jobTables) return evidence.jobTables;
  return evidence.jobTable ? [evidence.jobTable] : [];
}

/** The check with this id (for a job table: that table's), unless it failed. */
export function findCheck<K extends DatabaseCheckId>(evidence: DatabaseEvidence, id: K, table?: { checkSuffix?: string }): TypedCheck<K> | undefined {
  const wanted = (JOB_CHECK_IDS as readonly string[]).includes(id) || (SCHEMA_CHECK_IDS as readonly string[]).includes(id) ? jobCheckId(id as JobCheckId, table) : id;
  const found = evidence.checks.find((item) => item.id === wanted);
  return found && found.status !== 'failed' ? (found as TypedCheck<K>) : undefined;
}
