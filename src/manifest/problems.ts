// Manifest problems as data: key path, line, message and a "did you mean" for typos in keys and values.
import { isMap, isSeq, type LineCounter, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';

export interface ManifestProblem {
  /** Key path, e.g. sources[1].paths; '' for the top level. */
  path: string;
  /** 1-based line of the key (or, for a missing key, of the mapping that lacks it). */
  line?: number;
  message: string;
  /** The nearest allowed key or value, for a typo. */
  suggestion?: string;
}

/** One line per problem: `path (line N): message (did you mean "x"?)`. */
export function formatProblem(problem: ManifestProblem): string {
  const at = problem.path || '(top level)';
  return `${at}${problem.line ? ` (line ${problem.line})` : ''}: ${problem.message}${problem.suggestion ? ` (did you mean "${problem.suggestion}"?)` : ''}`;
}

/** Levenshtein distance with adjacent transpositions (optimal string alignment), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const rows: number[][] = Array.from({ length: s.length + 1 }, (_, i) => Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[s.length]![t.length]!;
}

/** The candidate nearest to `word`, if it is near enough to be a typo (at most a third of the word, at least 1, at most 3 edits). */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  if (word.length > 200) return undefined;
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance <= limit && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

type AnySchema = z.core.$ZodType;

interface Def {
  type: string;
  innerType?: AnySchema;
  element?: AnySchema;
  shape?: Record<string, AnySchema>;
  options?: AnySchema[];
  discriminator?: string;
  valueType?: AnySchema;
  values?: unknown[];
}

const defOf = (schema: AnySchema): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (let depth = 0; depth < 20; depth++) {
    const def = defOf(current);
    if ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault' || def.type === 'catch' || def.type === 'readonly') && def.innerType)
      current = def.innerType;
    else break;
  }
  return current;
}

function shapeOf(schema: AnySchema): Record<string, AnySchema> | undefined {
  const def = defOf(schema);
  return def.type === 'object' ? ((schema as unknown as { shape: Record<string, AnySchema> }).shape ?? def.shape) : undefined;
}

/** The schema that applies at `path` inside `data` (discriminated unions pick their option by the data's discriminator). */
function schemaAt(root: AnySchema, path: readonly PropertyKey[], data: unknown): AnySchema | undefined {
  let schema: AnySchema | undefined = root;
  let value: unknown = data;
  for (let index = 0; index <= path.length; index++) {
    if (!schema) return undefined;
    schema = unwrap(schema);
    const def = defOf(schema);
    if (def.type === 'union' && def.discriminator && def.options) {
      const wanted = value && typeof value === 'object' ? (value as Record<string, unknown>)[def.discriminator] : undefined;
      schema = def.options.find((option) => {
        const literal = shapeOf(unwrap(option))?.[def.discriminator!];
        return literal && (defOf(literal).values ?? []).includes(wanted);
      });
      if (!schema) return undefined;
      schema = unwrap(schema);
    }
    if (index === path.length) return schema;
    const part = path[index]!;
    const current = defOf(schema);
    if (current.type === 'array' && typeof part === 'number') schema = current.element;
    else if (current.type === 'record') schema = current.valueType;
    else schema = shapeOf(schema)?.[String(part)];
    value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[part as string] : undefined;
  }
  return schema;
}

/** The keys an object schema at `path` allows. */
function allowedKeys(root: AnySchema, path: readonly PropertyKey[], data: unknown): string[] {
  const schema = schemaAt(root, path, data);
  const shape = schema ? shapeOf(schema) : undefined;
  return shape ? Object.keys(shape) : [];
}

function valueAt(data: unknown, path: readonly PropertyKey[]): { found: boolean; value: unknown } {
  let value = data;
  for (const part of path) {
    if (!value || typeof value !== 'object' || !(String(part) in (value as object))) return { found: false, value: undefined };
    value = (value as Record<string, unknown>)[part as string];
  }
  return { found: true, value };
}

export function keyPathLabel(pathParts: readonly PropertyKey[]): string {
  return pathParts.reduce<string>((label, part) => {
    if (typeof part === 'number') return `${label}[${part}]`;
    return label ? `${label}.${String(part)}` : String(part);
  }, '');
}

/** Line of the YAML node at `path` (the deepest existing node on it). */
export function lineOfPath(root: YamlNode | null | undefined, pathParts: readonly PropertyKey[], lines: LineCounter): number | undefined {
  let node: unknown = root;
  let lastFound: unknown = root;
  for (const part of pathParts) {
    if (isMap(node)) node = node.get(String(part), true);
    else if (isSeq(node) && typeof part === 'number') node = node.get(part, true);
    else break;
    if (node) lastFound = node;
    else break;
  }
  const range = (lastFound as { range?: [number, number, number] } | undefined)?.range;
  return range ? lines.linePos(range[0]).line : undefined;
}

/** Line of a key inside the mapping at `path` (the key itself, not its value). */
function lineOfKey(root: YamlNode | null | undefined, path: readonly PropertyKey[], key: string, lines: LineCounter): number | undefined {
  let node: unknown = root;
  for (const part of path) {
    if (isMap(node)) node = node.get(String(part), true);
    else if (isSeq(node) && typeof part === 'number') node = node.get(part, true);
    else return undefined;
  }
  if (!isMap(node)) return undefined;
  const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === key);
  const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
  return range ? lines.linePos(range[0]).line : undefined;
}

const quoteList = (values: readonly unknown[]) => values.map((value) => String(value)).join(', ');

/** One zod issue -> problems (an unknown-keys issue gives one per key, each at its own line). */
export function problemsOfIssue(issue: z.core.$ZodIssue, root: AnySchema, data: unknown, document: YamlNode | null | undefined, lines: LineCounter): ManifestProblem[] {
  const path = issue.path;
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeys(root, path, data);
    return issue.keys.map((key) => {
      const suggestion = nearest(key, allowed);
      const line = lineOfKey(document, path, key, lines) ?? lineOfPath(document, path, lines);
      return {
        path: keyPathLabel([...path, key]),
        ...(line ? { line } : {}),
        message: `unknown key "${key}"${suggestion ? '' : allowed.length ? ` (allowed here: ${allowed.join(', ')})` : ''}`,
        ...(suggestion ? { suggestion } : {}),
      };
    });
  }
  const here = valueAt(data, path);
  if (issue.code === 'invalid_type' && !here.found) {
    // A missing key: point at the mapping that should hold it.
    const parent = path.slice(0, -1);
    const key = String(path[path.length - 1] ?? '');
    const last = parent[parent.length - 1];
    const line =
      parent.length === 0 ? undefined : typeof last === 'string' ? (lineOfKey(document, parent.slice(0, -1), last, lines) ?? lineOfPath(document, parent, lines)) : lineOfPath(document, parent, lines);
    const where = parent.length === 0 ? 'the top-level mapping' : `the mapping ${keyPathLabel(parent)}`;
    return [{ path: keyPathLabel(parent), ...(line ? { line } : {}), message: `missing required key "${key}": ${where} has none (expected ${issue.expected})` }];
  }
  const line = lineOfPath(document, path, lines);
  const base = { path: keyPathLabel(path), ...(line ? { line } : {}) };
  if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator) {
    const options = ((issue as { options?: unknown[] }).options ?? []).map(String);
    const suggestion = typeof here.value === 'string' ? nearest(here.value, options) : undefined;
    return [
      { ...base, message: `expected ${issue.discriminator} to be one of ${quoteList(options)}${here.found ? `, not ${JSON.stringify(here.value)}` : ''}`, ...(suggestion ? { suggestion } : {}) },
    ];
  }
  if (issue.code === 'invalid_value') {
    const options = issue.values.map(String);
    const suggestion = typeof here.value === 'string' ? nearest(here.value, options) : undefined;
    return [{ ...base, message: `expected one of ${quoteList(options)}${here.found ? `, not ${JSON.stringify(here.value)}` : ''}`, ...(suggestion ? { suggestion } : {}) }];
  }
  return [{ ...base, message: issue.message }];
}
