// Infers a level (and logfmt/JSON fields) from a message that carries its own, e.g. "ERROR:app:..." or '{"level":"error"}'.
import type { Level, LogRecord } from '../../evidence/schema.ts';
import { normalizeLevel } from './time.ts';
import { ISO_TIME } from './text-formats.ts';

/** A level first, after a `[pid]` (gunicorn's `[%(process)d] [%(levelname)s]`) or a channel (Monolog's `%channel%.%level_name%:`). */
const LEADING_LEVEL = /^\s*(?:\[\d+\]\s+)?(?:[a-z][\w-]*\.)?\[?(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|CRITICAL|CRIT|FATAL|PANIC|SEVERE|EMERGENCY|ALERT)\]?(?=[\s:\]|-])/i;
const NAMED_LEVEL = /^\S+ - (DEBUG|INFO|WARNING|ERROR|CRITICAL) - /;
const LOGFMT_LEVEL = /(?:^|\s)(?:level|lvl|severity)=["']?(\w+)/i;
/** Uncaught exceptions printed by runtimes (Python, Java, Go, Node) without a logger level. */
const UNCAUGHT = /^(?:Traceback \(most recent call last\)|Exception in thread |panic: |Uncaught |Unhandled (?:rejection|exception|promise)|fatal error: )/i;
/** Ruby's Logger (`E, [2026-03-04T10:00:00.123456 #4] ERROR -- : ...`) and Sidekiq (`pid=8 tid=1xk class=Job jid=... WARN: ...`) inside another format's line. */
const RUBY_LEVEL = /^[DIWEFAU], \[[^\]]{10,40}\]\s+(DEBUG|INFO|WARN|ERROR|FATAL|ANY|UNKNOWN) -- /;
/** Celery's default `[%(asctime)s: %(levelname)s/%(processName)s] %(message)s`. */
const CELERY_LEVEL = /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}: (DEBUG|INFO|WARNING|ERROR|CRITICAL)\/[\w.-]+\] /;
const SIDEKIQ_LEVEL = /^pid=\d+ tid=\w+(?: [\w.]+=\S+){0,8} (DEBUG|INFO|WARN|ERROR|FATAL): /;
const JSON_LEVEL = /"(?:level|levelname|severity|lvl)"\s*:\s*"?(\w+)"?/i;

/** A level written inside the message text, or undefined. */
const LEADING_STAMP = new RegExp(`^\\[?${ISO_TIME}\\]?\\s+`);

function levelInMessage(message: string): Level | undefined {
  let head = message.length > 300 ? message.slice(0, 300) : message;
  // An application's own timestamp before its level (syslog, Docker, CRI lines carrying app output).
  const code = head.charCodeAt(0);
  if (code === 91) {
    const celery = CELERY_LEVEL.exec(head);
    if (celery) return normalizeLevel(celery[1]!);
  }
  if ((code >= 48 && code <= 57) || code === 91) head = head.replace(LEADING_STAMP, '');
  const first = head.charCodeAt(0);
  if (first === 123 /* { */) {
    const match = JSON_LEVEL.exec(head);
    return match ? normalizeLevel(/^\d+$/.test(match[1]!) ? Number(match[1]) : match[1]) : undefined;
  }
  let match = LEADING_LEVEL.exec(head);
  if (match) return normalizeLevel(match[1]!);
  match = NAMED_LEVEL.exec(head) ?? RUBY_LEVEL.exec(head) ?? SIDEKIQ_LEVEL.exec(head);
  if (match) return match[1] === 'ANY' || match[1] === 'UNKNOWN' ? 'error' : normalizeLevel(match[1]!);
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
