// Splits decoded text chunks into physical lines; flags too-long, binary and invalid UTF-8 lines as unparsed.
import { MAX_LINE_LENGTH, type LineParser, type RecordSink } from './types.ts';

export class LineSplitter {
  private rest = '';
  private skipping = false;
  private lineNumber: number;

  /** `startLine`: lines before the text this splitter is given (it starts inside a file). */
  constructor(
    private readonly parser: LineParser,
    private readonly sink: Pick<RecordSink, 'unparsed'>,
    startLine = 0,
  ) {
    this.lineNumber = startLine;
  }

  /** Number of physical lines seen so far (counting from the start line). */
  get lines(): number {
    return this.lineNumber;
  }

  push(chunk: string): void {
    let start = 0;
    let newline = chunk.indexOf('\n');
    if (newline === -1) {
      this.append(chunk);
      return;
    }
    if (this.rest.length > 0 || this.skipping) {
      this.append(chunk.slice(0, newline));
      this.emit(this.rest);
      this.rest = '';
      start = newline + 1;
      newline = chunk.indexOf('\n', start);
    }
    while (newline !== -1) {
      this.emit(chunk.slice(start, newline));
      start = newline + 1;
      newline = chunk.indexOf('\n', start);
    }
    if (start < chunk.length) this.append(chunk.slice(start));
  }

  end(): void {
    if (this.rest.length > 0 || this.skipping) this.emit(this.rest);
    this.rest = '';
    this.parser.end();
  }

  private append(text: string): void {
    if (this.skipping) return;
    this.rest += text;
    if (this.rest.length > MAX_LINE_LENGTH) {
      this.skipping = true;
      this.rest = this.rest.slice(0, 200);
    }
  }

  private emit(raw: string): void {
    const lineNumber = ++this.lineNumber;
    if (this.skipping) {
      this.skipping = false;
      this.sink.unparsed(lineNumber, 'line-too-long', raw.slice(0, 200));
      return;
    }
    const text = withoutCr(raw);
    const fault = lineFault(text);
    if (fault) this.sink.unparsed(lineNumber, fault, text.slice(0, 200));
    else this.parser.line(text, lineNumber);
  }
}

const withoutCr = (raw: string): string => (raw.length > 0 && raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw);

function lineFault(text: string): 'binary' | 'invalid-utf8' | null {
  if (text.indexOf('\u0000') !== -1) return 'binary';
  if (text.indexOf('\uFFFD') !== -1) return 'invalid-utf8';
  return null;
}

/** A decoded physical line (without its newline) as the splitter hands it to a parser, or null when the splitter reports it unparsed. */
export function lineAsParsed(raw: string): string | null {
  if (raw.length > MAX_LINE_LENGTH) return null;
  const text = withoutCr(raw);
  return lineFault(text) ? null : text;
}
