// Turns one parsed JSON log object into a LogRecord: Render, pino/bunyan/winston, zap, zerolog, structlog, Docker json-file, journald, GCP, CloudWatch, CloudNativePG.
import type { Level, LogRecord } from '../../evidence/schema.ts';
import { epochToIso, normalizeLevel, normalizeTimestamp, syslogLevel } from './time.ts';
import { parseGenericLine } from './postgres.ts';
import { MAX_MESSAGE_LENGTH } from './types.ts';

const TIME_KEYS = ['timestamp', 'time', '@timestamp', 'ts', 'datetime', 'date', 'asctime', 't', 'timeMillis', 'created', '__REALTIME_TIMESTAMP', 'log_time', 'eventTime', 'receiveTimestamp'];
const LEVEL_KEYS = ['level', 'levelname', 'severity', 'lvl', 'loglevel', 'log.level', 'level_name', '@l', 'error_severity', 'severityText', 'severity_text', 'levelStr'];
const MESSAGE_KEYS = ['message', 'msg', 'event', '@message', '@m', 'text', 'log', '@mt', 'MESSAGE', 'textPayload', 'body'];
/** Keys under which nested records keep their message and severity (GCP jsonPayload, CloudNativePG record, OpenTelemetry body). */
const NESTED_MESSAGE_KEYS = ['message', 'msg', 'textPayload', 'MESSAGE', 'log', 'body'];
const NESTED_LEVEL_KEYS = ['error_severity', 'severity', 'level', 'levelname', 'lvl', 'log.level'];
const ERROR_KEYS = ['err', 'error', 'exception', 'exc_info', 'stack', 'stack_trace', 'stacktrace', 'stackTrace', 'traceback', 'errorVerbose'];
const ERROR_KEY_SET = new Set(ERROR_KEYS);
const MAX_FIELDS = 48;
const MAX_FIELD_LENGTH = 500;
/** Deepest nesting searched for a message or severity, and rendered into text. */
const MAX_DEPTH = 8;
const MAX_VISITED = 400;
const MAX_MESSAGE_JSON = 2000;
const RANK: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3, fatal: 4 };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(value: Json | undefined): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function scalar(value: Json): string | undefined {
  if (value === null) return undefined;
  if (typeof value === 'string') return value.length > MAX_FIELD_LENGTH ? value.slice(0, MAX_FIELD_LENGTH) : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * JSON text of a value with nesting and length bounded (JSON.stringify recurses without limit and overflows the
 * stack on a deep record). `state.truncated` is set when anything was cut.
 */
function boundedJson(value: Json, maxChars = MAX_MESSAGE_JSON, state: { truncated: boolean } = { truncated: false }): string {
  let out = '';
  const visit = (node: Json, depth: number): void => {
    if (out.length >= maxChars) return;
    if (node === null || typeof node !== 'object') {
      out += JSON.stringify(node) ?? 'null';
      return;
    }
    if (depth >= MAX_DEPTH * 2) {
      out += Array.isArray(node) ? '[…]' : '{…}';
      state.truncated = true;
      return;
    }
    if (Array.isArray(node)) {
      out += '[';
      node.forEach((item, index) => {
        if (out.length >= maxChars) return;
        if (index > 0) out += ',';
        visit(item, depth + 1);
      });
      out += ']';
      return;
    }
    out += '{';
    let first = true;
    for (const key in node) {
      if (out.length >= maxChars) break;
      if (!first) out += ',';
      first = false;
      out += `${JSON.stringify(key)}:`;
      visit(node[key]!, depth + 1);
    }
    out += '}';
  };
  visit(value, 0);
  if (out.length > maxChars) {
    state.truncated = true;
    return `${out.slice(0, maxChars)}…`;
  }
  return out;
}

function flatten(object: JsonObject, prefix: string, out: Record<string, string>, depth: number, skip: readonly string[] | null, budget: { left: number }): void {
  for (const key in object) {
    if (budget.left <= 0) return;
    if (skip?.includes(key)) continue;
    const value = object[key]!;
    const name = prefix ? `${prefix}.${key}` : key;
    const text = scalar(value);
    if (text !== undefined) {
      out[name] = text;
      budget.left--;
    } else if (isObject(value) && depth < 2) flatten(value, name, out, depth + 1, null, budget);
  }
}

function first(object: JsonObject, keys: string[]): [string, Json] | undefined {
  for (const key of keys) if (object[key] !== undefined && object[key] !== null && object[key] !== '') return [key, object[key]!];
  return undefined;
}

/** The text of an err/error/stack value: a stack (string or array of frames), or `Type: message` of an error object. */
function errorText(value: Json, depth = 0): string | undefined {
  if (typeof value === 'string') return value.trim().length > 0 ? value : undefined;
  if (Array.isArray(value)) {
    const frames = value.slice(0, 200).map((frame) => (typeof frame === 'string' ? frame : isObject(frame) ? boundedJson(frame, 300) : String(frame)));
    return frames.length > 0 ? frames.join('\n') : undefined;
  }
  if (isObject(value) && depth < 3) {
    const stack = value.stack ?? value.stacktrace ?? value.stack_trace;
    const message = typeof value.message === 'string' ? value.message : typeof value.msg === 'string' ? value.msg : undefined;
    const type = typeof value.type === 'string' ? value.type : typeof value.name === 'string' ? value.name : typeof value.kind === 'string' ? value.kind : undefined;
    let text = typeof stack === 'string' ? stack : Array.isArray(stack) ? errorText(stack, depth + 1) : undefined;
    if (!text && message) text = type && !message.startsWith(type) ? `${type}: ${message}` : message;
    if (text && isObject(value.cause ?? null)) {
      const cause = errorText(value.cause!, depth + 1);
      if (cause) text += `\nCaused by: ${cause}`;
    }
    return text;
  }
  return undefined;
}

interface Nested {
  message?: string;
  level?: Level;
}

/** Message and most severe level found in nested objects (breadth first, bounded), e.g. record.message / record.error_severity. */
function nestedFields(object: JsonObject): Nested {
  const found: Nested = {};
  const queue: { node: JsonObject; depth: number }[] = [];
  for (const key in object) {
    const value = object[key];
    if (isObject(value) && !ERROR_KEYS.includes(key)) queue.push({ node: value, depth: 1 });
  }
  let visited = 0;
  while (queue.length > 0 && visited < MAX_VISITED) {
    const { node, depth } = queue.shift()!;
    visited++;
    if (found.message === undefined) {
      for (const key of NESTED_MESSAGE_KEYS) {
        const value = node[key];
        if (typeof value === 'string' && value.trim().length > 0) {
          found.message = value;
          break;
        }
      }
    }
    for (const key of NESTED_LEVEL_KEYS) {
      const value = node[key];
      const level = typeof value === 'string' ? normalizeLevel(value) : undefined;
      if (level && (!found.level || RANK[level] > RANK[found.level])) found.level = level;
    }
    if (depth < MAX_DEPTH) {
      for (const key in node) {
        const value = node[key];
        if (isObject(value) && !ERROR_KEYS.includes(key)) queue.push({ node: value, depth: depth + 1 });
      }
    }
  }
  return found;
}

const ERROR_FIELD = /^(?:err|error)\.(?:message|type|stack)$/;

/** Fields of an outbound call's failure (an error object and no status of a request served). */
function outboundCall(fields: Record<string, string>): boolean {
  return fields.statusCode === undefined && fields['res.statusCode'] === undefined && fields['http.status_code'] === undefined && Object.keys(fields).some((key) => ERROR_FIELD.test(key));
}

/** Copy request labels under their canonical names (statusCode, method, path) and the service name. */
function canonicalFields(fields: Record<string, string>): void {
  // A flat `status` next to an error object is an outbound call's answer (axios, fetch), not a request this service served.
  const status =
    fields.statusCode ??
    fields.status_code ??
    fields['res.statusCode'] ??
    fields['http.status_code'] ??
    fields['response.status'] ??
    fields['httpRequest.status'] ??
    (fields.status === undefined || outboundCall(fields) ? undefined : fields.status);
  if (status && /^[1-5]\d\d$/.test(status)) fields.statusCode = status;
  const method = fields.method ?? fields['req.method'] ?? fields['http.method'] ?? fields['request.method'] ?? fields['httpRequest.requestMethod'];
  if (method) fields.method = method;
  const path = fields.path ?? fields['req.url'] ?? fields['http.path'] ?? fields['http.url'] ?? fields['request.path'] ?? fields['httpRequest.requestUrl'] ?? fields.url;
  if (path) fields.path = path;
  const unit = fields._SYSTEMD_UNIT;
  if (unit && !fields.unit) fields.unit = unit;
  const identifier = fields.SYSLOG_IDENTIFIER;
  if (identifier && !fields.app) fields.app = identifier;
  const service = fields['resource.labels.service_name'] ?? fields['kubernetes.container_name'] ?? fields['service.name'] ?? fields.serviceName;
  if (service && !fields.service) fields.service = service;
}

function timeOf(key: string, value: Json): string | undefined {
  if (key === '__REALTIME_TIMESTAMP' && typeof value === 'string' && /^\d{13,17}$/.test(value)) return new Date(Number(value) / 1000).toISOString();
  if (typeof value === 'number') return epochToIso(value);
  if (typeof value === 'string') return normalizeTimestamp(value);
  if (isObject(value) && typeof value.seconds === 'number') return epochToIso(value.seconds);
  return undefined;
}

function levelOf(key: string | undefined, value: Json | undefined): Level | undefined {
  if (value === undefined) return undefined;
  if (key === 'PRIORITY') {
    const priority = Number(value);
    return Number.isInteger(priority) && priority >= 0 && priority <= 7 ? syslogLevel(priority) : undefined;
  }
  return normalizeLevel(typeof value === 'number' ? value : typeof value === 'string' ? value : undefined);
}

/** The code of a text's first character that is not white space (NaN if none). */
function firstNonSpace(text: string): number {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code !== 32 && (code < 9 || code > 13)) return code;
  }
  return Number.NaN;
}

/** An application's JSON record printed inside a wrapper's text field (Docker `log`, CRI, CloudWatch `message`). */
function innerObject(text: string): JsonObject | null {
  if (firstNonSpace(text) !== 123) return null;
  const trimmed = text.trim();
  if (trimmed.length < 2 || trimmed.charCodeAt(0) !== 123 || trimmed.charCodeAt(trimmed.length - 1) !== 125) return null;
  try {
    const parsed = JSON.parse(trimmed) as Json;
    return isObject(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

/** PostgreSQL's own JSON records: `jsonlog` (PG 15+) names and the csvlog names CloudNativePG uses, at the top or under `record`. */
const PG_JSON_FIELDS: [string, string[]][] = [
  ['severity', ['error_severity']],
  ['pid', ['pid', 'process_id']],
  ['sqlstate', ['state_code', 'sql_state_code']],
  ['user', ['user', 'user_name']],
  ['database', ['dbname', 'database_name']],
  ['application', ['application_name']],
  ['detail', ['detail']],
  ['hint', ['hint']],
  ['context', ['context']],
  ['statement', ['statement', 'query']],
];

function postgresJson(object: JsonObject, fields: Record<string, string>): void {
  const record = typeof object.error_severity === 'string' ? object : isObject(object.record) && typeof object.record.error_severity === 'string' ? object.record : null;
  if (!record) return;
  for (const [name, keys] of PG_JSON_FIELDS) {
    for (const key of keys) {
      const value = record[key];
      if (typeof value === 'string' ? value.length > 0 : typeof value === 'number') {
        fields[name] = String(value).slice(0, 4000);
        break;
      }
    }
  }
  fields.format = 'postgres';
}

const PG_TEXT = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/;

/** A PostgreSQL stderr line carried as a JSON record's text (Cloud SQL, RDS exports): severity, pid and the message itself. */
function postgresText(record: LogRecord): void {
  if (!PG_TEXT.test(record.message)) return;
  const parsed = parseGenericLine(record.message.length > 8192 ? record.message.slice(0, 8192) : record.message);
  if (!parsed) return;
  Object.assign(record.fields, parsed.fields, { severity: parsed.severity, format: 'postgres' });
  record.message = parsed.message;
  const level = normalizeLevel(parsed.severity === 'LOG' ? 'info' : parsed.severity);
  if (level && (!record.level || RANK[level] > RANK[record.level])) record.level = level;
}

/** Whether the object has one of ERROR_KEYS (one pass over its keys instead of a lookup per name: most records have none). */
function hasErrorKey(object: JsonObject): boolean {
  for (const key in object) if (ERROR_KEY_SET.has(key)) return true;
  return false;
}

/** The message with the text of each err/error/stack value, in ERROR_KEYS order, joined unless it already says it. */
function withErrorTexts(object: JsonObject, message: string): string {
  for (const key of ERROR_KEYS) {
    const value = object[key];
    if (value === undefined || value === null) continue;
    const text = errorText(value);
    if (!text || message.includes(text)) continue;
    const firstLine = text.slice(0, Math.max(0, text.indexOf('\n')) || text.length);
    if (!message) message = text;
    else if (text.startsWith(message) || firstLine.endsWith(`: ${message}`)) message = text;
    else message = `${message}\n${text}`;
  }
  return message;
}

/** Build a record from a JSON object; null when the object has neither a message nor a time. */
export function recordFromObject(object: JsonObject, file: string, line: number, depth = 0): LogRecord | null {
  const fields: Record<string, string> = {};
  const labels = object.labels;
  if (Array.isArray(labels)) {
    for (const label of labels) {
      if (isObject(label) && typeof label.name === 'string') {
        const value = scalar(label.value ?? null);
        if (value !== undefined) fields[label.name] = value;
      }
    }
  }
  const messageEntry = first(object, MESSAGE_KEYS);
  const timeEntry = first(object, TIME_KEYS);
  const nested = nestedFields(object);
  if (!messageEntry && !timeEntry && nested.message === undefined) return null;
  const bounded = { truncated: false };
  let message = messageEntry ? (typeof messageEntry[1] === 'string' ? messageEntry[1] : boundedJson(messageEntry[1], MAX_MESSAGE_JSON, bounded)) : '';
  const skip = ['labels'];
  if (messageEntry) skip.push(messageEntry[0]);
  if (timeEntry) skip.push(timeEntry[0]);
  // A wrapper around the application's own JSON record: read the inner record, keep the wrapper's fields.
  if (messageEntry && typeof messageEntry[1] === 'string' && depth < 2) {
    const inner = innerObject(messageEntry[1]);
    const innerRecord = inner ? recordFromObject(inner, file, line, depth + 1) : null;
    if (innerRecord) {
      flatten(object, '', fields, 0, skip, { left: MAX_FIELDS - Object.keys(fields).length });
      for (const [name, value] of Object.entries(innerRecord.fields)) if (Object.keys(fields).length < MAX_FIELDS * 2) fields[name] = value;
      const record: LogRecord = { file, line, message: innerRecord.message, fields };
      const time = innerRecord.timestamp ?? (timeEntry ? timeOf(timeEntry[0], timeEntry[1]) : undefined);
      if (time) record.timestamp = time;
      const level = innerRecord.level ?? levelOf(first(object, LEVEL_KEYS)?.[0], first(object, LEVEL_KEYS)?.[1]);
      if (level) record.level = level;
      canonicalFields(fields);
      return record;
    }
  }
  if (typeof message === 'string' && messageEntry?.[0] === 'log') message = message.replace(/\r?\n$/, '');
  // A bare word as the message (CloudNativePG's "record") or none at all: a nested record's message says more.
  if (nested.message !== undefined && (!message || (/^[\w.-]{1,32}$/.test(message) && !/^[\w.-]{1,32}$/.test(nested.message)))) {
    if (message && message !== nested.message) fields.logger_message = message;
    message = nested.message;
  }
  flatten(object, '', fields, 0, skip, { left: MAX_FIELDS - Object.keys(fields).length });
  if (hasErrorKey(object)) message = withErrorTexts(object, message);
  if (!message) {
    const rest: JsonObject = {};
    for (const key in object) if (!skip.includes(key)) rest[key] = object[key]!;
    message = boundedJson(rest, MAX_MESSAGE_JSON, bounded);
  }
  if (message.length > MAX_MESSAGE_LENGTH) {
    message = `${message.slice(0, MAX_MESSAGE_LENGTH)}…`;
    bounded.truncated = true;
  }
  const record: LogRecord = { file, line, message: message.charCodeAt(message.length - 1) === 10 ? message.replace(/\r?\n$/, '') : message, fields };
  if (bounded.truncated) fields.truncated = 'json-too-deep-or-large';
  if (timeEntry) {
    const time = timeOf(timeEntry[0], timeEntry[1]);
    if (time) record.timestamp = time;
  }
  const levelEntry =
    fields.level !== undefined
      ? (['level', fields.level] as [string, Json])
      : (first(object, [...LEVEL_KEYS, 'PRIORITY']) ?? (fields['log.level'] ? (['log.level', fields['log.level']] as [string, Json]) : undefined));
  let level = levelOf(levelEntry?.[0], levelEntry?.[1]);
  if (nested.level && (!level || RANK[nested.level] > RANK[level])) level = nested.level;
  if (level) record.level = level;
  canonicalFields(fields);
  postgresJson(object, fields);
  if (fields.format !== 'postgres') postgresText(record);
  return record;
}
