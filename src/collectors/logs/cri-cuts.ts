// Where a CRI container log may be cut: before a complete (F) line that no partial (P) line is waiting for and that no trace line continues, the partial lines followed through the bytes.
import { CONTINUATION, EXCEPTION_LINE } from './app-formats.ts';
import { CRI_LINE } from './cri.ts';
import type { HeldBytes } from './held-bytes.ts';
import { heldLine } from './held-lines.ts';
import type { CarriedState, CutVerdict, LineCuts } from './line-cuts.ts';

const STDOUT = Buffer.from(' stdout ');
const STDERR = Buffer.from(' stderr ');
const PARTIAL = 80;

/** The stream and tag bytes after a line's first space, where `CRI_LINE` reads them (null: the line cannot match). */
function streamAndTag(held: HeldBytes, at: number, end: number): { stream: string; tag: number } | null {
  const line = held.slice(at, end);
  const space = line.indexOf(32);
  if (space === -1 || space + 9 > line.length) return null;
  const stream = line.subarray(space, space + 8);
  const name = stream.equals(STDOUT) ? 'stdout' : stream.equals(STDERR) ? 'stderr' : null;
  return name ? { stream: name, tag: line[space + 8]! } : null;
}

/**
 * The CRI parser holds a P line's text until the F line of its stream (a P line of the other stream replaces it), and
 * joins a trace line to the record before it from the same stream. A piece may begin at an F line when no partial is
 * held there and its text is no trace line: the parser then starts afresh.
 */
export class CriCuts implements LineCuts {
  /** The stream of the partial line held after the lines walked. */
  private partial: string | null = null;

  constructor(private at: number) {}

  pushed(): void {}

  /** Take in every line that begins before absolute offset `to`; only P lines, and F lines of the partial's stream, are decoded. */
  private walk(held: HeldBytes, to: number): void {
    while (this.at < to) {
      const end = held.indexOf(10, this.at);
      const seen = streamAndTag(held, this.at, end);
      if (seen && (seen.tag === PARTIAL || seen.stream === this.partial)) {
        const text = heldLine(held, this.at)!.text;
        const match = text === null ? null : CRI_LINE.exec(text);
        if (match?.[3] === 'P') this.partial = match[2]!;
        else if (match && match[2] === this.partial) this.partial = null;
      }
      this.at = end + 1;
    }
  }

  check(held: HeldBytes, at: number): CutVerdict {
    const line = heldLine(held, at);
    if (!line) return 'more';
    this.walk(held, at);
    const match = line.text === null || this.partial !== null ? null : CRI_LINE.exec(line.text);
    const text = match?.[4] ?? '';
    return match?.[3] === 'F' && !CONTINUATION.test(text) && !EXCEPTION_LINE.test(text) ? 'cut' : { retryFrom: at };
  }

  carried(): CarriedState {
    return {};
  }

  shared(): CarriedState {
    return {};
  }
}
