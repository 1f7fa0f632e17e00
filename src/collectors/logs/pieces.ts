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
  /** Cut where the record separator was found, not scanned: its reader checks the state it was given (see `PieceEdge`). */
  guessed?: boolean;
}

/** A cutter's start within a file (when a file is cut again from a piece whose start is known). */
export interface CutterStart {
  offset: number;
  line: number;
  json?: RenderJsonState;
}

/** Bytes past a piece's threshold searched for a guessed boundary before the cutter gives up guessing. */
const GUESS_SPAN_PIECES = 8;
/** A JSON separator between two records and the next one's first key (`},{"id":`): in valid JSON this byte sequence never lies inside a string. */
const RECORD_LEAD = /^[\t\n\r ]*,[\t\n\r ]*\{[\t\n\r ]*"[^"\\\x00-\x1f]{1,64}"[\t\n\r ]*:/;

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
  private json: ReturnType<typeof createRenderJsonParser> | null = null;
  /**
   * JSON after the first cut: later cuts are guessed at the next record separator with the first record's first key,
   * with the state the first cut was scanned in. A wrong guess shows in the pieces' edges, and the file is cut again.
   */
  private guess: { separator: Buffer; state: RenderJsonState } | null = null;
  /** A guess that found no separator: the pieces from here on cannot be trusted. */
  private lost = false;
  private readonly firstOffset: number;
  /** Whether the current piece starts at a guessed cut. */
  private startGuessed = false;
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
    start?: CutterStart,
    /** Whether JSON cuts after the first may be guessed (false: every cut is scanned). */
    private readonly guessing = true,
  ) {
    this.startsRecord = lineStart(format, year);
    this.firstOffset = this.pieceStart = this.pushed = this.searchFrom = start?.offset ?? 0;
    this.startLine = start?.line ?? 0;
    this.startState = start?.json;
    if (format === 'render-json') {
      const ignore = { record: () => undefined, unparsed: () => undefined };
      this.json = createRenderJsonParser(file, ignore, { state: start?.json, onRecord: (end, scanned) => this.jsonRecord(file, scanned, this.chunkBase + end) });
    }
  }

  /** Bytes pushed that are in no piece yet. */
  get held(): Buffer[] {
    return this.parts;
  }

  push(chunk: Uint8Array): Piece[] {
    const bytes = asBuffer(chunk);
    this.parts.push(bytes);
    this.pushed += bytes.length;
    if (this.json) this.scanJson(bytes);
    else if (this.startsRecord) this.findLineBoundaries();
    if (this.guess) this.findGuessedBoundaries();
    return this.ready.splice(0);
  }

  /** Scan in slices: a string of a megabyte or more would be an external string, slower to scan. */
  private scanJson(bytes: Buffer): void {
    for (let at = 0; at < bytes.length && this.json; at += SCAN_SLICE) {
      this.chunkBase = this.pushed - bytes.length + at;
      this.json.push(bytes.toString('latin1', at, Math.min(bytes.length, at + SCAN_SLICE)));
    }
  }

  end(): Piece[] {
    this.json?.end();
    if (this.pushed > this.pieceStart) this.cut(this.pushed, undefined);
    return this.ready.splice(0);
  }

  private findGuessedBoundaries(): void {
    const { separator, state } = this.guess!;
    for (;;) {
      const threshold = this.pieceStart + this.pieceBytes;
      if (this.pushed <= threshold) return;
      const found = this.indexOfSequence(separator, Math.max(this.searchFrom, threshold));
      if (found !== -1) {
        const joinable = this.mayJoinAt(found);
        if (joinable === null) return;
        if (joinable) this.searchFrom = found + 1;
        else this.cut(found + 1, state, true);
        continue;
      }
      this.searchFrom = Math.max(threshold, this.pushed - separator.length + 1);
      if (this.pushed - threshold > GUESS_SPAN_PIECES * this.pieceBytes && !this.lost) {
        // No separator in a long stretch: end the piece here, unchecked; the next piece's start cannot match, so the file is cut again from the last checked piece.
        this.lost = true;
        this.cut(this.pushed, undefined, true);
      }
      return;
    }
  }

  /**
   * Whether the records on either side of a separator found at `at` could be joined (same time and stream, see
   * `mayContinue`): then the cut goes to a later separator. Null until the record after it has arrived. The records are
   * found by the separators around them, a guess too: the pieces' edges check it.
   */
  private mayJoinAt(at: number): boolean | null {
    const { separator } = this.guess!;
    const brace = separator.indexOf(123);
    const next = this.indexOfSequence(separator, at + 1);
    if (next === -1) return this.pushed - at > this.pieceBytes ? false : null;
    const after = recordOf(this.bytesAt(at + brace, next + 1 - at - brace).toString('utf8'), '');
    const from = Math.max(this.pieceStart, at - LINE_HEAD_BYTES * 16);
    const region = this.bytesAt(from, at + 1 - from);
    const previous = region.lastIndexOf(separator, region.length - separator.length - 1);
    if (previous === -1 || !after) return false;
    const before = recordOf(region.subarray(previous + brace).toString('utf8'), '');
    return before !== null && mayContinue(before, after);
  }

  /** Absolute offset of the next occurrence of `sequence` at or after absolute offset `from` (it may span parts), or -1. */
  private indexOfSequence(sequence: Buffer, from: number): number {
    let offset = this.pieceStart;
    for (let index = 0; index < this.parts.length; index++) {
      const part = this.parts[index]!;
      const end = offset + part.length;
      if (from < end) {
        const local = Math.max(0, from - offset);
        const found = part.indexOf(sequence, local);
        if (found !== -1) return offset + found;
        const next = this.parts[index + 1];
        if (next && sequence.length > 1) {
          const tailStart = Math.max(local, part.length - sequence.length + 1);
          const seam = Buffer.concat([part.subarray(tailStart), next.subarray(0, sequence.length - 1)]);
          const inSeam = seam.indexOf(sequence);
          if (inSeam !== -1) return offset + tailStart + inSeam;
        }
      }
      offset = end;
    }
    return -1;
  }

  /** Up to `length` bytes from absolute offset `at` that have been pushed. */
  private bytesAt(at: number, length: number): Buffer {
    const out: Buffer[] = [];
    let offset = this.pieceStart;
    let taken = 0;
    for (const part of this.parts) {
      if (taken >= length) break;
      const end = offset + part.length;
      if (at < end) {
        const slice = part.subarray(Math.max(0, at - offset), Math.max(0, at - offset) + length - taken);
        out.push(slice);
        taken += slice.length;
      }
      offset = end;
    }
    return Buffer.concat(out);
  }

  /** After the first scanned cut: learn the separator that leads into the next record, and stop scanning. */
  private startGuessing(at: number, state: RenderJsonState): void {
    const lead = RECORD_LEAD.exec(this.bytesAt(at, 256).toString('latin1'));
    if (!lead) return;
    this.guess = { separator: Buffer.concat([Buffer.from('}'), Buffer.from(lead[0], 'latin1')]), state };
    this.json = null;
    this.searchFrom = at;
  }

  private jsonRecord(file: string, scanned: ScannedRecord, end: number): void {
    if (!this.json) return;
    const candidate = this.candidate;
    if (candidate) {
      const record = recordOf(utf8(scanned.text()), file);
      if (record && !mayContinue(candidate.record, record)) {
        this.cut(candidate.end, candidate.state);
        this.candidate = null;
        if (this.guessing) this.startGuessing(candidate.end, candidate.state);
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
    return this.pieceStart === this.firstOffset && this.pushed - this.firstOffset > MAX_FIRST_PIECES * this.pieceBytes;
  }

  /** End the current piece at absolute offset `at`; the next one starts there (in `state`, for JSON). */
  private cut(at: number, state: RenderJsonState | undefined, guessedNext = false): void {
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
    const piece: Piece = { bytes, offset: this.pieceStart, start };
    if (this.startGuessed) piece.guessed = true;
    this.ready.push(piece);
    this.pieceStart = at;
    this.startLine += countNewlines(bytes);
    this.startState = state;
    this.startGuessed = guessedNext;
  }
}

/** Latin-1 text (as the JSON scan reads bytes) decoded as the UTF-8 it holds. */
const utf8 = (latin1: string): string => Buffer.from(latin1, 'latin1').toString('utf8');
