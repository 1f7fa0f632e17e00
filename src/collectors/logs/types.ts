// Shared shapes of the log readers: a line parser pushes finished records and unparsed lines into a sink.
import type { LogRecord } from '../../evidence/schema.ts';

export interface RecordSink {
  record(record: LogRecord): void;
  unparsed(line: number, reason: string, text: string): void;
}

/** A parser fed one physical line at a time (line numbers are 1-based), flushed by `end()`. */
export interface LineParser {
  line(text: string, lineNumber: number): void;
  end(): void;
}

/** A parser fed decoded text chunks (used by formats that are not line-based, such as Render JSON). */
export interface ChunkParser {
  push(text: string): void;
  end(): void;
}

/** Longest physical line kept; longer lines are reported as unparsed (`line-too-long`). */
export const MAX_LINE_LENGTH = 1 << 20;
/** Most lines joined into one multi-line record (tracebacks, indented JSON); more start a new record. */
export const MAX_CONTINUATION_LINES = 500;
/** Most characters kept in one record's message. */
export const MAX_MESSAGE_LENGTH = 64 * 1024;

export function appendLine(record: LogRecord, text: string): void {
  if (record.message.length >= MAX_MESSAGE_LENGTH) return;
  const joined = record.message + '\n' + text;
  record.message = joined.length > MAX_MESSAGE_LENGTH ? joined.slice(0, MAX_MESSAGE_LENGTH) : joined;
}
