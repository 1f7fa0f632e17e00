// A user-given header format in the logparser convention (`<Date> <Time> <Level> <Component>: <Content>`) as a record header.
import type { Head } from './headed.ts';
import { normalizeLevel, normalizeTimestamp } from './time.ts';

export interface HeaderFormat {
  regex: RegExp;
  names: string[];
}

/** Compile a logparser format: `<Name>` fields, `<Content>` the message, runs of spaces match any whitespace, `\[` a literal. */
export function compileHeaderFormat(format: string): HeaderFormat {
  const names: string[] = [];
  let pattern = '^';
  const parts = format.split(/(<[^<>]+>)/);
  for (const part of parts) {
    if (part.length === 0) continue;
    const field = /^<([^<>]+)>$/.exec(part);
    if (field) {
      names.push(field[1]!);
      pattern += field[1] === 'Content' ? '(.*?)' : '(.*?)';
      continue;
    }
    let literal = '';
    for (let index = 0; index < part.length; index++) {
      const char = part[index]!;
      if (char === '\\' && index + 1 < part.length) {
        literal += part[index + 1]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        index++;
      } else if (char === ' ') {
        while (part[index + 1] === ' ') index++;
        literal += '\\s+';
      } else literal += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
    pattern += literal;
  }
  pattern += '$';
  if (!names.includes('Content')) throw new Error(`log format ${JSON.stringify(format)} has no <Content> field`);
  return { regex: new RegExp(pattern), names };
}

/** Whether a manifest format string is a logparser header format rather than a format name. */
export function isHeaderFormat(format: string): boolean {
  return /<Content>/.test(format);
}

export function headerFormatHead(compiled: HeaderFormat): (text: string) => Head | null {
  const { regex, names } = compiled;
  const contentIndex = names.indexOf('Content') + 1;
  const levelIndex = names.findIndex((name) => /^(level|severity)$/i.test(name)) + 1;
  const dateIndex = names.findIndex((name) => /^date$/i.test(name)) + 1;
  const timeIndex = names.findIndex((name) => /^(time|timestamp|datetime)$/i.test(name)) + 1;
  return (text) => {
    const match = regex.exec(text);
    if (!match) return null;
    const fields: Record<string, string> = {};
    for (let index = 0; index < names.length; index++) {
      if (index + 1 !== contentIndex) fields[names[index]!] = match[index + 1]!;
    }
    const head: Head = { message: match[contentIndex]!.trim(), fields };
    if (levelIndex > 0) {
      const level = normalizeLevel(match[levelIndex]!);
      if (level) head.level = level;
    }
    if (timeIndex > 0) {
      const stamp = dateIndex > 0 ? `${match[dateIndex]} ${match[timeIndex]}` : match[timeIndex]!;
      if (/^\d{4}-\d\d-\d\d/.test(stamp)) {
        const timestamp = normalizeTimestamp(stamp.replace(',', '.'));
        if (timestamp) head.timestamp = timestamp;
      }
    }
    return head;
  };
}
