// Timestamp and level normalisation: many log spellings in, ISO 8601 UTC and the five fracas levels out.
import { DateTime } from 'luxon';
import type { Level } from '../../evidence/schema.ts';

/**
 * Zone abbreviations with one meaning in practice (CST, IST and others name several zones and are left out): each
 * is the IANA zone or fixed offset luxon resolves. An abbreviation not listed makes the time unknown, never UTC.
 */
const ABBREVIATIONS: Record<string, string> = {
  UTC: 'UTC',
  GMT: 'UTC',
  Z: 'UTC',
  UT: 'UTC',
  EST: 'UTC-5',
  EDT: 'UTC-4',
  CDT: 'UTC-5',
  MST: 'UTC-7',
  MDT: 'UTC-6',
  PST: 'UTC-8',
  PDT: 'UTC-7',
  AKST: 'UTC-9',
  AKDT: 'UTC-8',
  HST: 'UTC-10',
  CET: 'UTC+1',
  CEST: 'UTC+2',
  WET: 'UTC',
  WEST: 'UTC+1',
  EET: 'UTC+2',
  EEST: 'UTC+3',
  BST: 'UTC+1',
  MSK: 'UTC+3',
  JST: 'UTC+9',
  KST: 'UTC+9',
  HKT: 'UTC+8',
  SGT: 'UTC+8',
  AEST: 'UTC+10',
  AEDT: 'UTC+11',
  ACST: 'UTC+9:30',
  AWST: 'UTC+8',
  NZST: 'UTC+12',
  NZDT: 'UTC+13',
};

const ISO_Z = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z$/;
const GENERIC = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?\s*(Z|[+-]\d\d(?::?\d\d)?|[A-Z]{2,5}|[A-Za-z]+(?:\/[A-Za-z0-9_+-]+){1,2})?$/;

/** Normalise a timestamp string (ISO, `YYYY-MM-DD HH:MM:SS,mmm`, with zone names or offsets) to ISO UTC. */
export function normalizeTimestamp(value: string): string | undefined {
  if (ISO_Z.test(value)) return value.length === 24 ? value : new Date(Date.parse(value)).toISOString();
  const match = GENERIC.exec(value.trim());
  if (match) {
    const [, y, mo, d, h, mi, s, frac, zone] = match;
    const parts = { year: Number(y), month: Number(mo), day: Number(d), hour: Number(h), minute: Number(mi), second: Number(s), millisecond: frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0 };
    if (!zone || zone === 'Z' || zone[0] === '+' || zone[0] === '-') {
      let offset = 0;
      if (zone && zone !== 'Z') {
        const digits = zone.slice(1).replace(':', '');
        offset = (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0)) * (zone[0] === '-' ? -1 : 1);
      }
      const ms = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second, parts.millisecond);
      return Number.isNaN(ms) ? undefined : new Date(ms - offset * 60_000).toISOString();
    }
    const named = DateTime.fromObject(parts, { zone: ABBREVIATIONS[zone] ?? (zone.includes('/') ? zone : 'unknown/zone') });
    return named.isValid ? (named.toUTC().toISO() ?? undefined) : undefined;
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
  trace: 'debug',
  debug: 'debug',
  debug1: 'debug',
  debug2: 'debug',
  debug3: 'debug',
  debug4: 'debug',
  debug5: 'debug',
  verbose: 'debug',
  silly: 'debug',
  fine: 'debug',
  finer: 'debug',
  finest: 'debug',
  info: 'info',
  information: 'info',
  informational: 'info',
  notice: 'info',
  log: 'info',
  http: 'info',
  i: 'info',
  d: 'debug',
  v: 'debug',
  warn: 'warn',
  warning: 'warn',
  w: 'warn',
  error: 'error',
  err: 'error',
  e: 'error',
  severe: 'error',
  fatal: 'fatal',
  critical: 'fatal',
  crit: 'fatal',
  panic: 'fatal',
  emerg: 'fatal',
  emergency: 'fatal',
  alert: 'fatal',
  f: 'fatal',
  // Serilog's and Microsoft.Extensions.Logging's three-letter levels (`{Level:u3}`: VRB DBG INF WRN ERR FTL), zerolog's console (TRC WRN FTL).
  vrb: 'debug',
  dbg: 'debug',
  trc: 'debug',
  inf: 'info',
  wrn: 'warn',
  ftl: 'fatal',
  crt: 'fatal',
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
