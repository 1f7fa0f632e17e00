// The lines of a piece cutter's held bytes as a reader will take them: decoded, and null where the splitter reports them unparsed.
import type { HeldBytes } from './held-bytes.ts';
import { lineAsParsed } from './lines.ts';

export interface HeldLine {
  /** The line as a parser gets it, or null when the splitter reports it unparsed (binary, invalid UTF-8, too long). */
  text: string | null;
  /** Absolute offset of the next line. */
  next: number;
}

const NEWLINE = Buffer.from('\n');

/** Whether the bytes from absolute offset `at` start with the UTF-8 BOM the file's decoder drops (only at the file's start). */
export function bomAt(held: HeldBytes, at: number): boolean {
  return at === 0 && held.end >= 3 && held.byte(0) === 0xef && held.byte(1) === 0xbb && held.byte(2) === 0xbf;
}

/** The line beginning at absolute offset `at`, or null while its newline is not held. */
export function heldLine(held: HeldBytes, at: number): HeldLine | null {
  const newline = held.indexOf(10, at);
  if (newline === -1) return null;
  const bytes = held.slice(bomAt(held, at) ? 3 : at, newline);
  return { text: lineAsParsed(bytes.toString('utf8')), next: newline + 1 };
}

/** Where the line before the one beginning at `at` begins (no earlier than the first byte held, which begins a line). */
export function previousLineStart(held: HeldBytes, at: number): number {
  const newline = held.lastIndexOf(NEWLINE, held.start, at - 1);
  return newline === -1 ? held.start : newline + 1;
}
