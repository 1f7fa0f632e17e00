// Database URLs: libpq sslmode semantics, Supabase pooler detection, password masking, error mapping.
import { describe, expect, it } from 'vitest';
import { connectionFailure, maskUrl, parseDatabaseUrl } from '../../../src/collectors/database/connect.ts';
import { SourceFailure } from '../../../src/collectors/types.ts';

const options = { connectTimeoutMs: 5_000, statementTimeoutMs: 15_000 };

describe('parseDatabaseUrl', () => {
  it('reads a Supabase transaction-pooler URL with sslmode=require (encrypted, not verified)', () => {
    const parsed = parseDatabaseUrl('postgresql://postgres.abcd:p%40ss%3Aw0rd@aws-0-eu-west-1.pooler.supabase.com:6543/postgres?sslmode=require', options);
    expect(parsed).toMatchObject({
      host: 'aws-0-eu-west-1.pooler.supabase.com',
      port: 6543,
      user: 'postgres.abcd',
      password: 'p@ss:w0rd',
      database: 'postgres',
      pooler: 'transaction',
      sslmode: 'require',
    });
    expect(parsed.config.ssl).toEqual({ rejectUnauthorized: false });
    expect(parsed.masked).toBe('postgresql://postgres.abcd:***@aws-0-eu-west-1.pooler.supabase.com:6543/postgres?sslmode=require');
  });

  it('knows the session pooler, verify-full and no sslmode', () => {
    expect(parseDatabaseUrl('postgres://u:p@aws-0-x.pooler.supabase.com:5432/postgres?sslmode=verify-full', options)).toMatchObject({ pooler: 'session' });
    expect(parseDatabaseUrl('postgres://u:p@aws-0-x.pooler.supabase.com:5432/postgres?sslmode=verify-full', options).config.ssl).toEqual({});
    expect(parseDatabaseUrl('postgres://u:p@127.0.0.1/db', options)).toMatchObject({ port: 5432, pooler: undefined, sslmode: 'disable' });
    expect(parseDatabaseUrl('postgres://u:p@127.0.0.1/db', options).config.ssl).toBe(false);
  });

  it('rejects a bad URL or sslmode with a SourceFailure that hides the password', () => {
    expect(() => parseDatabaseUrl('mysql://u:hunter22@h/db', options)).toThrow(SourceFailure);
    try {
      parseDatabaseUrl('postgres://u:hunter22@h/db?sslmode=maybe', options);
    } catch (error) {
      expect((error as SourceFailure).code).toBe('invalid-url');
      expect((error as Error).message).not.toContain('hunter22');
    }
  });
});

describe('maskUrl and connectionFailure', () => {
  it('masks the password in the authority and in a password parameter', () => {
    expect(maskUrl('postgres://u:secret@h:5432/db?password=other&sslmode=require')).toBe('postgres://u:***@h:5432/db?password=***&sslmode=require');
  });

  it('maps driver errors to codes and hints, scrubbing the password everywhere', () => {
    const target = parseDatabaseUrl('postgres://app:Sup3rSecret@db.example:5432/jobs', options);
    const timeout = connectionFailure(new Error('Connection terminated due to connection timeout'), target, 5_000);
    expect(timeout).toMatchObject({ code: 'ETIMEDOUT' });
    expect(timeout.hint).toMatch(/5000 ms/);
    const auth = connectionFailure(Object.assign(new Error('password authentication failed for user "app" (Sup3rSecret)'), { code: '28P01' }), target, 5_000);
    expect(auth.code).toBe('28P01');
    expect(`${auth.message} ${auth.hint}`).not.toContain('Sup3rSecret');
    expect(connectionFailure(new Error('The server does not support SSL connections'), target, 5_000).code).toBe('ssl-unsupported');
    expect(connectionFailure(Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }), target, 5_000).hint).toMatch(/sslmode=require/);
  });
});
