// Cuts a log file's text into pieces of whole records, each readable on its own and merged in order: boundaries depend only on the text, never on how many threads read them.
import { CONTINUATION, EXCEPTION_LINE } from './app-formats.ts';
import { JSON_LINE_FORMATS } from './detect.ts';
import { HeldBytes } from './held-bytes.ts';
import { heldLine } from './held-lines.ts';
import { MAX_LINE_LENGTH } from './types.ts';
import type { PieceBuffers } from './piece-buffers.ts';
import { JsonCuts, recordOf } from './json-cuts.ts';
import { lineCuts, type CarriedState, type CutterSetup, type CutVerdict, type LineCuts } from './line-cuts.ts';
import type { ReaderStart } from './read-file.ts';
import { textHead } from './read-file.ts';
import { Utf8Slices } from './utf8-slices.ts';

/** Bytes a piece holds before the cutter looks for a boundary. */
export const PIECE_BYTES = 512 << 10;
/** Characters of a line a line format's record test sees (its header is at the start). */
const LINE_HEAD_CHARS = 4096;
/** Past this many bytes a line has more characters than the splitter takes (a character is at most 4 bytes). */
const MAX_LINE_BYTES = 4 * MAX_LINE_LENGTH;
/** Pieces' worth of bytes held with no boundary found from the file's start (64 MB by default): past it, the file is read whole instead (one giant record, or no records at all). */
const MAX_FIRST_PIECES = 128;

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
export interface CutterStart extends ReaderStart {
  offset: number;
}

/** A piece's text, decoded in slices as the reader takes it (the same text as the whole file's decoding at that place: pieces start after an ASCII byte). */
export function pieceParts(bytes: Uint8Array, offset: number): string[] {
  const decoder = new Utf8Slices(offset === 0);
  const parts: string[] = [];
  decoder.push(bytes, parts);
  decoder.end(parts);
  return parts;
}

/** Formats whose records can be told apart without reading the file from its start, or whose reader's state at a cut is known; others are read as one piece per file. */
export function cuttable(format: string): boolean {
  return format === 'render-json' || CARRYING.has(format) || lineStart(format, undefined) !== null;
}

const NO_JOIN_TEXT_FORMATS = new Set(['python', 'plain', 'timestamped', 'access-log', 'nginx-error', 'apache-error', 'ruby', 'pgbouncer', 'java', 'go', 'logfmt']);
/** Line formats whose reader carries state from line to line: cut where `lineCuts` says. */
const CARRYING = new Set(['render-text', 'syslog', 'heroku', 'postgres', 'postgres-syslog', 'cri']);
const NOT_HEADED = new Set(['render-json', 'docker-json', ...CARRYING]);

/**
 * Docker's json-file lines: one that the trace joiner cannot join to the line before (it has a level field, or its text
 * is neither a continuation nor an exception line; see the reader's `joinTraceLines` for docker-json), with a time.
 */
function dockerLineStart(line: string): boolean {
  if (line.trimStart().charCodeAt(0) !== 123) return false;
  const record = recordOf(line, '');
  return record?.timestamp !== undefined && (record.fields.level !== undefined || (!CONTINUATION.test(record.message) && !EXCEPTION_LINE.test(record.message)));
}

/**
 * For line formats: whether a line certainly starts a record that nothing before it can continue, and has a time of its
 * own (a record without one would take the time of the record before it, in the piece before).
 */
function lineStart(format: string, year: number | undefined): ((line: string) => boolean) | null {
  if (format === 'docker-json') return dockerLineStart;
  if (JSON_LINE_FORMATS.has(format)) return (line) => line.trimStart().charCodeAt(0) === 123 && recordOf(line, '')?.timestamp !== undefined;
  if (NOT_HEADED.has(format)) return null;
  if (!NO_JOIN_TEXT_FORMATS.has(format) && !format.includes('<')) return null;
  const head = textHead(format, year);
  return (line) => line.length > 0 && !CONTINUATION.test(line) && !EXCEPTION_LINE.test(line) && head(line)?.timestamp !== undefined;
}

/**
 * Formats whose reader carries nothing across a record's first line: a piece may begin at a line that certainly starts
 * a record (`lineStart`), never at one the splitter reports unparsed (binary, invalid UTF-8, too long): in one pass the
 * line after that one can still join the record before it.
 */
class RecordStartCuts implements LineCuts {
  constructor(private readonly startsRecord: (line: string) => boolean) {}

  pushed(): void {}

  check(held: HeldBytes, at: number): CutVerdict {
    const line = heldLine(held, at);
    // A line this long is reported unparsed (too long) however it decodes: no cut before it.
    if (!line) return held.end - at > MAX_LINE_BYTES ? { retryFrom: held.end } : 'more';
    // The record test reads the line's head: its header is at the start.
    return line.text !== null && this.startsRecord(line.text.slice(0, LINE_HEAD_CHARS)) ? 'cut' : { retryFrom: at };
  }

  carried(): CarriedState {
    return {};
  }

  shared(): CarriedState {
    return {};
  }
}

/** The reader's state a cutter's start carries (beyond its line). */
function carriedAt(start: CutterStart | undefined): CarriedState {
  if (!start) return {};
  const { json, syslog, postgresPrefix } = start;
  return { ...(json ? { json } : {}), ...(syslog ? { syslog } : {}), ...(postgresPrefix ? { postgresPrefix } : {}) };
}

function countNewlines(bytes: Buffer): number {
  let count = 0;
  for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) count++;
  return count;
}

/**
 * Bytes in order in, pieces out: `push` returns the pieces whose end became known; `end` the rest. Line formats are cut
 * before a line that starts a record (only that line is decoded); JSON documents as `JsonCuts` finds.
 */
export class PieceCutter {
  private readonly held: HeldBytes;
  private startLine: number;
  /** The reader's state where the current piece begins. */
  private startState: CarriedState;
  /** Whether the current piece starts at a guessed cut. */
  private startGuessed = false;
  private readonly ready: Piece[] = [];
  private readonly json: JsonCuts | null = null;
  /** An empty file is still one (empty) piece: the formats once read whole, so that it reads as it did (a PostgreSQL log still names its prefix). */
  private readonly emptyPiece: boolean;
  private readonly rule: LineCuts | null;
  private readonly firstOffset: number;
  /** Line formats: the absolute offset from which to look for the next boundary. */
  private searchFrom: number;
  /** Whether every byte has been pushed. */
  private ended = false;

  constructor(
    file: string,
    setup: CutterSetup,
    private readonly pieceBytes = PIECE_BYTES,
    start?: CutterStart,
    /** Whether JSON cuts after the first may be guessed (false: every cut is scanned). */
    guessing = true,
    /** Where pieces' bytes go (reused slots), or memory of their own for each. */
    private readonly buffers: PieceBuffers | null = null,
  ) {
    const { format } = setup;
    const carrying = lineCuts(file, setup, start);
    const starts = lineStart(format, setup.year);
    this.rule = carrying ?? (starts ? new RecordStartCuts(starts) : null);
    this.emptyPiece = carrying !== null;
    this.firstOffset = this.searchFrom = start?.offset ?? 0;
    this.held = new HeldBytes(this.firstOffset);
    this.startLine = start?.line ?? 0;
    this.startState = carriedAt(start);
    if (format === 'render-json') this.json = new JsonCuts(file, this.held, pieceBytes, (at, state, guessed) => this.cut(at, state ? { json: state } : {}, guessed), start?.json, guessing);
  }

  /** Bytes pushed that are in no piece yet. */
  get rest(): Buffer {
    return this.held.slice(this.held.start, this.held.end);
  }

  /** Push a block (copied: the caller may reuse it). */
  push(block: Uint8Array): Piece[] {
    const from = this.held.end;
    this.held.push(block);
    if (this.json) this.json.pushed(from);
    else if (this.rule) {
      this.rule.pushed(this.held, from);
      this.findLineBoundaries();
    }
    return this.ready.splice(0);
  }

  end(): Piece[] {
    this.json?.end();
    this.ended = true;
    if (this.held.end > this.held.start || (this.emptyPiece && this.startLine === 0 && this.held.start === this.firstOffset)) this.cut(this.held.end, {}, false);
    return this.ready.splice(0);
  }

  private findLineBoundaries(): void {
    for (;;) {
      const threshold = this.held.start + this.pieceBytes;
      if (this.held.end <= threshold) return;
      const newline = this.held.indexOf(10, Math.max(this.searchFrom, threshold));
      if (newline === -1) {
        this.searchFrom = this.held.end;
        return;
      }
      const verdict = this.rule!.check(this.held, newline + 1);
      if (verdict === 'more') {
        this.searchFrom = newline;
        return;
      }
      if (verdict === 'cut') this.cut(newline + 1, this.rule!.carried(this.held, newline + 1), false);
      else this.searchFrom = Math.max(newline + 1, verdict.retryFrom);
    }
  }

  /** Whether bytes have piled up past MAX_FIRST_PIECES pieces without one boundary: the file is better read whole, streaming. */
  get unbounded(): boolean {
    return this.held.start === this.firstOffset && this.held.end - this.firstOffset > MAX_FIRST_PIECES * this.pieceBytes;
  }

  /** End the current piece at absolute offset `at`; the next one starts there, in `state` (`guessedNext` when that cut was guessed). */
  private cut(at: number, state: CarriedState, guessedNext: boolean): void {
    const offset = this.held.start;
    const bytes = this.buffers ? this.held.take(at, (count) => this.buffers!.take(count)) : this.held.take(at);
    const start: ReaderStart = { line: this.startLine, ...this.startState, ...this.rule?.shared(this.ended) };
    const piece: Piece = { bytes, offset, start };
    if (this.startGuessed) piece.guessed = true;
    this.ready.push(piece);
    this.startLine += countNewlines(bytes);
    this.startState = state;
    this.startGuessed = guessedNext;
  }
}
