// Masking of configuration values for display, on top of the one secret recogniser (recognise.ts, catalogue.ts).
import { findCatalogueSecrets } from './catalogue.ts';
import { isIdentifierKey, isSecretKey, secretValueKind } from './recognise.ts';

export { isSecretKey } from './recognise.ts';

const CREDENTIAL_VALUES: RegExp[] = [
  /^eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*$/, // JWT
  /^(sk|pk|rk)[-_](live|test|proj|ant)?[-_]?[A-Za-z0-9_-]{16,}$/, // OpenAI / Stripe style
  /^(whsec|llx|rnd|sb_secret)[-_A-Za-z0-9]{8,}$/, // webhook secrets, LlamaCloud, Render, Supabase
  /^-----BEGIN [A-Z ]*PRIVATE KEY-----/,
];

const URL_WITH_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/)([^:@/\s]*):([^@/\s]+)@/i;

const MASK = '****';

/** A value that is a credential by its own shape: a catalogue (gitleaks) format, a JWT, a URL password, high-entropy hex or encoded credentials. */
export function looksLikeCredential(value: string, key = ''): boolean {
  const text = value.trim();
  if (text === '') return false;
  if (URL_WITH_PASSWORD.test(text) || CREDENTIAL_VALUES.some((pattern) => pattern.test(text))) return true;
  if (!isIdentifierKey(key) && secretValueKind(text) !== undefined) return true;
  return text.length >= 16 && findCatalogueSecrets(text).length > 0;
}

/** Mask the password of a URL, keeping scheme, user and host (they matter for diffs). */
function maskUrlPassword(value: string): string {
  return value.replace(new RegExp(URL_WITH_PASSWORD.source, 'gi'), (_whole, scheme: string, user: string) => `${scheme}${user}:${MASK}@`);
}

/**
 * Mask a value for display. Empty values stay empty (empty, null and absent are not secrets); placeholders
 * (`${VAR}`) stay as written; URLs lose only their password; other secret values become `****` with the length,
 * so that "empty vs set" stays visible.
 */
export function maskValue(key: string, value: string): string {
  if (value.trim() === '') return value;
  if (/^\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}$/.test(value.trim())) return value;
  if (URL_WITH_PASSWORD.test(value)) return maskUrlPassword(value);
  if (isSecretKey(key) || looksLikeCredential(value, key)) return `${MASK} (${value.length} chars)`;
  return value;
}

/** Mask a value known to be secret (e.g. resolved from a `${DB_PASSWORD}` placeholder); URLs keep their host. */
export function maskSecret(value: string): string {
  if (value === '') return value;
  if (URL_WITH_PASSWORD.test(value)) return maskUrlPassword(value);
  return `${MASK} (${value.length} chars)`;
}
