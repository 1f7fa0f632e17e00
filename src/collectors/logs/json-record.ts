// Turns one parsed JSON log object (Render log, pino, bunyan, structlog, winston, python-json-logger) into a LogRecord.
import type { LogRecord } from '../../evidence/schema.ts';
import { epochToIso, normalizeLevel, normalizeTimestamp } from './time.ts';

const TIME_KEYS = ['timestamp', 'time', '@timestamp', 'ts', 'datetime', 'date', 'asctime', 't', 'timeMillis', 'created'];
const LEVEL_KEYS = ['level', 'levelname', 'severity', 'lvl', 'loglevel', 'log.level', 'level_name', '@l'];
const MESSAGE_KEYS = ['message', 'msg', 'event', '@message', '@m', 'text', 'log', '@mt'];
const ERROR_KEYS = ['exc_info', 'exception', 'stack', 'stack_trace', 'traceback', 'err', 'error'];
const MAX_FIELDS = 48;
const MAX_FIELD_LENGTH = 500;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function scalar(value: Json): string | undefined {
  if (value === null) return undefined;
  if (typeof value === 'string') return value.length > MAX_FIELD_LENGTH ? value.slice(0, MAX_FIELD_LENGTH) : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function flatten(object: { [key: string]: Json }, prefix: string, out: Record<string, string>, depth: number, skip: Set<string> | null, budget: { left: number }): void {
  for (const key in object) {
    if (budget.left <= 0) return;
    if (skip !== null && skip.has(key)) continue;
    const value = object[key]!;
    const name = prefix ? `${prefix}.${key}` : key;
    const text = scalar(value);
    if (text !== undefined) {
      out[name] = text;
      budget.left--;
    } else if (value && typeof value === 'object' && !Array.isArray(value) && depth < 2) flatten(value, name, out, depth + 1, null, budget);
  }
}

function first(object: { [key: string]: Json }, keys: string[]): [string, Json] | undefined {
  for (const key of keys) if (object[key] !== undefined && object[key] !== null) return [key, object[key]!];
  return undefined;
}

function errorText(value: Json): string | undefined {
  if (typeof value === 'string') return value.includes('\n') || /Error|Exception|Traceback/.test(value) ? value : undefined;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const stack = value.stack ?? value.message;
    return typeof stack === 'string' ? stack : undefined;
  }
  return undefined;
}

/** Copy request labels under their canonical names (statusCode, method, path). */
function canonicalRequestFields(fields: Record<string, string>): void {
  // A flat `status` next to an error object is an outbound call's answer (axios, fetch), not a request this service served.
  const outbound = fields.statusCode === undefined && fields['res.statusCode'] === undefined && fields['http.status_code'] === undefined && Object.keys(fields).some((key) => /^(?:err|error)\.(?:message|type|stack)$/.test(key));
  const status = fields.statusCode ?? fields.status_code ?? fields['res.statusCode'] ?? fields['http.status_code'] ?? fields['response.status'] ?? (outbound ? undefined : fields.status);
  if (outbound) return;
  if (status && /^[1-5]\d\d$/.test(status)) fields.statusCode = status;
  const method = fields.method ?? fields['req.method'] ?? fields['http.method'] ?? fields['request.method'];
  if (method) fields.method = method;
  const path = fields.path ?? fields['req.url'] ?? fields['http.path'] ?? fields['http.url'] ?? fields['request.path'] ?? fields.url;
  if (path) fields.path = path;
}

/** Build a record from a JSON object; null when the object has neither a message nor a time. */
export function recordFromObject(object: { [key: string]: Json }, file: string, line: number): LogRecord | null {
  const fields: Record<string, string> = {};
  const labels = object.labels;
  if (Array.isArray(labels)) {
    for (const label of labels) {
      if (label && typeof label === 'object' && !Array.isArray(label) && typeof label.name === 'string') {
        const value = scalar(label.value ?? null);
        if (value !== undefined) fields[label.name] = value;
      }
    }
  }
  const messageEntry = first(object, MESSAGE_KEYS);
  const timeEntry = first(object, TIME_KEYS);
  if (!messageEntry && !timeEntry) return null;
  let message = messageEntry ? (typeof messageEntry[1] === 'string' ? messageEntry[1] : JSON.stringify(messageEntry[1])) : '';
  const skip = new Set(['labels']);
  if (messageEntry) skip.add(messageEntry[0]);
  if (timeEntry) skip.add(timeEntry[0]);
  flatten(object, '', fields, 0, skip, { left: MAX_FIELDS - Object.keys(fields).length });
  const errorEntry = first(object, ERROR_KEYS);
  if (errorEntry) {
    const text = errorText(errorEntry[1]);
    if (text && !message.includes(text)) message = message ? `${message}\n${text}` : text;
  }
  if (!message) {
    const rest: { [key: string]: Json } = {};
    for (const key in object) if (!skip.has(key)) rest[key] = object[key]!;
    message = JSON.stringify(rest).slice(0, 2000);
  }
  const record: LogRecord = { file, line, message, fields };
  if (timeEntry) {
    const [, value] = timeEntry;
    const time = typeof value === 'number' ? epochToIso(value) : typeof value === 'string' ? normalizeTimestamp(value) : undefined;
    if (time) record.timestamp = time;
  }
  const levelValue = fields.level ?? first(object, LEVEL_KEYS)?.[1] ?? fields['log.level'];
  const level = normalizeLevel(typeof levelValue === 'number' ? levelValue : typeof levelValue === 'string' ? levelValue : undefined);
  if (level) record.level = level;
  canonicalRequestFields(fields);
  return record;
}
