// Tests for secret detection and masking of configuration values, and placeholder resolution.
import { describe, expect, it } from 'vitest';
import { envLookup, resolvePlaceholders } from '../../../src/collectors/config/placeholders.ts';
import { isSecretKey, looksLikeCredential, maskValue } from '../../../src/lib/secrets/secret-keys.ts';

describe('secrets', () => {
  it('recognises secret key names but not look-alikes', () => {
    for (const key of ['database.password', 'webhook.secret', 'openai.api_key', 'auth.token', 'sentry.dsn', 'stripe.key', 'JWT_SECRET']) expect(isSecretKey(key), key).toBe(true);
    for (const key of ['keepalive', 'primary_key', 'token_url', 'cache.ttl', 'name', 'public_key']) expect(isSecretKey(key), key).toBe(false);
  });

  it('recognises credential-looking values', () => {
    expect(looksLikeCredential('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc')).toBe(true);
    expect(looksLikeCredential('sk-proj-abcdefghijklmnopqrstuvwxyz')).toBe(true);
    expect(looksLikeCredential('postgres://app:hunter2@db:5432/app')).toBe(true);
    expect(looksLikeCredential('https://api.example.com/hooks')).toBe(false);
    expect(looksLikeCredential('30s')).toBe(false);
  });

  it('masks secrets, keeps placeholders, and keeps the host of URLs', () => {
    expect(maskValue('webhook.secret', 'whsec_abc')).toBe('**** (9 chars)');
    expect(maskValue('webhook.secret', '${WEBHOOK_SECRET}')).toBe('${WEBHOOK_SECRET}');
    expect(maskValue('database.url', 'postgresql://app:hunter2@db-staging:5432/app')).toBe('postgresql://app:****@db-staging:5432/app');
    expect(maskValue('model', 'sk-live-0123456789abcdefghij')).not.toContain('0123456789');
    expect(maskValue('timeout', '30s')).toBe('30s');
  });
});

describe('placeholders', () => {
  it('resolves ${VAR} and ${VAR:-default}, env files first', () => {
    const lookup = envLookup([{ A: 'from-file' }], { A: 'from-env', B: 'b' });
    expect(resolvePlaceholders('${A}/${B}/${C:-dflt}', lookup).value).toBe('from-file/b/dflt');
    expect(resolvePlaceholders('${MISSING}', lookup)).toEqual({ value: '<unset MISSING>', unset: ['MISSING'] });
  });
});
