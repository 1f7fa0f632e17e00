// What a log file's summary says was not read or not used: empty file, records without time, a format that barely parses, records outside the window.
import type { LogFileSummary } from '../../evidence/schema.ts';

export interface FileWarning {
  text: string;
  /** Whether the warning makes the source partial (the evidence from this file is missing or unusable). */
  partial: boolean;
  /** What it is about: the file's content, its format, records without time, the window. */
  kind: 'empty' | 'format' | 'untimed' | 'window';
}

/** Below this share of lines parsed into records, the format is taken to be the wrong one. */
const MIN_PARSED_SHARE = 0.1;

function day(iso: string, offsetDays = 0): string {
  return new Date(Date.parse(iso.slice(0, 10)) + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The warnings for one file once read. `suggested` is what detection says the file looks like (null when it agrees
 * with the format tried or cannot tell).
 */
export function fileWarnings(summary: LogFileSummary, window: { start: string; end: string } | null, suggested: string | null): FileWarning[] {
  const warnings: FileWarning[] = [];
  const name = summary.path;
  const lines = summary.lines ?? 0;
  if (summary.records === 0 && summary.unparsed === 0 && lines === 0) {
    warnings.push({ text: `${name}: the file is empty (0 lines); nothing was read from it`, partial: true, kind: 'empty' });
    return warnings;
  }
  const suggestion =
    suggested && suggested !== summary.format
      ? `; the lines look like ${suggested}: set \`format: ${suggested}\``
      : "; set `format` to the file's format (a name or a header format such as '<Date> <Time> <Level> <Content>')";
  const text = summary.textRecords ?? 0;
  const parsedShare = lines > 0 ? (lines - summary.unparsed - text) / lines : 1;
  const recordShare = lines > 0 ? (summary.records - text) / lines : 1;
  if (lines >= 10 && (parsedShare < MIN_PARSED_SHARE || (recordShare < MIN_PARSED_SHARE && suggested && suggested !== summary.format))) {
    warnings.push({
      text: `${name}: format ${summary.format} parsed ${summary.records - text} record(s) from ${lines} line(s) (${summary.unparsed} unparsed${text > 0 ? `, ${text} kept as text` : ''}), less than a tenth${suggestion}`,
      partial: true,
      kind: 'format',
    });
  } else if (text > 0) {
    warnings.push({ text: `${name}: ${text} block(s) of text between the ${summary.format} records (crash output, stderr) kept as text records`, partial: false, kind: 'format' });
  } else if (summary.records === 0) {
    warnings.push({ text: `${name}: no record could be read (format ${summary.format}, ${summary.unparsed} unparsed line(s))${suggestion}`, partial: true, kind: 'format' });
  }
  const untimed = summary.untimed ?? 0;
  if (untimed > 0 && summary.records > 0) {
    const all = untimed === summary.records;
    warnings.push({
      text: `${name}: ${all ? `none of the ${summary.records} record(s) has a` : `${untimed} of ${summary.records} record(s) have no`} time (format ${summary.format}): ${all ? 'they are' : 'those are'} kept whatever the window but cannot be placed on the timeline${all ? suggestion : ''}`,
      partial: true,
      kind: 'untimed',
    });
  }
  const outside = summary.outsideWindow ?? 0;
  if (window && outside > 0) {
    const timed = summary.records - untimed;
    const seen = summary.firstSeen && summary.lastSeen ? ` (first ${summary.firstSeen}, last ${summary.lastSeen})` : '';
    const before = summary.beforeWindow ?? 0;
    const after = summary.afterWindow ?? 0;
    if (outside === timed) {
      let change: string;
      if (before === outside) change = `all ${outside} record(s) are before the window${seen}: widen \`window.start\` to ${day(summary.firstSeen!)}`;
      else if (after === outside) change = `all ${outside} record(s) are after the window${seen}: widen \`window.end\` to ${day(summary.lastSeen!, 1)}`;
      else
        change = `all ${outside} record(s) are outside the window (${before} before, ${after} after)${seen}: widen \`window.start\` to ${day(summary.firstSeen!)} and \`window.end\` to ${day(summary.lastSeen!, 1)}`;
      warnings.push({ text: `${name}: ${change}; nothing from this file is analysed`, partial: true, kind: 'window' });
    } else {
      warnings.push({
        text: `${name}: ${outside} of ${timed} timed record(s) are outside the window (${before} before, ${after} after)${seen}; counted, not analysed`,
        partial: false,
        kind: 'window',
      });
    }
  }
  return warnings;
}
