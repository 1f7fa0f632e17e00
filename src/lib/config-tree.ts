// The parsed shape of a configuration file: plain values plus the line of each key path, and path helpers.

export type ConfigValue = null | boolean | number | string | ConfigValue[] | { [key: string]: ConfigValue };
export type ConfigMap = { [key: string]: ConfigValue };

export interface DuplicateKey {
  path: string;
  line?: number;
  firstLine?: number;
}

export interface ParseProblem {
  message: string;
  line?: number;
  col?: number;
}

export interface ParsedConfig {
  /** File name as shown in the report (relative to the incident directory, or `rev:path`). */
  file: string;
  format: 'yaml' | 'json' | 'env';
  value: ConfigValue;
  /** Line of each key path (positional list indexes, e.g. `services[0].name`). */
  lines: Map<string, number>;
  duplicates: DuplicateKey[];
  errors: ParseProblem[];
  /** Set for multi-document YAML: `value` is then the list of documents, and paths start with `[index]`. */
  documents?: number;
  /** Problems that did not stop the comparison (e.g. values too long to compare other than by hash). */
  warnings?: string[];
  /** Set for templates (Helm/Go, Jinja, ERB): parsed with placeholders, or compared as text. */
  template?: { engine: string; expressions: number; mode: 'placeholders' | 'text' };
}

export function isMapValue(value: ConfigValue | undefined): value is ConfigMap {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Append a key to a dotted path; keys with dots or brackets are quoted. */
export function childPath(parent: string, key: string): string {
  const safe = /^[^.[\]"]+$/.test(key) ? key : `["${key.replace(/"/g, '\\"')}"]`;
  if (!parent) return safe;
  return safe.startsWith('[') ? `${parent}${safe}` : `${parent}.${safe}`;
}

export function indexPath(parent: string, index: number | string): string {
  return `${parent}[${index}]`;
}

/** The last segment of a path (`a.b[0].c` -> `c`, `a.b[0]` -> `b`). */
export function lastKey(path: string): string {
  const withoutIndex = path.replace(/(\[[^\]]*\])+$/, '');
  const match = /(?:^|\.)([^.]+)$/.exec(withoutIndex);
  return (match?.[1] ?? withoutIndex).replace(/^\["|"\]$/g, '');
}

/** The parent of a path (`a.b.c` -> `a.b`, `a` -> ``). */
export function parentPath(path: string): string {
  const match = /^(.*?)(\.[^.[\]]+|\[[^\]]*\])$/.exec(path);
  return match ? (match[1] ?? '') : '';
}

/** Line of a path, or of its nearest ancestor that has one. */
export function lineOf(lines: Map<string, number>, path: string): number | undefined {
  let current = path;
  while (current) {
    const line = lines.get(current);
    if (line !== undefined) return line;
    current = parentPath(current);
  }
  return undefined;
}

export function typeName(value: ConfigValue | undefined): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'mapping';
  return typeof value;
}

/** Every leaf (scalar or empty container) under a value, keyed by relative path. */
export function leaves(value: ConfigValue, base = ''): Map<string, ConfigValue> {
  const out = new Map<string, ConfigValue>();
  const walk = (node: ConfigValue, at: string): void => {
    if (Array.isArray(node) && node.length > 0) for (const [index, item] of node.entries()) walk(item, indexPath(at, index));
    else if (isMapValue(node) && Object.keys(node).length > 0) for (const [key, item] of Object.entries(node)) walk(item, childPath(at, key));
    else out.set(at, node);
  };
  walk(value, base);
  return out;
}
