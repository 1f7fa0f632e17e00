// Render configuration values for the report (masked, compact) and read numbers, durations and sizes from them.
import { PLACEHOLDER_PATTERN } from '../../lib/secrets/redact.ts';
import { maskValue } from '../../lib/secrets/secret-keys.ts';
import { childPath, isMapValue, type ConfigValue } from '../../lib/config-tree.ts';
import { isTagged } from './tagged.ts';

const MAX_RENDER = 160;
/** Strings are shown whole up to this length (URLs, hosts, PEM headers), then cut. */
const MAX_RENDER_STRING = 1000;

/** Cut a long text for display, saying how long it was. */
export function clip(text: string, max = MAX_RENDER_STRING): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}

const REDACTED = new RegExp(`^${PLACEHOLDER_PATTERN.source}$`);

/**
 * A value as shown: masked when it looks secret. Guards at this call site: an empty value stays empty (it is no
 * secret), and a value the collector's redactor already replaced (`[REDACTED:password:1]`) is shown as it is.
 */
export function maskedValue(path: string, value: string): string {
  if (value === '' || REDACTED.test(value)) return value;
  return maskValue(path, value);
}

function maskTree(value: ConfigValue, key: string): ConfigValue {
  if (typeof value === 'string') return maskedValue(key, value);
  if (Array.isArray(value)) return value.map((item) => maskTree(item, key));
  if (isMapValue(value)) return Object.fromEntries(Object.entries(value).map(([child, item]) => [child, maskTree(item, childPath(key, child))]));
  return value;
}

/** A value as shown in the diff table: scalars as written, containers as compact JSON; secrets masked. */
export function renderValue(value: ConfigValue | undefined, path: string, quoteStrings = false): string | undefined {
  if (value === undefined) return undefined;
  // Guard at the call site: an empty value is shown as empty, never handed to the masker (empty is not a secret).
  if (value === '') return '""';
  if (isTagged(value) && isMapValue(value)) {
    const [tag, content] = Object.entries(value)[0] as [string, ConfigValue];
    const text = `${tag} ${JSON.stringify(maskTree(content, path))}`;
    return text.length > MAX_RENDER ? `${text.slice(0, MAX_RENDER - 1)}…` : text;
  }
  if (typeof value === 'string') {
    const masked = clip(maskedValue(path, value));
    return quoteStrings ? JSON.stringify(masked) : masked;
  }
  if (value === null || typeof value !== 'object') return String(value);
  const text = JSON.stringify(maskTree(value, path));
  return text.length > MAX_RENDER ? `${text.slice(0, MAX_RENDER - 1)}…` : text;
}

const DURATION_UNITS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  sec: 1,
  secs: 1,
  second: 1,
  seconds: 1,
  m: 60,
  min: 60,
  mins: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hr: 3600,
  hour: 3600,
  hours: 3600,
  d: 86400,
  day: 86400,
  days: 86400,
};
const SIZE_UNITS: Record<string, number> = {
  b: 1,
  k: 1e3,
  kb: 1e3,
  ki: 1024,
  kib: 1024,
  m: 1e6,
  mb: 1e6,
  mi: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1e9,
  gb: 1e9,
  gi: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1e12,
  tb: 1e12,
  ti: 1024 ** 4,
  tib: 1024 ** 4,
};

/** A comparable quantity: plain numbers, durations (to seconds, `_ms` keys to seconds) and sizes (to bytes). */
export function quantity(value: ConfigValue | undefined, key = ''): { amount: number; unit: 'number' | 'seconds' | 'bytes' | 'cpu' } | undefined {
  if (typeof value === 'number') {
    if (/(_ms|millis(econds)?)$/i.test(key)) return { amount: value / 1000, unit: 'seconds' };
    if (/(_s|_sec(onds)?|timeout|ttl|interval|delay)$/i.test(key)) return { amount: value, unit: 'seconds' };
    if (/(_mb)$/i.test(key)) return { amount: value * 1e6, unit: 'bytes' };
    return { amount: value, unit: 'number' };
  }
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(-?\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$/.exec(value);
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = (match[2] ?? '').toLowerCase();
  if (!unit) return quantity(amount, key);
  if (unit === 'm' && /cpu/i.test(key)) return { amount: amount / 1000, unit: 'cpu' };
  if (/(mem|memory|size|disk|heap|storage|limit|request)/i.test(key) && SIZE_UNITS[unit] !== undefined) return { amount: amount * SIZE_UNITS[unit], unit: 'bytes' };
  if (DURATION_UNITS[unit] !== undefined) return { amount: amount * DURATION_UNITS[unit], unit: 'seconds' };
  if (SIZE_UNITS[unit] !== undefined) return { amount: amount * SIZE_UNITS[unit], unit: 'bytes' };
  return undefined;
}

/** How many times larger the larger quantity is (>= 1), when both are comparable and positive. */
export function ratioOf(left: ConfigValue | undefined, right: ConfigValue | undefined, key: string): number | undefined {
  const a = quantity(left, key);
  const b = quantity(right, key);
  if (!a || !b || a.unit !== b.unit || a.amount <= 0 || b.amount <= 0) return undefined;
  return Math.max(a.amount, b.amount) / Math.min(a.amount, b.amount);
}

export function isDisabledValue(value: ConfigValue | undefined): boolean {
  if (value === false || value === 0 || value === null) return true;
  return typeof value === 'string' && /^(0|false|no|off|none|disabled?|never|-1)$/i.test(value.trim());
}

export function isEnabledValue(value: ConfigValue | undefined): boolean {
  if (value === true) return true;
  return typeof value === 'string' && /^(true|yes|on|1|enabled?)$/i.test(value.trim());
}
