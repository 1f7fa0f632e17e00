// Recognise secret keys and credential-looking values, and mask them (URLs keep their host, lose their password).

const SECRET_KEY = /(pass(word|wd|phrase)?|(^|[_.-])pw$|secret|token|api[_-]?key|apikey|private[_-]?key|access[_-]?key|(^|[_.-])key$|credential|dsn|signing|auth[_-]?header|cookie|session[_-]?key|salt|pepper|hmac)/i;
/** Key names that contain "key" but are not secrets. */
const NOT_SECRET_KEY = /(key[_-]?(id|name|path|file|prefix)|public[_-]?key|keep[_-]?alive|keepalive|primary[_-]?key|foreign[_-]?key|sort[_-]?key|partition[_-]?key|token[_-]?(url|endpoint|ttl|expiry|expires|lifetime)|(ttl|timeout|expiry))$/i;

const CREDENTIAL_VALUES: RegExp[] = [
  /^eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*$/, // JWT
  /^(sk|pk|rk)[-_](live|test|proj|ant)?[-_]?[A-Za-z0-9_-]{16,}$/, // OpenAI / Stripe style
  /^(whsec|llx|ghp|gho|ghs|github_pat|xox[abpr]|glpat|AKIA|ASIA)[-_A-Za-z0-9]{8,}$/, // webhook secrets, LlamaCloud, GitHub, Slack, GitLab, AWS
  /^-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /^[A-Fa-f0-9]{40,}$/, // long hex
  /^[A-Za-z0-9+/]{40,}={0,2}$/, // long base64
];

const URL_WITH_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/)([^:@/\s]*):([^@/\s]+)@/i;

export const MASK = '****';

export function isSecretKey(key: string): boolean {
  const last = key.split(/[.[\]]/).filter(Boolean).pop() ?? key;
  return SECRET_KEY.test(last) && !NOT_SECRET_KEY.test(last);
}

export function looksLikeCredential(value: string): boolean {
  const text = value.trim();
  return URL_WITH_PASSWORD.test(text) || CREDENTIAL_VALUES.some((pattern) => pattern.test(text));
}

/** Mask the password of a URL, keeping scheme, user and host (they matter for diffs). */
export function maskUrlPassword(value: string): string {
  return value.replace(new RegExp(URL_WITH_PASSWORD.source, 'gi'), (_whole, scheme: string, user: string) => `${scheme}${user}:${MASK}@`);
}

/**
 * Mask a value for display. Placeholders (`${VAR}`) are not secrets and stay as written; URLs lose only their
 * password; other secret values become `****` (with the length, so that "empty vs set" stays visible).
 */
export function maskValue(key: string, value: string): string {
  if (value === '') return value;
  if (/^\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}$/.test(value.trim())) return value;
  if (URL_WITH_PASSWORD.test(value)) return maskUrlPassword(value);
  if (isSecretKey(key) || looksLikeCredential(value)) return `${MASK} (${value.length} chars)`;
  return value;
}

/** Mask a value known to be secret (e.g. resolved from a `${DB_PASSWORD}` placeholder); URLs keep their host. */
export function maskSecret(value: string): string {
  if (value === '') return value;
  if (URL_WITH_PASSWORD.test(value)) return maskUrlPassword(value);
  return `${MASK} (${value.length} chars)`;
}
