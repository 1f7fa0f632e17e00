// Turns driver values (Date, bigint, Buffer, jsonb, arrays) into the JSON-serialisable DbValue of the evidence map.
import type { DbRow, DbValue } from '../../evidence/schema.ts';

/** Text parsers by type OID shared by node-postgres and PGlite: numbers as numbers, times as ISO strings in UTC. */
export const TEXT_PARSERS: Record<number, (text: string) => unknown> = {
  20: parseBigIntText, // int8
  1700: parseNumericText, // numeric
  1114: (text) => timestampToIso(text, false), // timestamp without time zone: read as UTC
  1184: (text) => timestampToIso(text, true), // timestamptz (the session runs with TimeZone=UTC)
};

function parseBigIntText(text: string): number | string {
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : text;
}

/** numeric -> number when it is finite and below 1e15 (report precision), else the exact text. */
function parseNumericText(text: string): number | string {
  const value = Number(text);
  return Number.isFinite(value) && Math.abs(value) < 1e15 ? value : text;
}

/** '2026-11-29 11:03:32.396169+00' -> '2026-11-29T11:03:32.396Z' (infinity and BC dates stay text). */
function timestampToIso(text: string, withZone: boolean): string {
  const match = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(\.\d+)?([+-]\d\d(?::?\d\d)?(?::\d\d)?)?$/.exec(text);
  if (!match) return text;
  const fraction = (match[3] ?? '').slice(0, 4);
  let zone = withZone ? (match[4] ?? 'Z') : 'Z';
  if (/^[+-]\d\d$/.test(zone)) zone += ':00';
  const date = new Date(`${match[1]}T${match[2]}${fraction}${zone}`);
  return Number.isNaN(date.getTime()) ? text : date.toISOString();
}

/** Convert any driver value into a DbValue. */
function toDbValue(value: unknown): DbValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  if (Array.isArray(value)) return value.map(toDbValue);
  if (typeof value === 'object') {
    const out: Record<string, DbValue> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) out[key] = toDbValue(item);
    return out;
  }
  return String(value);
}

export function toDbRow(row: Record<string, unknown>): DbRow {
  const out: DbRow = {};
  for (const [key, value] of Object.entries(row)) out[key] = toDbValue(value);
  return out;
}
