// SQL for server health: connection headroom, sessions, idle-in-transaction, long transactions, blocking, locks, counters, settings.
import type { CheckIdsOf, CheckSql, CheckSqlTable } from '../../evidence/database-checks.ts';
import { checksFrom } from './check-table.ts';
import { quoteIdent, quoteLiteral } from './sql.ts';

export interface ServerInfo {
  versionNum: number;
  role: string;
  superuser: boolean;
  /** Member of pg_read_all_stats (pg_monitor has it): sees every session, query and lock detail. */
  readAllStats: boolean;
}

/** Role and server facts the checks depend on (run first). */
export const SERVER_INFO_SQL = `SELECT current_setting('server_version') AS server_version, current_setting('server_version_num')::int AS version_num,
       now() AS server_time, current_user::text AS role, current_database()::text AS database, pg_backend_pid() AS pid,
       coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false) AS superuser,
       pg_has_role(current_user, 'pg_read_all_stats', 'MEMBER') AS read_all_stats,
       pg_has_role(current_user, 'pg_monitor', 'MEMBER') AS monitor,
       ARRAY(SELECT r FROM unnest(ARRAY['pg_execute_server_program', 'pg_write_server_files', 'pg_read_server_files', 'pg_signal_backend']) AS r
             WHERE pg_has_role(current_user, r, 'MEMBER'))::text[] AS privileged_roles`;

const SECONDS = (expression: string) => `round(extract(epoch FROM (${expression}))::numeric, 1)`;
const CLIENTS = `(backend_type = 'client backend' OR (backend_type IS NULL AND usename IS NOT NULL AND datname IS NOT NULL))`;

const COUNTER_CHECKS = {
  'database-counters': (info: ServerInfo) => ({ title: 'pg_stat_database counters', sql: countersSql(info) }),
} satisfies CheckSqlTable<'counters'>;

/** One pg_stat_database snapshot (taken twice: see counters.ts). */
export function countersSnapshotSql(info: ServerInfo): CheckSql<'database-counters'> {
  return checksFrom(COUNTER_CHECKS, [info])[0]!;
}

function countersSql(info: ServerInfo): string {
  const sessions = info.versionNum >= 140000 ? `sessions, sessions_abandoned, sessions_fatal, sessions_killed, round(idle_in_transaction_time::numeric) AS idle_in_transaction_ms, ` : '';
  return `SELECT datname::text AS database, numbackends, xact_commit, xact_rollback, deadlocks, conflicts, temp_files, temp_bytes,
       ${sessions}stats_reset, clock_timestamp() AS taken_at
FROM pg_stat_database
WHERE datname = current_database()`;
}

const RESERVED = `coalesce(current_setting('reserved_connections', true)::int, 0)`;
const AVAILABLE = `(current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int - ${RESERVED})`;

const HEALTH_CHECKS = {
  'connection-headroom': () => ({
    title: 'Connection slots: max_connections, reserved slots and sessions by state',
    sql: `SELECT current_setting('max_connections')::int AS max_connections,
       current_setting('superuser_reserved_connections')::int AS superuser_reserved, ${RESERVED} AS reserved,
       ${AVAILABLE} AS available_to_ordinary_roles,
       count(*) FILTER (WHERE ${CLIENTS}) AS client_backends,
       ${AVAILABLE} - count(*) FILTER (WHERE ${CLIENTS}) AS free_ordinary_slots,
       round(100.0 * count(*) FILTER (WHERE ${CLIENTS}) / nullif(${AVAILABLE}, 0), 1) AS used_pct,
       count(*) FILTER (WHERE state = 'active') AS active,
       count(*) FILTER (WHERE state = 'idle') AS idle,
       count(*) FILTER (WHERE state IN ('idle in transaction', 'idle in transaction (aborted)')) AS idle_in_transaction,
       count(*) FILTER (WHERE wait_event_type = 'Lock') AS waiting_on_lock,
       count(*) FILTER (WHERE backend_type IS NULL) AS hidden_sessions
FROM pg_stat_activity`,
  }),
  'sessions-by-state': (_info: ServerInfo, limit: number) => ({
    title: 'Client sessions by database, role, application and state',
    sql: `SELECT datname::text AS database, usename::text AS role, application_name, coalesce(state, '(not visible)') AS state, wait_event_type,
       count(*) AS sessions, max(${SECONDS('now() - state_change')}) AS longest_in_state_s
FROM pg_stat_activity
WHERE ${CLIENTS}
GROUP BY 1, 2, 3, 4, 5
ORDER BY sessions DESC, longest_in_state_s DESC NULLS LAST
LIMIT ${limit + 1}`,
  }),
  'idle-in-transaction': (_info: ServerInfo, limit: number) => ({
    title: 'Sessions idle in transaction, what they hold and whom they block',
    sql: `SELECT a.pid, a.usename::text AS role, a.application_name, host(a.client_addr) AS client_addr, a.state, a.backend_xid::text AS xid,
       ${SECONDS('now() - a.xact_start')} AS xact_age_s, ${SECONDS('now() - a.state_change')} AS idle_s,
       left(a.query, 200) AS last_query,
       (SELECT array_agg(b.pid ORDER BY b.pid) FROM pg_stat_activity b
         WHERE b.wait_event_type = 'Lock' AND a.pid = ANY (pg_blocking_pids(b.pid))) AS blocking_pids,
       (SELECT array_agg(DISTINCT c.oid::regclass::text) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
         WHERE l.pid = a.pid AND l.locktype = 'relation' AND l.mode <> 'AccessShareLock' AND c.relkind IN ('r', 'p')
           AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())) AS locked_tables
FROM pg_stat_activity a
WHERE a.state IN ('idle in transaction', 'idle in transaction (aborted)') AND a.pid <> pg_backend_pid()
ORDER BY a.xact_start
LIMIT ${limit + 1}`,
  }),
  'oldest-transactions': () => ({
    title: 'Oldest open transactions',
    sql: `SELECT pid, usename::text AS role, application_name, state, wait_event_type, wait_event,
       backend_xid::text AS xid, backend_xmin::text AS xmin,
       ${SECONDS('now() - xact_start')} AS xact_age_s, ${SECONDS('now() - state_change')} AS state_age_s,
       xact_start, left(query, 200) AS query
FROM pg_stat_activity
WHERE xact_start IS NOT NULL AND pid <> pg_backend_pid() AND backend_type = 'client backend'
ORDER BY xact_start
LIMIT 20`,
  }),
  'prepared-transactions': (_info: ServerInfo, limit: number) => ({
    title: 'Prepared (two-phase) transactions left open',
    sql: `SELECT gid, prepared, owner::text AS owner, database::text AS database, ${SECONDS('now() - prepared')} AS age_s
FROM pg_prepared_xacts
ORDER BY prepared
LIMIT ${limit + 1}`,
  }),
  'blocking-chains': (_info: ServerInfo, limit: number) => ({
    title: 'Blocked sessions and their root blockers (pg_blocking_pids walked to the root)',
    sql: `WITH RECURSIVE edge AS (
  SELECT a.pid AS blocked, unnest(pg_blocking_pids(a.pid)) AS blocker
  FROM pg_stat_activity a WHERE a.wait_event_type = 'Lock'
), walk AS (
  SELECT blocked, blocker, 1 AS depth FROM edge
  UNION
  SELECT w.blocked, e.blocker, w.depth + 1 FROM walk w JOIN edge e ON e.blocked = w.blocker WHERE w.depth < 10
), chain AS (
  SELECT blocked, max(depth) AS depth,
         array_agg(DISTINCT blocker) FILTER (WHERE blocker NOT IN (SELECT blocked FROM edge)) AS root_blockers
  FROM walk GROUP BY blocked
)
SELECT c.blocked AS pid, a.usename::text AS role, a.application_name, pg_blocking_pids(c.blocked) AS blocked_by,
       c.root_blockers, c.depth, a.wait_event_type, a.wait_event, ${SECONDS('now() - a.query_start')} AS waiting_s,
       left(a.query, 200) AS query,
       r.pid AS root_pid, r.state AS root_state, r.application_name AS root_application_name,
       ${SECONDS('now() - r.xact_start')} AS root_xact_age_s, ${SECONDS('now() - r.state_change')} AS root_state_age_s,
       left(r.query, 200) AS root_query
FROM chain c
JOIN pg_stat_activity a ON a.pid = c.blocked
LEFT JOIN pg_stat_activity r ON r.pid = c.root_blockers[1]
ORDER BY waiting_s DESC NULLS LAST, c.blocked
LIMIT ${limit + 1}`,
  }),
  'waiting-locks': (info: ServerInfo, limit: number) => ({
    title: 'Lock requests not granted',
    sql: `SELECT l.pid, a.usename::text AS role, a.application_name, l.locktype, l.relation::regclass::text AS relation,
       l.transactionid::text AS transactionid, l.page, l.tuple, l.mode, ${info.versionNum >= 140000 ? SECONDS('now() - l.waitstart') : 'NULL::numeric'} AS waiting_s,
       pg_blocking_pids(l.pid) AS blocked_by, left(a.query, 200) AS query
FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
WHERE NOT l.granted
ORDER BY waiting_s DESC NULLS LAST, l.pid
LIMIT ${limit + 1}`,
  }),
  settings: () => ({
    title: 'Timeout, logging and connection settings (session defaults)',
    sql: `SELECT name, reset_val AS setting, unit, CASE WHEN setting <> reset_val THEN 'default of this connection' ELSE source END AS source
FROM pg_settings
WHERE name IN (${SETTINGS.map(quoteLiteral).join(', ')})
ORDER BY name`,
  }),
  'role-settings': (_info: ServerInfo, limit: number) => ({
    title: 'Per-role and per-database setting overrides (ALTER ROLE/DATABASE ... SET)',
    sql: `SELECT coalesce(r.rolname::text, '(every role)') AS role, coalesce(d.datname::text, '(every database)') AS database, s.setconfig AS settings
FROM pg_db_role_setting s
LEFT JOIN pg_roles r ON r.oid = s.setrole
LEFT JOIN pg_database d ON d.oid = s.setdatabase
ORDER BY 1, 2
LIMIT ${limit + 1}`,
  }),
} satisfies CheckSqlTable<'health'>;

/** The server health checks, in the order they run. */
export function healthChecksSql(info: ServerInfo, limit: number): CheckSql<CheckIdsOf<'health'>>[] {
  return checksFrom(HEALTH_CHECKS, [info, limit]);
}

const SETTINGS = [
  'statement_timeout',
  'lock_timeout',
  'idle_in_transaction_session_timeout',
  'idle_session_timeout',
  'deadlock_timeout',
  'log_lock_waits',
  'log_min_error_statement',
  'log_min_duration_statement',
  'log_line_prefix',
  'log_statement',
  'log_temp_files',
  'log_connections',
  'log_disconnections',
  'max_connections',
  'superuser_reserved_connections',
  'reserved_connections',
  'max_prepared_transactions',
  'shared_preload_libraries',
  'tcp_keepalives_idle',
  'server_version',
];

export const EXTENSION_SQL = `SELECT extnamespace::regnamespace::text AS schema, extversion AS version FROM pg_extension WHERE extname = 'pg_stat_statements'`;

interface StatementsSql {
  select: string;
  prefix: string;
  jobTable: string | undefined;
}

const STATEMENT_CHECKS = {
  'top-statements': (c: StatementsSql) => ({
    title: 'Statements with the most total execution time (pg_stat_statements)',
    sql: `${c.select}\nORDER BY s.total${c.prefix} DESC\nLIMIT 15`,
  }),
  'job-table-statements': (c: StatementsSql) => {
    if (!c.jobTable) return undefined;
    const tableName = c.jobTable.split('.').pop()!.replace(/"/g, '');
    return {
      title: `Statements on ${tableName} (pg_stat_statements)`,
      sql: `${c.select}\n  AND position(${quoteLiteral(tableName.toLowerCase())} in lower(s.query)) > 0\nORDER BY s.total${c.prefix} DESC\nLIMIT 15`,
    };
  },
} satisfies CheckSqlTable<'statements'>;

/** Top statements from pg_stat_statements (in its schema), overall and those naming the job table (when there is one). */
export function statementsSql(schema: string, info: ServerInfo, jobTable: string | undefined): CheckSql<CheckIdsOf<'statements'>>[] {
  const prefix = info.versionNum >= 130000 ? '_exec_time' : '_time';
  const select = `SELECT s.calls, round(s.total${prefix}::numeric, 1) AS total_ms, round(s.mean${prefix}::numeric, 2) AS mean_ms,
       round(s.max${prefix}::numeric, 1) AS max_ms, s.rows, s.temp_blks_written, r.rolname::text AS role, left(s.query, 300) AS query
FROM ${quoteIdent(schema)}.pg_stat_statements s LEFT JOIN pg_roles r ON r.oid = s.userid
WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`;
  return checksFrom(STATEMENT_CHECKS, [{ select, prefix, jobTable }]);
}
