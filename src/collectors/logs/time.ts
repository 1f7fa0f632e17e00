// Timestamp and level normalisation: many log spellings in, ISO 8601 UTC and the five fracas levels out.
import type { Level } from '../../evidence/schema.ts';

const ZONES: Record<string, number> = {
  UTC: 0, GMT: 0, Z: 0, UT: 0,
  EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420,
  CET: 60, CEST: 120, WET: 0, WEST: 60, EET: 120, EEST: 180, BST: 60, JST: 540, KST: 540, AEST: 600, AEDT: 660,
};

const ISO_Z = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z$/;
const GENERIC =
  /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?\s*(Z|[+-]\d\d(?::?\d\d)?|[A-Z]{2,5})?$/;

/** Normalise a timestamp string (ISO, `YYYY-MM-DD HH:MM:SS,mmm`, with zone names or offsets) to ISO UTC. */
export function normalizeTimestamp(value: string): string | undefined {
  if (ISO_Z.test(value)) return value.length === 24 ? value : new Date(Date.parse(value)).toISOString();
  const match = GENERIC.exec(value.trim());
  if (match) {
    const [, y, mo, d, h, mi, s, frac, zone] = match;
    let offset = 0;
    if (zone && zone !== 'Z') {
      if (zone[0] === '+' || zone[0] === '-') {
        const digits = zone.slice(1).replace(':', '');
        offset = (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0)) * (zone[0] === '-' ? -1 : 1);
      } else offset = ZONES[zone] ?? 0;
    }
    const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0);
    if (Number.isNaN(ms)) return undefined;
    return new Date(ms - offset * 60_000).toISOString();
  }
  if (/^\d{10}(\.\d+)?$/.test(value)) return new Date(Number(value) * 1000).toISOString();
  if (/^\d{13}$/.test(value)) return new Date(Number(value)).toISOString();
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : new Date(parsed).toISOString();
}

/** Normalise a number (epoch seconds or milliseconds) to ISO UTC. */
export function epochToIso(value: number): string | undefined {
  if (!Number.isFinite(value)) return undefined;
  const ms = value > 1e11 ? value : value * 1000;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

const LEVELS: Record<string, Level> = {
  trace: 'debug', debug: 'debug', debug1: 'debug', debug2: 'debug', debug3: 'debug', debug4: 'debug', debug5: 'debug', verbose: 'debug', silly: 'debug', fine: 'debug', finer: 'debug', finest: 'debug',
  info: 'info', information: 'info', informational: 'info', notice: 'info', log: 'info', http: 'info', i: 'info', d: 'debug', v: 'debug',
  warn: 'warn', warning: 'warn', w: 'warn',
  error: 'error', err: 'error', e: 'error', severe: 'error',
  fatal: 'fatal', critical: 'fatal', crit: 'fatal', panic: 'fatal', emerg: 'fatal', emergency: 'fatal', alert: 'fatal', f: 'fatal',
};

/** Map a level spelling (ERROR, warning, crit, DEBUG2, pino numbers) to a fracas level. */
export function normalizeLevel(value: unknown): Level | undefined {
  if (typeof value === 'number') {
    if (value >= 60) return 'fatal';
    if (value >= 50) return 'error';
    if (value >= 40) return 'warn';
    if (value >= 30) return 'info';
    return 'debug';
  }
  if (typeof value !== 'string' || value.length === 0 || value.length > 16) return undefined;
  const direct = LEVELS[value] ?? LEVELS[value.toLowerCase()];
  if (direct) return direct;
  if (/^\d+$/.test(value)) return normalizeLevel(Number(value));
  return undefined;
}

/** Syslog severity (PRI % 8) to a fracas level. */
export function syslogLevel(severity: number): Level {
  if (severity <= 2) return 'fatal';
  if (severity === 3) return 'error';
  if (severity === 4) return 'warn';
  if (severity === 7) return 'debug';
  return 'info';
}
