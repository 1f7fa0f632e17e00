// Parses CHECK constraint definitions (pg_get_constraintdef) into the column they restrict and its allowed values.

export interface ParsedCheck {
  column?: string;
  allowedValues?: string[];
}

/**
 * Understands the forms PostgreSQL prints and people write:
 *   CHECK ((state = ANY (ARRAY['queued'::text, 'working'::text])))
 *   CHECK (((status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[])))
 *   CHECK (state IN ('queued', 'working'))
 *   CHECK (((state = 'a'::text) OR (state = 'b'::text)))
 * A set found in one conjunct of a top-level AND still bounds the column (values outside it are rejected);
 * an OR mixing other conditions yields no set. Other checks (retry_count >= 0) yield the column only.
 */
export function parseCheckConstraint(definition: string): ParsedCheck {
  let body = definition.trim().replace(/\s+NOT\s+VALID\s*$/i, '');
  body = body.replace(/^CHECK\s*/i, '');
  body = stripParens(body);
  const conjuncts = splitTopLevel(body, 'AND').map(stripParens);
  let result: ParsedCheck = {};
  for (const conjunct of conjuncts) {
    const set = membership(conjunct);
    if (set) {
      if (result.allowedValues && result.column === set.column) {
        const allowed = new Set(set.values);
        result = { column: set.column, allowedValues: result.allowedValues.filter((value) => allowed.has(value)) };
      } else if (!result.allowedValues) {
        result = { column: set.column, allowedValues: set.values };
      }
    }
  }
  if (!result.column) {
    const column = firstColumn(body);
    if (column) result.column = column;
  }
  return result;
}

function membership(expression: string): { column: string; values: string[] } | undefined {
  const any = /^(.+?)\s*=\s*ANY\s*\((.*)\)$/is.exec(expression);
  if (any) {
    const column = columnOf(any[1]!);
    const list = /ARRAY\s*\[(.*)\]/is.exec(any[2]!);
    if (column && list) return { column, values: literals(list[1]!) };
    return undefined;
  }
  const inList = /^(.+?)\s+IN\s*\((.*)\)$/is.exec(expression);
  if (inList) {
    if (/\bNOT\s*$/i.test(inList[1]!)) return undefined;
    const column = columnOf(inList[1]!);
    return column ? { column, values: literals(inList[2]!) } : undefined;
  }
  const disjuncts = splitTopLevel(expression, 'OR').map(stripParens);
  let column: string | undefined;
  const values: string[] = [];
  for (const disjunct of disjuncts) {
    const equal = /^(.+?)\s*=\s*(.+)$/s.exec(disjunct);
    if (!equal) return undefined;
    const left = columnOf(equal[1]!);
    const right = literals(equal[2]!);
    if (!left || right.length !== 1 || (column && column !== left)) return undefined;
    column = left;
    values.push(right[0]!);
  }
  return column ? { column, values } : undefined;
}

/** `state`, `(state)::text`, `"State"` -> the column name; anything else (functions, expressions) -> undefined. */
function columnOf(expression: string): string | undefined {
  const bare = stripCasts(stripParens(expression.trim())).trim();
  const inner = stripParens(bare);
  const match = /^(?:"((?:[^"]|"")+)"|([A-Za-z_][\w$]*))$/.exec(inner);
  if (!match) return undefined;
  return match[1] !== undefined ? match[1].replace(/""/g, '"') : match[2]!.toLowerCase();
}

function stripCasts(expression: string): string {
  return expression.replace(/::[\w\s".]+(\[\])?$/g, '');
}

/** The string (or number) literals of a list such as 'a'::text, 'b'::text or 1, 2. */
function literals(list: string): string[] {
  const quoted = [...list.matchAll(/'((?:[^']|'')*)'/g)].map((match) => match[1]!.replace(/''/g, "'"));
  if (quoted.length > 0) return quoted;
  return list
    .split(',')
    .map((item) => stripCasts(stripParens(item.trim())).trim())
    .filter((item) => /^-?\d+(\.\d+)?$/.test(item));
}

function firstColumn(body: string): string | undefined {
  const match = /(?:^|[(\s])\(*"?([A-Za-z_][\w$]*)"?\)*\s*(?:::[\w\s]+)?\s*(?:=|<>|!=|>=|<=|>|<|IS\b|IN\b|~~|LIKE\b|BETWEEN\b)/i.exec(body);
  return match?.[1]?.toLowerCase();
}

/** Remove parentheses that wrap the whole expression. */
function stripParens(expression: string): string {
  let text = expression.trim();
  while (text.startsWith('(') && matchingParen(text, 0) === text.length - 1) text = text.slice(1, -1).trim();
  return text;
}

function matchingParen(text: string, open: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let index = open; index < text.length; index++) {
    const char = text[index]!;
    if (quote) {
      if (char === quote) quote = undefined;
      continue;
    }
    if (char === "'" || char === '"') quote = char;
    else if (char === '(') depth++;
    else if (char === ')') {
      depth--;
      if (depth === 0) return index;
    }
  }
  return -1;
}

/** Split on a keyword (AND/OR) outside parentheses and quotes. */
export function splitTopLevel(text: string, keyword: 'AND' | 'OR'): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  const pattern = new RegExp(`^\\s${keyword}\\s`, 'i');
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (quote) {
      if (char === quote) quote = undefined;
      continue;
    }
    if (char === "'" || char === '"') quote = char;
    else if (char === '(' || char === '[') depth++;
    else if (char === ')' || char === ']') depth--;
    else if (depth === 0 && /\s/.test(char)) {
      const match = pattern.exec(text.slice(index));
      if (match) {
        parts.push(text.slice(start, index));
        index += match[0].length - 1;
        start = index + 1;
      }
    }
  }
  parts.push(text.slice(start));
  return parts.map((part) => part.trim()).filter((part) => part.length > 0);
}
