// Refuse YAML or JSON text too deep or too large to parse safely, by a linear scan before the parser runs (manifest and config).

/** Where and why the text was refused (1-based line and column). */
export interface TextProblem {
  message: string;
  line?: number;
  col?: number;
}

/** Levels of [ and { (flow collections, JSON); far beyond any real configuration. */
export const MAX_FLOW_DEPTH = 100;
/** Columns of block indentation (YAML); far beyond any real configuration. */
const MAX_INDENT = 400;
/** Lines plus commas: the parser keeps about 2 KB per entry, so this bounds its time and memory. */
export const MAX_ENTRIES = 100_000;

/**
 * A parse problem when the text nests deeper than MAX_FLOW_DEPTH / MAX_INDENT or has more than MAX_ENTRIES entries,
 * else undefined. The YAML parser recurses per level: on very deep input V8 can run out of stack inside its
 * regular-expression compiler, which aborts the whole process instead of throwing, so depth is checked first.
 */
export function tooDeepOrLarge(text: string, json: boolean): TextProblem | undefined {
  let depth = 0;
  let indent = 0;
  let lineStart = true;
  let line = 1;
  let lineOffset = 0;
  let entries = 0;
  let quote: string | undefined;
  /** Last character outside quotes and comments that is not whitespace, on this line (`\n` at its start). */
  let significant = '\n';
  const at = (index: number, message: string): TextProblem => ({ message, line, col: index - lineOffset + 1 });
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index] as string;
    if (char === '\n') {
      line += 1;
      lineOffset = index + 1;
      entries += 1;
      if (entries > MAX_ENTRIES) return at(index, `too large to compare: more than ${MAX_ENTRIES} lines and entries`);
      lineStart = true;
      indent = 0;
      significant = '\n';
      // A quote ends at the line end for this scan, even though YAML quotes may span lines: a quote the scan
      // wrongly thinks open must not hide the nesting that follows.
      quote = undefined;
      continue;
    }
    if (quote !== undefined) {
      if (char === '\\' && quote === '"' && text[index + 1] !== '\n') index += 1;
      else if (char === quote) {
        quote = undefined;
        significant = char;
      }
      continue;
    }
    if (lineStart && !json) {
      if (char === ' ' || char === '\t' || ((char === '-' || char === '?') && text[index + 1] === ' ')) {
        if (char === '-' || char === '?') significant = char;
        indent += 1;
        if (indent > MAX_INDENT) return at(index, `nested too deeply: more than ${MAX_INDENT} columns of indentation`);
        continue;
      }
    }
    lineStart = false;
    const before = index === 0 ? ' ' : (text[index - 1] as string);
    if (char === '#' && !json && /\s/.test(before)) {
      const end = text.indexOf('\n', index);
      if (end < 0) break;
      index = end - 1;
    } else if (char === '"' && json) {
      quote = char;
    } else if ((char === '"' || char === "'") && !json && /[\s[{,]/.test(before) && '\n[{,:-?'.includes(significant)) {
      // A YAML quote opens a scalar only where a scalar starts (`key: '`, `- '`, `[ '`, `, '`): in `x 'y` it is
      // text, and taking it for a quote would hide the nesting after it.
      quote = char;
    } else if (char === '[' || char === '{') {
      depth += 1;
      if (depth > MAX_FLOW_DEPTH) return at(index, `nested too deeply: more than ${MAX_FLOW_DEPTH} levels of [ and {`);
    } else if ((char === ']' || char === '}') && depth > 0) {
      depth -= 1;
    } else if (char === ',') {
      entries += 1;
      if (entries > MAX_ENTRIES) return at(index, `too large to compare: more than ${MAX_ENTRIES} lines and entries`);
    }
    if (quote === undefined && char !== ' ' && char !== '\t' && char !== '\r') significant = char;
  }
  return undefined;
}

/** A parse problem when a line-based file (.env) has more than MAX_ENTRIES lines, else undefined. */
export function tooManyLines(text: string): TextProblem | undefined {
  let lines = 1;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) {
    lines += 1;
    if (lines > MAX_ENTRIES) return { message: `too large to compare: more than ${MAX_ENTRIES} lines and entries`, line: lines, col: 1 };
  }
  return undefined;
}
