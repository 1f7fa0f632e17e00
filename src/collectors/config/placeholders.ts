// ${VAR} and ${VAR:-default} placeholders in configuration values: find them and resolve them against an env.
import { createHash } from 'node:crypto';
import { MAX_VALUE_CHARS } from './bounds.ts';
import { isSecretKey, maskSecret, maskValue } from '../../lib/secrets/secret-keys.ts';

// A default ends before the next `${` and is bounded ({0,256}), so that an unclosed `${A:-...` repeated over a long
// value stays linear.
const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-((?:[^}$]|\$(?!\{)){0,256}))?\}/g;

export type EnvLookup = (name: string) => string | undefined;

export function hasPlaceholder(value: string): boolean {
  PLACEHOLDER.lastIndex = 0;
  const found = PLACEHOLDER.test(value);
  // matchAll starts where the shared regular expression's lastIndex was left: leave it at 0.
  PLACEHOLDER.lastIndex = 0;
  return found;
}

export function placeholderNames(value: string): string[] {
  return [...value.matchAll(PLACEHOLDER)].map((match) => match[1] ?? '');
}

/** Resolved values longer than this are hashed piece by piece instead of built (see boundText). */
const MAX_RESOLVED_HASHED = 16 * 1024 * 1024;

/**
 * Resolve placeholders; unresolved ones without default stay as `<unset VAR>`. A result longer than MAX_VALUE_CHARS
 * (many placeholders naming long values) is never built: it stands in as boundText would show it.
 */
export function resolvePlaceholders(value: string, lookup: EnvLookup): { value: string; unset: string[] } {
  const unset: string[] = [];
  const pieces: string[] = [];
  let length = 0;
  let last = 0;
  for (const match of value.matchAll(PLACEHOLDER)) {
    const [whole, name = '', fallback] = match;
    const found = lookup(name);
    let piece: string;
    if (found !== undefined && found !== '') piece = found;
    else if (fallback !== undefined) piece = fallback;
    else {
      if (unset.length < 20) unset.push(name);
      piece = `<unset ${name}>`;
    }
    const before = value.slice(last, match.index);
    pieces.push(before, piece);
    length += before.length + piece.length;
    last = match.index + whole.length;
  }
  pieces.push(value.slice(last));
  length += value.length - last;
  if (length <= MAX_VALUE_CHARS) return { value: pieces.join(''), unset };
  if (length > MAX_RESOLVED_HASHED) return { value: `<${length} characters after resolving placeholders>`, unset };
  const hash = createHash('sha256');
  for (const piece of pieces) hash.update(piece);
  return { value: `<${length} characters, sha256 ${hash.digest('hex').slice(0, 16)}>`, unset };
}

/** Lookup from env files first (later files win), then the process environment. */
export function envLookup(files: Record<string, string>[], env: Record<string, string | undefined> = {}): EnvLookup {
  const merged: Record<string, string> = {};
  for (const file of files) Object.assign(merged, file);
  return (name) => merged[name] ?? env[name];
}

/** The resolved value as shown in reports: masked when the key, a placeholder's name or the value looks secret. */
export function resolveForDisplay(value: string, path: string, lookup: EnvLookup): string {
  const { value: resolved } = resolvePlaceholders(value, lookup);
  if (placeholderNames(value).some((name) => isSecretKey(name))) return maskSecret(resolved);
  return maskValue(path, resolved);
}
