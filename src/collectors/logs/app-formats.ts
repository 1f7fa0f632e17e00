// Record headers of application and server text formats: logfmt, Go log, Java logback/log4j2/Spring/Tomcat, Ruby Logger, nginx/Apache error logs, Heroku, pgbouncer.
import type { Head } from './headed.ts';
import { leadingTimestamp } from './text-formats.ts';
import { normalizeLevel, normalizeTimestamp } from './time.ts';

/** Most characters of a line looked at to recognise a header (the rest is message). */
const HEAD_SPAN = 400;
const MAX_PAIRS = 48;

function span(text: string): string {
  return text.length > HEAD_SPAN ? text.slice(0, HEAD_SPAN) : text;
}

/** `key=value key2="quoted value"` pairs; null when the text does not start with a pair. */
function parseLogfmt(text: string): Record<string, string> | null {
  const pairs: Record<string, string> = {};
  let count = 0;
  let index = 0;
  const length = Math.min(text.length, 64 * 1024);
  while (index < length && count < MAX_PAIRS) {
    while (index < length && text.charCodeAt(index) === 32) index++;
    if (index >= length) break;
    const keyStart = index;
    while (index < length && text[index] !== '=' && text.charCodeAt(index) !== 32 && text[index] !== '"') index++;
    const key = text.slice(keyStart, index);
    if (key.length === 0) return count > 0 ? pairs : null;
    if (text[index] !== '=') {
      if (count === 0) return null;
      pairs[key] = 'true';
      count++;
      continue;
    }
    index++;
    let value = '';
    if (text[index] === '"') {
      index++;
      while (index < length && text[index] !== '"') {
        if (text[index] === '\\' && index + 1 < length) {
          const next = text[index + 1]!;
          value += next === 'n' ? '\n' : next === 't' ? '\t' : next;
          index += 2;
        } else value += text[index++];
      }
      index++;
    } else {
      const start = index;
      while (index < length && text.charCodeAt(index) !== 32) index++;
      value = text.slice(start, index);
    }
    pairs[key] = value;
    count++;
  }
  return count > 0 ? pairs : null;
}

const LOGFMT_START = /^[\w.@-]{1,40}=(?:"|\S)/;
const TIME_KEYS = ['ts', 'time', 't', 'timestamp', 'date', '@timestamp'];
const LEVEL_KEYS = ['level', 'lvl', 'severity', 'at', 'loglevel'];
const MESSAGE_KEYS = ['msg', 'message', 'event', 'desc'];

function pick(pairs: Record<string, string>, keys: string[]): [string, string] | undefined {
  for (const key of keys) if (pairs[key] !== undefined && pairs[key] !== '') return [key, pairs[key]!];
  return undefined;
}

/** Fields, time, level and message of a logfmt text (Heroku router lines included: at=error status=503 method= path=). */
function logfmtHead(pairs: Record<string, string>, whole: string): Head {
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(pairs)) fields[key] = value.length > 500 ? value.slice(0, 500) : value;
  const messageEntry = pick(pairs, MESSAGE_KEYS);
  const head: Head = { message: messageEntry ? messageEntry[1] : whole, fields };
  if (messageEntry) delete fields[messageEntry[0]];
  const time = pick(pairs, TIME_KEYS);
  if (time) {
    const value = /^\d{10}(?:\.\d+)?$|^\d{13}$/.test(time[1]) ? time[1] : time[1];
    const timestamp = normalizeTimestamp(value);
    if (timestamp) head.timestamp = timestamp;
  }
  const level = pick(pairs, LEVEL_KEYS);
  const normalized = level ? normalizeLevel(level[1]) : undefined;
  if (normalized) head.level = normalized;
  if (pairs.status && /^[1-5]\d\d$/.test(pairs.status)) fields.statusCode = pairs.status;
  if (pairs.err && messageEntry) head.message = `${head.message}\nerror: ${pairs.err}`;
  else if (pairs.error && messageEntry) head.message = `${head.message}\nerror: ${pairs.error}`;
  return head;
}

/** logfmt (Go kit, logrus text, Heroku router, Grafana stacks): a line of key=value pairs with ts= as the time. */
export function logfmtLineHead(text: string): Head | null {
  if (!LOGFMT_START.test(text)) return null;
  const pairs = parseLogfmt(text);
  if (!pairs || Object.keys(pairs).length < 2) return null;
  return logfmtHead(pairs, text);
}

/** Go `log` default flags (`2009/11/10 23:00:00 message`, optional microseconds and file:line); a `panic:` or `fatal error:` line starts a record too. */
const GO_LOG = /^(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))? (?:([\w./-]+\.go:\d+): )?([\s\S]*)$/;
const GO_PANIC = /^(?:panic: |fatal error: )/;

export function goHead(text: string): Head | null {
  const match = GO_LOG.exec(span(text));
  if (match) {
    const [, y, mo, d, h, mi, s, micro, source] = match;
    const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), micro ? Number(micro.slice(0, 3).padEnd(3, '0')) : 0);
    const message = text.slice(match[0].length - match[9]!.length);
    const head: Head = { message, timestamp: new Date(ms).toISOString(), fields: source ? { source } : {} };
    return head;
  }
  if (GO_PANIC.test(text)) return { message: text, level: 'fatal', fields: { inheritTime: 'previous' } };
  return null;
}

const JAVA_LEVEL = '(TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|SEVERE)';
const ISO = '(\\d{4}-\\d\\d-\\d\\d[ T]\\d\\d:\\d\\d:\\d\\d(?:[.,]\\d{1,9})?(?:Z|[+-]\\d\\d:?\\d\\d)?)';
/** logback / log4j2 default `%d{HH:mm:ss.SSS} [%thread] %-5level %logger{36} - %msg` (and `-%kvp-`, and with a date). */
const JAVA_THREAD_FIRST = new RegExp(`^(?:${ISO}|(\\d\\d:\\d\\d:\\d\\d[.,]\\d{3})) \\[([^\\]]{1,400})\\] ${JAVA_LEVEL}\\s+(\\S{1,200}) -\\S*?- ?`);
const JAVA_THREAD_FIRST_DASH = new RegExp(`^(?:${ISO}|(\\d\\d:\\d\\d:\\d\\d[.,]\\d{3})) \\[([^\\]]{1,400})\\] ${JAVA_LEVEL}\\s+(\\S{1,200}) - `);
/** log4j `%d %-5p [%t] %c: %m` / `%d %-5p [%t] %c - %m`. */
const JAVA_LEVEL_FIRST = new RegExp(`^${ISO}\\s+${JAVA_LEVEL}\\s+\\[([^\\]]{1,400})\\]\\s+(\\S{1,200})(?::| -) `);
/** Spring Boot: `2023-10-12T10:15:30.123+02:00  INFO 12345 --- [app] [main] o.s.b.StartupInfoLogger : Starting`. */
const SPRING = new RegExp(`^${ISO}\\s+${JAVA_LEVEL}\\s+(\\d+) --- (?:\\[[^\\]]{0,120}\\] )?\\[\\s*([^\\]]{0,120})\\] (\\S{1,200})\\s*: `);
/** Tomcat JULI OneLineFormatter: `20-Nov-2025 08:00:00.123 SEVERE [main] org.apache.Class.method message`. */
const TOMCAT = /^(\d\d)-([A-Z][a-z]{2})-(\d{4}) (\d\d:\d\d:\d\d(?:\.\d{1,3})?) (SEVERE|WARNING|INFO|CONFIG|FINE|FINER|FINEST) \[([^\]]{1,120})\] (\S{1,200}) /;
const MONTHS: Record<string, string> = { Jan: '01', Feb: '02', Mar: '03', Apr: '04', May: '05', Jun: '06', Jul: '07', Aug: '08', Sep: '09', Oct: '10', Nov: '11', Dec: '12' };

function javaTime(iso: string | undefined): string | undefined {
  return iso ? normalizeTimestamp(iso.replace(',', '.')) : undefined;
}

export function javaHead(text: string): Head | null {
  const head = span(text);
  let match = JAVA_THREAD_FIRST_DASH.exec(head) ?? JAVA_THREAD_FIRST.exec(head);
  if (match) {
    const result: Head = { message: text.slice(match[0].length), fields: { thread: match[3]!, logger: match[5]! } };
    const level = normalizeLevel(match[4]!);
    if (level) result.level = level;
    const time = javaTime(match[1]);
    if (time) result.timestamp = time;
    return result;
  }
  match = SPRING.exec(head);
  if (match) {
    const result: Head = { message: text.slice(match[0].length), fields: { pid: match[3]!, thread: match[4]!.trim(), logger: match[5]! } };
    const level = normalizeLevel(match[2]!);
    if (level) result.level = level;
    const time = javaTime(match[1]);
    if (time) result.timestamp = time;
    return result;
  }
  match = JAVA_LEVEL_FIRST.exec(head);
  if (match) {
    const result: Head = { message: text.slice(match[0].length), fields: { thread: match[3]!, logger: match[4]! } };
    const level = normalizeLevel(match[2]!);
    if (level) result.level = level;
    const time = javaTime(match[1]);
    if (time) result.timestamp = time;
    return result;
  }
  match = TOMCAT.exec(head);
  if (match && MONTHS[match[2]!]) {
    const result: Head = { message: text.slice(match[0].length), fields: { thread: match[6]!, logger: match[7]! } };
    const level = normalizeLevel(match[5]!);
    if (level) result.level = level;
    const time = normalizeTimestamp(`${match[3]}-${MONTHS[match[2]!]}-${match[1]} ${match[4]}`);
    if (time) result.timestamp = time;
    return result;
  }
  return null;
}

/** Ruby's Logger (Rails): `E, [2025-11-30T08:00:00.123456 #1234] ERROR -- progname: message`. */
const RUBY = /^([DIWEFA]), \[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?) #(\d+)\]\s+(DEBUG|INFO|WARN|ERROR|FATAL|ANY|UNKNOWN) -- ([^:]{0,200}): /;

export function rubyHead(text: string): Head | null {
  const match = RUBY.exec(span(text));
  if (!match) return null;
  const fields: Record<string, string> = { pid: match[3]! };
  if (match[5]!.trim()) fields.progname = match[5]!.trim();
  const result: Head = { message: text.slice(match[0].length), fields };
  const level = match[4] === 'ANY' || match[4] === 'UNKNOWN' ? 'error' : normalizeLevel(match[4]!);
  if (level) result.level = level;
  const time = normalizeTimestamp(match[2]!);
  if (time) result.timestamp = time;
  return result;
}

/** nginx error log: `2025/11/30 08:00:00 [warn] 1234#1234: *5 message, client: 1.2.3.4, server: x, request: "GET / HTTP/1.1"`. */
const NGINX = /^(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d) \[(debug|info|notice|warn|error|crit|alert|emerg)\] (\d+)#(\d+): (?:\*(\d+) )?/;
const NGINX_REQUEST = /, request: "([A-Z]+) (\S+) HTTP\/[\d.]+"/;
const NGINX_PAIRS = /, (client|server|upstream|host): "?([^,"]{1,300})"?/g;

export function nginxErrorHead(text: string): Head | null {
  const match = NGINX.exec(span(text));
  if (!match) return null;
  const [, y, mo, d, h, mi, s, level, pid, tid, connection] = match;
  const fields: Record<string, string> = { pid: pid!, tid: tid! };
  if (connection) fields.connection = connection;
  const message = text.slice(match[0].length);
  const tail = message.length > 2000 ? message.slice(0, 2000) : message;
  const request = NGINX_REQUEST.exec(tail);
  if (request) {
    fields.method = request[1]!;
    fields.path = request[2]!;
  }
  for (const pair of tail.matchAll(NGINX_PAIRS)) fields[pair[1]!] = pair[2]!;
  const result: Head = { message, fields, timestamp: new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s))).toISOString() };
  const normalized = normalizeLevel(level!);
  if (normalized) result.level = normalized;
  return result;
}

/** Apache httpd error log, 2.2 (`[Sun Dec 04 04:47:44 2005] [error] msg`) and 2.4 (`[... 2011] [core:error] [pid 1:tid 2] [client 1.2.3.4:5] AH00128: msg`). */
const APACHE =
  /^\[([A-Z][a-z]{2} [A-Z][a-z]{2} +\d{1,2} \d\d:\d\d:\d\d(?:\.\d+)? \d{4})\] \[(?:([\w-]{1,40}):)?(emerg|alert|crit|error|warn|notice|info|debug|trace\d)\] (?:\[pid (\d+)(?::tid (\d+))?\] )?(?:\[client ([^\]]{1,100})\] )?/;

export function apacheErrorHead(text: string): Head | null {
  const match = APACHE.exec(span(text));
  if (!match) return null;
  const fields: Record<string, string> = {};
  if (match[2]) fields.module = match[2];
  if (match[4]) fields.pid = match[4];
  if (match[5]) fields.tid = match[5];
  if (match[6]) fields.client = match[6];
  const result: Head = { message: text.slice(match[0].length), fields };
  const level = match[3]!.startsWith('trace') ? 'debug' : normalizeLevel(match[3]!);
  if (level) result.level = level;
  const time = leadingTimestamp(`[${match[1]}]`);
  if (time) result.timestamp = time;
  return result;
}

/** Heroku logplex lines: `2025-11-30T08:00:00.123456+00:00 heroku[router]: at=error code=H12 ... status=503` and `app[web.1]: ...`. */
const HEROKU = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) ([\w-]{1,40})\[([\w.-]{1,60})\]: /;

export function herokuHead(text: string): Head | null {
  const match = HEROKU.exec(span(text));
  if (!match) return null;
  const message = text.slice(match[0].length);
  const pairs = LOGFMT_START.test(message) ? parseLogfmt(message) : null;
  const head: Head = pairs && Object.keys(pairs).length >= 3 ? logfmtHead(pairs, message) : { message, fields: {} };
  if (pairs && Object.keys(pairs).length >= 3) head.message = message;
  head.fields = { ...head.fields, source: match[2]!, process: match[3]! };
  if (!head.fields.dyno && match[2] === 'app') head.fields.dyno = match[3]!;
  const time = normalizeTimestamp(match[1]!);
  if (time) head.timestamp = time;
  return head;
}

/** pgbouncer: `2025-11-30 08:00:00.123 UTC [1234] LOG C-0x55d: db/user@1.2.3.4:5432 login attempt` (older: no zone, bare pid). */
const PGBOUNCER =
  /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)(?: ([A-Z]{2,5}|[+-]\d\d(?::?\d\d)?))? \[?(\d+)\]? (NOISE|DEBUG|LOG|INFO|NOTICE|WARNING|ERROR|FATAL) (?:([CS]-0x[0-9a-f]+): (?:([^\s/]{1,100})\/([^\s@]{1,100})@(\S{1,100}) )?)?/;

export function pgbouncerHead(text: string): Head | null {
  const match = PGBOUNCER.exec(span(text));
  if (!match) return null;
  const fields: Record<string, string> = { pid: match[3]!, program: 'pgbouncer' };
  if (match[5]) fields.connection = match[5];
  if (match[6]) fields.database = match[6];
  if (match[7]) fields.user = match[7];
  if (match[8]) fields.remote = match[8];
  const severity = match[4]!;
  const level = severity === 'NOISE' ? 'debug' : normalizeLevel(severity);
  const head: Head = { message: text.slice(match[0].length), fields };
  if (level) head.level = level;
  const time = normalizeTimestamp(match[2] ? `${match[1]} ${match[2]}` : match[1]!);
  if (time) head.timestamp = time;
  return head;
}

/** Lines that continue the record before them in any text format: stack frames, chained causes, Go goroutine traces, Python traceback headers. */
export const CONTINUATION =
  /^(?:[ \t]+\S|Caused by: |Suppressed: |\.\.\. \d+ (?:more|common frames omitted)|goroutine \d+ \[|created by |exit status \d+$|\[signal |Traceback \(most recent call last\)|During handling of the above exception|The above exception was the direct cause)/;
/**
 * An exception's first line (`java.lang.IllegalStateException: ...`, .NET's `System.Net.Http.HttpRequestException: ...`,
 * `ValueError: ...`, Elixir's `** (RuntimeError) ...`): it continues a record only after an error or warning line, or inside a trace.
 */
export const EXCEPTION_LINE = /^(?:(?:[A-Za-z][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable|Failure)(?::|$)|[A-Z]\w*(?:Error|Exception)(?::|$)|\*\* \([A-Z][\w.]*\) )/;
