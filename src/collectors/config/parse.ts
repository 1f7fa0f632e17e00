// Parse YAML (multi-document), JSON and .env text into a ParsedConfig with key-path lines, duplicates and errors.
import { parse as scanJson, type ParseError as JsonScanError } from 'jsonc-parser';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Node as YamlNode } from 'yaml';
import { boundKey, boundProblems, boundValue, longValuesWarning } from './bounds.ts';
import { parseEnvText } from './env-file.ts';
import { restoreExpressions, templateEngines, withPlaceholders } from './template.ts';
import { keepCustomTags } from './yaml-tags.ts';
import { tooDeepOrLarge, tooManyLines } from '../../lib/text-depth-guard.ts';
import { childPath, indexPath, type ConfigValue, type DuplicateKey, type ParsedConfig, type ParseProblem } from '../../lib/config-tree.ts';

export type ConfigFormat = ParsedConfig['format'];

export function formatOf(fileName: string): ConfigFormat {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  if (/\.json$/i.test(base)) return 'json';
  if (/^\.env(\..*)?$/i.test(base) || /\.env$/i.test(base)) return 'env';
  return 'yaml';
}

function normalise(value: unknown): ConfigValue {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Map) return Object.fromEntries([...value.entries()].map(([key, item]) => [String(key), normalise(item)]));
  if (value instanceof Set) return [...value].map(normalise);
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, normalise(item)]));
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return String(value);
}

function keyText(node: unknown): string {
  if (isScalar(node)) return typeof node.value === 'symbol' ? '<<' : boundKey(String(node.value));
  return boundKey(String(node));
}

/** Walk the YAML AST: record the line of every key path and find duplicate keys in each mapping. */
function walkYaml(node: unknown, at: string, counter: LineCounter, lines: Map<string, number>, duplicates: DuplicateKey[]): void {
  if (isAlias(node)) return;
  if (isMap(node)) {
    const seen = new Map<string, number | undefined>();
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = keyText(pair.key);
      const range = (pair.key as YamlNode | null)?.range;
      const line = range ? counter.linePos(range[0]).line : undefined;
      const path = childPath(at, key);
      if (key === '<<') continue;
      if (seen.has(key)) duplicates.push({ path, line, firstLine: seen.get(key) });
      else seen.set(key, line);
      if (line !== undefined) lines.set(path, line);
      walkYaml(pair.value, path, counter, lines, duplicates);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => {
      const path = indexPath(at, index);
      const range = (item as YamlNode | null)?.range;
      if (range) lines.set(path, counter.linePos(range[0]).line);
      walkYaml(item, path, counter, lines, duplicates);
    });
  }
}

function parseYamlOnce(text: string, file: string): ParsedConfig {
  const counter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: counter, uniqueKeys: false, prettyErrors: false, merge: true });
  const errors: ParseProblem[] = [];
  const lines = new Map<string, number>();
  const duplicates: DuplicateKey[] = [];
  if (!Array.isArray(docs)) return { file, format: 'yaml', value: null, lines, duplicates, errors };
  const values: ConfigValue[] = [];
  const multi = docs.length > 1;
  docs.forEach((doc, index) => {
    for (const error of doc.errors) {
      const position = error.linePos?.[0] ?? counter.linePos(error.pos[0]);
      errors.push({ message: (error.message.split('\n')[0] ?? error.message).slice(0, 300), line: position.line, col: position.col });
    }
    if (doc.errors.length > 0) return;
    keepCustomTags(doc);
    walkYaml(doc.contents, multi ? indexPath('', values.length) : '', counter, lines, duplicates);
    const range = doc.contents?.range;
    if (multi && range) lines.set(indexPath('', values.length), counter.linePos(range[0]).line);
    try {
      values.push(normalise(doc.toJS({ maxAliasCount: 100 })));
    } catch (error) {
      errors.push({ message: `document ${index + 1}: ${(error as Error).message.slice(0, 300)}` });
    }
  });
  const value: ConfigValue = multi ? values : (values[0] ?? null);
  return { file, format: 'yaml', value, lines, duplicates, errors, ...(multi ? { documents: docs.length } : {}) };
}

/** A template that does not parse even with placeholders: its lines, compared as a set of texts (`text[]`). */
function asText(text: string, file: string, engine: string, expressions: number, problem: ParseProblem | undefined): ParsedConfig {
  const lines = new Map<string, number>();
  const kept: string[] = [];
  text.split('\n').forEach((line, index) => {
    const trimmed = line.trimEnd();
    if (trimmed.trim() === '' || /^\s*#/.test(trimmed)) return;
    lines.set(indexPath('text', kept.length), index + 1);
    kept.push(trimmed);
  });
  const where = problem?.line ? ` (line ${problem.line}: ${problem.message})` : problem ? ` (${problem.message})` : '';
  return {
    file,
    format: 'yaml',
    value: { text: kept },
    lines,
    duplicates: [],
    errors: [],
    warnings: [`${file}: a ${engine} template that does not parse as YAML even with its ${expressions} expression(s) as placeholders${where}; compared line by line as text`],
    template: { engine, expressions, mode: 'text' },
  };
}

/**
 * Parse YAML; a template (Helm/Go, Jinja, ERB) that does not parse as written is parsed again with its expressions as
 * opaque placeholders (compared as written), and compared as text when even that fails.
 */
function parseYamlText(text: string, file: string): ParsedConfig {
  const direct = parseYamlOnce(text, file);
  const engines = templateEngines(text);
  if (direct.errors.length === 0 || engines.length === 0) return direct;
  const engine = engines.join('+');
  const held = withPlaceholders(text);
  const again = parseYamlOnce(held.text, file);
  if (again.errors.length > 0) return asText(text, file, engine, held.expressions, again.errors[0]);
  const lines = new Map([...again.lines].map(([path, line]) => [restoreExpressions(path, held.tokens), line]));
  return { ...again, value: restoreExpressions(again.value, held.tokens), lines, template: { engine, expressions: held.expressions, mode: 'placeholders' } };
}

/** Line and column (1-based) of the first syntax error in JSON text, by jsonc-parser in strict mode. */
function jsonErrorAt(text: string): { line: number; col: number } | undefined {
  const errors: JsonScanError[] = [];
  scanJson(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (!first) return undefined;
  const before = text.slice(0, first.offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, col: first.offset - lineStart + 1 };
}

function parseJsonText(text: string, file: string): ParsedConfig {
  try {
    JSON.parse(text);
  } catch {
    // JSON.parse messages quote the text (which may hold secrets); say only what and where.
    const position = jsonErrorAt(text);
    const offset = position
      ? text
          .split('\n')
          .slice(0, position.line - 1)
          .join('\n').length +
        (position.line > 1 ? 1 : 0) +
        position.col -
        1
      : -1;
    const char = offset >= 0 ? text[offset] : undefined;
    const message = `invalid JSON: ${char === undefined ? 'unexpected end of input' : `unexpected ${JSON.stringify(char)}`}`;
    return { file, format: 'json', value: null, lines: new Map(), duplicates: [], errors: [{ message, ...(position ?? {}) }] };
  }
  return { ...parseYamlText(text, file), format: 'json' };
}

function parseEnvConfig(text: string, file: string): ParsedConfig {
  const parsed = parseEnvText(text);
  return { file, format: 'env', value: parsed.values, lines: parsed.lines, duplicates: parsed.duplicates, errors: parsed.errors };
}

function parseByFormat(text: string, file: string, format: ConfigFormat): ParsedConfig {
  const refused = format === 'env' ? tooManyLines(text) : tooDeepOrLarge(text, format === 'json');
  if (refused) return { file, format, value: null, lines: new Map(), duplicates: [], errors: [refused] };
  if (format === 'env') return parseEnvConfig(text, file);
  return format === 'json' ? parseJsonText(text, file) : parseYamlText(text, file);
}

/**
 * Parse a configuration file's text by format (from the file name unless given). Hostile input ends in parse
 * problems or warnings, never a throw: nesting and size are checked before parsing, long values stand in as hashes.
 */
export function parseConfigText(text: string, file: string, format: ConfigFormat = formatOf(file)): ParsedConfig {
  let parsed: ParsedConfig;
  try {
    parsed = parseByFormat(text.replace(/^\uFEFF/, ''), file, format);
  } catch (error) {
    const message =
      error instanceof RangeError
        ? 'nested too deeply or too large to parse'
        : `cannot parse: ${String((error as Error).message)
            .split('\n')[0]
            ?.slice(0, 300)}`;
    return { file, format, value: null, lines: new Map(), duplicates: [], errors: [{ message }] };
  }
  const long: string[] = [];
  const value = boundValue(parsed.value, long);
  const warning = longValuesWarning(file, long);
  return { ...parsed, value, errors: boundProblems(parsed.errors), duplicates: parsed.duplicates.slice(0, 200), ...(warning ? { warnings: [...(parsed.warnings ?? []), warning] } : {}) };
}
