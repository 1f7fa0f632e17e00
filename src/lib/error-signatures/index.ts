// The error-signature catalogue's entry points: classify one error text (with hints) to its most specific signature.
import { RE2JS } from 're2js';
import { CATALOGUE } from './catalogue/index.ts';
import { requiredLiterals } from './literals.ts';
import type { ErrorHints, ErrorSignature, ResourceKind, SignatureMatch } from './types.ts';

export { hintsFromFields } from './hints.ts';
export type { ErrorHints, ErrorSignature, SignatureMatch } from './types.ts';

const priorityOf = (signature: ErrorSignature): number => signature.priority ?? 50;

/** Every signature, in priority order (stable: catalogue order within one priority). */
export const SIGNATURES: readonly ErrorSignature[] = [...CATALOGUE].sort((a, b) => priorityOf(b) - priorityOf(a));

const BY_ID = new Map(SIGNATURES.map((signature) => [signature.id, signature]));

export function signatureById(id: string): ErrorSignature | undefined {
  return BY_ID.get(id);
}

type Recogniser = SignatureMatch['by'];

export interface CompiledPattern {
  signature: ErrorSignature;
  by: Recogniser;
  source: string;
  regex: RE2JS;
  /** Lower-cased texts one of which must occur for the pattern to match (checked before running it), if known. */
  literals?: string[];
}

/** How far into a record the classifier reads: its head and its tail (a Python traceback ends with the exception). */
const HEAD_CHARS = 4000;
const TAIL_CHARS = 4000;
/** A structured hint (exception type, errno, SQLSTATE, status) counts like this many matched characters. */
const HINT_WEIGHT = 40;

function quote(text: string): string {
  return RE2JS.quote(text);
}

/** The text patterns a signature is recognised by: its own patterns plus ones derived from its exception types, errno names and SQLSTATEs. */
function patternSources(signature: ErrorSignature): { by: Recogniser; source: string; caseInsensitive: boolean }[] {
  const sources: { by: Recogniser; source: string; caseInsensitive: boolean }[] = [];
  for (const pattern of signature.match.patterns ?? []) sources.push({ by: 'pattern', source: pattern, caseInsensitive: true });
  for (const type of signature.match.exceptionTypes ?? []) sources.push({ by: 'exception-type', source: `(?:^|[^\\w$])${quote(type)}(?:[^\\w$]|$)`, caseInsensitive: false });
  for (const errno of signature.match.errno ?? []) sources.push({ by: 'errno', source: `(?:^|[^\\w])${quote(errno)}(?:[^\\w]|$)`, caseInsensitive: false });
  for (const code of signature.match.sqlstate ?? []) sources.push({ by: 'sqlstate', source: `(?i:sql ?state|pgcode|error_code|code)\\W{0,4}${quote(code)}(?:[^\\w]|$)`, caseInsensitive: false });
  return sources;
}

let compiled: CompiledPattern[] | undefined;

/** A pattern compiled on first use (most texts never get past the literal prefilter of most patterns). */
function lazyPattern(signature: ErrorSignature, by: Recogniser, source: string, caseInsensitive: boolean, literals: string[] | undefined): CompiledPattern {
  let regex: RE2JS | undefined;
  const compile = (): RE2JS => {
    try {
      regex ??= RE2JS.compile(source, caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
    } catch (error) {
      throw new Error(`error signature ${signature.id}: pattern ${JSON.stringify(source)} does not compile as RE2: ${(error as Error).message}`);
    }
    return regex;
  };
  return {
    signature,
    by,
    source,
    ...(literals ? { literals } : {}),
    get regex(): RE2JS {
      return compile();
    },
  };
}

/** Every pattern, each compiled once on first use (RE2 semantics: linear time in the input, no backtracking). */
export function compiledPatterns(): CompiledPattern[] {
  if (compiled) return compiled;
  const list: CompiledPattern[] = [];
  for (const signature of SIGNATURES) {
    for (const { by, source, caseInsensitive } of patternSources(signature)) {
      list.push(lazyPattern(signature, by, source, caseInsensitive, requiredLiterals(source)));
    }
  }
  compiled = list;
  return list;
}

/** Literal index: the first three characters of every required literal, to the patterns that need it. */
interface LiteralIndex {
  byPrefix: Map<string, { literal: string; pattern: number }[]>;
  /** Patterns without a usable literal: always run. */
  always: number[];
}
let literalIndex: LiteralIndex | undefined;

function indexLiterals(): LiteralIndex {
  if (literalIndex) return literalIndex;
  const byPrefix = new Map<string, { literal: string; pattern: number }[]>();
  const always: number[] = [];
  compiledPatterns().forEach((pattern, position) => {
    if (!pattern.literals) {
      always.push(position);
      return;
    }
    for (const literal of pattern.literals) {
      const key = literal.slice(0, 3);
      const bucket = byPrefix.get(key) ?? [];
      bucket.push({ literal, pattern: position });
      byPrefix.set(key, bucket);
    }
  });
  literalIndex = { byPrefix, always };
  return literalIndex;
}

/**
 * The patterns (positions in compiledPatterns(), ascending) whose required literals occur in the text: one pass
 * over the text's three-character windows, so the cost does not grow with the number of signatures.
 */
function candidatePatterns(body: string): number[] {
  const { byPrefix, always } = indexLiterals();
  const lower = body.toLowerCase();
  const hit = new Set<number>(always);
  for (let index = 0; index + 3 <= lower.length; index += 1) {
    const bucket = byPrefix.get(lower.slice(index, index + 3));
    if (!bucket) continue;
    for (const entry of bucket) if (!hit.has(entry.pattern) && lower.startsWith(entry.literal, index)) hit.add(entry.pattern);
  }
  return [...hit].sort((a, b) => a - b);
}

let resourceCompiled: Map<string, RE2JS[]> | undefined;
function resourcePatterns(signature: ErrorSignature): RE2JS[] {
  resourceCompiled ??= new Map();
  let list = resourceCompiled.get(signature.id);
  if (!list) {
    list = (signature.resourceFrom ?? []).map((source) => RE2JS.compile(source, RE2JS.CASE_INSENSITIVE));
    resourceCompiled.set(signature.id, list);
  }
  return list;
}

/** Where records commonly name the far end: proxies' upstream, URLs, host:port after a connect, DNS lookups. */
const GENERIC_RESOURCE = [
  'upstream: "(?:https?|fastcgi|uwsgi|grpc)://([^/"]+)',
  String.raw`host='([^']+)', port=(\d+)`,
  String.raw`Cannot connect to host ([\w.-]+:\d+)`,
  String.raw`connect\(\) to ([\w.:\[\]-]+:\d+) failed`,
  String.raw`(?:connect|dial tcp|dial udp|read tcp [\w.:\[\]-]+->|write tcp [\w.:\[\]-]+->) ?(?:E[A-Z]+ )?(\[?[\w.:-]*[\w\]]:\d+)`,
  String.raw`(?:getaddrinfo|lookup) (?:ENOTFOUND |EAI_AGAIN )?([\w.-]+\.[\w-]+|[\w-]+)(?: on [\d.:]+)?:? `,
  String.raw`(?:getaddrinfo) (?:ENOTFOUND|EAI_AGAIN) ([\w.-]+)`,
  String.raw`Error \d+ connecting to ([\w.-]+:\d+)`,
  String.raw`(?:redis|rediss|postgres|postgresql|amqp|mysql)://(?:[^@/\s]*@)?([\w.-]+(?::\d+)?)`,
  String.raw`Failed to connect to ([\w.-]+)/`,
  String.raw`Connection to ([\w.-]+:\d+) refused`,
  String.raw`https?://([\w.-]+(?::\d+)?)`,
];
let genericCompiled: RE2JS[] | undefined;

function firstGroup(regex: RE2JS, text: string): string | undefined {
  const match = regex.exec(text) as (string[] & { index: number }) | null;
  if (!match) return undefined;
  const parts = match.slice(1).filter((part): part is string => typeof part === 'string' && part.length > 0);
  return parts.length === 2 && /^\d+$/.test(parts[1]!) ? `${parts[0]}:${parts[1]}` : parts[0];
}

function resourceNameOf(signature: ErrorSignature, text: string, hints: ErrorHints): string | undefined {
  if (hints.host) return hints.host;
  for (const regex of resourcePatterns(signature)) {
    const name = firstGroup(regex, text);
    if (name) return name;
  }
  genericCompiled ??= GENERIC_RESOURCE.map((source) => RE2JS.compile(source, RE2JS.CASE_INSENSITIVE));
  for (const regex of genericCompiled) {
    const name = firstGroup(regex, text);
    if (name) return name;
  }
  return undefined;
}

const PORT_KINDS: Record<string, ResourceKind> = { '5432': 'postgres', '6432': 'postgres', '6379': 'redis', '6380': 'redis', '3306': 'mysql', '5672': 'queue' };

function refinedResource(signature: ErrorSignature, name: string | undefined): ResourceKind {
  if (signature.resource !== 'network' || !name) return signature.resource;
  const port = /:(\d+)$/.exec(name)?.[1];
  return (port && PORT_KINDS[port]) || signature.resource;
}

function hintMatches(signature: ErrorSignature, hints: ErrorHints): Recogniser[] {
  const by: Recogniser[] = [];
  const { match } = signature;
  if (hints.exceptionType) {
    const type = hints.exceptionType;
    if (match.exceptionTypes?.some((name) => name === type || type.endsWith(`.${name}`) || name.endsWith(`.${type}`))) by.push('exception-type');
  }
  if (hints.errno && match.errno?.includes(hints.errno)) by.push('errno');
  if (hints.sqlstate && match.sqlstate?.includes(hints.sqlstate.toUpperCase())) by.push('sqlstate');
  if (hints.httpStatus !== undefined && match.httpStatus?.includes(hints.httpStatus)) by.push('http-status');
  return by;
}

interface Candidate {
  signature: ErrorSignature;
  score: number;
  by: Recogniser;
  best: number;
  matched?: string;
}

/** The part of a record the classifier reads. */
export function classifiedText(text: string): string {
  return text.length > HEAD_CHARS + TAIL_CHARS ? `${text.slice(0, HEAD_CHARS)}\n${text.slice(-TAIL_CHARS)}` : text;
}

const CACHE_LIMIT = 20_000;
const cache = new Map<string, SignatureMatch | null>();

/**
 * The signature an error text is evidence of, or undefined when none fits. The most specific wins: highest priority
 * first, then the most evidence (structured hints, then the longest matched text), then catalogue order.
 */
export function classifyError(text: string, hints: ErrorHints = {}): SignatureMatch | undefined {
  const body = classifiedText(text);
  const key = hints.exceptionType || hints.errno || hints.sqlstate || hints.httpStatus !== undefined || hints.host ? `${JSON.stringify(hints)}\u0000${body}` : body;
  const cached = cache.get(key);
  if (cached !== undefined) return cached ?? undefined;
  const result = classify(body, hints);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, result ?? null);
  return result;
}

function classify(body: string, hints: ErrorHints): SignatureMatch | undefined {
  const candidates = new Map<string, Candidate>();
  const candidate = (signature: ErrorSignature): Candidate => {
    let entry = candidates.get(signature.id);
    if (!entry) {
      entry = { signature, score: 0, by: 'pattern', best: -1 };
      candidates.set(signature.id, entry);
    }
    return entry;
  };
  for (const signature of SIGNATURES) {
    for (const by of hintMatches(signature, hints)) {
      const entry = candidate(signature);
      entry.score += HINT_WEIGHT;
      if (HINT_WEIGHT > entry.best) {
        entry.best = HINT_WEIGHT;
        entry.by = by;
      }
    }
  }
  let longestText = new Map<string, number>();
  const patterns = compiledPatterns();
  for (const position of candidatePatterns(body)) {
    const pattern = patterns[position]!;
    if (!pattern.regex.test(body)) continue;
    const match = pattern.regex.exec(body) as (string[] & { index: number }) | null;
    const matched = match?.[0] ?? '';
    const entry = candidate(pattern.signature);
    const previous = longestText.get(pattern.signature.id) ?? 0;
    if (matched.length > previous) {
      entry.score += matched.length - previous;
      longestText.set(pattern.signature.id, matched.length);
      if (matched.length > entry.best) {
        entry.best = matched.length;
        entry.by = pattern.by;
        entry.matched = matched.length > 200 ? matched.slice(0, 200) : matched;
      }
    }
  }
  longestText = new Map();
  let winner: Candidate | undefined;
  for (const entry of candidates.values()) {
    if (!winner) {
      winner = entry;
      continue;
    }
    const byPriority = priorityOf(entry.signature) - priorityOf(winner.signature);
    if (byPriority > 0 || (byPriority === 0 && entry.score > winner.score)) winner = entry;
  }
  if (!winner) return undefined;
  const resourceName = resourceNameOf(winner.signature, body, hints);
  return {
    signature: winner.signature,
    by: winner.by,
    resource: refinedResource(winner.signature, resourceName),
    ...(resourceName ? { resourceName } : {}),
    ...(winner.matched !== undefined ? { matched: winner.matched.trim() } : {}),
  };
}

/** Every signature that matches a text, best first (for explanations and tests). */
export function matchingSignatures(text: string, hints: ErrorHints = {}): ErrorSignature[] {
  const body = classifiedText(text);
  const hit = new Set<string>();
  for (const signature of SIGNATURES) if (hintMatches(signature, hints).length > 0) hit.add(signature.id);
  const patterns = compiledPatterns();
  for (const position of candidatePatterns(body)) {
    const pattern = patterns[position]!;
    if (!hit.has(pattern.signature.id) && pattern.regex.test(body)) hit.add(pattern.signature.id);
  }
  return SIGNATURES.filter((signature) => hit.has(signature.id));
}
