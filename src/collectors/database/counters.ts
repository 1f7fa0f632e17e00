// Builds the database-counters check from two pg_stat_database snapshots: before, after and their difference.
import type { DbRow, QueryCheck } from '../../evidence/schema.ts';
import { COUNTERS_ID } from './health-checks.ts';

const NOT_COUNTERS = new Set(['database', 'stats_reset', 'taken_at', 'numbackends']);

export function countersCheck(sql: string, first: QueryCheck, second: QueryCheck): QueryCheck {
  const title = 'pg_stat_database counters taken twice (before and after the other checks) and their difference';
  const failed = first.status !== 'ok' ? first : second.status !== 'ok' ? second : undefined;
  if (failed) return { id: COUNTERS_ID, title, sql, rows: [], rowCount: 0, truncated: false, status: failed.status, note: failed.note };
  const before = first.rows[0];
  const after = second.rows[0];
  if (!before || !after) return { id: COUNTERS_ID, title, sql, rows: [], rowCount: 0, truncated: false, status: 'limited', note: 'pg_stat_database has no row for this database' };
  const delta: DbRow = { snapshot: 'delta', database: after.database ?? null };
  for (const [key, value] of Object.entries(after)) {
    if (NOT_COUNTERS.has(key)) continue;
    const earlier = before[key];
    if (typeof value === 'number' && typeof earlier === 'number') delta[key] = Math.round((value - earlier) * 1000) / 1000;
  }
  const seconds = Date.parse(String(after.taken_at)) - Date.parse(String(before.taken_at));
  delta.interval_s = Number.isFinite(seconds) ? Math.round(seconds) / 1000 : null;
  const rows = [{ snapshot: 'before', ...before }, { snapshot: 'after', ...after }, delta];
  const reset = before.stats_reset === after.stats_reset ? undefined : 'statistics were reset between the snapshots; the difference is not meaningful';
  return {
    id: COUNTERS_ID,
    title,
    sql,
    rows,
    rowCount: rows.length,
    truncated: false,
    status: 'ok',
    note: reset ?? 'rows: before, after, delta; counters are cumulative since stats_reset (NULL: never reset)',
  };
}
