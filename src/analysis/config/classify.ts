// Classify one configuration difference (urls-hosts, timeouts, ...) and rank its risk with a reason a reviewer can check.
import type { ConfigChange, Risk } from '../../evidence/schema.ts';
import { environmentOf, environmentsIn, hostsIn, stripEnvironment, withoutEnvironment } from './environments.ts';
import { isSecretKey, maskValue } from '../../lib/secrets/secret-keys.ts';
import { isMapValue, lastKey, typeName, type ConfigValue } from './tree.ts';
import { clip, isDisabledValue, isEnabledValue, ratioOf } from './values.ts';

export type Category =
  | 'urls-hosts'
  | 'timeouts'
  | 'retries-backoff'
  | 'pool-workers'
  | 'resource-limits'
  | 'feature-flags-debug'
  | 'tls-auth'
  | 'other';

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

const PRIORITY: Record<Category, number> = {
  'urls-hosts': 90,
  'tls-auth': 85,
  timeouts: 80,
  'retries-backoff': 75,
  'pool-workers': 70,
  'resource-limits': 65,
  'feature-flags-debug': 50,
  other: 10,
};

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
  risk: Risk;
  reason: string;
  score: number;
}

function show(value: ConfigValue | undefined, path: string): string {
  if (value === undefined) return 'unset';
  if (isSecretKey(path) && typeof value === 'string' && value !== '' && !value.startsWith('${')) return 'a secret';
  if (isMapValue(value)) return 'a block';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return typeof value === 'string' ? clip(maskValue(path, value), 200) : String(value);
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

function assessPresence(input: DiffInput, category: Category, path: string): Omit<Assessment, 'score' | 'category'> {
  const present = input.change === 'added' ? input.rightLabel : input.leftLabel;
  const absent = input.change === 'added' ? input.leftLabel : input.rightLabel;
  if (path.endsWith('[]')) {
    const item = show(input.left ?? input.right, path);
    const listRisk: Risk = category === 'urls-hosts' || category === 'tls-auth' ? 'medium' : 'low';
    return { risk: listRisk, reason: `the ${lastKey(path)} list has ${item} in ${present} only, not in ${absent}` };
  }
  const base = `\`${lastKey(path)}\` is set only in ${present}; ${absent} falls back to the code default`;
  if (isMapValue(input.left ?? input.right)) {
    return { risk: category === 'other' ? 'medium' : 'high', reason: `the whole block is only in ${present}: ${absent} has none of its settings` };
  }
  if (category === 'urls-hosts') return { risk: CALLBACK.test(path.toLowerCase()) ? 'high' : 'medium', reason: base };
  if (category === 'tls-auth') return { risk: 'high', reason: `${base}: authentication or TLS behaves differently` };
  if (category === 'other' || category === 'feature-flags-debug') return { risk: 'low', reason: base };
  return { risk: 'medium', reason: base };
}

function assessChange(input: DiffInput, category: Category, path: string): Omit<Assessment, 'score' | 'category'> & { bump?: number } {
  const { left, right, leftLabel, rightLabel } = input;
  const key = lastKey(path);
  const both = `${leftLabel}: ${show(input.leftResolved ?? left, path)}, ${rightLabel}: ${show(input.rightResolved ?? right, path)}`;
  const ratio = ratioOf(input.leftResolved ?? left, input.rightResolved ?? right, key);
  const ratioText = ratio ? ` (${ratio >= 10 ? Math.round(ratio) : ratio.toFixed(1)}x)` : '';
  switch (category) {
    case 'urls-hosts': {
      const a = String(input.leftResolved ?? left ?? '');
      const b = String(input.rightResolved ?? right ?? '');
      if (sameButEnvironment(a, b)) return { risk: 'low', reason: `differs only by the environment name (expected): ${both}` };
      const schemeA = /^(\w+):\/\//.exec(a)?.[1];
      const schemeB = /^(\w+):\/\//.exec(b)?.[1];
      if (schemeA && schemeB && schemeA !== schemeB) return { risk: 'high', reason: `scheme differs (${schemeA} vs ${schemeB}): ${both}` };
      const callback = CALLBACK.test(path.toLowerCase());
      if (namesOwnEnvironment(a, leftLabel, b, rightLabel)) {
        return callback
          ? { risk: 'medium', reason: `webhook/callback address differs; each environment names its own host (expected), check that the route exists on both: ${both}` }
          : { risk: 'low', reason: `differs per environment, each naming its own (expected): ${both}` };
      }
      if (callback) return { risk: 'high', reason: `webhook/callback address differs beyond the environment name: deliveries go elsewhere (${both})`, bump: 5 };
      return { risk: 'medium', reason: `host or URL differs beyond the environment name: ${both}` };
    }
    case 'timeouts':
      if (isDisabledValue(left) !== isDisabledValue(right)) return { risk: 'high', reason: `timeout disabled in one environment: ${both}`, bump: 9 };
      if (ratio && ratio >= 3) return { risk: 'high', reason: `timeouts differ${ratioText}: ${both}`, bump: Math.min(9, Math.round(ratio)) };
      if (ratio && ratio < 1.5) return { risk: 'low', reason: `small timeout difference${ratioText}: ${both}` };
      return { risk: 'medium', reason: `timeouts differ${ratioText}: ${both}`, bump: ratio ? Math.round(ratio) : 0 };
    case 'retries-backoff':
      if (isDisabledValue(left) !== isDisabledValue(right)) return { risk: 'high', reason: `retries disabled in one environment: ${both}`, bump: 9 };
      if (ratio && ratio >= 3) return { risk: 'high', reason: `retry/backoff settings differ${ratioText}: ${both}`, bump: Math.min(9, Math.round(ratio)) };
      return { risk: 'medium', reason: `retry/backoff settings differ${ratioText}: ${both}` };
    case 'pool-workers':
    case 'resource-limits': {
      const what = category === 'pool-workers' ? 'pool/worker sizes' : 'resource limits';
      if ((left === 0) !== (right === 0) && typeof left === 'number' && typeof right === 'number') {
        return { risk: 'high', reason: `zero in one environment (no headroom at all): ${both}`, bump: 8 };
      }
      if (ratio && ratio >= 2) return { risk: 'high', reason: `${what} differ${ratioText}: ${both}`, bump: Math.min(9, Math.round(ratio)) };
      return { risk: 'medium', reason: `${what} differ${ratioText}: ${both}` };
    }
    case 'feature-flags-debug': {
      if (/log_?level|verbose|trace/.test(key.toLowerCase())) return { risk: 'low', reason: `logging differs: ${both}` };
      const prodSide = environmentOf(leftLabel) === 'production' ? left : environmentOf(rightLabel) === 'production' ? right : undefined;
      if (/debug/.test(key.toLowerCase()) && isEnabledValue(prodSide)) return { risk: 'high', reason: `debug switched on in production: ${both}` };
      if (isEnabledValue(left) !== isEnabledValue(right)) return { risk: 'medium', reason: `feature switched differently: ${both}` };
      return { risk: 'low', reason: `flag differs: ${both}` };
    }
    case 'tls-auth': {
      const insecure = (value: ConfigValue | undefined): boolean =>
        (/verify|ssl|tls|secure/.test(key.toLowerCase()) && isDisabledValue(value)) || (typeof value === 'string' && /^(disable|allow|prefer|insecure|none)$/i.test(value));
      if (insecure(left) !== insecure(right)) return { risk: 'high', reason: `TLS/auth verification weaker in one environment: ${both}`, bump: 9 };
      const empty = (value: ConfigValue | undefined): boolean => value === '' || value === null;
      if (empty(left) !== empty(right)) return { risk: 'high', reason: `credential empty in one environment: ${both}`, bump: 8 };
      const varOf = (value: ConfigValue | undefined): string | undefined => (typeof value === 'string' ? /\$\{([A-Za-z0-9_]+)/.exec(value)?.[1] : undefined);
      if (varOf(left) && varOf(right) && varOf(left) !== varOf(right)) return { risk: 'medium', reason: `read from different variables: ${both}` };
      if (isSecretKey(path)) return { risk: 'low', reason: 'secret values differ per environment (expected; values masked)' };
      return { risk: 'medium', reason: `TLS/auth setting differs: ${both}` };
    }
    default:
      return { risk: 'low', reason: both };
  }
}

/** Category, risk, reason and a score (for ranking within one risk level) of a difference. */
export function assess(input: DiffInput): Assessment {
  const category = categorize(input.path, input.left, input.right);
  let result: Omit<Assessment, 'score' | 'category'> & { bump?: number };
  if (input.change === 'added' || input.change === 'removed') result = assessPresence(input, category, input.path);
  else if (input.change === 'type-changed' && (input.left === null || input.right === null)) {
    const empty = input.left === null ? input.leftLabel : input.rightLabel;
    const important = category !== 'other' && category !== 'feature-flags-debug';
    result = { risk: important ? 'high' : 'medium', reason: `\`${lastKey(input.path)}\` is empty (null) in ${empty}: the application sees no value there, or its default`, bump: 3 };
  } else if (input.change === 'type-changed') {
    const structural = isMapValue(input.left) || isMapValue(input.right) || Array.isArray(input.left) || Array.isArray(input.right);
    result = {
      risk: structural || category !== 'other' ? (structural ? 'high' : 'medium') : 'low',
      reason: `type differs: ${typeName(input.left)} in ${input.leftLabel}, ${typeName(input.right)} in ${input.rightLabel}${structural ? ' (structure differs)' : ''}`,
    };
  } else result = assessChange(input, category, input.path);
  return { category, risk: result.risk, reason: result.reason, score: PRIORITY[category] + (result.bump ?? 0) };
}
