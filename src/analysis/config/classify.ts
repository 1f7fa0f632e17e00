// Classify one configuration difference: its area (urls-hosts, ...), its kind (count, timeout, ...) and its risk, by one rule per kind.
import type { ConfigChange, ConfigKind, Risk } from './types.ts';
import { environmentOf, environmentsIn, hostsIn, stripEnvironment, withoutEnvironment } from './environments.ts';
import { isSecretKey } from '../../lib/secrets/secret-keys.ts';
import { PLACEHOLDER_GLOBAL, PLACEHOLDER_PATTERN } from '../../lib/secrets/recognise.ts';
import { isMapValue, lastKey, typeName, type ConfigValue } from '../../lib/config-tree.ts';
import { isTagged } from './tagged.ts';
import { clip, isDisabledValue, isEnabledValue, maskedValue, quantity, ratioOf } from './values.ts';

export type Category = 'urls-hosts' | 'timeouts' | 'retries-backoff' | 'pool-workers' | 'resource-limits' | 'feature-flags-debug' | 'tls-auth' | 'other';

// Matched against one key at a time (lower case); `(^|_)` and `($|_)` keep short words from matching inside others.
const RULES: [Category, RegExp][] = [
  ['retries-backoff', /retr(y|ies)|backoff|attempt|jitter|max_?tries|redeliver/],
  ['tls-auth', /tls|ssl|cert|verify|secret|passw|token|api_?key|apikey|(^|_)auth|signature|signing|hmac|jwt|oauth|cors|credential|(^|_)key$/],
  ['timeouts', /timeout|ttl|deadline|keep_?alive|expir|interval|delay|grace|(_ms|_sec|_seconds|_s)$/],
  ['pool-workers', /pool|overflow|worker|concurren|thread|connection|max_?conn|replica|(^|_)process(es)?($|_)|queue|batch|parallel|prefetch|instances|gunicorn|uvicorn/],
  ['resource-limits', /memory|(^|_)mem($|_)|cpu|limit|quota|disk|size|(^|_)max_|(^|_)plan($|_)|heap|(^|_)rate($|_)|storage/],
  ['feature-flags-debug', /debug|feature|flag|enable|disable|verbose|log_?level|mock|dry_?run|sandbox|experimental|(^|_)trac(e|ing)|profil/],
  ['urls-hosts', /url|uri|host|endpoint|domain|callback|origin|address|dsn|base_?url|(^|_)base$|(^|_)port($|_)|webhook|redirect/],
];

function keyTokens(path: string): string[] {
  return path
    .replace(/\[[^\]]*\]/g, '')
    .split('.')
    .map((segment) => segment.replace(/^\["|"\]$/g, '').toLowerCase())
    .reverse();
}

function looksLikeUrl(value: ConfigValue | undefined): boolean {
  return typeof value === 'string' && hostsIn(value).length > 0;
}

/** Keys that say little on their own (`retry.enabled`, `pool.size`): their parent decides first. */
const GENERIC = /^(enabled?|disabled?|max|min|value|count|size|limit|default)$/;

/** Category from the last key (after its parent, for generic keys), then its ancestors, then the values. */
export function categorize(path: string, left?: ConfigValue, right?: ConfigValue): Category {
  const block = isMapValue(left ?? null) || isMapValue(right ?? null);
  const keys = keyTokens(path);
  if (keys.length > 1 && GENERIC.test(keys[0] as string)) keys.push(keys.shift() as string);
  for (const key of block ? keys.slice(0, 1) : keys) {
    for (const [category, pattern] of RULES) if (pattern.test(key)) return category;
  }
  if (looksLikeUrl(left) || looksLikeUrl(right)) return 'urls-hosts';
  return 'other';
}

export interface DiffInput {
  path: string;
  change: ConfigChange;
  left?: ConfigValue;
  right?: ConfigValue;
  /** Resolved string values, when they contained placeholders. */
  leftResolved?: string;
  rightResolved?: string;
  leftLabel: string;
  rightLabel: string;
}

export interface Assessment {
  category: Category;
  kind: ConfigKind;
  risk: Risk;
  reason: string;
  score: number;
}

/** Words of a key, lower case: `synchronousCommit` -> synchronous_commit, `max-connections` -> max_connections. */
function words(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toLowerCase();
}

// Rules on one key (its words joined by `_`); `(^|_)` and `($|_)` keep short words inside others from matching.
const KIND_RULES: [ConfigKind, RegExp][] = [
  [
    'durability',
    /replication|synchronous_commit|(^|_)fsync($|_)|wal_level|durab|backup|persist|append_?only|(^|_)aof($|_)|(^|_)acks?($|_)|min_insync|write_concern|(^|_)quorum($|_)|sentinel|(^|_)architecture($|_)|(^|_)ha($|_)|high_availability|multi_az|failover/,
  ],
  ['credential', /passw|secret|token|api_?key|apikey|credential|(^|_)auth($|_)|oauth|jwt|hmac|signing|signature|(^|_)certs?($|_)|certificate|(^|_)tls($|_)|(^|_)ssl|verify|(^|_)cors($|_)|(^|_)key$/],
  ['timeout', /timeout|(^|_)ttl($|_)|deadline|keep_?alive|expir|interval|delay|grace|(^|_)period|duration|(^|_)backoff|(_ms|_sec|_secs|_seconds|_s)$|(^|_)seconds($|_)|millis/],
  ['version', /(^|_)version($|_)|(^|_)tag$|image_tag|(^|_)release$|(^|_)revision$/],
  ['url-host', /url|uri|(^|_)hosts?($|_)|hostname|endpoint|domain|callback|origin|address|(^|_)dsn($|_)|webhook|redirect|(^|_)port($|_)|(^|_)server($|_)|(^|_)mx($|_)/],
  [
    'count',
    /replica|(^|_)count($|_)|workers?|threads?|concurren|(^|_)pool|instances|process(es)?($|_)|parallel|shards?|max_?conn|connections|retr(y|ies)|attempts|(^|_)max_|(^|_)min_|(^|_)batch|prefetch|queue|(^|_)burst|rate_limit|capacity/,
  ],
  ['size', /memory|(^|_)mem($|_)|(^|_)cpus?($|_)|disk|storage|(^|_)size($|_)|heap|quota|limit|bytes|(^|_)mb($|_)|(^|_)gb($|_)/],
  ['feature-flag', /feature|flag|experimental|(^|_)beta($|_)|toggle|debug|verbose|log_?level|(^|_)mock|dry_?run|sandbox|(^|_)trac(e|ing)|profil/],
];

const KIND_LABEL: Record<ConfigKind, string> = {
  'boolean-switch': 'boolean switch',
  size: 'size',
  count: 'count',
  timeout: 'timeout',
  'url-host': 'URL or host',
  credential: 'credential',
  'feature-flag': 'feature flag',
  version: 'version',
  durability: 'replication/durability switch',
  'environment-name': 'environment name',
  block: 'block',
  other: 'setting',
};

/** Ranks differences of equal risk: the kinds that break things most often first. */
const KIND_PRIORITY: Record<ConfigKind, number> = {
  durability: 95,
  'url-host': 90,
  credential: 85,
  timeout: 80,
  count: 70,
  size: 65,
  'boolean-switch': 55,
  'feature-flag': 50,
  block: 45,
  version: 40,
  other: 10,
  'environment-name': 5,
};

const BOOLEAN = /^(true|false|yes|no|on|off|enabled?|disabled?)$/i;

function isBooleanLike(value: ConfigValue | undefined): boolean {
  return typeof value === 'boolean' || (typeof value === 'string' && BOOLEAN.test(value.trim()));
}

/** A quantity for size/count decisions: sizes carry units (Mi, Gi, 500m cpu), counts are bare numbers. */
function measured(value: ConfigValue | undefined, key: string): 'size' | 'count' | undefined {
  const found = quantity(value, key);
  if (!found) return undefined;
  if (found.unit === 'bytes' || found.unit === 'cpu') return 'size';
  // A bare number under a resource key (`cpu: 0.5`, `memory_mb: 1024`) is a size; elsewhere it counts something.
  if (found.unit === 'number') return /memory|(^|_)mem($|_)|(^|_)cpus?($|_)|disk|storage|heap|bytes|(^|_)[kmgt]i?b($|_)/.test(key) ? 'size' : 'count';
  return undefined;
}

/** Kinds a key name suggests that a true/false value contradicts (`webhook_debug_endpoint: false` is a switch). */
const NOT_BOOLEAN: ConfigKind[] = ['url-host', 'version', 'count', 'size', 'environment-name'];

/** Equal once environment names are taken out (`cti-backend-staging` / `cti-backend-production`). */
function onlyEnvironmentDiffers(a: ConfigValue | undefined, b: ConfigValue | undefined): boolean {
  if (typeof a !== 'string' || typeof b !== 'string' || a === b) return false;
  const strip = (text: string): string => withoutEnvironment(text).replace(/[-_.]<env>|<env>[-_.]|<env>/g, '');
  return (withoutEnvironment(a) !== a || withoutEnvironment(b) !== b) && strip(a) === strip(b);
}

/**
 * What a setting is, from its key (the last key, or its parent for generic keys such as `enabled` or `size`), then
 * its values: one kind per difference, so that the same change gets the same rule wherever it appears.
 */
export function kindOf(path: string, left?: ConfigValue, right?: ConfigValue): ConfigKind {
  const keys = path
    .replace(/\[[^\]]*\]/g, '')
    .split('.')
    .map((segment) => words(segment.replace(/^\["|"\]$/g, '')))
    .reverse();
  const last = keys[0] ?? '';
  const generic = keys.length > 1 && GENERIC.test(last);
  const candidates = generic ? [keys[1] as string, last] : [last];
  const present = [left, right].filter((value): value is ConfigValue => value !== undefined);
  const block = present.some((value) => (isMapValue(value) && !isTagged(value)) || Array.isArray(value));
  const measures = present.map((value) => measured(value, last));
  const measure = measures.find(Boolean);
  // `persistence.size: 10Gi`, `pool.max: 4`: a generic key with a measured value is that measure, whatever its parent.
  if (generic && measure && !block) return measure;
  const named = (value: ConfigValue): boolean => typeof value === 'string' && value.trim() !== '' && quantity(value, last) === undefined;
  for (const key of candidates) {
    for (const [kind, pattern] of KIND_RULES) {
      if (!pattern.test(key)) continue;
      if (block && kind !== 'credential' && kind !== 'durability') return 'block';
      if (NOT_BOOLEAN.includes(kind) && present.length > 0 && present.every(isBooleanLike)) continue;
      if (kind === 'size' || kind === 'count') {
        // The values decide which (`size: 10Gi`, `pool_size: 4`); a name under such a key (`storageClass: gp3`) is neither.
        if (measure) return measure;
        if (present.some(named)) continue;
        return kind;
      }
      return kind;
    }
  }
  if (block) return 'block';
  // A setting under `features:` or `flags:` is a feature flag whatever its own name.
  if (keys.slice(1).some((key) => /feature|(^|_)flags?($|_)|toggles?/.test(key))) return 'feature-flag';
  if (present.length > 0 && present.every(isBooleanLike)) return 'boolean-switch';
  if (present.some((value) => typeof value === 'string' && hostsIn(value).length > 0)) return 'url-host';
  if (onlyEnvironmentDiffers(left, right)) return 'environment-name';
  if (present.length > 0 && present.every((value) => typeof value === 'string' && environmentsIn(value).size > 0 && /^[a-z]+$/i.test(value))) return 'environment-name';
  if (measures.length > 0 && measures.every((value) => value === 'size')) return 'size';
  return 'other';
}

function show(value: ConfigValue | undefined, path: string): string {
  if (value === undefined) return 'unset';
  if (value === null) return 'null';
  // Empty is never a secret: it is shown as empty, and never passed to the masker.
  if (value === '') return 'empty ("")';
  if (isSecretKey(path) && typeof value === 'string' && !value.startsWith('${') && !value.startsWith('[REDACTED:')) return 'a secret';
  if (isTagged(value)) return clip(tagText(value), 200);
  if (isMapValue(value)) return 'a block';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return typeof value === 'string' ? clip(maskedValue(path, value), 200) : String(value);
}

/** `!Join ["", [...]]` for a tagged collection kept as `{ "!Join": [...] }`; tagged scalars are already text. */
function tagText(value: ConfigValue): string {
  if (!isMapValue(value)) return String(value);
  const [tag, content] = Object.entries(value)[0] as [string, ConfigValue];
  return `${tag} ${JSON.stringify(content)}`;
}

const CALLBACK = /webhook|callback|notify|redirect/;

/** Neither value names a foreign environment, and at least one names its own (`fracas-api-staging...` in staging). */
function namesOwnEnvironment(a: string, leftLabel: string, b: string, rightLabel: string): boolean {
  const own = (text: string, label: string): { own: boolean; foreign: boolean } => {
    const env = environmentOf(label);
    const found = new Set(hostsIn(text).flatMap((host) => [...environmentsIn(host)]));
    return { own: found.has(env), foreign: [...found].some((other) => other !== env) };
  };
  const left = own(a, leftLabel);
  const right = own(b, rightLabel);
  return !left.foreign && !right.foreign && (left.own || right.own);
}

/** Equal once environment names are removed from hosts and replaced elsewhere. */
function sameButEnvironment(a: string, b: string): boolean {
  const normal = (text: string): string => withoutEnvironment(hostsIn(text).reduce((out, host) => out.split(host).join(stripEnvironment(host)), text));
  return normal(a) === normal(b);
}

type Verdict = { risk: Risk; reason: string; bump?: number };

function isEmpty(value: ConfigValue | undefined): boolean {
  return value === null || value === '' || (Array.isArray(value) && value.length === 0) || (isMapValue(value) && Object.keys(value).length === 0);
}

/** A key set in one environment only. */
function presenceRule(input: DiffInput, kind: ConfigKind, path: string): Verdict {
  const present = input.change === 'added' ? input.rightLabel : input.leftLabel;
  const absent = input.change === 'added' ? input.leftLabel : input.rightLabel;
  const value = input.left ?? input.right;
  if (path.endsWith('[]')) {
    const listRisk: Risk = kind === 'url-host' || kind === 'credential' || kind === 'durability' ? 'medium' : 'low';
    return { risk: listRisk, reason: `the ${lastKey(path)} list has ${show(value, path)} in ${present} only, not in ${absent}` };
  }
  if (isMapValue(value) && !isTagged(value)) {
    const important = kind === 'credential' || kind === 'durability';
    return { risk: important ? 'high' : 'medium', reason: `the whole block is only in ${present}: ${absent} has none of its settings` };
  }
  if (Array.isArray(value)) return { risk: kind === 'credential' || kind === 'durability' ? 'high' : 'medium', reason: `the list (${value.length} item(s)) is only in ${present}` };
  const base = `\`${lastKey(path)}\` is set only in ${present} (${show(value, path)}); ${absent} falls back to the code default`;
  switch (kind) {
    case 'credential':
      return { risk: 'high', reason: `${base}: authentication or TLS behaves differently` };
    case 'durability':
      return { risk: 'high', reason: `${base}: replication or durability differs` };
    case 'url-host':
      return { risk: CALLBACK.test(path.toLowerCase()) ? 'high' : 'medium', reason: base };
    case 'timeout':
    case 'count':
    case 'size':
    case 'boolean-switch':
      return { risk: 'medium', reason: base };
    default:
      return { risk: 'low', reason: base };
  }
}

/** Sizes and counts: zero against non-zero, then by how many times larger. */
function magnitudeRule(ratio: number | undefined, left: ConfigValue | undefined, right: ConfigValue | undefined, key: string, both: string, ratioText: string): Verdict {
  const zero = (value: ConfigValue | undefined): boolean => quantity(value, key)?.amount === 0;
  if (zero(left) !== zero(right) && quantity(left, key) && quantity(right, key)) return { risk: 'high', reason: `zero in one environment (no headroom at all): ${both}`, bump: 9 };
  if (ratio && ratio >= 4) return { risk: 'high', reason: `differs${ratioText}: ${both}`, bump: Math.min(9, Math.round(Math.log2(ratio))) };
  if (ratio && ratio >= 1.5) return { risk: 'medium', reason: `differs${ratioText}: ${both}`, bump: Math.round(ratio) };
  if (ratio) return { risk: 'low', reason: `small difference${ratioText}: ${both}` };
  return { risk: 'medium', reason: both };
}

function semver(value: ConfigValue | undefined): number[] | undefined {
  const match = typeof value === 'string' || typeof value === 'number' ? /(\d+)\.(\d+)(?:\.(\d+))?/.exec(String(value)) : null;
  return match ? [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)] : undefined;
}

/** A value present on both sides that differs. */
/** Two values equal once their redacted parts are set aside (a connection URL whose passwords differ). */
function sameButSecrets(a: string, b: string): boolean {
  return PLACEHOLDER_PATTERN.test(a) && a.replace(PLACEHOLDER_GLOBAL, '\u0000') === b.replace(PLACEHOLDER_GLOBAL, '\u0000');
}

function changeRule(input: DiffInput, kind: ConfigKind, path: string): Verdict {
  const { left, right, leftLabel, rightLabel } = input;
  const key = lastKey(path);
  const a = input.leftResolved ?? left;
  const b = input.rightResolved ?? right;
  const both = `${leftLabel}: ${show(a, path)}, ${rightLabel}: ${show(b, path)}`;
  const ratio = ratioOf(a, b, key);
  const ratioText = ratio ? ` (${ratio >= 10 ? Math.round(ratio) : ratio.toFixed(1)}x)` : '';
  if (isEmpty(left) && isEmpty(right)) return { risk: 'low', reason: `empty in both, written differently: ${both}; most loaders read both as no value` };
  if (left === null || right === null) {
    const empty = left === null ? leftLabel : rightLabel;
    const important = kind === 'credential' || kind === 'url-host' || kind === 'durability' || kind === 'timeout';
    return {
      risk: important ? 'high' : kind === 'other' || kind === 'environment-name' ? 'low' : 'medium',
      reason: `\`${key}\` is empty (null) in ${empty}: the application sees no value there, or its default (${both})`,
      bump: 3,
    };
  }
  if (isTagged(left) !== isTagged(right)) {
    return { risk: kind === 'credential' || kind === 'durability' || kind === 'url-host' ? 'high' : 'medium', reason: `computed by a YAML tag in one environment, written out in the other: ${both}` };
  }
  switch (kind) {
    case 'url-host': {
      const sa = String(a ?? '');
      const sb = String(b ?? '');
      if (sameButEnvironment(sa, sb)) return { risk: 'low', reason: `differs only by the environment name (expected): ${both}` };
      if (sameButSecrets(sa, sb)) return { risk: 'low', reason: `differs only in its secret part (masked): each environment has credentials of its own (expected): ${both}` };
      const schemeA = /^(\w+):\/\//.exec(sa)?.[1];
      const schemeB = /^(\w+):\/\//.exec(sb)?.[1];
      if (schemeA && schemeB && schemeA !== schemeB) return { risk: 'high', reason: `scheme differs (${schemeA} vs ${schemeB}): ${both}` };
      const callback = CALLBACK.test(path.toLowerCase());
      if (namesOwnEnvironment(sa, leftLabel, sb, rightLabel)) {
        return callback
          ? { risk: 'medium', reason: `webhook/callback address differs; each environment names its own host (expected), check that the route exists on both: ${both}` }
          : { risk: 'low', reason: `differs per environment, each naming its own (expected): ${both}` };
      }
      if (callback) return { risk: 'high', reason: `webhook/callback address differs beyond the environment name: deliveries go elsewhere (${both})`, bump: 5 };
      return { risk: 'medium', reason: `host or URL differs beyond the environment name: ${both}` };
    }
    case 'timeout':
      if (isDisabledValue(left) !== isDisabledValue(right)) return { risk: 'high', reason: `disabled in one environment: ${both}`, bump: 9 };
      if (ratio && ratio >= 3) return { risk: 'high', reason: `differs${ratioText}: ${both}`, bump: Math.min(9, Math.round(ratio)) };
      if (ratio && ratio < 1.5) return { risk: 'low', reason: `small difference${ratioText}: ${both}` };
      return { risk: 'medium', reason: `differs${ratioText}: ${both}`, bump: ratio ? Math.round(ratio) : 0 };
    case 'count':
    case 'size':
      return magnitudeRule(ratio, a, b, key, both, ratioText);
    case 'credential': {
      const insecure = (value: ConfigValue | undefined): boolean =>
        (/verify|ssl|tls|secure/.test(key.toLowerCase()) && isDisabledValue(value)) || (typeof value === 'string' && /^(disable|allow|prefer|insecure|none)$/i.test(value));
      if (insecure(left) !== insecure(right)) return { risk: 'high', reason: `verification weaker in one environment: ${both}`, bump: 9 };
      if (isEmpty(left) !== isEmpty(right)) return { risk: 'high', reason: `empty in one environment: ${both}`, bump: 8 };
      const varOf = (value: ConfigValue | undefined): string | undefined => (typeof value === 'string' ? /\$\{([A-Za-z0-9_]+)/.exec(value)?.[1] : undefined);
      if (varOf(left) && varOf(right) && varOf(left) !== varOf(right)) return { risk: 'medium', reason: `read from different variables: ${both}` };
      if (isSecretKey(path)) return { risk: 'low', reason: 'secret values differ per environment (expected; values masked)' };
      return { risk: 'medium', reason: `differs: ${both}` };
    }
    case 'durability':
      return { risk: 'high', reason: `replication or durability differs between environments: ${both}`, bump: isEnabledValue(left) !== isEnabledValue(right) ? 5 : 0 };
    case 'feature-flag': {
      if (/log_?level|verbose|trace/.test(key.toLowerCase())) return { risk: 'low', reason: `logging differs: ${both}` };
      const prodSide = environmentOf(leftLabel) === 'production' ? left : environmentOf(rightLabel) === 'production' ? right : undefined;
      if (/debug/.test(key.toLowerCase()) && isEnabledValue(prodSide)) return { risk: 'high', reason: `debug switched on in production: ${both}` };
      if (isEnabledValue(left) !== isEnabledValue(right)) return { risk: 'medium', reason: `switched differently: ${both}` };
      return { risk: 'low', reason: `differs: ${both}` };
    }
    case 'boolean-switch':
      return { risk: 'medium', reason: `switched differently: ${both}` };
    case 'version': {
      const va = semver(a);
      const vb = semver(b);
      if (va && vb && va[0] !== vb[0]) return { risk: 'medium', reason: `major version differs: ${both}` };
      return { risk: 'low', reason: `differs: ${both}` };
    }
    case 'environment-name':
      return { risk: 'low', reason: `each environment names itself (expected): ${both}` };
    default:
      return { risk: 'low', reason: both };
  }
}

/** A scalar on one side and a list of scalars containing it on the other (`Action: s3:Get` vs `[s3:Get, s3:Put]`). */
function grows(left: ConfigValue | undefined, right: ConfigValue | undefined): boolean {
  const contains = (list: ConfigValue | undefined, item: ConfigValue | undefined): boolean =>
    Array.isArray(list) && item !== null && typeof item !== 'object' && item !== undefined && list.every((entry) => entry === null || typeof entry !== 'object') && list.includes(item);
  return contains(left, right) || contains(right, left);
}

/** Area, kind, risk, reason (naming the kind) and a score for ranking within one risk level. */
export function assess(input: DiffInput): Assessment {
  const category = categorize(input.path, input.left, input.right);
  const kind = kindOf(input.path, input.leftResolved ?? input.left, input.rightResolved ?? input.right);
  let verdict: Verdict;
  if (input.change === 'added' || input.change === 'removed') verdict = presenceRule(input, kind, input.path);
  else if (input.change === 'type-changed' && grows(input.left, input.right)) {
    const list = Array.isArray(input.left) ? input.leftLabel : input.rightLabel;
    verdict = { risk: 'medium', reason: `one value in one environment, a list that includes it in ${list}: ${show(input.left, input.path)} vs ${show(input.right, input.path)}` };
  } else if (input.change === 'type-changed' && !(input.left === null || input.right === null || (isEmpty(input.left) && isEmpty(input.right)))) {
    const structural = [input.left, input.right].some((value) => isMapValue(value) || Array.isArray(value));
    verdict = {
      risk: structural ? 'high' : kind === 'other' || kind === 'environment-name' ? 'low' : 'medium',
      reason: `type differs: ${typeName(input.left)} in ${input.leftLabel}, ${typeName(input.right)} in ${input.rightLabel}${structural ? ' (structure differs)' : ''}`,
    };
  } else verdict = changeRule(input, kind, input.path);
  return { category, kind, risk: verdict.risk, reason: `${KIND_LABEL[kind]}: ${verdict.reason}`, score: KIND_PRIORITY[kind] + (verdict.bump ?? 0) };
}
