// Infers a level (and logfmt/JSON fields) from a message that carries its own, e.g. "ERROR:app:..." or '{"level":"error"}'.
import type { Level, LogRecord } from '../../evidence/schema.ts';
import { normalizeLevel } from './time.ts';

const LEADING_LEVEL = /^\s*\[?(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|CRITICAL|CRIT|FATAL|PANIC|SEVERE)\]?(?=[\s:\]|-])/i;
const NAMED_LEVEL = /^\S+ - (DEBUG|INFO|WARNING|ERROR|CRITICAL) - /;
const LOGFMT_LEVEL = /(?:^|\s)(?:level|lvl|severity)=["']?(\w+)/i;
/** Uncaught exceptions printed by runtimes (Python, Java, Go, Node) without a logger level. */
const UNCAUGHT = /^(?:Traceback \(most recent call last\)|Exception in thread |panic: |Uncaught |Unhandled (?:rejection|exception|promise)|fatal error: )/i;
const JSON_LEVEL = /"(?:level|levelname|severity|lvl)"\s*:\s*"?(\w+)"?/i;

/** A level written inside the message text, or undefined. */
const LEADING_STAMP = /^\[?\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|\s?[+-]\d\d:?\d\d|\s[A-Z]{3,4})?\]?\s+/;

function levelInMessage(message: string): Level | undefined {
  let head = message.length > 300 ? message.slice(0, 300) : message;
  // An application's own timestamp before its level (syslog, Docker, CRI lines carrying app output).
  const code = head.charCodeAt(0);
  if ((code >= 48 && code <= 57) || code === 91) head = head.replace(LEADING_STAMP, '');
  const first = head.charCodeAt(0);
  if (first === 123 /* { */) {
    const match = JSON_LEVEL.exec(head);
    return match ? normalizeLevel(/^\d+$/.test(match[1]!) ? Number(match[1]) : match[1]) : undefined;
  }
  let match = LEADING_LEVEL.exec(head);
  if (match) return normalizeLevel(match[1]!);
  match = NAMED_LEVEL.exec(head);
  if (match) return normalizeLevel(match[1]!);
  if (head.indexOf('=') !== -1) {
    match = LOGFMT_LEVEL.exec(head);
    if (match) return normalizeLevel(match[1]!);
  }
  if (UNCAUGHT.test(head)) return 'error';
  return undefined;
}

/** Fill a record's level from its message when the format gave none. */
export function inferLevel(record: LogRecord): void {
  if (record.level) return;
  const level = levelInMessage(record.message);
  if (level) record.level = level;
}
