// Record headers of the text formats: Render text, RFC 5424 / 3164 syslog, Python logging, plain lines.
import type { Head } from './headed.ts';
import { normalizeLevel, normalizeTimestamp, syslogLevel } from './time.ts';

const STAMP = '(\\d{4}-\\d\\d-\\d\\d[T ]\\d\\d:\\d\\d:\\d\\d(?:[.,]\\d+)?(?:Z|\\s?[+-]\\d\\d:?\\d\\d|\\s[A-Z]{3,4})?)';
const PY_LEVEL = '(DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL|NOTSET)';

const RENDER_TEXT = new RegExp(`^\\[?${STAMP}\\]?\\s+(.*)$`);
const PY_ASCTIME = new RegExp(`^\\[?${STAMP}\\]?\\s+-\\s+(\\S+)\\s+-\\s+${PY_LEVEL}\\s+-\\s+(.*)$`);
const PY_ASCTIME_LEVEL_FIRST = new RegExp(`^\\[?${STAMP}\\]?\\s+\\[?${PY_LEVEL}\\]?\\s+(?:\\[?([\\w.$-]+)\\]?:?\\s+)?(.*)$`);
const PY_BASIC = new RegExp(`^${PY_LEVEL}:([^:\\s]*):(.*)$`);
const SYSLOG_5424 = /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|(?:\[(?:[^\]\\]|\\.)*\])+)(?: (.*))?$/;
const SYSLOG_3164 = /^(?:<(\d{1,3})>)?((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d) (\S+) ([^:[\s]+)(?:\[(\d+)\])?: ?(.*)$/;

/** `YYYY-MM-DD HH:MM:SS  message` (Render text output) and other lines that start with a timestamp. */
export function renderTextHead(text: string): Head | null {
  const match = RENDER_TEXT.exec(text);
  if (!match) return null;
  const timestamp = normalizeTimestamp(match[1]!.replace(',', '.'));
  if (!timestamp) return null;
  const head: Head = { message: match[2]!, timestamp };
  const fields = requestFields(match[2]!);
  if (fields) head.fields = fields;
  return head;
}

/** Render's request lines (`GET /path 503 12ms`) and access-log lines (`"GET /path HTTP/1.1" 200`): method, path, status. */
export function requestFields(message: string): Record<string, string> | undefined {
  const request = REQUEST_LINE.exec(message) ?? ACCESS_LOG.exec(message);
  return request ? { method: request[1]!, path: request[2]!, statusCode: request[3]! } : undefined;
}

const REQUEST_LINE = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (\/\S*) ([1-5]\d\d)\b/;

/** Python logging: `%(asctime)s - %(name)s - %(levelname)s - %(message)s`, `LEVEL:name:message`, `asctime LEVEL name: message`. */
export function pythonHead(text: string): Head | null {
  let match = PY_ASCTIME.exec(text);
  if (match) {
    return { message: match[4]!, timestamp: normalizeTimestamp(match[1]!.replace(',', '.')), level: normalizeLevel(match[3]!), fields: { logger: match[2]! } };
  }
  match = PY_BASIC.exec(text);
  if (match) return { message: match[3]!, level: normalizeLevel(match[1]!), fields: match[2] ? { logger: match[2] } : {} };
  match = PY_ASCTIME_LEVEL_FIRST.exec(text);
  if (match) {
    const fields: Record<string, string> = match[3] ? { logger: match[3] } : {};
    return { message: match[4]!, timestamp: normalizeTimestamp(match[1]!.replace(',', '.')), level: normalizeLevel(match[2]!), fields };
  }
  return null;
}

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

/** RFC 5424 (Render log streams) and RFC 3164 / traditional syslog lines (`<PRI>` optional, year inferred). */
export function syslogHead(text: string, year = new Date().getUTCFullYear(), yearKnown = false): Head | null {
  let match = SYSLOG_5424.exec(text);
  if (match) {
    const pri = Number(match[1]);
    const fields: Record<string, string> = {};
    if (match[3] !== '-') fields.host = match[3]!;
    if (match[4] !== '-') fields.app = match[4]!;
    if (match[5] !== '-') fields.procid = match[5]!;
    if (match[6] !== '-') fields.msgid = match[6]!;
    fields.facility = String(pri >> 3);
    const head: Head = { message: match[8] ?? '', fields };
    const severity = pri & 7;
    // PRI 0 (kern.emerg) is what Render's drain example sends for app output, and 6 is the default: no level then.
    if (pri !== 0 && severity !== 6) head.level = syslogLevel(severity);
    if (match[2] !== '-') head.timestamp = normalizeTimestamp(match[2]!);
    return head;
  }
  match = SYSLOG_3164.exec(text);
  if (match) {
    const [month, day, time] = match[2]!.split(/\s+/);
    const clock = time!.split(':').map(Number) as [number, number, number];
    let ms = Date.UTC(year, MONTHS[month!] ?? 0, Number(day), ...clock);
    // No year in RFC 3164: unless the file's dates told it, a date more than a day ahead of now belongs to last year.
    if (!yearKnown && ms - Date.now() > 86_400_000) ms = Date.UTC(year - 1, MONTHS[month!] ?? 0, Number(day), ...clock);
    const fields: Record<string, string> = { host: match[3]!, app: match[4]! };
    if (match[5]) fields.procid = match[5];
    // rsyslog escapes control characters as #ooo (octal): #011 is a tab.
    const message = match[6]!.indexOf('#011') === -1 ? match[6]! : match[6]!.replace(/#011/g, '\t');
    const head: Head = { message, fields, timestamp: new Date(ms).toISOString() };
    if (match[1] !== undefined) {
      const pri = Number(match[1]);
      if ((pri & 7) !== 6) head.level = syslogLevel(pri & 7);
    }
    return head;
  }
  return null;
}

const PLAIN_LEVEL =
  /^(?:\S+\s+){0,5}?(?:\[(error|warn|warning|notice|info|debug|crit|alert|emerg)\]|\[?(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|CRITICAL|FATAL|SEVERE|VRB|DBG|INF|WRN|ERR|FTL)\]?)(?=[\s:,\]/-]|$)/;

/**
 * Every line is a record, except indented lines, which continue the record before them (Java stack frames,
 * tracebacks, pretty-printed JSON); a level word among the first tokens (INFO, [error], ...) is its level.
 */
export function plainHead(text: string): Head | null {
  if (text.trim().length === 0) return null;
  const first = text.charCodeAt(0);
  if (first === 32 || first === 9) return null;
  const start = text.length > 200 ? text.slice(0, 200) : text;
  const match = PLAIN_LEVEL.exec(start);
  const level = match ? normalizeLevel(match[1] ?? match[2]) : undefined;
  const head: Head = { message: text };
  if (level) head.level = level;
  const timestamp = leadingTimestamp(start) ?? timeAfterLevel(start);
  if (timestamp) head.timestamp = timestamp;
  const fields = requestFields(text);
  if (fields) head.fields = fields;
  return head;
}

/** A level word, then the time (Django's documented `{levelname} {asctime} {module} ...`). */
const LEVEL_BEFORE_TIME = /^\[?(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|CRITICAL|FATAL)\]?:?\s+(?=\[?\d{4}-\d\d-\d\d[T ]\d)/;

function timeAfterLevel(text: string): string | undefined {
  const level = LEVEL_BEFORE_TIME.exec(text);
  return level ? leadingTimestamp(text.slice(level[0].length)) : undefined;
}

/**
 * Lines that start with a time begin records; a line without one continues the record before (a message printed on
 * several lines, an exception's notes after its traceback), as log shippers' multi-line rules read such files.
 */
export function timestampedHead(text: string): Head | null {
  const head = plainHead(text);
  return head?.timestamp === undefined ? null : head;
}

/** Common Log Format request part: "GET /path HTTP/1.1" 200 */
const ACCESS_LOG = /"(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (\S+) HTTP\/[\d.]+" ([1-5]\d\d)\b/;
const CLF_TIME = /\[(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})? ([+-]\d{4})\]/;
const SLASH_TIME = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})/;
const APACHE_TIME = /^\[(?:[A-Z][a-z]{2}) ([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)? (\d{4})\]/;
/** A zone name after the time (UTC, CEST): a whole word of 3 or 4 capitals that is not a level (`2026-12-01 09:30:01,932 INFO` has no zone). */
const ZONE_WORD = '\\s(?!(?:INFO|WARN|CRIT|LOG|DBG|ERR|TRC|FTL|WRN|INF)(?![A-Za-z]))[A-Z]{3,4}(?![A-Za-z])';
/** An ISO-like date and time with an optional zone (not a level word taken for one). */
export const ISO_TIME = `\\d{4}-\\d\\d-\\d\\d[T ]\\d\\d:\\d\\d:\\d\\d(?:[.,]\\d+)?(?:Z|\\s?[+-]\\d\\d:?\\d\\d|${ZONE_WORD})?`;
const ISO_START = new RegExp(`^\\[?(${ISO_TIME})`);

/** A timestamp at (or, for access logs, near) the start of a plain line: ISO, 2026/11/20 08:00:00, [20/Nov/2026:08:00:00 +0000], [Fri Nov 20 08:00:00 2026]. */
export function leadingTimestamp(text: string): string | undefined {
  let match = ISO_START.exec(text);
  if (match) return normalizeTimestamp(match[1]!.replace(',', '.'));
  match = SLASH_TIME.exec(text);
  if (match) return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), Number(match[4]), Number(match[5]), Number(match[6]))).toISOString();
  match = APACHE_TIME.exec(text);
  if (match && MONTHS[match[1]!] !== undefined) return new Date(Date.UTC(Number(match[6]), MONTHS[match[1]!]!, Number(match[2]), Number(match[3]), Number(match[4]), Number(match[5]))).toISOString();
  match = CLF_TIME.exec(text.length > 120 ? text.slice(0, 120) : text);
  if (match && MONTHS[match[2]!] !== undefined) {
    const offset = match[8]!;
    const minutes = (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(3, 5))) * (offset[0] === '-' ? -1 : 1);
    const fraction = match[7] ? Math.round(Number(match[7]) * 1000) : 0;
    const ms = Date.UTC(Number(match[3]), MONTHS[match[2]!]!, Number(match[1]), Number(match[4]), Number(match[5]), Number(match[6]), fraction) - minutes * 60_000;
    return new Date(ms).toISOString();
  }
  return undefined;
}
