// Parses a postgres:// URL (sslmode, Supabase pooler ports) into a node-postgres config and maps connection errors to SourceFailure.
import { readFileSync } from 'node:fs';
import type { ClientConfig } from 'pg';
import { SourceFailure } from '../types.ts';

type PoolerMode = 'transaction' | 'session' | undefined;

export interface ParsedDatabaseUrl {
  config: ClientConfig;
  /** The URL with its password replaced by ***. */
  masked: string;
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  sslmode: string;
  /** Supabase Supavisor/pgbouncer: 6543 is transaction mode (no session state), the pooler host on 5432 is session mode. */
  pooler: PoolerMode;
}

const SSL_MODES = new Set(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full', 'no-verify']);

/** Replace the password of a postgres URL (and any `password=` parameter) with ***. */
export function maskUrl(url: string): string {
  return url.replace(/^(\w+:\/\/[^:/@]*:)([^@]*)@/, '$1***@').replace(/([?&]password=)[^&]*/gi, '$1***');
}

/** Remove every occurrence of a secret from a text (error messages, hints). */
export function scrub(text: string, secret: string | undefined): string {
  return secret && secret.length >= 3 ? text.split(secret).join('***') : text;
}

export function parseDatabaseUrl(url: string, options: { connectTimeoutMs: number; statementTimeoutMs: number; applicationName?: string }): ParsedDatabaseUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SourceFailure(`not a valid database URL: ${maskUrl(url)}`, 'invalid-url', 'write it as postgres://user:password@host:5432/database?sslmode=require');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new SourceFailure(`unsupported database URL scheme "${parsed.protocol}" in ${maskUrl(url)}`, 'invalid-url', 'use postgres:// or postgresql://');
  }
  const params = parsed.searchParams;
  const host = params.get('host') ?? decodeURIComponent(parsed.hostname).replace(/^\[|\]$/g, '');
  const port = Number(params.get('port') ?? (parsed.port || 5432));
  const user = params.get('user') ?? decodeURIComponent(parsed.username);
  const password = params.get('password') ?? decodeURIComponent(parsed.password);
  const database = params.get('dbname') ?? (decodeURIComponent(parsed.pathname.replace(/^\//, '')) || user);
  const sslmode = (params.get('sslmode') ?? '').toLowerCase();
  if (sslmode && !SSL_MODES.has(sslmode)) {
    throw new SourceFailure(`unknown sslmode "${sslmode}" in ${maskUrl(url)}`, 'invalid-url', `use one of ${[...SSL_MODES].join(', ')}`);
  }
  const config: ClientConfig = {
    host: host || '127.0.0.1',
    port,
    user,
    password,
    database,
    application_name: options.applicationName ?? 'fracas',
    connectionTimeoutMillis: options.connectTimeoutMs,
    // A client-side guard in case the network stalls; the server enforces statement_timeout itself.
    query_timeout: options.statementTimeoutMs + 10_000,
    keepAlive: true,
    ssl: sslConfig(sslmode, params),
  };
  const pooler: PoolerMode = port === 6543 ? 'transaction' : /pooler\.supabase\.com$/i.test(host) ? 'session' : undefined;
  return { config, masked: maskUrl(url), host: config.host!, port, database, user, password, sslmode: sslmode || 'disable', pooler };
}

/** libpq semantics: require/prefer encrypt without verifying the certificate; verify-ca/verify-full verify it. */
function sslConfig(sslmode: string, params: URLSearchParams): ClientConfig['ssl'] {
  const rootCert = params.get('sslrootcert');
  const ca = rootCert && rootCert !== 'system' ? readFileSync(rootCert, 'utf8') : undefined;
  switch (sslmode) {
    case '':
    case 'disable':
    case 'allow':
      return false;
    case 'prefer':
    case 'require':
    case 'no-verify':
      return ca && sslmode === 'require' ? { ca, checkServerIdentity: () => undefined } : { rejectUnauthorized: false };
    case 'verify-ca':
      return ca ? { ca, checkServerIdentity: () => undefined } : {};
    default:
      return ca ? { ca } : {};
  }
}

interface ErrorLike {
  message?: string;
  code?: string;
  errno?: number;
}

/** Turn a connection error into a SourceFailure with a machine code and a hint, without the password. */
export function connectionFailure(error: unknown, target: ParsedDatabaseUrl, connectTimeoutMs: number): SourceFailure {
  const err = (error ?? {}) as ErrorLike;
  const raw = String(err.message ?? error);
  const where = `${target.host}:${target.port}/${target.database}`;
  let code = err.code ?? 'connect-error';
  let hint: string;
  if (/timeout/i.test(raw) && !err.code) code = 'ETIMEDOUT';
  if (/does not support SSL/i.test(raw)) code = 'ssl-unsupported';
  else if (!err.code && /certificate|self.signed/i.test(raw)) code = 'ssl-certificate';
  switch (code) {
    case 'ECONNREFUSED':
      hint = `nothing accepts connections at ${target.host}:${target.port}: check that the server is running and the host and port in the URL`;
      break;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      hint = `the host name ${target.host} does not resolve: check the URL (Supabase direct hosts are IPv6-only; the pooler host works over IPv4)`;
      break;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      hint = `no answer from ${target.host}:${target.port} within ${connectTimeoutMs} ms: check network access and firewall rules, or raise connectTimeoutMs`;
      break;
    case '28P01':
      hint = `the server rejected the password of role "${target.user}": check the password in the URL (percent-encode special characters)`;
      break;
    case '28000':
      hint = `the server does not allow role "${target.user}" to connect from here (pg_hba.conf or role attributes): check the role name and allowed hosts`;
      break;
    case '3D000':
      hint = `database "${target.database}" does not exist on this server: check the path of the URL`;
      break;
    case '53300':
      hint = 'the server has no free connection slots: that is itself evidence of connection exhaustion; retry when load drops or connect with a role that may use reserved slots';
      break;
    case '57P03':
      hint = 'the server is starting up, shutting down or in recovery: retry in a moment';
      break;
    case 'ssl-unsupported':
      hint = 'the server does not accept SSL: remove sslmode or set sslmode=disable';
      break;
    default:
      hint = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ssl-certificate/.test(code)
        ? 'the server certificate could not be verified: use sslmode=require (encrypted, not verified) or give sslrootcert=<ca.crt> with sslmode=verify-full'
        : `check the database URL and that ${where} is reachable`;
  }
  const message = scrub(`cannot connect to ${target.masked}: ${raw}`, target.password);
  return new SourceFailure(message, code, scrub(hint, target.password));
}
