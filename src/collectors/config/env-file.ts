// A small .env parser that keeps the line of each key and reports duplicates (dotenv drops both).
import type { DuplicateKey, ParseProblem } from '../../lib/config-tree.ts';

export interface ParsedEnv {
  values: Record<string, string>;
  lines: Map<string, number>;
  duplicates: DuplicateKey[];
  errors: ParseProblem[];
}

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/;

function unquote(raw: string): string {
  const text = raw.trim();
  const quote = text[0];
  if (quote === '"' || quote === "'" || quote === '`') {
    const end = text.indexOf(quote, 1);
    const inner = end > 0 ? text.slice(1, end) : text.slice(1);
    return quote === '"' ? inner.replace(/\\n/g, '\n').replace(/\\"/g, '"') : inner;
  }
  const comment = text.search(/\s#/);
  return (comment >= 0 ? text.slice(0, comment) : text).trim();
}

export function parseEnvText(text: string): ParsedEnv {
  const values: Record<string, string> = {};
  const lines = new Map<string, number>();
  const duplicates: DuplicateKey[] = [];
  const errors: ParseProblem[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const lineNo = index + 1;
    if (/^\s*(#|$)/.test(raw)) return;
    const match = LINE.exec(raw);
    if (!match) {
      errors.push({ message: `not a KEY=value line: ${raw.trim().slice(0, 60)}`, line: lineNo, col: 1 });
      return;
    }
    const key = match[1] ?? '';
    const first = lines.get(key);
    if (first !== undefined) duplicates.push({ path: key, line: lineNo, firstLine: first });
    values[key] = unquote(match[2] ?? '');
    lines.set(key, lineNo);
  });
  return { values, lines, duplicates, errors };
}
