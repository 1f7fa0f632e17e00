// Traditional syslog without a year (RFC 3164): the year inferred from the file's own dates, year ends followed; PostgreSQL through syslog re-joined.
import type { Head } from './headed.ts';
import { syslogHead } from './text-formats.ts';
import { createPostgresParser } from './postgres.ts';
import type { LineParser, RecordSink } from './types.ts';

export const BSD_DATE = /^(?:<\d{1,3}>)?(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d /;
export const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };
const EMBEDDED_DATE = /\b((?:19|20)\d\d)-(\d\d)-\d\d[T ]\d\d:\d\d/;

/**
 * The year of the file's first RFC 3164 line: from a full date printed inside a message near it (a PostgreSQL or
 * application timestamp), else from the file's modification time (a first line dated after it is from the year before).
 */
export function inferSyslogYear(head: string, modified: Date): number | undefined {
  const lines = head.split('\n').slice(0, 2000);
  let firstMonth: number | undefined;
  let rollovers = 0;
  let last: number | undefined;
  for (const line of lines) {
    const match = BSD_DATE.exec(line);
    if (!match) continue;
    const month = MONTHS[match[1]!]!;
    if (firstMonth === undefined) firstMonth = month;
    if (last !== undefined && month < last - 6) rollovers++;
    last = month;
    const embedded = EMBEDDED_DATE.exec(line.slice(match[0].length, match[0].length + 400));
    if (embedded) {
      let year = Number(embedded[1]);
      const embeddedMonth = Number(embedded[2]) - 1;
      if (month === 0 && embeddedMonth === 11) year++;
      else if (month === 11 && embeddedMonth === 0) year--;
      return year - rollovers;
    }
  }
  if (firstMonth === undefined) return undefined;
  const year = modified.getUTCFullYear();
  return firstMonth > modified.getUTCMonth() ? year - 1 : year;
}

/** The year a syslog line without one is read in, and the month of the last dated line before it (see `followYear`). */
export interface SyslogYear {
  year: number;
  month?: number;
}

/** Take in a dated line's month: December then January is a new year (and a month far ahead goes back one). */
export function followYear(state: SyslogYear, month: number): void {
  if (state.month !== undefined && month < state.month - 6) state.year++;
  else if (state.month !== undefined && month > state.month + 6) state.year--;
  state.month = month;
}

/** A syslog header parser that follows the year across the file (December then January is a new year), from the year and last month in force where it starts. */
export function createSyslogHead(initialYear: number | undefined, lastMonth?: number): (text: string) => Head | null {
  if (initialYear === undefined) return (text) => syslogHead(text);
  const state: SyslogYear = lastMonth === undefined ? { year: initialYear } : { year: initialYear, month: lastMonth };
  return (text) => {
    const match = BSD_DATE.exec(text);
    if (match) followYear(state, MONTHS[match[1]!]!);
    return syslogHead(text, state.year, true);
  };
}

const PG_CHUNK = /^\[(\d+)-(\d+)\] ?([\s\S]*)$/;
const PG_PROGRAMS = /^(?:postgres|postmaster|postgresql)(?:[-\w.]*)$/i;
const OWN_TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/;

/** Whether a syslog line is a PostgreSQL message chunk (`postgres[1234]: [7-1] ...`). */
export function isPostgresSyslog(head: Head | null): boolean {
  return head !== null && PG_PROGRAMS.test(head.fields?.app ?? '') && PG_CHUNK.test(head.message);
}

/**
 * PostgreSQL logging to syslog: each message is split into `[seq-n]` chunks, continuation lines escaped as `#011`.
 * Chunks are turned back into stderr-style lines (`time [pid] text`, TAB continuations) and read by the PostgreSQL
 * parser, so severities, DETAIL/STATEMENT lines and pids come out as for a stderr log. Other programs' lines stay
 * syslog records.
 */
export function createPostgresSyslogParser(file: string, start: SyslogYear | undefined, sink: RecordSink, prefix?: string): LineParser & { prefix(): string | undefined } {
  const head = createSyslogHead(start?.year, start?.month);
  const postgres = createPostgresParser({ file, prefix }, sink);
  return {
    line(text, lineNumber) {
      const parsed = head(text);
      if (!parsed) {
        if (text.trim().length > 0) sink.unparsed(lineNumber, 'not-syslog', text.slice(0, 200));
        return;
      }
      const line = postgresChunkLine(parsed);
      if (line === null) {
        sink.record({
          file,
          line: lineNumber,
          message: parsed.message,
          fields: parsed.fields ?? {},
          ...(parsed.timestamp ? { timestamp: parsed.timestamp } : {}),
          ...(parsed.level ? { level: parsed.level } : {}),
        });
        return;
      }
      postgres.line(line, lineNumber);
    },
    end() {
      postgres.end();
    },
    prefix: () => postgres.prefix(),
  };
}

/** The stderr-style line (`time [pid] text`, or a TAB continuation) a PostgreSQL chunk stands for; null for another program's line (kept as a syslog record). */
export function postgresChunkLine(parsed: Head): string | null {
  const chunk = PG_PROGRAMS.test(parsed.fields?.app ?? '') ? PG_CHUNK.exec(parsed.message) : null;
  if (!chunk) return null;
  const body = chunk[3]!;
  if ((chunk[2] !== '1' && body.startsWith('\t')) || OWN_TIME.test(body)) return body;
  const time = parsed.timestamp ? `${parsed.timestamp.slice(0, 10)} ${parsed.timestamp.slice(11, 19)} UTC` : '';
  return `${time} [${parsed.fields?.procid ?? '0'}] ${body}`;
}
