// Generic error families: keyword rules that map an error template's text to a finding signal (first matching rule wins).
import type { Signal } from '../../analysis/types.ts';

export interface Family {
  signal: Signal;
  title: string;
  pattern: RegExp;
}

/** In priority order: specific causes before generic symptoms (a QueuePool timeout is pool exhaustion, not a network error). */
export const FAMILIES: Family[] = [
  { signal: 'memory-limit', title: 'Memory limit reached', pattern: /out of memory|\boom\b|oom[- ]?kill|memory limit|memoryerror|heap out of memory|exceeded (?:the )?memory|killed process|cannot allocate memory|java\.lang\.OutOfMemoryError/i },
  { signal: 'pool-exhaustion', title: 'Connection pool exhausted', pattern: /queuepool|pool(?:[\s_-]?size)?\b.{0,60}\b(?:timed? ?out|timeout|exhausted|limit|overflow)|connection pool|(?:too many|sorry, too many) (?:clients|connections)|connection slots are reserved|max_connections|max client connections|emaxconn|could not (?:obtain|acquire) (?:a )?connection|remaining connection slots/i },
  { signal: 'deadlock', title: 'Deadlocks', pattern: /deadlock detected|deadlockdetected|\bdeadlock\b/i },
  { signal: 'lock-timeout', title: 'Lock timeouts', pattern: /lock[\s_-]?timeout|locknotavailable|could not obtain lock/i },
  { signal: 'statement-timeout', title: 'Statement timeouts', pattern: /statement[\s_-]?timeout|querycanceled|canceling statement due to/i },
  { signal: 'idle-in-transaction', title: 'Sessions idle in transaction', pattern: /idle[- _]in[- _]transaction/i },
  { signal: 'constraint-violation', title: 'Constraint violations', pattern: /violates (?:check|unique|foreign key|not-null|exclusion) constraint|integrityerror|checkviolation|uniqueviolation|foreignkeyviolation|notnullviolation|duplicate key value/i },
  { signal: 'upstream-rate-limit', title: 'Upstream rate limiting', pattern: /\b429\b|rate[\s_-]?limit(?:ed)?|too many requests|quota exceeded|throttl/i },
  { signal: 'connection-refused', title: 'Connections refused', pattern: /econnrefused|connection refused|could not connect to server|connect\(\) failed/i },
  { signal: 'network-error', title: 'Network errors', pattern: /econnreset|etimedout|ehostunreach|enetunreach|enotfound|eai_again|epipe|broken pipe|socket hang up|connection (?:reset|aborted|closed unexpectedly)|name or service not known|temporary failure in name resolution|ssl(?:error)?|tls handshake|timed? ?out|timeout(?:error)?\b|readtimeout|connecttimeout/i },
  { signal: 'upstream-error', title: 'Upstream errors', pattern: /\bupstream\b|bad gateway|service unavailable|gateway time-?out|\b(?:returned|responded with|got|received|status(?: code)?:?) (?:an? )?(?:http )?5\d\d\b|\b(?:api|http) error\b|remote (?:server|end) (?:closed|returned)/i },
  { signal: 'unhandled-exception', title: 'Exceptions with tracebacks', pattern: /^traceback \(most recent call last\)|\bunhandled\b|\buncaught\b|^panic:|^(?:[a-z_][\w]*\.)*[A-Z]\w*(?:Error|Exception)\b/i },
  { signal: 'job-errors', title: 'Jobs failing', pattern: /\b(?:job|task|worker)\b.{0,80}\b(?:failed|failure|error|crashed|aborted|dead[\s-]?letter)/i },
];

/** Lines that are pieces of a traceback printed one record per line (frames, code, carets), not messages. */
export function isTracebackFragment(sample: string): boolean {
  return /^\s/.test(sample) || /^File "/.test(sample) || /^\^+$/.test(sample.trim()) || /^During handling of the above exception/.test(sample) || /^The above exception was the direct cause/.test(sample);
}

/** The family of an error template, or undefined when no rule applies. */
export function familyOf(text: string): Family | undefined {
  const head = text.length > 600 ? text.slice(0, 600) : text;
  return FAMILIES.find((family) => family.pattern.test(head));
}

const STACK_TRACE = /Traceback \(most recent call last\)|\n\s+at [\w.$<>]+ \(|\n\s+at \S+:\d+:\d+|\n\s+at [\w.$]+\([\w.]+\.java:\d+\)/;

/** Whether a (multi-line) message carries a stack trace: Python traceback, Node or Java frames. */
export function hasStackTrace(message: string): boolean {
  if (message.indexOf('\n') === -1) return message.startsWith('Traceback (most recent call last)');
  return STACK_TRACE.test(message);
}
