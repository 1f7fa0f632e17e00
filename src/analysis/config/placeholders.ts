// ${VAR} and ${VAR:-default} placeholders in configuration values: find them and resolve them against an env.
import { isSecretKey, maskSecret, maskValue } from './secrets.ts';

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/g;

export type EnvLookup = (name: string) => string | undefined;

export function hasPlaceholder(value: string): boolean {
  PLACEHOLDER.lastIndex = 0;
  return PLACEHOLDER.test(value);
}

export function placeholderNames(value: string): string[] {
  return [...value.matchAll(PLACEHOLDER)].map((match) => match[1] ?? '');
}

/** Resolve placeholders; unresolved ones without default stay as `<unset VAR>`. */
export function resolvePlaceholders(value: string, lookup: EnvLookup): { value: string; unset: string[] } {
  const unset: string[] = [];
  const resolved = value.replace(PLACEHOLDER, (_whole, name: string, fallback: string | undefined) => {
    const found = lookup(name);
    if (found !== undefined && found !== '') return found;
    if (fallback !== undefined) return fallback;
    unset.push(name);
    return `<unset ${name}>`;
  });
  return { value: resolved, unset };
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
