// Where a JSON document of log records (a Render page, an array) may be cut: the first cut found by scanning, later ones guessed at the record separator and checked by the pieces' readers.
import type { LogRecord } from '../../evidence/schema.ts';
import type { HeldBytes } from './held-bytes.ts';
import { recordFromObject } from './json-record.ts';
import { createRenderJsonParser, type RenderJsonState, type ScannedRecord } from './render-json.ts';
import { mayContinue } from './tracebacks.ts';

/** Bytes of JSON scanned as one string (a string of a megabyte or more would be an external string, slower to scan). */
const SCAN_SLICE = 64 << 10;
/** Bytes past a piece's threshold searched for a guessed boundary before the cutter gives up guessing. */
const GUESS_SPAN_PIECES = 8;
/** Bytes before a separator searched for the record that ends there. */
const RECORD_BEFORE_BYTES = 64 << 10;
/** A JSON separator between two records and the next one's first key (`},{"id":`): in valid JSON this byte sequence never lies inside a string. */
const RECORD_LEAD = /^[\t\n\r ]*,[\t\n\r ]*\{[\t\n\r ]*"[^"\\\x00-\x1f]{1,64}"[\t\n\r ]*:/;

export function recordOf(text: string, file: string): LogRecord | null {
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? recordFromObject(parsed as never, file, 0) : null;
  } catch {
    return null;
  }
}

/** Ends the current piece at absolute offset `at`; the next starts there in `state` (undefined: unknown), `guessed` when the cut was not scanned. */
export type CutAt = (at: number, state: RenderJsonState | undefined, guessed: boolean) => void;

/**
 * Scans until the first cut (never between two records the multi-line joiner could join), then learns the separator
 * that leads into the next record and guesses later cuts at it, with the state of the first cut. A wrong guess shows in
 * the pieces' edges (see `PieceEdge`), and the file is cut again with `guessing` off.
 */
export class JsonCuts {
  private scanner: ReturnType<typeof createRenderJsonParser> | null;
  private candidate: { end: number; state: RenderJsonState; record: LogRecord } | null = null;
  private chunkBase = 0;
  private guess: { separator: Buffer; brace: number; state: RenderJsonState } | null = null;
  private searchFrom: number;
  /** A guess that found no separator: the pieces from here on cannot be trusted. */
  private lost = false;

  constructor(
    private readonly file: string,
    private readonly held: HeldBytes,
    private readonly pieceBytes: number,
    private readonly cutAt: CutAt,
    state: RenderJsonState | undefined,
    private readonly guessing: boolean,
  ) {
    const ignore = { record: () => undefined, unparsed: () => undefined };
    this.scanner = createRenderJsonParser(file, ignore, { state, onRecord: (end, scanned) => this.scanned(scanned, this.chunkBase + end) });
    this.searchFrom = held.start;
  }

  /** Look at the bytes pushed from absolute offset `from` on. */
  pushed(from: number): void {
    for (let at = from; at < this.held.end && this.scanner; at += SCAN_SLICE) {
      this.chunkBase = at;
      this.scanner.push(this.held.slice(at, Math.min(this.held.end, at + SCAN_SLICE)).toString('latin1'));
    }
    if (this.guess) this.guessCuts();
  }

  end(): void {
    this.scanner?.end();
  }

  private scanned(scanned: ScannedRecord, end: number): void {
    if (!this.scanner) return;
    const candidate = this.candidate;
    if (candidate) {
      const record = recordOf(utf8(scanned.text()), this.file);
      if (record && !mayContinue(candidate.record, record)) {
        this.candidate = null;
        this.cutAt(candidate.end, candidate.state, false);
        if (this.guessing) this.startGuessing(candidate.end, candidate.state);
      } else this.candidate = record ? { end, state: scanned.state(), record } : null;
      return;
    }
    if (end - this.held.start < this.pieceBytes) return;
    const record = recordOf(utf8(scanned.text()), this.file);
    if (record) this.candidate = { end, state: scanned.state(), record };
  }

  private startGuessing(at: number, state: RenderJsonState): void {
    const lead = RECORD_LEAD.exec(this.held.slice(at, at + 256).toString('latin1'));
    if (!lead) return;
    const separator = Buffer.from(`}${lead[0]}`, 'latin1');
    this.guess = { separator, brace: separator.indexOf(123), state };
    this.scanner = null;
    this.searchFrom = at;
  }

  private guessCuts(): void {
    const { separator, state } = this.guess!;
    for (;;) {
      const threshold = this.held.start + this.pieceBytes;
      if (this.held.end <= threshold) return;
      const found = this.held.indexOf(separator, Math.max(this.searchFrom, threshold));
      if (found !== -1) {
        const joinable = this.mayJoinAt(found);
        if (joinable === null) return;
        if (joinable) this.searchFrom = found + 1;
        else this.cutAt(found + 1, state, true);
        continue;
      }
      this.searchFrom = Math.max(threshold, this.held.end - separator.length + 1);
      if (this.held.end - threshold > GUESS_SPAN_PIECES * this.pieceBytes && !this.lost) {
        // No separator in a long stretch: end the piece here, unchecked; the next piece's start cannot match, so the file is cut again from the last piece that held.
        this.lost = true;
        this.cutAt(this.held.end, undefined, true);
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
    const { separator, brace } = this.guess!;
    const next = this.held.indexOf(separator, at + 1);
    if (next === -1) return this.held.end - at > this.pieceBytes ? false : null;
    const after = recordOf(this.held.slice(at + brace, next + 1).toString('utf8'), '');
    const previous = this.held.lastIndexOf(separator, Math.max(this.held.start, at - RECORD_BEFORE_BYTES), at);
    if (previous === -1 || !after) return false;
    const before = recordOf(this.held.slice(previous + brace, at + 1).toString('utf8'), '');
    return before !== null && mayContinue(before, after);
  }
}

/** Latin-1 text (as the JSON scan reads bytes) decoded as the UTF-8 it holds. */
const utf8 = (latin1: string): string => Buffer.from(latin1, 'latin1').toString('utf8');
