// A user-given header format in the logparser convention (`<Date> <Time> <Level> <Component>: <Content>`), matched in linear time (RE2).
import { RE2JS } from 're2js';
import type { Head } from './headed.ts';
import { normalizeLevel, normalizeTimestamp } from './time.ts';

export interface HeaderFormat {
  format: string;
  regex: RE2JS;
  names: string[];
}

class HeaderFormatError extends Error {}

/** Longest line prefix given to the matcher; the rest of a longer line is appended to <Content> unmatched. */
const MAX_MATCHED = 2048;

/**
 * Compile a logparser format exactly as logparser does (`generate_logformat_regex`): each `<Name>` becomes a lazy
 * group `(.*?)`, the text between fields is a regular expression with every run of spaces replaced by `\s+`, and
 * the whole is anchored. The regex is compiled with RE2 (re2js), so matching is linear in the line's length:
 * no format can make a line backtrack for ever.
 */
export function compileHeaderFormat(format: string): HeaderFormat {
  const names: string[] = [];
  let pattern = '^';
  const parts = format.split(/(<[^<>]+>)/);
  parts.forEach((part, index) => {
    if (index % 2 === 1) {
      names.push(part.slice(1, -1));
      pattern += `(?P<f${names.length - 1}>.*?)`;
    } else pattern += part.replace(/ +/g, '\\s+');
  });
  pattern += '$';
  if (!names.includes('Content')) throw new HeaderFormatError(`log format ${JSON.stringify(format)} has no <Content> field`);
  let regex: RE2JS;
  try {
    regex = RE2JS.compile(pattern, RE2JS.DOTALL);
  } catch (error) {
    throw new HeaderFormatError(
      `log format ${JSON.stringify(format)} does not compile: the text between <Field>s is a regular expression (logparser convention, RE2 syntax) and ${(error as Error).message}; escape literal brackets and parentheses as \\[ \\] \\( \\)`,
    );
  }
  return { format, regex, names };
}

/** Whether a manifest format string is a logparser header format rather than a format name. */
export function isHeaderFormat(format: string): boolean {
  return /<Content>/.test(format);
}

export function headerFormatHead(compiled: HeaderFormat): (text: string) => Head | null {
  const { regex, names } = compiled;
  const contentIndex = names.indexOf('Content');
  const levelIndex = names.findIndex((name) => /^(level|severity)$/i.test(name));
  const dateIndex = names.findIndex((name) => /^date$/i.test(name));
  const timeIndex = names.findIndex((name) => /^(time|timestamp|datetime)$/i.test(name));
  const contentLast = contentIndex === names.length - 1 && compiled.format.endsWith('<Content>');
  return (text) => {
    // A very long line: match its head only (when <Content> ends the format, the rest belongs to it).
    const long = text.length > MAX_MATCHED && contentLast;
    const matcher = regex.matcher(long ? text.slice(0, MAX_MATCHED) : text);
    if (!matcher.matches()) return null;
    const values = names.map((_name, index) => matcher.group(`f${index}`) ?? '');
    const fields: Record<string, string> = {};
    for (let index = 0; index < names.length; index++) if (index !== contentIndex) fields[names[index]!] = values[index]!;
    const content = long ? values[contentIndex]! + text.slice(MAX_MATCHED) : values[contentIndex]!;
    const head: Head = { message: content.trim(), fields };
    if (levelIndex >= 0) {
      const level = normalizeLevel(values[levelIndex]!);
      if (level) head.level = level;
    }
    if (timeIndex >= 0) {
      const stamp = dateIndex >= 0 ? `${values[dateIndex]} ${values[timeIndex]}` : values[timeIndex]!;
      if (/^\d{4}-\d\d-\d\d/.test(stamp)) {
        const timestamp = normalizeTimestamp(stamp.replace(',', '.'));
        if (timestamp) head.timestamp = timestamp;
      }
    }
    return head;
  };
}
