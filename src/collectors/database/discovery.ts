// Finds job tables when the manifest names none, and recognises a job table's columns and in-flight states by name and type.
import type { CheckSqlTable } from '../../evidence/database-checks.ts';

/** Job tables checked at most per database; the other candidates are listed, not checked. */
export const MAX_JOB_TABLES = 5;

/**
 * Schemas that hold a platform's own tables, not the application's: PostgreSQL's, and those Supabase creates
 * (auth, storage, realtime, ...). Tables that belong to an extension (pg_cron's cron.job_run_details) are left
 * out through pg_depend.
 */
const SYSTEM_SCHEMAS = [
  'information_schema',
  'auth',
  'storage',
  'realtime',
  '_realtime',
  'supabase_functions',
  'supabase_migrations',
  'vault',
  'pgsodium',
  'pgsodium_masks',
  'graphql',
  'graphql_public',
  'net',
  'cron',
  'extensions',
  'pgbouncer',
  '_analytics',
  'pgmq',
  'topology',
];

const STATE_NAME = /^(state|status)$|(^|_)(state|status)$|^(state|status)_/i;
const TEXT_TYPE = /^(text|character varying|character|varchar|citext|name)\b/;
const TIME_TYPE = /^(timestamp|date)\b/;
const INTEGER_TYPE = /^(integer|bigint|smallint|numeric)\b/;

/**
 * Tables with a state/status-like column and a timestamp column, from the catalogs only (pg_class and
 * pg_attribute need no privilege on the tables). Which of them qualify is decided by `jobTableCandidate`.
 */
export function candidateTablesSql(limit = 200): string {
  return `SELECT n.nspname::text AS schema, c.relname::text AS name, c.reltuples::bigint AS estimated_rows,
       json_agg(json_build_object('name', a.attname::text, 'type', format_type(a.atttypid, a.atttypmod), 'enum', t.typtype = 'e',
                                  'primary_key', EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary AND a.attnum = ANY (i.indkey)))
                ORDER BY a.attnum) AS columns
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type t ON t.oid = a.atttypid
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname NOT IN (${SYSTEM_SCHEMAS.map((name) => `'${name}'`).join(', ')})
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
GROUP BY n.nspname, c.relname, c.oid, c.reltuples
HAVING bool_or(a.attname ~* '(^|_)(state|status)$|^(state|status)_') AND bool_or(format_type(a.atttypid, a.atttypmod) ~ '^(timestamp|date)')
ORDER BY 1, 2
LIMIT ${limit + 1}`;
}

export interface CatalogColumn {
  name: string;
  type: string;
  enum?: boolean;
  primaryKey?: boolean;
}

const isStateLike = (column: CatalogColumn) => STATE_NAME.test(column.name) && (TEXT_TYPE.test(column.type) || column.enum === true);

/** Names in order of preference, then any column matching `pattern`, among columns of a fitting type. */
function pick(columns: CatalogColumn[], names: string[], pattern: RegExp, fits: (column: CatalogColumn) => boolean, taken: (string | undefined)[] = []): string | undefined {
  const usable = columns.filter((column) => fits(column) && !taken.includes(column.name));
  for (const name of names) {
    const found = usable.find((column) => column.name.toLowerCase() === name);
    if (found) return found.name;
  }
  return usable.find((column) => pattern.test(column.name))?.name;
}

export interface GuessedColumns {
  id?: string;
  state?: string;
  status?: string;
  updated?: string;
  created?: string;
  error?: string;
  retry?: string;
  entities: string[];
}

/** Recognise a job table's columns by name and type (the manifest's jobs.* keys, when given, win over these). */
export function guessJobColumns(columns: CatalogColumn[]): GuessedColumns {
  const state = pick(columns, ['state', 'status', 'job_state', 'job_status'], STATE_NAME, isStateLike);
  const status = pick(columns, ['status', 'job_status', 'state'], STATE_NAME, isStateLike, [state]);
  const updated = pick(
    columns,
    ['updated_at', 'modified_at', 'last_updated_at', 'last_updated', 'updated', 'heartbeat_at', 'last_heartbeat_at', 'state_changed_at', 'status_changed_at', 'changed_at', 'last_modified'],
    /updat|modif|heartbeat|changed/i,
    (column) => TIME_TYPE.test(column.type),
  );
  const created = pick(
    columns,
    ['created_at', 'inserted_at', 'enqueued_at', 'queued_at', 'requested_at', 'submitted_at', 'created', 'started_at'],
    /creat|insert|enqueue|queued|submit|request|start/i,
    (column) => TIME_TYPE.test(column.type),
    [updated],
  );
  const primary = columns.filter((column) => column.primaryKey);
  const id = primary.length === 1 ? primary[0]!.name : pick(columns, ['id', 'job_id', 'task_id', 'uuid'], /^(job|task|run)_?id$/i, () => true);
  const error = pick(
    columns,
    ['last_error', 'error', 'error_message', 'last_error_message', 'error_msg', 'failure_reason', 'failure', 'exception'],
    /error|failure|exception/i,
    (column) => TEXT_TYPE.test(column.type) || /json/.test(column.type),
  );
  const retry = pick(columns, ['retry_count', 'retries', 'attempts', 'attempt', 'attempt_count', 'attempts_made', 'tries', 'try_count'], /retr|attempt|tries/i, (column) =>
    INTEGER_TYPE.test(column.type),
  );
  const entities = columns
    .filter((column) => column.name !== id && !column.primaryKey && /(_id|_ref|_uuid)$/i.test(column.name))
    .map((column) => column.name)
    .slice(0, 5);
  return { id, state, status, updated, created, error, retry, entities };
}

export interface JobTableCandidate {
  table: string;
  columns: CatalogColumn[];
  estimatedRows: number;
  guessed: GuessedColumns;
}

/** A catalog row -> a candidate, or the reason it is not one. */
export function jobTableCandidate(row: Record<string, unknown>): JobTableCandidate | { table: string; reason: string } {
  const schema = String(row.schema ?? 'public');
  const name = String(row.name ?? '');
  const table = `${schema}.${name}`;
  const raw = Array.isArray(row.columns) ? row.columns : [];
  const columns: CatalogColumn[] = raw.map((column) => {
    const item = (column ?? {}) as Record<string, unknown>;
    return { name: String(item.name ?? ''), type: String(item.type ?? ''), enum: item.enum === true, primaryKey: item.primary_key === true };
  });
  const guessed = guessJobColumns(columns);
  if (!guessed.state) return { table, reason: 'its state/status column is not text or an enum' };
  if (!guessed.updated) return { table, reason: 'no timestamp column named like an update time (updated_at, modified_at, heartbeat_at, ...)' };
  if (!guessed.id) return { table, reason: 'no single-column primary key or id column' };
  const estimated = Number(row.estimated_rows ?? -1);
  return { table, columns, estimatedRows: Number.isFinite(estimated) ? estimated : -1, guessed };
}

const JOB_NAME = /job|task|queue|run|work|upload|sync|import|export|event|message|webhook|batch|order/i;

/** Job-like names first, then larger tables, then by name: the order in which candidates are chosen. */
export function rankCandidates(candidates: JobTableCandidate[]): JobTableCandidate[] {
  return [...candidates].sort(
    (a, b) => Number(JOB_NAME.test(b.table.split('.').pop()!)) - Number(JOB_NAME.test(a.table.split('.').pop()!)) || b.estimatedRows - a.estimatedRows || a.table.localeCompare(b.table),
  );
}

/** States that mean "not finished yet" in job, task, queue and order tables. */
const IN_FLIGHT =
  /^(pending|queued|enqueued|waiting|scheduled|running|processing|in[ _-]?progress|in[ _-]?flight|started|working|active|retrying|retry|submitted|claimed|locked|leased|reserved|dispatched|assigned|executing|sending|uploading|downloading|awaiting[ _-]?\w+|waiting[ _-]?\w+|unprocessed|new|created|received|accepted|open|picked|parsing|importing|exporting|syncing)$/i;

/** The in-flight states among a state column's values (or enum labels). */
export function inFlightStates(values: string[]): string[] {
  return [...new Set(values.filter((value) => IN_FLIGHT.test(value.trim())))];
}

/** SQL listing a state column's values with counts (one statement on the job table: needs SELECT on it). */
function stateValuesSql(table: string, stateExpression: string, limit = 100): string {
  return `SELECT ${stateExpression} AS value, count(*) AS jobs
FROM ${table}
GROUP BY 1
ORDER BY jobs DESC
LIMIT ${limit}`;
}

/** The discovery checks: the candidate tables (rows rebuilt into the evidence's form) and a state column's values. */
export const DISCOVERY_CHECKS = {
  'job-table-candidates': () => ({ title: 'Tables that look like job tables (a state or status column and an update timestamp)', sql: candidateTablesSql() }),
  'job-states': (table: string, state: string, quotedTable: string, stateExpression: string) => ({
    title: `Values of ${state} in ${table}`,
    sql: stateValuesSql(quotedTable, stateExpression),
  }),
} satisfies CheckSqlTable<'discovery'>;
