// Where a line format whose reader carries state from line to line may be cut, and the state its pieces are told: syslog, Heroku and Render text (the multi-line joiner), PostgreSQL, CRI.
import type { LogRecord } from '../../evidence/schema.ts';
import { CONTINUATION, EXCEPTION_LINE } from './app-formats.ts';
import { CriCuts } from './cri-cuts.ts';
import type { Head } from './headed.ts';
import type { HeldBytes } from './held-bytes.ts';
import { heldLine, previousLineStart } from './held-lines.ts';
import { PostgresCuts } from './postgres-cuts.ts';
import type { ReaderSetup, ReaderStart } from './read-file.ts';
import { createSyslogHead } from './syslog.ts';
import { SyslogYears } from './syslog-years.ts';
import { herokuHead } from './app-formats.ts';
import { renderTextHead } from './text-formats.ts';
import { mayJoin } from './tracebacks.ts';

/** 'cut': a piece may begin at the line; 'more': the answer needs bytes not held yet; otherwise the offset from which to look for the next line to try. */
export type CutVerdict = 'cut' | 'more' | { retryFrom: number };

/** What a piece's reader is told besides its first line's number. */
export type CarriedState = Omit<ReaderStart, 'line'>;

export interface LineCuts {
  /** Bytes were pushed from absolute offset `from` (a rule reading the file's head sees them). */
  pushed(held: HeldBytes, from: number): void;
  /** Whether a piece may begin at the line beginning at absolute offset `at` (asked in increasing order). */
  check(held: HeldBytes, at: number): CutVerdict;
  /** The state in force at `at`, where a piece begins (after `check` said 'cut' there). */
  carried(held: HeldBytes, at: number): CarriedState;
  /** What every piece is told (`ended`: no byte comes after those held). */
  shared(ended: boolean): CarriedState;
}

export type CutterSetup = Pick<ReaderSetup, 'format' | 'year' | 'postgresPrefix'>;

/** The cut rule of a format whose reader carries state from line to line (null for the others). */
export function lineCuts(file: string, setup: CutterSetup, start: (ReaderStart & { offset: number }) | undefined): LineCuts | null {
  const at = start?.offset ?? 0;
  const years = (): SyslogYears => new SyslogYears(start?.syslog ?? (setup.year === undefined ? undefined : { year: setup.year }), at);
  switch (setup.format) {
    case 'syslog': {
      const walker = years();
      return new JoinedHeadCuts(() => createSyslogHead(walker.year?.year, walker.year?.month), false, walker);
    }
    case 'heroku':
      return new JoinedHeadCuts(() => herokuHead, false, null);
    case 'render-text':
      return new JoinedHeadCuts(() => renderTextHead, true, null);
    case 'postgres':
    case 'postgres-syslog':
      return new PostgresCuts(file, setup, start?.postgresPrefix, setup.format === 'postgres-syslog' ? years() : null);
    case 'cri':
      return new CriCuts(at);
    default:
      return null;
  }
}

const asRecord = (head: Head): LogRecord => ({ file: '', line: 0, message: head.message, fields: head.fields ?? {}, ...(head.timestamp ? { timestamp: head.timestamp } : {}) });

/**
 * Header formats read through `joinMultiline` (syslog, Heroku, Render text): a piece may begin at a line when it and the
 * line before it each begin a record with a time, and the joiner could not join the second to the first (a different
 * time or stream, a request, or a message that always starts a new one). The reader's headed parser keeps nothing else
 * across a record's first line.
 */
class JoinedHeadCuts implements LineCuts {
  constructor(
    /** A header parser in the state in force at the line before the one tried. */
    private readonly heads: () => (text: string) => Head | null,
    /** Whether the headed parser joins trace lines (and indented lines) to the record before, even where a header matches. */
    private readonly continues: boolean,
    private readonly years: SyslogYears | null,
  ) {}

  pushed(): void {}

  check(held: HeldBytes, at: number): CutVerdict {
    const line = heldLine(held, at);
    if (!line) return 'more';
    const before = previousLineStart(held, at);
    const previousText = before < at ? heldLine(held, before)!.text : null;
    if (line.text === null || previousText === null) return { retryFrom: at };
    this.years?.walk(held, before);
    const head = this.heads();
    const previous = this.recordHead(head, previousText);
    const next = previous && this.recordHead(head, line.text);
    return next && !mayJoin(asRecord(previous), asRecord(next)) ? 'cut' : { retryFrom: at };
  }

  /** The header of a line certain to begin a record with a time, or null. */
  private recordHead(head: (text: string) => Head | null, text: string): Head | null {
    if (this.continues && (CONTINUATION.test(text) || EXCEPTION_LINE.test(text))) return null;
    const parsed = head(text);
    return parsed?.timestamp ? parsed : null;
  }

  carried(held: HeldBytes, at: number): CarriedState {
    return this.years?.carried(held, at) ?? {};
  }

  shared(): CarriedState {
    return {};
  }
}
