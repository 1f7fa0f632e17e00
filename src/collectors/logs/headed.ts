// A line parser for text formats whose records start with a recognisable header; other lines continue the record before.
import type { Level, LogRecord } from '../../evidence/schema.ts';
import { MAX_CONTINUATION_LINES, appendLine, type LineParser, type RecordSink } from './types.ts';
import { inferLevel } from './message-hints.ts';
import { CONTINUATION, EXCEPTION_LINE } from './app-formats.ts';

export interface Head {
  message: string;
  timestamp?: string;
  level?: Level;
  fields?: Record<string, string>;
}

export interface HeadedOptions {
  file: string;
  /** Parse the first line of a record; null when the line does not start one. */
  head(text: string): Head | null;
  /** Whether lines that are not heads continue the previous record (tracebacks); otherwise they are unparsed. */
  continuation: boolean;
  /** Reason used when a line is neither a head nor a continuation. */
  reason: string;
  /** A continuation line with no record before it becomes a record of its own (instead of unparsed). */
  orphanAsRecord?: boolean;
  /**
   * Stack frames, `Caused by:`, goroutine traces and (after an error or warning line) an exception's first line
   * continue the record before them even where the format's header would match them.
   */
  joinTraces?: boolean;
}

/** The last line of a Python traceback: the exception's (dotted) class name, then `: message` or nothing (`requests.exceptions.ConnectTimeout: ...`). */
const PYTHON_EXCEPTION = /^[A-Za-z_][\w.]*(?::\s|:$|$)/;

export function createHeadedParser(options: HeadedOptions, sink: RecordSink): LineParser {
  let current: LogRecord | null = null;
  let extra = 0;
  /** The record holds a Python traceback's frames, and its exception line has not come yet. */
  let inTraceback = false;
  let previousTime: string | undefined;
  const flush = (): void => {
    if (current) {
      if (current.timestamp) previousTime = current.timestamp;
      inferLevel(current);
      sink.record(current);
    }
    current = null;
  };
  return {
    line(text, lineNumber) {
      if (options.joinTraces && current && extra < MAX_CONTINUATION_LINES && text.length > 0) {
        const level = current.level;
        if (CONTINUATION.test(text) || (EXCEPTION_LINE.test(text) && (extra > 0 || level === 'error' || level === 'fatal' || level === 'warn'))) {
          if (text.startsWith('Traceback (most recent call last)')) inTraceback = true;
          else if (inTraceback && text.charCodeAt(0) !== 32) inTraceback = false;
          appendLine(current, text);
          extra++;
          return;
        }
        // Its exception's class need not end in Error or Exception (ConnectTimeout, KeyboardInterrupt): after the frames, this line ends
        // the traceback (never a line with a time of its own: that starts a record, and a piece may begin there).
        if (inTraceback && PYTHON_EXCEPTION.test(text) && options.head(text)?.timestamp === undefined) {
          inTraceback = false;
          appendLine(current, text);
          extra++;
          return;
        }
      }
      inTraceback = false;
      const head = options.head(text);
      if (head) {
        flush();
        current = { file: options.file, line: lineNumber, message: head.message, fields: head.fields ?? {} };
        if (head.timestamp) current.timestamp = head.timestamp;
        else if (current.fields.inheritTime === 'previous') {
          delete current.fields.inheritTime;
          // A panic or crash printed without a time, right after a timed record: placed at that record's time, and marked so.
          if (previousTime) {
            current.timestamp = previousTime;
            current.fields.timeFrom = 'previous-record';
          }
        }
        if (head.level) current.level = head.level;
        extra = 0;
        return;
      }
      if (options.continuation && current && extra < MAX_CONTINUATION_LINES) {
        if (text.trim().length === 0 && extra === 0) return;
        appendLine(current, text);
        extra++;
        return;
      }
      if (text.trim().length === 0) return;
      if (options.orphanAsRecord && !current) {
        current = { file: options.file, line: lineNumber, message: text, fields: {} };
        extra = 0;
        return;
      }
      sink.unparsed(lineNumber, options.reason, text.slice(0, 200));
    },
    end() {
      flush();
    },
  };
}
