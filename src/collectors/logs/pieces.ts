// Cuts a log file's text into pieces of whole records, each readable on its own and merged in order: boundaries depend only on the text, never on how many threads read them.
import type { LogRecord } from '../../evidence/schema.ts';
import { CONTINUATION, EXCEPTION_LINE } from './app-formats.ts';
import { JSON_LINE_FORMATS } from './detect.ts';
import { recordFromObject } from './json-record.ts';
import type { ReaderStart } from './read-file.ts';
import { textHead } from './read-file.ts';
import { decodeBlock, textDecoder } from './source.ts';
import { createRenderJsonParser, type RenderJsonState, type ScannedRecord } from './render-json.ts';
import { mayContinue } from './tracebacks.ts';

/** Bytes a piece holds before the cutter looks for a boundary. */
export const PIECE_BYTES = 512 << 10;
/** Bytes of a line a line format's record test sees (its header is at the start). */
const LINE_HEAD_BYTES = 4096;
/** Pieces' worth of bytes held with no boundary found from the file's start (64 MB by default): past it, the file is read whole instead (one giant record, or no records at all). */
const MAX_FIRST_PIECES = 128;
/** Bytes of JSON scanned as one string. */
const SCAN_SLICE = 64 << 10;

export interface Piece {
  /** The piece's bytes (whole records of the file's UTF-8 text), in an allocation of their own. */
  bytes: Uint8Array;
  /** Where the piece starts in the (decompressed) file, in bytes. */
  offset: number;
  start: ReaderStart;
}

/** A piece's text, decoded in slices as the reader takes it (the same text as the whole file's decoding at that place: pieces start after an ASCII byte). */
export function pieceParts(bytes: Uint8Array, offset: number): string[] {
  const decoder = textDecoder(offset === 0);
  const parts: string[] = [];
  decodeBlock(decoder, bytes, parts);
  const tail = decoder.decode();
  if (tail.length > 0) parts.push(tail);
  return parts;
}

const asBuffer = (bytes: Uint8Array): Buffer => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));

/** Formats whose records can be told apart without reading the file from its start; others are read as one piece per file. */
export function cuttable(format: string): boolean {
  return format === 'render-json' || (JSON_LINE_FORMATS.has(format) && format !== 'docker-json') || lineStart(format, undefined) !== null;
}

const NO_JOIN_TEXT_FORMATS = new Set(['python', 'plain', 'access-log', 'nginx-error', 'apache-error', 'ruby', 'pgbouncer', 'java', 'go', 'logfmt']);
const NOT_HEADED = new Set(['render-json', 'render-text', 'syslog', 'heroku', 'docker-json', 'postgres', 'postgres-syslog', 'cri']);

/**
 * For line formats: whether a line certainly starts a record that nothing before it can continue, and has a time of its
 * own (a record without one would take the time of the record before it, in the piece before).
 */
function lineStart(format: string, year: number | undefined): ((line: string) => boolean) | null {
  if (JSON_LINE_FORMATS.has(format)) return format === 'docker-json' ? null : (line) => line.trimStart().charCodeAt(0) === 123 && recordOf(line, '')?.timestamp !== undefined;
  if (NOT_HEADED.has(format)) return null;
  if (!NO_JOIN_TEXT_FORMATS.has(format) && !format.includes('<')) return null;
  const head = textHead(format, year);
  return (line) => line.length > 0 && !CONTINUATION.test(line) && !EXCEPTION_LINE.test(line) && head(line)?.timestamp !== undefined;
}

function recordOf(text: string, file: string): LogRecord | null {
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? recordFromObject(parsed as never, file, 0) : null;
  } catch {
    return null;
  }
}

function countNewlines(bytes: Buffer): number {
  let count = 0;
  for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) count++;
  return count;
}

/**
 * Bytes in order in, pieces out: `push` returns the pieces whose end became known; `end` the rest. JSON documents are
 * scanned as Latin-1 text (one character a byte: offsets are byte offsets, and every JSON delimiter is ASCII).
 */
export class PieceCutter {
  private parts: Buffer[] = [];
  /** Absolute byte offsets: where the current piece starts, and how many bytes have been pushed. */
  private pieceStart = 0;
  private pushed = 0;
  private startLine = 0;
  private startState: RenderJsonState | undefined;
  private readonly ready: Piece[] = [];
  private readonly json: ReturnType<typeof createRenderJsonParser> | null = null;
  private readonly startsRecord: ((line: string) => boolean) | null;
  private candidate: { end: number; state: RenderJsonState; record: LogRecord } | null = null;
  private chunkBase = 0;
  /** Line formats: the absolute offset from which to look for the next boundary. */
  private searchFrom = 0;

  constructor(
    file: string,
    format: string,
    year: number | undefined,
    private readonly pieceBytes = PIECE_BYTES,
  ) {
    this.startsRecord = lineStart(format, year);
    if (format === 'render-json') {
      const ignore = { record: () => undefined, unparsed: () => undefined };
      this.json = createRenderJsonParser(file, ignore, { onRecord: (end, scanned) => this.jsonRecord(file, scanned, this.chunkBase + end) });
    }
  }

  push(chunk: Uint8Array): Piece[] {
    const bytes = asBuffer(chunk);
    this.parts.push(bytes);
    this.pushed += bytes.length;
    if (this.json) this.scanJson(bytes);
    else if (this.startsRecord) this.findLineBoundaries();
    return this.ready.splice(0);
  }

  /** Scan in slices: a string of a megabyte or more would be an external string, slower to scan. */
  private scanJson(bytes: Buffer): void {
    for (let at = 0; at < bytes.length; at += SCAN_SLICE) {
      this.chunkBase = this.pushed - bytes.length + at;
      this.json!.push(bytes.toString('latin1', at, Math.min(bytes.length, at + SCAN_SLICE)));
    }
  }

  end(): Piece[] {
    this.json?.end();
    if (this.pushed > this.pieceStart) this.cut(this.pushed, undefined);
    return this.ready.splice(0);
  }

  private jsonRecord(file: string, scanned: ScannedRecord, end: number): void {
    const candidate = this.candidate;
    if (candidate) {
      const record = recordOf(utf8(scanned.text()), file);
      if (record && !mayContinue(candidate.record, record)) {
        this.cut(candidate.end, candidate.state);
        this.candidate = null;
      } else this.candidate = record ? { end, state: scanned.state(), record } : null;
      return;
    }
    if (end - this.pieceStart < this.pieceBytes) return;
    const record = recordOf(utf8(scanned.text()), file);
    if (record) this.candidate = { end, state: scanned.state(), record };
  }

  private findLineBoundaries(): void {
    for (;;) {
      const threshold = this.pieceStart + this.pieceBytes;
      if (this.pushed <= threshold) return;
      const newline = this.indexOf(10, Math.max(this.searchFrom, threshold));
      if (newline === -1) {
        this.searchFrom = this.pushed;
        return;
      }
      const line = this.lineAt(newline + 1);
      if (line === null) {
        this.searchFrom = newline;
        return;
      }
      if (this.startsRecord!(line.replace(/\r$/, ''))) this.cut(newline + 1, undefined);
      else this.searchFrom = newline + 1;
    }
  }

  /** Absolute offset of the next `byte` at or after absolute offset `from` in the bytes held, or -1. */
  private indexOf(byte: number, from: number): number {
    let offset = this.pieceStart;
    for (const part of this.parts) {
      if (from < offset + part.length) {
        const found = part.indexOf(byte, Math.max(0, from - offset));
        if (found !== -1) return offset + found;
      }
      offset += part.length;
    }
    return -1;
  }

  /** The line starting at absolute offset `at`, decoded (its first LINE_HEAD_BYTES bytes are enough), or null until its end has arrived. */
  private lineAt(at: number): string | null {
    let offset = this.pieceStart;
    const head: Buffer[] = [];
    let length = 0;
    for (const part of this.parts) {
      if (at < offset + part.length) {
        const begin = Math.max(0, at - offset);
        const newline = part.indexOf(10, begin);
        const slice = part.subarray(begin, newline === -1 ? part.length : newline);
        head.push(slice);
        length += slice.length;
        if (newline !== -1 || length >= LINE_HEAD_BYTES) return Buffer.concat(head).subarray(0, LINE_HEAD_BYTES).toString('utf8');
      }
      offset += part.length;
    }
    return null;
  }

  /** Whether bytes have piled up past MAX_FIRST_PIECES pieces without one boundary: the file is better read whole, streaming. */
  get unbounded(): boolean {
    return this.pieceStart === 0 && this.pushed > MAX_FIRST_PIECES * this.pieceBytes;
  }

  /** End the current piece at absolute offset `at`; the next one starts there (in `state`, for JSON). */
  private cut(at: number, state: RenderJsonState | undefined): void {
    const bytes = Buffer.from(new ArrayBuffer(at - this.pieceStart));
    let offset = this.pieceStart;
    let index = 0;
    for (; index < this.parts.length; index++) {
      const part = this.parts[index]!;
      if (offset + part.length <= at) {
        bytes.set(part, offset - this.pieceStart);
        offset += part.length;
        continue;
      }
      if (at > offset) {
        bytes.set(part.subarray(0, at - offset), offset - this.pieceStart);
        this.parts[index] = part.subarray(at - offset);
      }
      break;
    }
    this.parts = this.parts.slice(index);
    const start: ReaderStart = { line: this.startLine };
    if (this.startState) start.json = this.startState;
    this.ready.push({ bytes, offset: this.pieceStart, start });
    this.pieceStart = at;
    this.startLine += countNewlines(bytes);
    this.startState = state;
  }
}

/** Latin-1 text (as the JSON scan reads bytes) decoded as the UTF-8 it holds. */
const utf8 = (latin1: string): string => Buffer.from(latin1, 'latin1').toString('utf8');
