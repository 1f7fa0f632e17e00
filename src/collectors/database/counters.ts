// Builds the database-counters check from two pg_stat_database snapshots: before, after and their difference.
import type { CheckRow, CheckSql, SqlCheck, TypedCheck } from '../../evidence/database-checks.ts';

const NOT_COUNTERS = new Set(['database', 'stats_reset', 'taken_at', 'numbackends']);

/** The check as the evidence keeps it: both snapshots of `snapshot` (run twice) and their difference. */
export function countersCheck(snapshot: CheckSql<'database-counters'>, first: SqlCheck<'database-counters'>, second: SqlCheck<'database-counters'>): TypedCheck<'database-counters'> {
  const { check: id, sql } = snapshot;
  const title = 'pg_stat_database counters taken twice (before and after the other checks) and their difference';
  const failed = first.status !== 'ok' ? first : second.status !== 'ok' ? second : undefined;
  if (failed) return { id, title, sql, rows: [], rowCount: 0, truncated: false, status: failed.status, note: failed.note };
  const before = first.rows[0];
  const after = second.rows[0];
  if (!before || !after) return { id, title, sql, rows: [], rowCount: 0, truncated: false, status: 'limited', note: 'pg_stat_database has no row for this database' };
  const delta: CheckRow<'database-counters'> = { snapshot: 'delta', database: after.database ?? null };
  const earlierRow: Record<string, unknown> = before;
  for (const [key, value] of Object.entries(after) as [keyof CheckRow<'database-counters'>, unknown][]) {
    if (NOT_COUNTERS.has(key)) continue;
    const earlier = earlierRow[key];
    if (typeof value === 'number' && typeof earlier === 'number') delta[key] = Math.round((value - earlier) * 1000) / 1000;
  }
  const seconds = Date.parse(String(after.taken_at)) - Date.parse(String(before.taken_at));
  delta.interval_s = Number.isFinite(seconds) ? Math.round(seconds) / 1000 : null;
  const rows = [{ snapshot: 'before', ...before }, { snapshot: 'after', ...after }, delta];
  const reset = before.stats_reset === after.stats_reset ? undefined : 'statistics were reset between the snapshots; the difference is not meaningful';
  return {
    id,
    title,
    sql,
    rows,
    rowCount: rows.length,
    truncated: false,
    status: 'ok',
    note: reset ?? 'rows: before, after, delta; counters are cumulative since stats_reset (NULL: never reset)',
  };
}
