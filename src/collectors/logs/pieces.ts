// Cuts a log file's text into pieces of whole records, each readable on its own and merged in order: boundaries depend only on the text, never on how many threads read them.
import type { LogRecord } from '../../evidence/schema.ts';
import { CONTINUATION, EXCEPTION_LINE } from './app-formats.ts';
import { JSON_LINE_FORMATS } from './detect.ts';
import { recordFromObject } from './json-record.ts';
import type { ReaderStart } from './read-file.ts';
import { textHead } from './read-file.ts';
import { createRenderJsonParser, type RenderJsonState, type ScannedRecord } from './render-json.ts';
import { mayContinue } from './tracebacks.ts';

/** Characters a piece holds before the cutter looks for a boundary. */
export const PIECE_CHARS = 512 << 10;
/** Characters of a line a line format's record test sees (its header is at the start). */
const LINE_HEAD_CHARS = 4096;
/** Pieces' worth of text held with no boundary found from the file's start (64 MB by default): past it, the file is read whole instead (one giant record, or no records at all). */
const MAX_FIRST_PIECES = 128;

export interface Piece {
  /** The piece's text, in the slices it was read in (joined, they are the piece). */
  parts: string[];
  start: ReaderStart;
}

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

function countNewlines(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

/** Text in order in, pieces out: `push` returns the pieces whose end became known; `end` the rest. */
export class PieceCutter {
  private parts: string[] = [];
  /** Absolute offsets: where the current piece starts, and how much text has been pushed. */
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
    private readonly pieceChars = PIECE_CHARS,
  ) {
    this.startsRecord = lineStart(format, year);
    if (format === 'render-json') {
      const ignore = { record: () => undefined, unparsed: () => undefined };
      this.json = createRenderJsonParser(file, ignore, { onRecord: (end, scanned) => this.jsonRecord(file, scanned, this.chunkBase + end) });
    }
  }

  push(text: string): Piece[] {
    this.parts.push(text);
    this.chunkBase = this.pushed;
    this.pushed += text.length;
    if (this.json) this.json.push(text);
    else if (this.startsRecord) this.findLineBoundaries();
    return this.ready.splice(0);
  }

  end(): Piece[] {
    this.json?.end();
    if (this.pushed > this.pieceStart) this.cut(this.pushed, undefined);
    return this.ready.splice(0);
  }

  private jsonRecord(file: string, scanned: ScannedRecord, end: number): void {
    const candidate = this.candidate;
    if (candidate) {
      const record = recordOf(scanned.text(), file);
      if (record && !mayContinue(candidate.record, record)) {
        this.cut(candidate.end, candidate.state);
        this.candidate = null;
      } else this.candidate = record ? { end, state: scanned.state(), record } : null;
      return;
    }
    if (end - this.pieceStart < this.pieceChars) return;
    const record = recordOf(scanned.text(), file);
    if (record) this.candidate = { end, state: scanned.state(), record };
  }

  private findLineBoundaries(): void {
    for (;;) {
      const threshold = this.pieceStart + this.pieceChars;
      if (this.pushed <= threshold) return;
      const newline = this.indexOf('\n', Math.max(this.searchFrom, threshold));
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

  /** Absolute offset of the next `search` at or after absolute offset `from` in the text held, or -1. */
  private indexOf(search: string, from: number): number {
    let offset = this.pieceStart;
    for (const part of this.parts) {
      if (from < offset + part.length) {
        const found = part.indexOf(search, Math.max(0, from - offset));
        if (found !== -1) return offset + found;
      }
      offset += part.length;
    }
    return -1;
  }

  /** The line starting at absolute offset `at` (its first LINE_HEAD_CHARS characters are enough), or null until its end has arrived. */
  private lineAt(at: number): string | null {
    let offset = this.pieceStart;
    let line = '';
    for (const part of this.parts) {
      if (at < offset + part.length) {
        const begin = Math.max(0, at - offset);
        const newline = part.indexOf('\n', begin);
        line += part.slice(begin, newline === -1 ? part.length : newline);
        if (newline !== -1 || line.length >= LINE_HEAD_CHARS) return line.slice(0, LINE_HEAD_CHARS);
      }
      offset += part.length;
    }
    return null;
  }

  /** Whether text has piled up past MAX_FIRST_PIECES pieces without one boundary: the file is better read whole, streaming. */
  get unbounded(): boolean {
    return this.pieceStart === 0 && this.pushed > MAX_FIRST_PIECES * this.pieceChars;
  }

  /** End the current piece at absolute offset `at`; the next one starts there (in `state`, for JSON). */
  private cut(at: number, state: RenderJsonState | undefined): void {
    const parts: string[] = [];
    let offset = this.pieceStart;
    let index = 0;
    for (; index < this.parts.length; index++) {
      const part = this.parts[index]!;
      if (offset + part.length <= at) {
        parts.push(part);
        offset += part.length;
        continue;
      }
      if (at > offset) {
        parts.push(part.slice(0, at - offset));
        this.parts[index] = part.slice(at - offset);
      }
      break;
    }
    this.parts = this.parts.slice(index);
    const start: ReaderStart = { line: this.startLine };
    if (this.startState) start.json = this.startState;
    this.ready.push({ parts, start });
    this.pieceStart = at;
    for (const part of parts) this.startLine += countNewlines(part);
    this.startState = state;
  }
}
