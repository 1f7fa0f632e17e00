// The catalogue of provider secret formats: gitleaks' maintained rules (rules/gitleaks.toml), compiled once, keyword-prefiltered.
import { readFileSync } from 'node:fs';
import { RE2JS } from 're2js';
import { parse } from 'smol-toml';

/**
 * Rules fracas does not take from the catalogue: generic-api-key is the key-context recogniser's job
 * (src/lib/secrets/recognise.ts, with its own key vocabulary), pkcs12-file matches file paths only, and
 * curl-auth-user takes `user:password` as one secret where fracas keeps the user (redact.ts CURL_USER).
 */
const EXCLUDED = new Set(['generic-api-key', 'pkcs12-file', 'curl-auth-user']);
/**
 * Lines longer than this are scanned in overlapping windows, so a rule's backtracking (bounded per window) stays
 * linear in the line: any secret up to WINDOW_OVERLAP characters lies wholly inside some window.
 */
const WINDOW = 4_096;
const WINDOW_OVERLAP = 1_024;

interface TomlAllowlist {
  regexes?: string[];
  stopwords?: string[];
  regexTarget?: string;
  condition?: string;
}

interface TomlRule {
  id: string;
  regex?: string;
  entropy?: number;
  keywords?: string[];
  secretGroup?: number;
  allowlists?: TomlAllowlist[];
  path?: string;
}

interface Matcher {
  /** Every match: the whole match, its start, and the capture groups. */
  all(text: string): Array<{ index: number; match: string; groups: Array<string | undefined> }>;
}

interface Allowlist {
  regexes: Matcher[];
  stopwords: string[];
  target: 'secret' | 'match' | 'line';
  and: boolean;
}

export interface CatalogueRule {
  id: string;
  keywords: string[];
  entropy: number;
  secretGroup: number;
  fast: Matcher;
  linear: Matcher;
  allowlists: Allowlist[];
}

const swapCase = (char: string): string => (char === char.toLowerCase() ? char.toUpperCase() : char.toLowerCase());
const isLetter = (char: string): boolean => /^[A-Za-z]$/.test(char);

/** A character class body (between [ and ]) made case-insensitive: letters and letter ranges get their other case added. */
function foldClass(body: string): string {
  let extra = '';
  for (let index = 0; index < body.length; index++) {
    const char = body[index]!;
    if (char === '\\') {
      index += 1;
      continue;
    }
    if (body[index + 1] === '-' && index + 2 < body.length && body[index + 2] !== '\\' && isLetter(char) && isLetter(body[index + 2]!)) {
      extra += `${swapCase(char)}-${swapCase(body[index + 2]!)}`;
      index += 2;
    } else if (isLetter(char)) extra += swapCase(char);
  }
  return extra + body;
}

/**
 * Go RE2 syntax -> a JavaScript RegExp source with the same meaning, or undefined when some construct has no exact
 * translation (re2js runs those). Inline flags become explicit forms: (?i) letters -> [aA] classes, (?s:.) -> [\s\S].
 */
export function goRegexToJs(source: string): string | undefined {
  if (/\\[pPQEC]|\[\[:/.test(source)) return undefined;
  let out = '';
  const modes: Array<{ i: boolean; s: boolean }> = [{ i: false, s: false }];
  const mode = () => modes[modes.length - 1]!;
  let index = 0;
  if (source.startsWith('(?i)')) {
    modes[0] = { i: true, s: false };
    index = 4;
  }
  for (; index < source.length; index++) {
    const char = source[index]!;
    if (char === '\\') {
      const next = source[index + 1] ?? '';
      if (next === 'z') out += '$';
      else if (next === 'A') out += '^';
      else out += char + next;
      index += 1;
    } else if (char === '[') {
      let end = index + 1;
      if (source[end] === '^') end += 1;
      if (source[end] === ']') end += 1;
      while (end < source.length && source[end] !== ']') end += source[end] === '\\' ? 2 : 1;
      if (end >= source.length) return undefined;
      const negate = source[index + 1] === '^';
      const body = source.slice(index + (negate ? 2 : 1), end);
      out += `[${negate ? '^' : ''}${mode().i ? foldClass(body) : body}]`;
      index = end;
    } else if (char === '(') {
      const flags = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])/.exec(source.slice(index));
      if (flags && (flags[1] || flags[2] !== undefined)) {
        const on = flags[1] ?? '';
        const off = flags[2] ?? '';
        if (/[^is]/.test(on + off)) return undefined;
        const next = { i: on.includes('i') ? true : off.includes('i') ? false : mode().i, s: on.includes('s') ? true : off.includes('s') ? false : mode().s };
        if (flags[3] === ')') modes[modes.length - 1] = next;
        else {
          modes.push(next);
          out += '(?:';
        }
        index += flags[0].length - 1;
      } else {
        const named = /^\(\?P</.test(source.slice(index));
        modes.push({ ...mode() });
        out += named ? '(?<' : '(';
        if (named) index += 3;
      }
    } else if (char === ')') {
      if (modes.length > 1) modes.pop();
      out += ')';
    } else if (char === '.' && mode().s) out += '[\\s\\S]';
    else if (mode().i && isLetter(char)) out += `[${char}${swapCase(char)}]`;
    else out += char;
  }
  return out;
}

function toJsRegExp(source: string): RegExp | undefined {
  const translated = goRegexToJs(source);
  if (translated === undefined) return undefined;
  try {
    return new RegExp(translated, 'g');
  } catch {
    return undefined;
  }
}

function jsMatcher(pattern: RegExp): Matcher {
  return {
    all(text) {
      pattern.lastIndex = 0;
      const out: ReturnType<Matcher['all']> = [];
      for (let found = pattern.exec(text); found !== null; found = pattern.exec(text)) {
        out.push({ index: found.index, match: found[0], groups: found.slice(1) });
        if (found[0].length === 0) pattern.lastIndex += 1;
      }
      return out;
    },
  };
}

function re2Matcher(source: string): Matcher {
  const compiled = RE2JS.compile(source);
  return {
    all(text) {
      const matcher = compiled.matcher(text);
      const out: ReturnType<Matcher['all']> = [];
      while (matcher.find()) {
        const groups: Array<string | undefined> = [];
        for (let group = 1; group <= matcher.groupCount(); group++) groups.push(matcher.group(group) ?? undefined);
        out.push({ index: matcher.start(), match: matcher.group() ?? '', groups });
      }
      return out;
    },
  };
}

/** The re2js program is compiled on first use (compiling all rules up front costs a second). */
function lazyRe2(source: string): Matcher {
  let compiled: Matcher | undefined;
  return {
    all: (text) => {
      compiled ??= re2Matcher(source);
      return compiled.all(text);
    },
  };
}

function matcherPair(source: string): { fast: Matcher; linear: Matcher } {
  const linear = lazyRe2(source);
  const js = toJsRegExp(source);
  return { fast: js ? jsMatcher(js) : linear, linear };
}

function loadRules(): CatalogueRule[] {
  const toml = parse(readFileSync(new URL('./rules/gitleaks.toml', import.meta.url), 'utf8')) as { rules?: TomlRule[]; allowlist?: TomlAllowlist };
  const global = toml.allowlist ? [compileAllowlist(toml.allowlist)] : [];
  const rules: CatalogueRule[] = [];
  for (const rule of toml.rules ?? []) {
    if (EXCLUDED.has(rule.id) || !rule.regex) continue;
    const { fast, linear } = matcherPair(rule.regex);
    rules.push({
      id: rule.id.slice(0, 40),
      keywords: (rule.keywords ?? []).map((keyword) => keyword.toLowerCase()),
      entropy: rule.entropy ?? 0,
      secretGroup: rule.secretGroup ?? 0,
      fast,
      linear,
      allowlists: [...global, ...(rule.allowlists ?? []).map(compileAllowlist)],
    });
  }
  return rules;
}

function compileAllowlist(list: TomlAllowlist): Allowlist {
  return {
    regexes: (list.regexes ?? []).map((source) => lazyRe2(source)),
    stopwords: (list.stopwords ?? []).map((word) => word.toLowerCase()),
    target: list.regexTarget === 'match' ? 'match' : list.regexTarget === 'line' ? 'line' : 'secret',
    and: list.condition?.toUpperCase() === 'AND',
  };
}

/** Shannon entropy in bits per character (gitleaks' `entropy` threshold). */
function shannonEntropy(text: string): number {
  if (text.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

function allowed(lists: Allowlist[], secret: string, match: string, line: () => string): boolean {
  const lower = secret.toLowerCase();
  for (const list of lists) {
    const target = list.target === 'match' ? match : list.target === 'line' ? line() : secret;
    const byRegex = list.regexes.length > 0 && list.regexes.some((regex) => regex.all(target).length > 0);
    const byWord = list.stopwords.length > 0 && list.stopwords.some((word) => lower.includes(word));
    const checks = [list.regexes.length > 0 ? byRegex : undefined, list.stopwords.length > 0 ? byWord : undefined].filter((value) => value !== undefined);
    if (checks.length > 0 && (list.and ? checks.every(Boolean) : checks.some(Boolean))) return true;
  }
  return false;
}

let rules: CatalogueRule[] | undefined;
/** Keyword index: the first two (lowercase ASCII) characters -> keywords starting with them -> rules; a bitmap answers "none" fast. */
let byPair: Map<number, Array<{ keyword: string; rules: CatalogueRule[] }>> | undefined;
const PAIR_BITS = new Uint8Array(1 << 14);
/** Pairs that start a two-character keyword (no third character to check). */
const SHORT_PAIRS = new Uint8Array(1 << 14);
/** The first three characters of the longer keywords (7 bits each): most pairs of ordinary text stop here. */
const TRIPLE_BITS = new Uint8Array(1 << 21);
let keywordless: CatalogueRule[] = [];

const pairKey = (first: number, second: number): number => ((first & 0x7f) << 7) | (second & 0x7f);

function index(): Map<number, Array<{ keyword: string; rules: CatalogueRule[] }>> {
  if (byPair) return byPair;
  rules = loadRules();
  const byKeyword = new Map<string, CatalogueRule[]>();
  for (const rule of rules) for (const keyword of rule.keywords) byKeyword.set(keyword, [...(byKeyword.get(keyword) ?? []), rule]);
  keywordless = rules.filter((rule) => rule.keywords.length === 0 || rule.keywords.some((keyword) => keyword.length < 2 || !/^[\x20-\x7e]+$/.test(keyword)));
  byPair = new Map();
  for (const [keyword, keywordRules] of byKeyword) {
    if (keyword.length < 2 || !/^[\x20-\x7e]+$/.test(keyword)) continue;
    const key = pairKey(keyword.charCodeAt(0), keyword.charCodeAt(1));
    PAIR_BITS[key] = 1;
    if (keyword.length === 2) SHORT_PAIRS[key] = 1;
    else TRIPLE_BITS[(key << 7) | (keyword.charCodeAt(2) & 0x7f)] = 1;
    const entries = byPair.get(key) ?? [];
    entries.push({ keyword, rules: keywordRules });
    byPair.set(key, entries);
  }
  return byPair;
}

export function catalogueRules(): CatalogueRule[] {
  index();
  return rules ?? [];
}

/** Lowercase ASCII letter codes (keywords are lowercase). */
const lowerCode = (code: number): number => (code >= 65 && code <= 90 ? code | 32 : code);
/** Every UTF-16 code unit to its lowercase ASCII code, 0 for anything outside ASCII (no keyword has it): one load a character. */
const LOWER_ASCII = new Uint8Array(1 << 16);
for (let code = 1; code < 128; code++) LOWER_ASCII[code] = lowerCode(code);
/** No keyword anywhere in the text (most texts): shared, never written to. */
const NO_HITS: ReadonlyMap<CatalogueRule, number[]> = new Map();

/** Case-insensitive comparison of a (lowercase) keyword with the text at `start`, without allocating. */
function keywordAt(text: string, start: number, keyword: string): boolean {
  if (start + keyword.length > text.length) return false;
  for (let index = 2; index < keyword.length; index++) {
    if (lowerCode(text.charCodeAt(start + index)) !== keyword.charCodeAt(index)) return false;
  }
  return true;
}

/** Where each candidate rule's keywords occur in the text (gitleaks' prefilter). One pass over the text. */
function keywordHits(text: string): ReadonlyMap<CatalogueRule, number[]> {
  const pairs = index();
  let hits: Map<CatalogueRule, number[]> | undefined;
  if (keywordless.length > 0) hits = new Map(keywordless.map((rule) => [rule, []]));
  const length = text.length;
  let previous = LOWER_ASCII[text.charCodeAt(0)]!;
  for (let position = 1; position < length; position++) {
    const current = LOWER_ASCII[text.charCodeAt(position)]!;
    const pair = pairKey(previous, current);
    if (PAIR_BITS[pair] === 1 && previous !== 0 && current !== 0) {
      const start = position - 1;
      const third = start + 2 < length ? LOWER_ASCII[text.charCodeAt(start + 2)]! : 0;
      if (SHORT_PAIRS[pair] !== 1 && (third === 0 || TRIPLE_BITS[(pair << 7) | third] !== 1)) {
        previous = current;
        continue;
      }
      hits ??= new Map();
      for (const entry of pairs.get(pair) ?? []) {
        if (!keywordAt(text, start, entry.keyword)) continue;
        for (const rule of entry.rules) {
          const positions = hits.get(rule);
          if (positions === undefined) hits.set(rule, [start]);
          else if (positions.length < 10_000) positions.push(start);
        }
      }
    }
    previous = current;
  }
  return hits ?? NO_HITS;
}

export interface CatalogueFinding {
  rule: string;
  /** Offsets of the secret in the text. */
  start: number;
  end: number;
}

/**
 * Run the candidate rules over a text: a short text whole, a long one in windows around each rule's keyword hits
 * (keyword-less rules: windows over the whole text), so every rule's work is bounded per window and linear overall.
 */
function findInText(text: string, hits: ReadonlyMap<CatalogueRule, number[]>, out: CatalogueFinding[]): void {
  const candidates = (rules ?? []).filter((rule) => hits.has(rule));
  if (text.length <= WINDOW) {
    findInWindow(text, text, 0, candidates, out);
    return;
  }
  const seen = new Set<string>();
  const windowed: CatalogueFinding[] = [];
  for (const rule of candidates) {
    const positions = hits.get(rule) ?? [];
    const starts: number[] = [];
    if (positions.length === 0 || positions.length >= 10_000) for (let start = 0; start < text.length; start += WINDOW - WINDOW_OVERLAP) starts.push(start);
    else {
      let covered = -1;
      for (const position of positions) {
        const start = Math.max(0, position - WINDOW_OVERLAP);
        if (start + WINDOW_OVERLAP * 2 <= covered) continue;
        starts.push(start);
        covered = start + WINDOW;
      }
    }
    for (const start of starts) findInWindow(text.slice(start, start + WINDOW), text, start, [rule], windowed);
  }
  for (const finding of windowed) {
    const key = `${finding.rule}:${finding.start}:${finding.end}`;
    if (!seen.has(key)) out.push(finding);
    seen.add(key);
  }
}

/** The line of `text` around [start, end), bounded (allowlists with regexTarget = "line"). */
function lineAround(text: string, start: number, end: number): string {
  const from = Math.max(text.lastIndexOf('\n', start - 1) + 1, start - WINDOW);
  const newline = text.indexOf('\n', end);
  return text.slice(from, Math.min(newline === -1 ? text.length : newline, end + WINDOW));
}

function findInWindow(window: string, text: string, offset: number, candidates: CatalogueRule[], out: CatalogueFinding[]): void {
  for (const rule of candidates) {
    for (const found of rule.fast.all(window)) {
      const secret = (rule.secretGroup > 0 ? found.groups[rule.secretGroup - 1] : found.groups.find((group) => group !== undefined && group !== '')) ?? found.match;
      if (secret === '' || secret.includes('[REDACTED:')) continue;
      if (rule.entropy > 0 && shannonEntropy(secret) < rule.entropy) continue;
      const within = found.match.indexOf(secret);
      const start = offset + found.index + Math.max(0, within);
      if (allowed(rule.allowlists, secret, found.match, () => lineAround(text, start, start + secret.length))) continue;
      out.push({ rule: rule.id, start, end: start + secret.length });
    }
  }
}

/** Every catalogue secret in a text (gitleaks scans whole fragments: a rule may span lines, like kubernetes-secret-yaml). */
export function findCatalogueSecrets(text: string): CatalogueFinding[] {
  const hits = keywordHits(text);
  if (hits.size === 0) return [];
  const out: CatalogueFinding[] = [];
  findInText(text, hits, out);
  return out.sort((a, b) => a.start - b.start || b.end - a.end);
}
