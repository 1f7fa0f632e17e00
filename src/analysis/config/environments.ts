// Environment names and hosts: which environment a label or host name refers to, and localhost detection.

const ALIASES: Record<string, string[]> = {
  production: ['production', 'prod', 'prd', 'live'],
  staging: ['staging', 'stage', 'stg', 'preprod'],
  development: ['development', 'dev', 'local'],
  test: ['test', 'testing', 'qa', 'ci', 'sandbox'],
};

const TOKEN_TO_ENV = new Map<string, string>(Object.entries(ALIASES).flatMap(([env, names]) => names.map((name) => [name, env] as [string, string])));

function tokens(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Canonical environment of a label or file name (`Production`, `prod.yaml` -> production); else the label. */
export function environmentOf(label: string): string {
  for (const token of tokens(label)) {
    const env = TOKEN_TO_ENV.get(token);
    if (env) return env;
  }
  return label.toLowerCase();
}

/** Environments named by tokens of a host or URL (`api-staging.example.com` -> staging). */
export function environmentsIn(text: string): Set<string> {
  const found = new Set<string>();
  // The top-level domain of a host is not an environment name (`stg-storage.acme.dev`).
  const words = /^[a-z0-9.-]+\.[a-z]+$/i.test(text) ? text.replace(/\.[a-z]+$/i, '') : text;
  for (const token of tokens(words)) {
    const env = TOKEN_TO_ENV.get(token);
    if (env) found.add(env);
  }
  return found;
}

export function isRemoteEnvironment(env: string): boolean {
  return env !== 'development' && env !== 'test';
}

/** Replace environment tokens with `<env>`, so that `staging-api.x` and `prod-api.x` compare equal. */
export function withoutEnvironment(text: string): string {
  return text.replace(/[a-z0-9]+/gi, (token) => (TOKEN_TO_ENV.has(token.toLowerCase()) ? '<env>' : token));
}

/** Remove environment tokens and their separator (`staging-api.example.com` -> `api.example.com`). */
export function stripEnvironment(host: string): string {
  return host
    .split('.')
    .map((label) =>
      label
        .split('-')
        .filter((part) => !TOKEN_TO_ENV.has(part.toLowerCase()))
        .join('-'),
    )
    .filter(Boolean)
    .join('.');
}

// The scheme is bounded ({0,30}) so that the scan stays linear on long values without `://` (`a.a.a.a...`).
const URL_HOST = /\b[a-z][a-z0-9+.-]{0,30}:\/\/(?:[^@/\s]*@)?(\[[0-9a-f:]+\]|[^:/\s?#]+)/gi;
/** A host name is at most 253 characters; with a port, a bit more. Longer values are not bare hosts. */
const MAX_BARE_HOST = 260;
const BARE_HOST = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}(?::\d+)?$|^\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?$|^localhost(?::\d+)?$/i;

/** Distinct hosts kept per value: a value naming more is not a setting worth reading host by host. */
const MAX_HOSTS = 20;

/** Host names in a value (distinct, at most MAX_HOSTS): hosts of URLs, or the value itself when it is a host name or IP (optionally :port). */
export function hostsIn(value: string): string[] {
  const hosts = new Set<string>();
  for (const match of value.matchAll(URL_HOST)) {
    hosts.add((match[1] ?? '').toLowerCase());
    if (hosts.size >= MAX_HOSTS) break;
  }
  if (hosts.size > 0) return [...hosts];
  const trimmed = value.trim();
  return trimmed.length <= MAX_BARE_HOST && BARE_HOST.test(trimmed) ? [trimmed.replace(/:\d+$/, '').toLowerCase()] : [];
}

export function isLocalHost(host: string): boolean {
  return /^(localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[?::1\]?|host\.docker\.internal)$/i.test(host);
}

/** The registrable-looking domain: last two labels (`a.b.example.com` -> `example.com`). */
export function domainOf(host: string): string {
  return host.split('.').slice(-2).join('.');
}
