// JSON-lines reader (pino, bunyan, structlog, winston, python-json-logger): one JSON object per line.
import type { LineParser, RecordSink } from './types.ts';
import { recordFromObject } from './json-record.ts';
import { inferLevel } from './message-hints.ts';

export function createJsonLinesParser(file: string, sink: RecordSink): LineParser {
  return {
    line(text, lineNumber) {
      const trimmed = text.trim();
      if (trimmed.length === 0) return;
      if (trimmed.charCodeAt(0) !== 123) {
        sink.unparsed(lineNumber, 'not-json', text.slice(0, 200));
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(trimmed);
      } catch {
        sink.unparsed(lineNumber, 'invalid-json', text.slice(0, 200));
        return;
      }
      const record = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? recordFromObject(parsed as never, file, lineNumber) : null;
      if (!record) {
        sink.unparsed(lineNumber, 'not-a-log-object', text.slice(0, 200));
        return;
      }
      inferLevel(record);
      sink.record(record);
    },
    end() {},
  };
}
