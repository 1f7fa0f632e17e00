// Streaming reader for JSON documents of log records: a Render page {hasMore, logs:[...]}, a CloudWatch {events:[...]} export, an array, or objects back to back.
import type { LogRecord } from '../../evidence/schema.ts';
import type { ChunkParser, RecordSink } from './types.ts';
import { recordFromObject } from './json-record.ts';
import { inferLevel } from './message-hints.ts';

/** Keys of a page object whose array holds the records: Render `logs`, CloudWatch `events` (filter-log-events, get-log-events), GCP `entries`. */
const PAGE_KEYS = new Set(['logs', 'events', 'entries']);
const MAX_RECORD_CHARS = 8 << 20;
const QUOTE = 34,
  BACKSLASH = 92,
  OPEN_OBJECT = 123,
  CLOSE_OBJECT = 125,
  OPEN_ARRAY = 91,
  CLOSE_ARRAY = 93,
  NEWLINE = 10;

/** The scanner's state between two records (outside any string): enough to start reading in the middle of a document. */
export interface RenderJsonState {
  depth: number;
  topType: number;
  pageArrayDepth: number;
}

export interface ScannedRecord {
  text(): string;
  state(): RenderJsonState;
}

export interface RenderJsonOptions {
  /** Line number of the first character (default 1). */
  line?: number;
  /** Start between two records of a document, as a scan of the text before left it. */
  state?: RenderJsonState;
  /** Scan only: report where each record ends (in the chunk) instead of parsing it; during the call, `scanned` gives its text and the state after it. */
  onRecord?: (end: number, scanned: ScannedRecord) => void;
}

/** The log records of an array's elements (other values skipped, as the scan skips them), or null when one is a page or an object that is not a record. */
function recordsOf(elements: unknown[], file: string, line: number): LogRecord[] | null {
  const records: LogRecord[] = [];
  for (const element of elements) {
    if (!element || typeof element !== 'object' || Array.isArray(element)) continue;
    const page = element as { logs?: unknown; events?: unknown; entries?: unknown };
    if (Array.isArray(page.logs ?? page.events ?? page.entries)) return null;
    const record = recordFromObject(element as never, file, line);
    if (!record) return null;
    records.push(record);
  }
  return records;
}

export interface RenderJsonParser extends ChunkParser {
  /**
   * A whole piece that starts between two records of an array (as a cutter left it), on one line: parsed as one JSON
   * array of its records when it is one, else scanned as chunks would be. Same records either way.
   */
  pushPiece(parts: readonly string[]): void;
  /** Where the scan stands, when that is between two values (outside any string and record): else null. */
  state(): RenderJsonState | null;
}

export function createRenderJsonParser(file: string, sink: RecordSink, options: RenderJsonOptions = {}): RenderJsonParser {
  let depth = options.state?.depth ?? 0;
  let inString = false;
  let escapeCarry = false;
  let topType = options.state?.topType ?? 0;
  let pageArrayDepth = options.state?.pageArrayDepth ?? -1;
  const onRecord = options.onRecord;
  let scannedChunk = '';
  let scannedStart = 0;
  let scannedEnd = 0;
  const scanned: ScannedRecord = {
    text: () => captureParts.join('') + scannedChunk.slice(scannedStart, scannedEnd),
    state: () => ({ depth, topType, pageArrayDepth }),
  };
  let lastKey = '';
  let keyCapture: string | null = null;
  /** Depth at which the record being captured was opened (-1: none). */
  let captureDepth = -1;
  let captureParts: string[] = [];
  let captureLength = 0;
  let captureStart = 0;
  let captureLine = 0;
  let oversized = false;
  let line = options.line ?? 1;

  const emit = (parsed: unknown, text: () => string, recordLine: number): void => {
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return;
    const page = parsed as { logs?: unknown; events?: unknown; entries?: unknown };
    const logs = page.logs ?? page.events ?? page.entries;
    if (Array.isArray(logs)) {
      // A page inside an array of pages: its entries are the records (all on the line the page starts on).
      for (const entry of logs) emit(entry, () => JSON.stringify(entry) ?? '', recordLine);
      return;
    }
    const record = recordFromObject(parsed as never, file, recordLine);
    if (!record) {
      sink.unparsed(recordLine, 'not-a-log-object', text().slice(0, 200));
      return;
    }
    inferLevel(record);
    sink.record(record);
  };

  const finishRecord = (text: string, recordLine = captureLine): void => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      sink.unparsed(recordLine, 'invalid-json', text.slice(0, 200));
      return;
    }
    emit(parsed, () => text, recordLine);
  };

  // Array elements that start and end in one chunk are parsed together: one JSON.parse per chunk instead of per record.
  const batchStarts: number[] = [];
  const batchEnds: number[] = [];
  const batchLines: number[] = [];
  const flushBatch = (chunk: string): void => {
    const count = batchStarts.length;
    if (count === 0) return;
    let parsed: unknown[] | null = null;
    if (count > 1) {
      try {
        parsed = JSON.parse(`[${chunk.slice(batchStarts[0], batchEnds[count - 1])}]`) as unknown[];
        if (parsed.length !== count) parsed = null;
      } catch {
        parsed = null;
      }
    }
    for (let index = 0; index < count; index++) {
      const start = batchStarts[index]!;
      const end = batchEnds[index]!;
      if (parsed) emit(parsed[index], () => chunk.slice(start, end), batchLines[index]!);
      else finishRecord(chunk.slice(start, end), batchLines[index]!);
    }
    batchStarts.length = 0;
    batchEnds.length = 0;
    batchLines.length = 0;
  };

  /** Next newline at or after the last counted position in the current chunk (-1: none left). */
  let nextNewline = -1;
  const countLines = (chunk: string, _from: number, to: number): void => {
    while (nextNewline !== -1 && nextNewline < to) {
      line++;
      nextNewline = chunk.indexOf('\n', nextNewline + 1);
    }
  };

  const parser: RenderJsonParser = {
    state: () => (inString || escapeCarry || captureDepth !== -1 ? null : { depth, topType, pageArrayDepth }),
    pushPiece(parts) {
      const state = options.state;
      const inArray = state && ((state.pageArrayDepth !== -1 && state.depth === state.pageArrayDepth + 1) || (state.depth === 1 && state.topType === OPEN_ARRAY));
      const text = parts.length === 1 ? parts[0]! : parts.join('');
      if (inArray && text.length < MAX_RECORD_CHARS && text.indexOf('\n') === -1) {
        const comma = text.indexOf(',');
        if (comma !== -1 && text.slice(0, comma).trim() === '') {
          let records: unknown = null;
          try {
            records = JSON.parse(`[${text.slice(comma + 1)}]`);
          } catch {
            records = null;
          }
          // Every element must be a log record: a page, or an object that is not a record (reported with its raw text), takes the scan.
          const made = Array.isArray(records) ? recordsOf(records, file, line) : null;
          if (made) {
            for (const record of made) {
              inferLevel(record);
              sink.record(record);
            }
            return;
          }
        }
      }
      for (let at = 0; at < text.length; at += 1 << 20) parser.push(text.slice(at, at + (1 << 20)));
    },
    push(chunk) {
      let index = 0;
      let counted = 0;
      let segmentStart = 0;
      const length = chunk.length;
      nextNewline = chunk.indexOf('\n');
      if (inString) {
        segmentStart = 0;
        if (escapeCarry) {
          escapeCarry = false;
          index = 1;
          segmentStart = 1;
        }
      }
      while (index < length) {
        if (inString) {
          let quote = chunk.indexOf('"', index);
          while (quote !== -1) {
            let back = quote - 1;
            while (back >= segmentStart && chunk.charCodeAt(back) === BACKSLASH) back--;
            if ((quote - 1 - back) % 2 === 0) break;
            quote = chunk.indexOf('"', quote + 1);
          }
          if (quote === -1) {
            let back = length - 1;
            while (back >= segmentStart && chunk.charCodeAt(back) === BACKSLASH) back--;
            escapeCarry = (length - 1 - back) % 2 === 1;
            if (keyCapture !== null) keyCapture += chunk.slice(index, length).slice(0, 64);
            index = length;
            break;
          }
          if (keyCapture !== null) {
            lastKey = (keyCapture + chunk.slice(index, quote)).slice(0, 64);
            keyCapture = null;
          }
          inString = false;
          index = quote + 1;
          continue;
        }
        const code = chunk.charCodeAt(index);
        if (code === QUOTE) {
          inString = true;
          segmentStart = index + 1;
          if (depth === 1 && topType === OPEN_OBJECT) keyCapture = '';
          index++;
          continue;
        }
        if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
          if (depth === 0) {
            topType = code;
            pageArrayDepth = -1;
            lastKey = '';
          }
          const isRecord = code === OPEN_OBJECT && captureDepth === -1 && (depth === 0 || (depth === 1 && topType === OPEN_ARRAY) || (pageArrayDepth !== -1 && depth === pageArrayDepth + 1));
          if (code === OPEN_ARRAY && depth === 1 && topType === OPEN_OBJECT && PAGE_KEYS.has(lastKey) && captureDepth === 0) {
            pageArrayDepth = 1;
            captureDepth = -1;
            captureParts = [];
            captureLength = 0;
          }
          if (isRecord) {
            countLines(chunk, counted, index);
            counted = index;
            captureDepth = depth;
            captureLine = line;
            captureParts = [];
            captureLength = 0;
            oversized = false;
            segmentStart = index;
            captureStart = index;
          }
          depth++;
          index++;
          continue;
        }
        if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
          depth = Math.max(0, depth - 1);
          if (code === CLOSE_ARRAY && depth === pageArrayDepth) pageArrayDepth = -1;
          if (captureDepth !== -1 && depth === captureDepth && code === CLOSE_OBJECT) {
            const start = captureStart;
            if (onRecord) {
              if (!oversized) {
                scannedChunk = chunk;
                scannedStart = start;
                scannedEnd = index + 1;
                onRecord(index + 1, scanned);
              }
            } else if (oversized) sink.unparsed(captureLine, 'record-too-large', captureParts[0]?.slice(0, 200) ?? '');
            else if (captureParts.length === 0 && captureDepth > 0) {
              batchStarts.push(start);
              batchEnds.push(index + 1);
              batchLines.push(captureLine);
            } else finishRecord(captureParts.length === 0 ? chunk.slice(start, index + 1) : captureParts.join('') + chunk.slice(start, index + 1));
            captureDepth = -1;
            captureParts = [];
            captureLength = 0;
          }
          index++;
          continue;
        }
        if (code === NEWLINE || code === 32 || code === 9 || code === 13 || code === 44 || code === 58) {
          index++;
          continue;
        }
        if (depth === 0) {
          countLines(chunk, counted, index);
          counted = index;
          const end = chunk.indexOf('\n', index);
          const stop = end === -1 ? length : end;
          sink.unparsed(line, 'not-json', chunk.slice(index, Math.min(stop, index + 200)));
          index = stop;
          continue;
        }
        index++;
      }
      countLines(chunk, counted, length);
      flushBatch(chunk);
      if (captureDepth !== -1) {
        const start = captureStart;
        if (!oversized) {
          const piece = chunk.slice(start);
          captureLength += piece.length;
          if (captureLength > MAX_RECORD_CHARS) {
            oversized = true;
            captureParts = [captureParts[0] ?? piece.slice(0, 200)];
          } else captureParts.push(piece);
        }
        captureStart = 0;
      }
    },
    end() {
      if (captureDepth !== -1) sink.unparsed(captureLine, 'truncated-json', (captureParts[0] ?? '').slice(0, 200));
      captureDepth = -1;
      captureParts = [];
    },
  };
  return parser;
}
