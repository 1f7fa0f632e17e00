// Runs one check through a session and turns the result or the error into a QueryCheck (ok, failed or limited with a note).
import type { CheckSql, DatabaseCheckId, SqlCheck } from '../../evidence/database-checks.ts';
import type { QueryCheck } from '../../evidence/schema.ts';
import type { DbSession, QueryResultRows, SessionLimits } from './session.ts';
import { toDbRow } from './values.ts';

interface PgErrorLike {
  message?: string;
  code?: string;
  detail?: string;
  hint?: string;
}

export interface RunOptions extends SessionLimits {
  maxRows: number;
  untrusted?: boolean;
  role: string;
  secret?: string;
}

/** A query that is no declared check: a custom query of the manifest. */
export interface QuerySql {
  id: string;
  title: string;
  sql: string;
}

/**
 * A declared check's rows come back typed by its declaration (test/collectors/database/check-ids.test.ts holds
 * every check's SQL to it on PostgreSQL 15); a custom query's rows are whatever it selected.
 */
export async function runCheck<K extends DatabaseCheckId>(session: DbSession, check: CheckSql<K>, options: RunOptions): Promise<SqlCheck<K>>;
export async function runCheck(session: DbSession, check: QuerySql, options: RunOptions): Promise<QueryCheck>;
export async function runCheck(session: DbSession, check: QuerySql, options: RunOptions): Promise<QueryCheck> {
  const base = { id: check.id, title: check.title, sql: check.sql };
  if (session.broken()) return { ...base, rows: [], rowCount: 0, truncated: false, status: 'failed', note: 'not run: the connection to the database was lost' };
  try {
    return answered(check, await session.readOnly(check.sql, { untrusted: options.untrusted }), options);
  } catch (error) {
    const { status, note } = describeError(error, options, session.broken());
    return { ...base, rows: [], rowCount: 0, truncated: false, status, note };
  }
}

function answered(check: QuerySql, result: QueryResultRows, options: RunOptions): QueryCheck {
  const truncated = result.rows.length > options.maxRows;
  const rows = result.rows.slice(0, options.maxRows).map(toDbRow);
  return { id: check.id, title: check.title, sql: check.sql, rows, rowCount: rows.length, truncated, status: 'ok' };
}

/**
 * Declared checks that do not depend on each other, in one round trip when the session can (fewer waits for the
 * event loop while logs are read beside). When any of them fails, each runs on its own instead, so every result and
 * error is the check's own, as with runCheck.
 */
export async function runChecks<K extends DatabaseCheckId>(session: DbSession, checks: CheckSql<K>[], options: RunOptions): Promise<SqlCheck<K>[]> {
  if (checks.length > 1 && session.readOnlyBatch && !session.broken()) {
    try {
      const results = await session.readOnlyBatch(checks.map((check) => check.sql));
      if (results.length === checks.length) return checks.map((check, index) => answered(check, results[index]!, options) as SqlCheck<K>);
    } catch {
      // One by one below: each check gets its own result or error.
    }
  }
  const out: SqlCheck<K>[] = [];
  for (const check of checks) out.push(await runCheck(session, check, options));
  return out;
}

/** A failed check: 'limited' when the role lacks a privilege or a feature is missing, else 'failed'. */
export function describeError(error: unknown, options: RunOptions, connectionLost = false): { status: 'failed' | 'limited'; note: string } {
  const err = (error ?? {}) as PgErrorLike;
  const code = err.code;
  let message = `${err.message ?? String(error)}${code ? ` (SQLSTATE ${code})` : ''}`;
  if (err.detail) message += `; ${err.detail}`;
  if (options.secret) message = message.split(options.secret).join('***');
  switch (code) {
    case 'wall-clock-timeout':
      return {
        status: 'failed',
        note: `abandoned: ${err.message ?? 'no answer'} (statementTimeoutMs ${options.statementTimeoutMs} ms plus a grace period); later checks of this source were not run, the evidence so far is kept.`,
      };
    case '42501':
      return { status: 'limited', note: `role "${options.role}" lacks a privilege: ${message}. Grant SELECT on the table (or pg_read_all_data) to include this check.` };
    case '25006':
      return {
        status: 'failed',
        note: `refused: the query tried to write (${message}). fracas runs every query in a READ ONLY transaction, so nothing was changed.`,
      };
    case '57014':
      return { status: 'failed', note: `cancelled by statement_timeout after ${options.statementTimeoutMs} ms (${message}); raise statementTimeoutMs or narrow the query.` };
    case '55P03':
      return {
        status: 'failed',
        note: `gave up after lock_timeout ${options.lockTimeoutMs} ms: another session holds a conflicting lock (e.g. a migration or LOCK TABLE); see blocking-chains and waiting-locks (${message}).`,
      };
    case '42P01':
      return { status: 'failed', note: `a relation does not exist: ${message}` };
    case '42703':
      return { status: 'failed', note: `a column does not exist: ${message}` };
    case '42601':
      return { status: 'failed', note: `not a single valid SQL statement: ${message}` };
    case '55000':
    case '0A000':
      return { status: 'limited', note: `not available on this server: ${message}` };
    default:
      if (connectionLost || !code) return { status: 'failed', note: `the connection failed while running the check: ${message}` };
      return { status: 'failed', note: message };
  }
}
