// Structured error hints read from a record's fields (pino/bunyan `err`, structlog `exc_type`, drivers' `code`).
import type { ErrorHints } from './types.ts';

const TYPE_KEYS = ['err.type', 'err.name', 'error.type', 'error.name', 'error.kind', 'exc_type', 'exception.type', 'exception_type', 'error_type', 'errorType', 'exception.class', 'error.class'];
const CODE_KEYS = ['err.code', 'error.code', 'code', 'errno', 'err.errno', 'error_code', 'pgcode', 'sqlstate', 'err.sqlState', 'error.sqlstate'];
const STATUS_KEYS = ['err.status', 'err.statusCode', 'err.response.status', 'error.status', 'upstream_status', 'upstreamStatus', 'response.status'];
const HOST_KEYS = ['err.address', 'err.hostname', 'error.host', 'upstream', 'upstream_host', 'peer.address', 'net.peer.name', 'server.address'];

const SQLSTATE = /^[0-9A-Z]{2}[0-9A-Z]{3}$/;
const ERRNO = /^(?:E[A-Z0-9_]{2,}|ERR_[A-Z0-9_]+|UND_ERR_[A-Z_]+|P\d{4}|[A-Z_]{6,})$/;

function first(fields: Record<string, string>, keys: string[]): string | undefined {
  for (const key of keys) {
    const value = fields[key];
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

/** Hints for classifyError from a record's structured fields; empty when the record has none. */
export function hintsFromFields(fields: Record<string, string>): ErrorHints {
  const hints: ErrorHints = {};
  const type = first(fields, TYPE_KEYS);
  if (type && /^[\w.:$]+$/.test(type)) hints.exceptionType = type;
  const code = first(fields, CODE_KEYS);
  if (code) {
    if (/\d/.test(code) && SQLSTATE.test(code) && !/^P\d{4}$/.test(code)) hints.sqlstate = code;
    else if (ERRNO.test(code)) hints.errno = code;
  }
  const status = first(fields, STATUS_KEYS);
  if (status && /^[1-5]\d\d$/.test(status)) hints.httpStatus = Number(status);
  const host = first(fields, HOST_KEYS);
  if (host && /^[\w.:[\]-]+$/.test(host)) {
    const port = fields['err.port'] ?? fields['net.peer.port'] ?? fields['server.port'];
    hints.host = port && /^\d+$/.test(port) && !host.includes(':') ? `${host}:${port}` : host;
  }
  return hints;
}
