// The database checks' ids and row shapes, defined once: the collector writes them, analysis and the templates read them.
import type { DatabaseEvidence, DbRow, DbValue, JobTableEvidence, QueryCheck } from './schema.ts';

/**
 * Each check id with the columns every one of its rows has (the SQL's aliases). Job checks also carry the job
 * table's own columns (the listing checks select them by name: see `DatabaseEvidence.jobTable`); those are not
 * listed here. test/collectors/database/check-ids.test.ts runs every check on PostgreSQL 15 and compares.
 */
export const CHECK_COLUMNS = {
  // discovery of job tables (no `jobs:` block in the manifest)
  'job-table-candidates': ['table', 'state_column', 'updated_column', 'estimated_rows', 'chosen', 'reason'],
  'job-table-columns': ['name', 'type'],
  'job-states': ['value', 'jobs', 'in_flight'],
  // job checks (on each job table)
  'stuck-jobs': ['minutes_since_update'],
  'stuck-job-ids': ['ids'],
  'state-distribution': ['jobs', 'stuck', 'oldest_update', 'newest_update'],
  'stuck-job-age': ['state', 'jobs', 'oldest_update', 'newest_update', 'min_minutes', 'avg_minutes', 'median_minutes', 'max_minutes', 'under_4h', 'from_4h_to_24h', 'over_24h'],
  'recent-errors': ['normalized_error', 'error_code', 'occurrences', 'jobs', 'first_seen', 'last_seen', 'sample_error', 'states', 'sample_ids'],
  'recent-error-jobs': [],
  'job-failure-ids': ['state', 'normalized_error', 'error_code', 'jobs', 'sample_error', 'ids', 'minutes'],
  'retry-counts': ['retries', 'jobs', 'in_flight', 'stuck', 'last_update'],
  // schema evidence on each job table
  'check-constraints': ['name', 'table', 'definition', 'validated', 'columns'],
  'enum-columns': ['column', 'type', 'labels'],
  'foreign-keys': ['name', 'table', 'columns', 'referenced_table', 'referenced_columns', 'definition', 'validated', 'referencing_columns_indexed'],
  indexes: ['index', 'columns', 'definition', 'is_unique', 'is_primary', 'is_valid', 'is_partial'],
  // server health
  'connection-headroom': [
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
  'sessions-by-state': ['database', 'role', 'application_name', 'state', 'wait_event_type', 'sessions', 'longest_in_state_s'],
  'idle-in-transaction': ['pid', 'role', 'application_name', 'client_addr', 'state', 'xid', 'xact_age_s', 'idle_s', 'last_query', 'blocking_pids', 'locked_tables'],
  'oldest-transactions': ['pid', 'role', 'application_name', 'state', 'wait_event_type', 'wait_event', 'xid', 'xmin', 'xact_age_s', 'state_age_s', 'xact_start', 'query'],
  'prepared-transactions': ['gid', 'prepared', 'owner', 'database', 'age_s'],
  'blocking-chains': [
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
  'waiting-locks': ['pid', 'role', 'application_name', 'locktype', 'relation', 'transactionid', 'page', 'tuple', 'mode', 'waiting_s', 'blocked_by', 'query'],
  settings: ['name', 'setting', 'unit', 'source'],
  'role-settings': ['role', 'database', 'settings'],
  'database-counters': ['snapshot', 'database'],
  'top-statements': ['calls', 'total_ms', 'mean_ms', 'max_ms', 'rows', 'temp_blks_written', 'role', 'query'],
  'job-table-statements': ['calls', 'total_ms', 'mean_ms', 'max_ms', 'rows', 'temp_blks_written', 'role', 'query'],
} as const satisfies Record<string, readonly string[]>;

export type DatabaseCheckId = keyof typeof CHECK_COLUMNS;

/** A row of check K: its declared columns, plus whatever else the row holds. */
type CheckRow<K extends DatabaseCheckId> = { [C in (typeof CHECK_COLUMNS)[K][number]]: DbValue } & DbRow;

export type TypedCheck<K extends DatabaseCheckId> = Omit<QueryCheck, 'rows'> & { rows: CheckRow<K>[] };

/** The checks that run on each job table (their ids carry the table's suffix for the second table on). */
export const JOB_CHECK_IDS = [
  'job-states',
  'stuck-jobs',
  'stuck-job-ids',
  'state-distribution',
  'stuck-job-age',
  'recent-errors',
  'recent-error-jobs',
  'job-failure-ids',
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
