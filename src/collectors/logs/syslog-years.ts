// Follows syslog's missing year through a file's bytes as its reader will (see `followYear`), decoding only the lines whose month name differs from the last one.
import type { HeldBytes } from './held-bytes.ts';
import { bomAt, heldLine } from './held-lines.ts';
import { BSD_DATE, followYear, MONTHS, type SyslogYear } from './syslog.ts';

const code = (a: number, b: number, c: number): number => (a << 16) | (b << 8) | c;
const MONTH_CODES = new Map(Object.entries(MONTHS).map(([name, month]) => [code(name.charCodeAt(0), name.charCodeAt(1), name.charCodeAt(2)), month]));

/** The month a line's bytes name where `BSD_DATE` reads it (after an optional `<PRI>`), or -1: a line without one cannot match. */
function monthNamed(held: HeldBytes, at: number, end: number): number {
  let index = bomAt(held, at) ? 3 : at;
  if (index < end && held.byte(index) === 60) {
    let digit = index + 1;
    while (digit < end && digit - index <= 3 && held.byte(digit) >= 48 && held.byte(digit) <= 57) digit++;
    if (digit === index + 1 || digit >= end || held.byte(digit) !== 62) return -1;
    index = digit + 1;
  }
  if (index + 3 > end) return -1;
  return MONTH_CODES.get(code(held.byte(index), held.byte(index + 1), held.byte(index + 2))) ?? -1;
}

export class SyslogYears {
  private readonly state: SyslogYear | null;

  /** `start`: the year (and last month) in force at absolute offset `at`; undefined when the file's year is unknown (nothing to follow). */
  constructor(
    start: SyslogYear | undefined,
    private at: number,
  ) {
    this.state = start ? { ...start } : null;
  }

  /** The year in force after the lines walked. */
  get year(): SyslogYear | undefined {
    return this.state ? { ...this.state } : undefined;
  }

  /** What a piece beginning at `at` is told: the year in force there. */
  carried(held: HeldBytes, at: number): { syslog?: SyslogYear } {
    this.walk(held, at);
    return this.state ? { syslog: { ...this.state } } : {};
  }

  /** Take in every line that begins before absolute offset `to` (a line start, held). */
  walk(held: HeldBytes, to: number): void {
    const state = this.state;
    if (!state) {
      this.at = Math.max(this.at, to);
      return;
    }
    while (this.at < to) {
      const end = held.indexOf(10, this.at);
      const month = monthNamed(held, this.at, end);
      // A line naming the last month leaves the state as it is, whether it matches or not.
      if (month !== -1 && month !== state.month) {
        const text = heldLine(held, this.at)!.text;
        const match = text === null ? null : BSD_DATE.exec(text);
        if (match) followYear(state, MONTHS[match[1]!]!);
      }
      this.at = end + 1;
    }
  }
}
