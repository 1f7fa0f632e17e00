// PostgreSQL server logs (stderr with a log_line_prefix) to LogRecords: DETAIL/HINT/CONTEXT/STATEMENT and TAB lines join their record.
//
// For other modules (database analysis, issue 3): call `parsePostgresLog(text, { prefix })` on a whole log text, or
// `postgresRecords(chunks, { prefix })` on a stream of text/Buffer chunks (bounded memory). Each LogRecord has
// `message` = the primary message followed by its `DETAIL:  ...`, `HINT:  ...`, `CONTEXT:  ...`, `STATEMENT:  ...`
// lines (TAB continuation lines joined with \n), and `fields`: `severity` (LOG, ERROR, FATAL, PANIC, WARNING, ...),
// `pid`, `user`, `database`, `sqlstate` (only when the prefix has %e), `application`, `remote`, `session`,
// plus `detail`, `hint`, `context`, `statement` (the text of those follow-up lines). Without a prefix the
// common ones ('%m [%p] %q%u@%d ', '%m [%p] ', pgBadger's ...) are tried and the best match is used; lines that
// do not fit it (the prefix changed at a restart) are read by a generic `time [pid] user@db key=value SEVERITY:` rule.
// `createPostgresParser(options, sink)` is the push-style parser both use (also reports unparsed lines).
import type { LogRecord } from '../../evidence/schema.ts';
import { MAX_CONTINUATION_LINES, appendLine, type LineParser, type RecordSink } from './types.ts';
import { normalizeLevel, normalizeTimestamp } from './time.ts';

const SEVERITY = '(DEBUG[1-5]|LOG|INFO|NOTICE|WARNING|ERROR|FATAL|PANIC|DETAIL|HINT|CONTEXT|STATEMENT|QUERY|LOCATION)';
const FOLLOW_UPS = new Set(['DETAIL', 'HINT', 'CONTEXT', 'STATEMENT', 'QUERY', 'LOCATION']);
const TIME = '(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?(?: [A-Za-z]{1,6}|[+-]\\d\\d(?::?\\d\\d)?)?)';

/** Prefixes tried when none is given, most specific first. */
const COMMON_PREFIXES = [
  '%m [%p] %q%u@%d %e ',
  '%m [%p] %q%u@%d ',
  '%t [%p] %q%u@%d ',
  '%m [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ',
  '%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ',
  '%t [%p]: [%l-1] user=%u,db=%d ',
  '%m [%p]: [%l-1] ',
  '%t [%p]: [%l-1] ',
  '%m [%p] ',
  '%t [%p] ',
  '%m ',
  '%t ',
];

const PLACEHOLDERS: Record<string, { pattern: string; field?: string }> = {
  a: { pattern: '(.*?)', field: 'application' },
  u: { pattern: '(\\S*?)', field: 'user' },
  d: { pattern: '(\\S*?)', field: 'database' },
  r: { pattern: '(\\S*?)', field: 'remote' },
  h: { pattern: '(\\S*?)', field: 'remote' },
  b: { pattern: '(.*?)', field: 'backendType' },
  p: { pattern: '(\\d+)', field: 'pid' },
  P: { pattern: '(\\d*)', field: 'leaderPid' },
  t: { pattern: TIME, field: '@time' },
  m: { pattern: TIME, field: '@time' },
  n: { pattern: '(\\d+(?:\\.\\d+)?)', field: '@epoch' },
  i: { pattern: '(.*?)', field: 'commandTag' },
  e: { pattern: '([0-9A-Z]{5})', field: 'sqlstate' },
  c: { pattern: '([0-9a-f]+\\.[0-9a-f]+)', field: 'session' },
  l: { pattern: '(\\d+)', field: 'lineInSession' },
  s: { pattern: TIME },
  v: { pattern: '(\\S*?)', field: 'vxid' },
  x: { pattern: '(\\d+)', field: 'xid' },
  Q: { pattern: '(-?\\d+)', field: 'queryId' },
};

export interface CompiledPrefix {
  prefix: string;
  regex: RegExp;
  /** Field name per capture group (index 0 = group 1); the last two groups are severity and message. */
  fields: (string | undefined)[];
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Compile a log_line_prefix into a regex for the first line of a log entry. */
export function compilePrefix(prefix: string): CompiledPrefix {
  let pattern = '^';
  let optionalOpen = false;
  const fields: (string | undefined)[] = [];
  for (let index = 0; index < prefix.length; index++) {
    const char = prefix[index]!;
    if (char !== '%') {
      pattern += char === ' ' ? ' +' : escapeRegex(char);
      continue;
    }
    let next = index + 1;
    while (next < prefix.length && /[-0-9]/.test(prefix[next]!)) next++;
    const code = prefix[next];
    index = next;
    if (code === undefined) break;
    if (code === '%') pattern += '%';
    else if (code === 'q') {
      pattern += '(?:';
      optionalOpen = true;
    } else {
      const placeholder = PLACEHOLDERS[code];
      if (!placeholder) pattern += escapeRegex(`%${code}`);
      else {
        pattern += placeholder.pattern;
        fields.push(placeholder.field);
      }
    }
  }
  if (optionalOpen) pattern += ')?';
  pattern += `${SEVERITY}: {1,2}(.*)$`;
  return { prefix, regex: new RegExp(pattern), fields };
}

/** Pick the common prefix that matches most of the sample lines (null when none matches any). */
export function detectPrefix(sample: string[]): CompiledPrefix | null {
  let best: CompiledPrefix | null = null;
  let bestScore = 0;
  for (const prefix of COMMON_PREFIXES) {
    const compiled = compilePrefix(prefix);
    let score = 0;
    for (const line of sample) if (compiled.regex.test(line)) score++;
    if (score > bestScore) {
      best = compiled;
      bestScore = score;
    }
  }
  return best;
}

export interface ParsedLine {
  fields: Record<string, string>;
  time?: string;
  severity: string;
  message: string;
}

function parseWithPrefix(compiled: CompiledPrefix, text: string): ParsedLine | null {
  const match = compiled.regex.exec(text);
  if (!match) return null;
  const fields: Record<string, string> = {};
  let time: string | undefined;
  const groups = compiled.fields;
  for (let index = 0; index < groups.length; index++) {
    const name = groups[index];
    const value = match[index + 1];
    if (!name || value === undefined || value === '') continue;
    if (name === '@time') time = normalizeTimestamp(value);
    else if (name === '@epoch') time = new Date(Number(value) * 1000).toISOString();
    else fields[name] = value;
  }
  return { fields, ...(time ? { time } : {}), severity: match[groups.length + 1]!, message: match[groups.length + 2] ?? '' };
}

const GENERIC_LINE = new RegExp(`^${TIME}\\s*(?:\\[(\\d+)\\]|(\\d+))?:?\\s*(?:\\[\\d+-\\d+\\]:?\\s*)?(.*?)\\b${SEVERITY}: {1,2}(.*)$`);
const KEY_VALUE = /\b(user|usr|db|database|app|application_name|client|host|remote|e|sqlstate|session|xid)=([^,\s]*)/g;
const KEY_NAMES: Record<string, string> = {
  user: 'user',
  usr: 'user',
  db: 'database',
  database: 'database',
  app: 'application',
  application_name: 'application',
  client: 'remote',
  host: 'remote',
  remote: 'remote',
  e: 'sqlstate',
  sqlstate: 'sqlstate',
  session: 'session',
  xid: 'xid',
};

/**
 * A line whose prefix is not the configured one (log_line_prefix changed and the server restarted): a timestamp,
 * a [pid], then `user@db` and/or `key=value` items before the severity.
 */
export function parseGenericLine(text: string): ParsedLine | null {
  const match = GENERIC_LINE.exec(text);
  if (!match) return null;
  const fields: Record<string, string> = {};
  const pid = match[2] ?? match[3];
  if (pid) fields.pid = pid;
  const middle = match[4] ?? '';
  const at = /(?:^|\s)([^\s@=,]*)@([^\s@=,]*)(?=\s|$)/.exec(middle);
  if (at) {
    if (at[1]) fields.user = at[1];
    if (at[2]) fields.database = at[2];
  }
  for (const pair of middle.matchAll(KEY_VALUE)) {
    const name = KEY_NAMES[pair[1]!];
    if (name && pair[2] && !(name === 'sqlstate' && !/^[0-9A-Z]{5}$/.test(pair[2]))) fields[name] = pair[2];
  }
  const time = normalizeTimestamp(match[1]!);
  return { fields, ...(time ? { time } : {}), severity: match[5]!, message: match[6] ?? '' };
}

interface Pending {
  record: LogRecord;
  pid: string;
  lastLine: number;
  closed: boolean;
  extra: number;
}

/** How many lines a record stays open for follow-up lines from its pid. */
export const FOLLOW_UP_WINDOW = 200;

/** How the parser takes a line: a TAB continuation, a follow-up (DETAIL, STATEMENT, ...) of some record, a record's first line (with its pid, '' when the prefix has none), or neither. */
export type PostgresLineKind = { kind: 'tab' | 'none' } | { kind: 'follow-up' | 'record'; pid: string };

export function postgresLineKind(compiled: CompiledPrefix, text: string): PostgresLineKind {
  if (text.length === 0) return { kind: 'none' };
  if (text.charCodeAt(0) === 9) return { kind: 'tab' };
  const parsed = parsePostgresLine(compiled, text);
  if (!parsed) return { kind: 'none' };
  return { kind: FOLLOW_UPS.has(parsed.severity) ? 'follow-up' : 'record', pid: parsed.fields.pid ?? '' };
}

function parsePostgresLine(compiled: CompiledPrefix, text: string): ParsedLine | null {
  return parseWithPrefix(compiled, text) ?? parseGenericLine(text);
}

export interface PostgresParserOptions {
  file: string;
  /** log_line_prefix; detected from the first lines when absent. */
  prefix?: string;
}

/** A line parser for PostgreSQL stderr logs; records are emitted in the order their first line appeared. */
export function createPostgresParser(options: PostgresParserOptions, sink: RecordSink): LineParser & { prefix(): string | undefined } {
  let compiled: CompiledPrefix | null = options.prefix ? compilePrefix(options.prefix) : null;
  const sample: { text: string; lineNumber: number }[] = [];
  const queue: Pending[] = [];
  const byPid = new Map<string, Pending>();
  let head = 0;
  let last: Pending | undefined;

  const flush = (lineNumber: number, all: boolean): void => {
    while (head < queue.length) {
      const entry = queue[head]!;
      if (!all && !entry.closed && lineNumber - entry.lastLine <= FOLLOW_UP_WINDOW) break;
      if (byPid.get(entry.pid) === entry) byPid.delete(entry.pid);
      if (last === entry) last = undefined;
      queue[head] = undefined as unknown as Pending;
      head++;
      sink.record(entry.record);
    }
    if (head > 1024 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
  };

  const handle = (text: string, lineNumber: number): void => {
    if (text.length === 0) return;
    if (text.charCodeAt(0) === 9) {
      if (last && last.extra < MAX_CONTINUATION_LINES) {
        const content = text.slice(1);
        appendLine(last.record, content);
        const section = last.record.fields['@section'];
        if (section) last.record.fields[section] = `${last.record.fields[section] ?? ''}\n${content}`;
        last.lastLine = lineNumber;
        last.extra++;
      } else sink.unparsed(lineNumber, 'orphan-continuation', text);
      return;
    }
    const parsed = parsePostgresLine(compiled!, text);
    if (!parsed) {
      sink.unparsed(lineNumber, 'no-postgres-prefix', text);
      return;
    }
    const { fields, time, severity, message } = parsed;
    const pid = fields.pid ?? '';
    if (FOLLOW_UPS.has(severity)) {
      const owner = (pid ? byPid.get(pid) : undefined) ?? last;
      if (owner && !owner.closed && owner.extra < MAX_CONTINUATION_LINES) {
        appendLine(owner.record, `${severity}:  ${message}`);
        const key = severity.toLowerCase();
        owner.record.fields[key] = owner.record.fields[key] ? `${owner.record.fields[key]}\n${message}` : message;
        owner.record.fields['@section'] = key;
        owner.lastLine = lineNumber;
        owner.extra++;
        last = owner;
        return;
      }
    }
    const previous = pid ? byPid.get(pid) : undefined;
    if (previous) previous.closed = true;
    fields.severity = severity;
    const record: LogRecord = { file: options.file, line: lineNumber, message, fields };
    if (time) record.timestamp = time;
    const level = normalizeLevel(severity);
    if (level) record.level = level;
    const entry: Pending = { record, pid, lastLine: lineNumber, closed: false, extra: 0 };
    queue.push(entry);
    if (pid) byPid.set(pid, entry);
    last = entry;
    flush(lineNumber, false);
  };

  const clean = (record: LogRecord): void => {
    delete record.fields['@section'];
  };
  const outer = sink.record.bind(sink);
  sink = {
    record: (record) => {
      clean(record);
      outer(record);
    },
    unparsed: sink.unparsed.bind(sink),
  };

  const drainSample = (): void => {
    if (!compiled) compiled = detectPrefix(sample.map((entry) => entry.text)) ?? compilePrefix('%m [%p] ');
    for (const entry of sample) handle(entry.text, entry.lineNumber);
    sample.length = 0;
  };

  return {
    line(text, lineNumber) {
      if (compiled) handle(text, lineNumber);
      else {
        sample.push({ text, lineNumber });
        if (sample.length >= 200) drainSample();
      }
    },
    end() {
      if (!compiled || sample.length > 0) drainSample();
      flush(Number.MAX_SAFE_INTEGER, true);
    },
    prefix: () => compiled?.prefix,
  };
}

/** Split text (string or Buffer chunks) into lines without holding more than one partial line. */
async function* linesOf(chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>): AsyncIterable<string> {
  const decoder = new TextDecoder();
  let rest = '';
  for await (const chunk of chunks) {
    rest += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    let newline = rest.indexOf('\n', start);
    while (newline !== -1) {
      yield rest.slice(start, newline);
      start = newline + 1;
      newline = rest.indexOf('\n', start);
    }
    rest = rest.slice(start);
  }
  rest += decoder.decode();
  if (rest.length > 0) yield rest;
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** Parse a whole PostgreSQL log text into records (unparsed lines are skipped; see createPostgresParser to see them). */
export function parsePostgresLog(text: string, options: { prefix?: string; file?: string } = {}): LogRecord[] {
  const records: LogRecord[] = [];
  const parser = createPostgresParser(
    { file: options.file ?? 'postgresql.log', prefix: options.prefix },
    {
      record: (record) => records.push(record),
      unparsed: () => undefined,
    },
  );
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (const [index, line] of lines.entries()) parser.line(stripCr(line), index + 1);
  parser.end();
  return records;
}

/** Stream PostgreSQL log records from text or byte chunks (e.g. fs.createReadStream). */
export async function* postgresRecords(chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>, options: { prefix?: string; file?: string } = {}): AsyncIterable<LogRecord> {
  const ready: LogRecord[] = [];
  const parser = createPostgresParser(
    { file: options.file ?? 'postgresql.log', prefix: options.prefix },
    {
      record: (record) => ready.push(record),
      unparsed: () => undefined,
    },
  );
  let lineNumber = 0;
  for await (const line of linesOf(chunks)) {
    parser.line(stripCr(line), ++lineNumber);
    while (ready.length > 0) yield ready.shift()!;
  }
  parser.end();
  yield* ready;
}
