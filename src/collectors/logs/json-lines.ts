// JSON-lines reader (pino, bunyan, structlog, winston, python-json-logger): one JSON object per line; text between them (stderr, crash output) kept as text records.
import type { LogRecord } from '../../evidence/schema.ts';
import { recordFromObject } from './json-record.ts';
import { inferLevel } from './message-hints.ts';
import { plainHead } from './text-formats.ts';
import { appendLine, MAX_CONTINUATION_LINES, type LineParser, type RecordSink } from './types.ts';

/**
 * Lines that are not JSON objects (a V8 `FATAL ERROR`, a Go panic, a Python traceback written to the same stream) become
 * text records: consecutive text lines are one record (a crash prints a block) unless a line starts with a time of its
 * own, and a record with no time takes the time of the JSON record before it (marked `timeFrom: previous-record`).
 */
export function createJsonLinesParser(file: string, sink: RecordSink): LineParser {
  let previousTime: string | undefined;
  let text: LogRecord | null = null;
  let extra = 0;
  const flushText = (): void => {
    if (!text) return;
    inferLevel(text);
    sink.record(text);
    text = null;
  };
  const textLine = (line: string, lineNumber: number): void => {
    const head = plainHead(line.trimStart()) ?? { message: line.trim() };
    if (text && extra < MAX_CONTINUATION_LINES && !head.timestamp) {
      appendLine(text, line);
      if (!text.level && head.level) text.level = head.level;
      extra++;
      return;
    }
    flushText();
    text = { file, line: lineNumber, message: head.message, fields: { ...head.fields, readAs: 'text' } };
    if (head.level) text.level = head.level;
    if (head.timestamp) text.timestamp = head.timestamp;
    else if (previousTime) {
      text.timestamp = previousTime;
      text.fields.timeFrom = 'previous-record';
    }
    extra = 0;
  };
  return {
    line(line, lineNumber) {
      const trimmed = line.trim();
      if (trimmed.length === 0) return;
      if (trimmed.charCodeAt(0) !== 123) {
        textLine(line, lineNumber);
        return;
      }
      flushText();
      let parsed: unknown;
      try {
        parsed = JSON.parse(trimmed);
      } catch {
        sink.unparsed(lineNumber, 'invalid-json', line.slice(0, 200));
        return;
      }
      const record = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? recordFromObject(parsed as never, file, lineNumber) : null;
      if (!record) {
        sink.unparsed(lineNumber, 'not-a-log-object', line.slice(0, 200));
        return;
      }
      inferLevel(record);
      if (record.timestamp) previousTime = record.timestamp;
      sink.record(record);
    },
    end() {
      flushText();
    },
  };
}
