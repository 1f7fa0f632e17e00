// Guesses a log file's format from its first 64 KB: JSON (Render, JSON lines and their wrappers), PostgreSQL, syslog, CRI, server and application text formats, timestamped or plain lines.
import { detectPrefix, parseGenericLine } from './postgres.ts';
import { leadingTimestamp, pythonHead, renderTextHead, syslogHead } from './text-formats.ts';
import { apacheErrorHead, CONTINUATION, EXCEPTION_LINE, goHead, herokuHead, javaHead, logfmtLineHead, nginxErrorHead, pgbouncerHead, rubyHead } from './app-formats.ts';
import { accessLogHead } from './access-log.ts';
import { CRI_LINE } from './cri.ts';
import { isPostgresSyslog } from './syslog.ts';
import type { Head } from './headed.ts';

export type LogFormatName =
  | 'render-json'
  | 'json-lines'
  | 'docker-json'
  | 'journald-json'
  | 'cloud-logging-json'
  | 'postgres'
  | 'postgres-syslog'
  | 'syslog'
  | 'cri'
  | 'heroku'
  | 'access-log'
  | 'nginx-error'
  | 'apache-error'
  | 'ruby'
  | 'pgbouncer'
  | 'java'
  | 'go'
  | 'logfmt'
  | 'python'
  | 'render-text'
  | 'timestamped'
  | 'plain';
export const FORMAT_NAMES: LogFormatName[] = [
  'render-json',
  'json-lines',
  'docker-json',
  'journald-json',
  'cloud-logging-json',
  'postgres',
  'postgres-syslog',
  'syslog',
  'cri',
  'heroku',
  'access-log',
  'nginx-error',
  'apache-error',
  'ruby',
  'pgbouncer',
  'java',
  'go',
  'logfmt',
  'python',
  'render-text',
  'timestamped',
  'plain',
];
/** Formats read by the JSON-lines reader (the name says what detection saw). */
export const JSON_LINE_FORMATS = new Set<string>(['json-lines', 'docker-json', 'journald-json', 'cloud-logging-json']);

/** Line-header formats tried in order, with the share of (non-continuation) lines their header must match: lower for headers too specific to match by chance (multi-line messages lower the share). */
const TEXT_FORMATS: [LogFormatName, (line: string) => Head | null, number][] = [
  ['cri', (line) => (CRI_LINE.test(line) ? { message: '' } : null), 0.6],
  ['heroku', herokuHead, 0.4],
  ['access-log', accessLogHead, 0.6],
  ['nginx-error', nginxErrorHead, 0.4],
  ['apache-error', apacheErrorHead, 0.4],
  ['ruby', rubyHead, 0.4],
  ['pgbouncer', pgbouncerHead, 0.4],
  ['java', javaHead, 0.4],
  ['go', goHead, 0.6],
  ['logfmt', logfmtLineHead, 0.6],
];

function jsonFlavor(object: Record<string, unknown>): LogFormatName {
  if (typeof object.log === 'string' && typeof object.stream === 'string') return 'docker-json';
  if (typeof object.MESSAGE === 'string' || typeof object.__REALTIME_TIMESTAMP === 'string') return 'journald-json';
  if ('textPayload' in object || 'jsonPayload' in object || (typeof object.logName === 'string' && 'resource' in object)) return 'cloud-logging-json';
  return 'json-lines';
}

export function detectFormat(head: string): LogFormatName {
  const text = head.replace(/^\uFEFF/, '');
  const firstNonSpace = text.search(/\S/);
  if (firstNonSpace === -1) return 'plain';
  const first = text[firstNonSpace];
  if (first === '[') {
    const next = text.slice(firstNonSpace + 1).search(/\S/);
    const after = text[firstNonSpace + 1 + next];
    if (after === '{' || after === ']') return 'render-json';
  }
  if (first === '{') {
    const lineEnd = text.indexOf('\n', firstNonSpace);
    const firstLine = text.slice(firstNonSpace, lineEnd === -1 ? undefined : lineEnd).trim();
    try {
      const parsed = JSON.parse(firstLine) as Record<string, unknown>;
      if (Array.isArray(parsed.logs) || Array.isArray(parsed.events) || Array.isArray(parsed.entries)) return 'render-json';
      return jsonFlavor(parsed);
    } catch {
      return 'render-json';
    }
  }
  // The last line of a 64 KB head may be cut: left out unless the head is the whole (short) file.
  const all = text.split('\n');
  const lines = (text.length < 60_000 ? all : all.slice(0, -1))
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line.trim().length > 0)
    .slice(0, 200);
  if (lines.length === 0) return 'plain';
  const share = (test: (line: string) => boolean, of: string[] = lines): number => (of.length === 0 ? 0 : of.filter(test).length / of.length);
  const postgres = detectPrefix(lines);
  // A prefix not among the common ones still has `time [pid] ... SEVERITY:  ` (what the generic rule reads).
  if (postgres && share((line) => postgres.regex.test(line) || line.startsWith('\t') || parseGenericLine(line.length > 2000 ? line.slice(0, 2000) : line) !== null) >= 0.6) return 'postgres';
  const syslog = lines.map((line) => syslogHead(line));
  if (syslog.filter((parsed) => parsed !== null).length / lines.length >= 0.6) {
    return syslog.filter((parsed) => isPostgresSyslog(parsed)).length / lines.length >= 0.5 ? 'postgres-syslog' : 'syslog';
  }
  // Stack frames, causes and exception lines continue records in every format: they do not count against a header.
  const heads = lines.filter((line) => !CONTINUATION.test(line) && !EXCEPTION_LINE.test(line));
  for (const [name, parse, threshold] of TEXT_FORMATS) if (share((line) => parse(line) !== null, heads) >= threshold) return name;
  if (share((line) => pythonHead(line) !== null) >= 0.3) return 'python';
  if (share((line) => renderTextHead(line) !== null) >= 0.3) return 'render-text';
  // Most lines start with a time: the ones that do not belong to the record before (multi-line messages lower the share).
  if (share((line) => leadingTimestamp(line.length > 200 ? line.slice(0, 200) : line) !== undefined, heads) >= 0.5) return 'timestamped';
  return 'plain';
}
