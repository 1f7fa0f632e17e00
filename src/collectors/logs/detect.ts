// Guesses a log file's format from its first 64 KB: Render JSON, JSON lines, PostgreSQL, syslog, Python, timestamped text, plain.
import { detectPrefix } from './postgres.ts';
import { plainHead, pythonHead, renderTextHead, syslogHead } from './text-formats.ts';

export type LogFormatName = 'render-json' | 'json-lines' | 'postgres' | 'syslog' | 'python' | 'render-text' | 'plain';
export const FORMAT_NAMES: LogFormatName[] = ['render-json', 'json-lines', 'postgres', 'syslog', 'python', 'render-text', 'plain'];

/** Lines of a Python traceback block (indented frames, the header, chained-exception notes, the exception line). */
export const TRACEBACK_BODY = /^\s|^Traceback \(most recent call last\):|^During handling of the above exception|^The above exception was the direct cause|^(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*(?:Error|Exception|Exit|Interrupt|Warning|Violation)(?::|$)/;

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
      return Array.isArray(parsed.logs) ? 'render-json' : 'json-lines';
    } catch {
      return 'render-json';
    }
  }
  const lines = text.split('\n').slice(0, -1).map((line) => line.replace(/\r$/, '')).filter((line) => line.trim().length > 0).slice(0, 200);
  if (lines.length === 0) return 'plain';
  const share = (test: (line: string) => boolean): number => lines.filter(test).length / lines.length;
  const postgres = detectPrefix(lines);
  if (postgres && share((line) => postgres.regex.test(line) || line.startsWith('\t')) >= 0.6) return 'postgres';
  if (share((line) => syslogHead(line) !== null) >= 0.6) return 'syslog';
  // Traceback blocks continue the record before them: their lines do not count against the Python header share.
  const heads = lines.filter((line) => !TRACEBACK_BODY.test(line));
  if (heads.length > 0 && heads.filter((line) => pythonHead(line) !== null).length / heads.length >= 0.3) return 'python';
  if (share((line) => renderTextHead(line) !== null) >= 0.3) return 'render-text';
  return plainHead(lines[0]!) ? 'plain' : 'plain';
}
