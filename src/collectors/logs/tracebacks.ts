// Re-joins multi-line messages that arrive as one entry per line (Render, syslog): a traceback and its log line become one record.
import type { LogRecord } from '../../evidence/schema.ts';
import { MAX_CONTINUATION_LINES, MAX_MESSAGE_LENGTH, type RecordSink } from './types.ts';

const TRACEBACK = /^Traceback \(most recent call last\)/;
const FRAGMENT = /^(?:\s|File "|Traceback \(most recent call last\)|During handling of the above exception|The above exception was the direct cause)/;
/** A line that starts a new log message (timestamp, level word, JSON object) rather than continuing one. */
const NEW_MESSAGE = /^(?:\[?\d{4}-\d\d-\d\d[T ]\d\d:\d\d|\[?(?:DEBUG|INFO|WARN|WARNING|ERROR|CRITICAL|FATAL)\b|\{|==> |[A-Z]+ \/\S* \d{3}\b)/;

function stream(record: LogRecord): string {
  return `${record.fields.instance ?? record.fields.procid ?? ''}\u0000${record.fields.resource ?? record.fields.host ?? ''}`;
}

/** Whether `joinMultiline` could join `record` into `previous` at all (same time and stream, neither a request): where it cannot, a reader may start afresh. */
export function mayContinue(previous: LogRecord, record: LogRecord): boolean {
  return record.timestamp !== undefined && record.timestamp === previous.timestamp && !record.fields.statusCode && !previous.fields.statusCode && stream(record) === stream(previous);
}

/**
 * Whether `joinMultiline` could join `record` to `previous` (or to the record `previous` was joined to), whatever came
 * before them: where it cannot, a piece may start at `record`. Only the start of a message matters (its continuation
 * lines come after it), unless it is empty.
 */
export function mayJoin(previous: LogRecord, record: LogRecord): boolean {
  const message = record.message;
  return mayContinue(previous, record) && (message === '' || FRAGMENT.test(message) || !NEW_MESSAGE.test(message));
}

export interface JoiningSink extends RecordSink {
  flush(): void;
}

/**
 * Entries with the same timestamp and instance are joined into the entry before them when they continue a
 * multi-line message: indented lines, traceback headers and frames, and, once a traceback has started, any line
 * that does not look like the start of a new log message. Request entries are never joined.
 */
export function joinMultiline(sink: RecordSink): JoiningSink {
  let pending: LogRecord | null = null;
  let inTraceback = false;
  let lines = 0;
  const flush = (): void => {
    if (pending) sink.record(pending);
    pending = null;
  };
  return {
    record(record) {
      const message = record.message;
      if (pending && mayContinue(pending, record) && lines < MAX_CONTINUATION_LINES && (FRAGMENT.test(message) || (inTraceback && !NEW_MESSAGE.test(message)))) {
        if (pending.message.length < MAX_MESSAGE_LENGTH) pending.message = `${pending.message}\n${message}`.slice(0, MAX_MESSAGE_LENGTH);
        if (TRACEBACK.test(message)) inTraceback = true;
        if (!pending.level || (record.level && (record.level === 'error' || record.level === 'fatal') && pending.level !== 'fatal')) {
          if (record.level) pending.level = record.level;
        }
        lines++;
        return;
      }
      flush();
      pending = record;
      inTraceback = TRACEBACK.test(message);
      lines = 0;
    },
    unparsed: (line, reason, text) => sink.unparsed(line, reason, text),
    flush,
  };
}

/**
 * Records a runtime wrote one line at a time (Docker json-file: one JSON object per line of output): stack frames,
 * `Caused by:` and goroutine lines, and an exception line right after an error, join the record before them from
 * the same stream.
 */
export function joinTraceLines(sink: RecordSink, continues: (text: string, previous: LogRecord, joined: number) => boolean): JoiningSink {
  let pending: LogRecord | null = null;
  let joined = 0;
  const flush = (): void => {
    if (pending) sink.record(pending);
    pending = null;
  };
  return {
    record(record) {
      if (pending && joined < MAX_CONTINUATION_LINES && record.fields.stream === pending.fields.stream && !record.fields.level && continues(record.message, pending, joined)) {
        if (pending.message.length < MAX_MESSAGE_LENGTH) pending.message = `${pending.message}\n${record.message}`.slice(0, MAX_MESSAGE_LENGTH);
        joined++;
        return;
      }
      flush();
      pending = record;
      joined = 0;
    },
    unparsed: (line, reason, text) => sink.unparsed(line, reason, text),
    flush,
  };
}
