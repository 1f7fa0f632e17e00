// SQL for the job-table checks (stuck jobs, state distribution, stuck ages, recent errors, retries), built for any job table.
import { jobCheckId, type CheckIdsOf, type CheckSql, type CheckSqlTable } from '../../evidence/database-checks.ts';
import { checksFrom } from './check-table.ts';
import type { JobChecksSpec } from '../../manifest/index.ts';
import { guessJobColumns, type CatalogColumn } from './discovery.ts';
import { nowExpression, quoteIdent, quoteLiteral, quoteQualified, relationOid } from './sql.ts';

/** The job table's columns as found in the catalog (pg_attribute needs no privilege on the table). */
export function tableColumnsSql(table: string): string {
  return `SELECT a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS type,
       (SELECT t.typtype = 'e' FROM pg_type t WHERE t.oid = a.atttypid) AS is_enum,
       EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisprimary AND a.attnum = ANY (i.indkey)) AS primary_key
FROM pg_attribute a
WHERE a.attrelid = ${relationOid(table)} AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum`;
}

/** A job table with its columns resolved against the real table: what the job checks are built from. */
export interface ResolvedJobColumns {
  table: string;
  id: string;
  state: string;
  updated: string;
  created?: string;
  status?: string;
  error?: string;
  errorType?: string;
  retry?: string;
  entities: string[];
  /** Configured columns the table does not have. */
  missing: string[];
  /** The state column is not text (an enum, say): compared as ::text. */
  stateCast: boolean;
  /** Empty until known (given in the manifest, or recognised from the table's values). */
  inFlightStates: string[];
  stuckAfterMinutes: number;
  recentErrorHours: number;
  /** Suffix of the check ids ('' for the first job table). */
  checkSuffix: string;
}

/**
 * Match the spec against the table's real columns: keys the manifest gives must exist (required ones missing ->
 * `problem`, optional ones -> `missing`); keys it leaves out are recognised by name and type.
 */
export function resolveJobColumns(spec: JobChecksSpec & { table: string }, columns: CatalogColumn[], checkSuffix = ''): { resolved?: ResolvedJobColumns; problem?: string } {
  const byName = new Map(columns.map((column) => [column.name, column]));
  const guessed = guessJobColumns(columns);
  const missing: string[] = [];
  const optional = (given: string | undefined, guess: string | undefined) => {
    if (given === undefined) return guess;
    if (byName.has(given)) return given;
    missing.push(given);
    return undefined;
  };
  const id = spec.idColumn ?? guessed.id;
  const state = spec.stateColumn ?? guessed.state;
  const updated = spec.updatedColumn ?? guessed.updated;
  const absent = [
    ['idColumn', id],
    ['stateColumn', state],
    ['updatedColumn', updated],
  ].filter(([, name]) => !name || !byName.has(name));
  if (absent.length > 0) {
    const said = absent.map(([key, name]) =>
      name ? `no column "${name}" (${key})` : `no recognisable ${key === 'idColumn' ? 'id' : key === 'stateColumn' ? 'state/status' : 'update-time'} column (set jobs.${key})`,
    );
    return {
      problem: `the job table ${spec.table} has ${said.join(', ')}; it has: ${columns.map((column) => column.name).join(', ')}. Set jobs.idColumn / stateColumn / updatedColumn in the manifest`,
    };
  }
  const error = optional(spec.errorColumn, guessed.error);
  const entities = spec.entityColumns ?? guessed.entities;
  const resolved: ResolvedJobColumns = {
    table: spec.table,
    id: id!,
    state: state!,
    updated: updated!,
    created: optional(spec.createdColumn, guessed.created),
    status: optional(spec.statusColumn, guessed.status === state ? undefined : guessed.status),
    error,
    errorType: error ? byName.get(error)?.type : undefined,
    retry: optional(spec.retryColumn, guessed.retry),
    entities: entities.filter((name) => byName.has(name) && name !== id),
    missing,
    stateCast: !/^(text|character varying|character)\b/.test(byName.get(state!)?.type ?? 'text'),
    inFlightStates: spec.inFlightStates ?? [],
    stuckAfterMinutes: spec.stuckAfterMinutes,
    recentErrorHours: spec.recentErrorHours,
    checkSuffix,
  };
  for (const name of entities) if (!byName.has(name)) missing.push(name);
  return { resolved };
}

/** The state column as SQL (cast to text when it is an enum or another type). */
export function stateExpression(columns: ResolvedJobColumns): string {
  return columns.stateCast ? `${quoteIdent(columns.state)}::text` : quoteIdent(columns.state);
}

/** The job-table look-up: the table's columns from the catalog. */
export const JOB_TABLE_CHECKS = {
  'job-table-columns': (table: string) => ({ title: `Columns of ${table}`, sql: tableColumnsSql(table) }),
} satisfies CheckSqlTable<'job-table'>;

/** What every job check's SQL is built from: the resolved columns and the expressions they share. */
interface JobSql {
  columns: ResolvedJobColumns;
  limit: number;
  table: string;
  id: string;
  state: string;
  updated: string;
  created: string;
  inFlight: string;
  stuck: string;
  minutes: string;
  extra: string[];
  errorText: string | undefined;
  listColumns: string[];
  now: string;
}

function jobSql(columns: ResolvedJobColumns, asOf: string | undefined, limit: number): JobSql {
  const q = quoteIdent;
  const now = nowExpression(asOf);
  const state = stateExpression(columns);
  const updated = q(columns.updated);
  const created = columns.created ? q(columns.created) : updated;
  const id = q(columns.id);
  // No in-flight state known: nothing counts as stuck (the collector says so in a note).
  const inFlight = columns.inFlightStates.length > 0 ? `${state} IN (${columns.inFlightStates.map(quoteLiteral).join(', ')})` : 'false';
  const cutoff = `${now} - ${Number(columns.stuckAfterMinutes)} * interval '1 minute'`;
  const extra = [columns.retry, ...columns.entities].filter((name): name is string => Boolean(name)).map(q);
  return {
    columns,
    limit,
    table: quoteQualified(columns.table),
    id,
    state,
    updated,
    created,
    inFlight,
    stuck: `${inFlight} AND ${updated} < ${cutoff}`,
    minutes: `round((extract(epoch FROM (${now} - ${updated})) / 60)::numeric, 1)`,
    extra,
    errorText: errorTextExpression(columns),
    listColumns: [id, ...(columns.status ? [q(columns.status)] : []), q(columns.state), ...(columns.created ? [created] : []), updated, ...extra],
    now,
  };
}

const inFlightLabel = (columns: ResolvedJobColumns) => columns.inFlightStates.join('/') || '(no in-flight state)';

/** The recent-errors filter: an error recorded and the job updated within recentErrorHours. */
function recentErrors(c: JobSql, error: string): string {
  const present = /json/.test(c.columns.errorType ?? '') ? `${error} IS NOT NULL AND jsonb_typeof(${error}::jsonb) <> 'null'` : `${error} IS NOT NULL AND ${error}::text <> ''`;
  return `${present} AND ${c.updated} > ${c.now} - ${Number(c.columns.recentErrorHours)} * interval '1 hour'`;
}

/** The job checks in the order they run; recent-errors and recent-error-jobs need an error column, retry-counts a retry column. */
const JOB_CHECKS = {
  'stuck-jobs': (c: JobSql) => ({
    title: `Jobs in ${inFlightLabel(c.columns)} not updated for ${c.columns.stuckAfterMinutes} minutes${c.columns.checkSuffix ? ` (${c.columns.table})` : ''}`,
    sql: `SELECT ${c.listColumns.join(', ')},
       ${c.minutes} AS minutes_since_update${c.errorText ? `,\n       left(${c.errorText}, 300) AS last_error` : ''}
FROM ${c.table}
WHERE ${c.stuck}
ORDER BY ${c.created} DESC
LIMIT ${c.limit + 1}`,
  }),
  // Every stuck job's id (up to 100,000), so joins with the logs count all of them, not the listed rows.
  'stuck-job-ids': (c: JobSql) => ({
    title: `Ids of every job stuck in ${inFlightLabel(c.columns)}`,
    sql: `SELECT count(*) AS jobs, coalesce(string_agg(${c.id}::text, ',' ORDER BY ${c.id}::text), '') AS ids
FROM (SELECT ${c.id} FROM ${c.table} WHERE ${c.stuck} LIMIT 100000) AS stuck`,
  }),
  'state-distribution': (c: JobSql) => ({
    title: `Jobs by ${c.columns.state}${c.columns.status ? ` and ${c.columns.status}` : ''}`,
    sql: `SELECT ${c.state} AS ${quoteIdent(c.columns.state)}, ${c.columns.status ? `${quoteIdent(c.columns.status)}, ` : ''}count(*) AS jobs,
       count(*) FILTER (WHERE ${c.stuck}) AS stuck,
       min(${c.updated}) AS oldest_update, max(${c.updated}) AS newest_update
FROM ${c.table}
GROUP BY ${c.columns.status ? '1, 2' : '1'}
ORDER BY jobs DESC
LIMIT ${c.limit + 1}`,
  }),
  'stuck-job-age': (c: JobSql) => ({
    title: 'Age of stuck jobs since their last update',
    sql: `SELECT state, count(*) AS jobs,
       min(updated) AS oldest_update, max(updated) AS newest_update,
       round(min(minutes), 1) AS min_minutes, round(avg(minutes), 1) AS avg_minutes,
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY minutes))::numeric, 1) AS median_minutes, round(max(minutes), 1) AS max_minutes,
       count(*) FILTER (WHERE minutes < 240) AS under_4h,
       count(*) FILTER (WHERE minutes >= 240 AND minutes < 1440) AS from_4h_to_24h,
       count(*) FILTER (WHERE minutes >= 1440) AS over_24h
FROM (SELECT ${c.state} AS state, ${c.updated} AS updated, ${c.minutes} AS minutes FROM ${c.table} WHERE ${c.stuck}) stuck
GROUP BY state
ORDER BY jobs DESC`,
  }),
  'recent-errors': (c: JobSql) => {
    if (!c.errorText || !c.columns.error) return undefined;
    const q = quoteIdent;
    const error = q(c.columns.error);
    const kind = /json/.test(c.columns.errorType ?? '') ? `coalesce(${error}::jsonb->>'code', ${error}::jsonb->>'type', ${error}::jsonb->>'error_code', ${error}::jsonb->>'kind')` : 'NULL::text';
    const entitySamples = c.columns.entities
      .map((name) => `,\n       (array_agg(${q(name)}::text ORDER BY updated DESC) FILTER (WHERE ${q(name)} IS NOT NULL))[1:10] AS ${q(`sample_${name}`)}`)
      .join('');
    return {
      title: `Errors of the last ${c.columns.recentErrorHours} hours grouped by normalised ${c.columns.error}`,
      sql: `SELECT normalized_error, error_code, count(*) AS occurrences, count(DISTINCT id) AS jobs,
       min(updated) AS first_seen, max(updated) AS last_seen, min(raw_error) AS sample_error,
       array_agg(DISTINCT state) AS states,
       (array_agg(id::text ORDER BY updated DESC))[1:10] AS sample_ids${entitySamples}
FROM (SELECT ${c.id} AS id, ${c.state} AS state, ${c.updated} AS updated, ${c.columns.entities.map((name) => `${q(name)}, `).join('')}${kind} AS error_code,
             left(${c.errorText}, 300) AS raw_error,
             ${normaliseSql(`left(${c.errorText}, 500)`)} AS normalized_error
      FROM ${c.table}
      WHERE ${recentErrors(c, error)}) errors
GROUP BY normalized_error, error_code
ORDER BY occurrences DESC
LIMIT ${c.limit + 1}`,
    };
  },
  'recent-error-jobs': (c: JobSql) => {
    if (!c.errorText || !c.columns.error) return undefined;
    const q = quoteIdent;
    const error = q(c.columns.error);
    return {
      title: `Jobs with ${c.columns.error} updated in the last ${c.columns.recentErrorHours} hours`,
      sql: `SELECT ${[c.id, ...(c.columns.status ? [q(c.columns.status)] : []), q(c.columns.state), error, c.updated, ...c.extra].join(', ')}
FROM ${c.table}
WHERE ${recentErrors(c, error)}
ORDER BY ${c.updated} DESC
LIMIT ${c.limit + 1}`,
    };
  },
  'retry-counts': (c: JobSql) => {
    if (!c.columns.retry) return undefined;
    const retry = quoteIdent(c.columns.retry);
    return {
      title: `Jobs by ${c.columns.retry}`,
      sql: `SELECT ${retry} AS retries, count(*) AS jobs,
       count(*) FILTER (WHERE ${c.inFlight}) AS in_flight,
       count(*) FILTER (WHERE ${c.stuck}) AS stuck${c.columns.error ? `,\n       count(*) FILTER (WHERE ${quoteIdent(c.columns.error)} IS NOT NULL) AS with_error` : ''},
       max(${c.updated}) AS last_update
FROM ${c.table}
GROUP BY 1
ORDER BY 1 NULLS FIRST
LIMIT ${c.limit + 1}`,
    };
  },
} satisfies CheckSqlTable<'job'>;

/** The job checks that apply to this table. `limit` caps listing rows (one extra row detects truncation). */
export function jobChecksSql(columns: ResolvedJobColumns, asOf: string | undefined, limit: number): CheckSql<CheckIdsOf<'job'>>[] {
  return checksFrom(JOB_CHECKS, [jobSql(columns, asOf, limit)], (check) => jobCheckId(check, columns));
}

/** The error as text: for json(b), the message field (or the whole value); for text, itself. */
function errorTextExpression(columns: ResolvedJobColumns): string | undefined {
  if (!columns.error) return undefined;
  const error = quoteIdent(columns.error);
  if (/json/.test(columns.errorType ?? '')) {
    const value = `${error}::jsonb`;
    return `coalesce(${value}->>'message', ${value}->>'error', ${value}->>'msg', ${value}->>'detail', ${value} #>> '{}')`;
  }
  return `${error}::text`;
}

/** Normalise an error text in SQL: uuids, quoted values, IPv4 addresses, hex words and numbers become placeholders. */
export function normaliseSql(expression: string): string {
  let sql = expression;
  sql = `regexp_replace(${sql}, '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', '<uuid>', 'gi')`;
  sql = `regexp_replace(${sql}, '''[^'']*''|"[^"]*"', '<value>', 'g')`;
  sql = `regexp_replace(${sql}, '\\m[0-9]{1,3}([.][0-9]{1,3}){3}\\M', '<ip>', 'g')`;
  sql = `regexp_replace(${sql}, '\\m0x[0-9a-f]+\\M|\\m[0-9a-f]*[0-9][0-9a-f]*[a-f][0-9a-f]*\\M|\\m[0-9a-f]*[a-f][0-9a-f]*[0-9][0-9a-f]*\\M', '<hex>', 'gi')`;
  // Numbers, but not digits that end an identifier (psycopg2, http2).
  sql = `regexp_replace(${sql}, '(?<![A-Za-z0-9_])[0-9]+([.][0-9]+)?', '<n>', 'g')`;
  return sql;
}

/** The same normalisation in TypeScript (for errors read from logs), kept in step with normaliseSql. */
export function normaliseError(text: string): string {
  return text
    .slice(0, 500)
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/'[^']*'|"[^"]*"/g, '<value>')
    .replace(/\b[0-9]{1,3}([.][0-9]{1,3}){3}\b/g, '<ip>')
    .replace(/\b0x[0-9a-f]+\b|\b[0-9a-f]*[0-9][0-9a-f]*[a-f][0-9a-f]*\b|\b[0-9a-f]*[a-f][0-9a-f]*[0-9][0-9a-f]*\b/gi, '<hex>')
    .replace(/(?<![A-Za-z0-9_])[0-9]+([.][0-9]+)?/g, '<n>');
}
