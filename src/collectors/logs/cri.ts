// Kubernetes CRI container log lines (`<time> stdout|stderr F|P <text>`): partial lines joined, app JSON unwrapped, stack traces kept with their line.
import type { LogRecord } from '../../evidence/schema.ts';
import { CONTINUATION, EXCEPTION_LINE } from './app-formats.ts';
import { recordFromObject } from './json-record.ts';
import { inferLevel } from './message-hints.ts';
import { normalizeTimestamp } from './time.ts';
import { appendLine, MAX_CONTINUATION_LINES, MAX_MESSAGE_LENGTH, type LineParser, type RecordSink } from './types.ts';

export const CRI_LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) (stdout|stderr) ([FP])(?: (.*))?$/s;

export function createCriParser(file: string, sink: RecordSink): LineParser {
  let current: LogRecord | null = null;
  let extra = 0;
  /** Text of a line split by the runtime (P) waiting for its final part (F). */
  let partial: { text: string; line: number; time: string; stream: string } | null = null;
  const flush = (): void => {
    if (current) {
      inferLevel(current);
      sink.record(current);
    }
    current = null;
  };
  const complete = (text: string, lineNumber: number, time: string, stream: string): void => {
    if (current && extra < MAX_CONTINUATION_LINES && current.fields.stream === stream) {
      const level = current.level;
      if (CONTINUATION.test(text) || (EXCEPTION_LINE.test(text) && (extra > 0 || level === 'error' || level === 'fatal' || level === 'warn'))) {
        appendLine(current, text);
        extra++;
        return;
      }
    }
    flush();
    extra = 0;
    const trimmed = text.trim();
    if (trimmed.startsWith('{') && trimmed.endsWith('}')) {
      try {
        const inner = recordFromObject(JSON.parse(trimmed), file, lineNumber);
        if (inner) {
          inner.fields.stream = stream;
          if (!inner.timestamp) inner.timestamp = normalizeTimestamp(time);
          if (!inner.timestamp) delete inner.timestamp;
          current = inner;
          return;
        }
      } catch {
        /* not JSON: kept as text */
      }
    }
    current = { file, line: lineNumber, message: text, fields: { stream } };
    const timestamp = normalizeTimestamp(time);
    if (timestamp) current.timestamp = timestamp;
  };
  return {
    line(text, lineNumber) {
      const match = CRI_LINE.exec(text);
      if (!match) {
        if (text.trim().length > 0) sink.unparsed(lineNumber, 'not-cri', text.slice(0, 200));
        return;
      }
      const [, time, stream, tag, body = ''] = match;
      if (tag === 'P') {
        if (partial && partial.stream === stream) {
          if (partial.text.length < MAX_MESSAGE_LENGTH) partial.text += body;
        } else partial = { text: body, line: lineNumber, time: time!, stream: stream! };
        return;
      }
      if (partial && partial.stream === stream) {
        const joined = partial.text.length < MAX_MESSAGE_LENGTH ? partial.text + body : partial.text;
        const start = partial;
        partial = null;
        complete(joined, start.line, start.time, stream!);
        return;
      }
      complete(body, lineNumber, time!, stream!);
    },
    end() {
      if (partial) complete(partial.text, partial.line, partial.time, partial.stream);
      partial = null;
      flush();
    },
  };
}
