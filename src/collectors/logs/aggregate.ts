// Aggregates the records of one piece of log input (a file or a byte range of one): window filter, template groups, per-minute counts, events, requests, entities, capped records.
import type { Level, LogEntity, LogEvent, LogFileSummary, LogRecord, LogRequestSummary } from '../../evidence/schema.ts';
import { TemplateMiner } from '../../lib/log-templates/miner.ts';
import { extractEntities } from '../../lib/log-templates/entities.ts';
import { maskToken } from '../../lib/log-templates/mask.ts';
import { eventKind } from './events.ts';
import { hasStackTrace } from '../../lib/log-templates/families.ts';
import { isPgIncidentRecord } from '../../lib/pg-log-events.ts';

export interface BuilderLimits {
  maxRecords: number;
  maxRecordsPerTemplate: number;
  maxTemplates: number;
  maxEvents: number;
  maxEntities: number;
  maxRequestKeys: number;
  maxMinutes: number;
  maxUnparsedSamples: number;
  maxMessage: number;
  maxErrorTimes: number;
}

export const DEFAULT_LIMITS: BuilderLimits = {
  maxRecords: 5000,
  maxRecordsPerTemplate: 50,
  maxTemplates: 2000,
  maxEvents: 1000,
  maxEntities: 20000,
  maxRequestKeys: 5000,
  maxMinutes: 200_000,
  maxUnparsedSamples: 20,
  maxMessage: 4000,
  maxErrorTimes: 50_000,
};

export interface GroupStats {
  count: number;
  tracebacks: number;
  levels: Partial<Record<Level, number>>;
  firstSeen?: string;
  lastSeen?: string;
  samples: { file: string; line: number; message: string }[];
  entities: Map<string, Set<string>>;
  /** Warning-or-worse records of this group per ISO minute (for onset, baseline and reach). */
  minutes: Map<string, number>;
}

/** An entity's error chain: the groups of its warning-or-worse records, in order of first appearance. */
export const MAX_CHAIN = 20;

export interface Minute {
  total: number;
  errors: number;
  requests: number;
  failedRequests: number;
}

const ERROR_LEVELS = new Set<Level | undefined>(['error', 'fatal']);
const CITABLE_LEVELS = new Set<Level | undefined>(['warn', 'error', 'fatal']);
const WEBHOOK = /webhook/i;
const POSTGRES_SEVERITY = /^(?:LOG|ERROR|FATAL|PANIC|WARNING|NOTICE|INFO|DEBUG[1-5])$/;

/** A record read from a PostgreSQL server log (severity and pid fields from the log_line_prefix reader). */
function isPostgresRecord(record: LogRecord): boolean {
  return record.fields.pid !== undefined && record.fields.severity !== undefined && POSTGRES_SEVERITY.test(record.fields.severity);
}
const FAILURE_WORDS = /\b(?:fail(?:ed|ure|ing)?|error|timed? ?out|refused|unreachable|gave up|giving up|exception|rejected)\b/i;
const SUCCESS_WORDS = /\b(?:delivered|sent|succeeded|success(?:ful(?:ly)?)?|acknowledged|accepted)\b/i;

const EMBEDDED_HEAD =
  /^\[?\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?\]?\s+(?:-\s+)?(?:[\w.]+ - (?:DEBUG|INFO|WARNING|ERROR|CRITICAL) - |\[?(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL)\]?:?\s+)?/;
const EMBEDDED_LEVEL = /^(?:DEBUG|INFO|WARNING|ERROR|CRITICAL):[\w.]*:\s*/;

/** The text mined for a record's template: its first line without an embedded timestamp/level header (a Python traceback's last line names the exception). */
export function miningText(message: string): string {
  const code = message.charCodeAt(0);
  if (code >= 48 && code <= 57) message = message.replace(EMBEDDED_HEAD, '');
  else if (code >= 65 && code <= 90) message = message.replace(EMBEDDED_LEVEL, '');
  const newline = message.indexOf('\n');
  if (newline === -1) return message;
  const first = message.slice(0, newline);
  if (!first.startsWith('Traceback')) return first;
  const lines = message.split('\n').filter((line) => line.trim().length > 0 && !line.startsWith(' '));
  return lines[lines.length - 1] ?? first;
}

/** Id-like segments (with a digit, not a version such as v2) after the `webhook` segment of a request path: the job the callback is for. */
function webhookPathIds(path: string): string[] {
  const segments = path.split('?')[0]!.split('/');
  const start = segments.findIndex((segment) => /webhook/i.test(segment));
  return segments.slice(start + 1).filter((segment) => segment.length >= 3 && /\d/.test(segment) && !/^v\d+(?:\.\d+)*$/i.test(segment) && /^[\w.:-]+$/.test(segment));
}

/** A request path with its variable segments masked (query string dropped). */
function maskPath(path: string): string {
  const query = path.indexOf('?');
  return maskToken(query === -1 ? path : path.slice(0, query));
}

function excerpt(message: string, max = 240): string {
  const newline = message.indexOf('\n');
  const line = newline === -1 ? message : message.slice(0, newline);
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** A piece's own counts for its file's summary (merged into the file's LogFileSummary in input order). */
export type PieceFileCounts = Omit<LogFileSummary, 'path' | 'format'>;

/** What one piece of input contributed, in the piece's own group numbers (structured-cloneable: it crosses from a worker thread). */
export interface PieceResult {
  file: PieceFileCounts;
  /** The piece's template groups in order of first appearance: tokens, and whether a group is a coarse one (past the group cap). */
  groups: { tokens: string[]; count: number; coarse: boolean }[];
  stats: GroupStats[];
  kept: { record: LogRecord; group: number; uncapped: boolean; failing: boolean }[];
  truncated: boolean;
  minutes: Map<string, Minute>;
  events: LogEvent[];
  requests: Map<string, LogRequestSummary>;
  entities: Map<string, LogEntity>;
  /** Per entity key: the piece groups of its warning-or-worse records, in order of first appearance. */
  chains: Map<string, number[]>;
  /** More distinct entities than the cap were named in the piece (ones past it were not counted). */
  entitiesOverflow: boolean;
  /** Entities named in the piece that were not in the known set it was given. */
  unknownEntities: boolean;
  errorTimes: number[];
  total: number;
  timed: number;
  outside: number;
}

/** What the merge of the pieces before this one has filled: work on them here would be dropped (the merge stays the same either way). */
export interface EarlierPieces {
  /** The entity cap was reached: count only these entity keys. */
  knownEntities?: ReadonlySet<string> | null;
  /** Groups' failing or other records (by `capKey`) that reached the per-template cap. */
  fullGroups?: ReadonlySet<string> | null;
  /** The kept-records cap was reached. */
  recordsFull?: boolean;
  /** Records kept so far, in all and per group's failing or other records (by `capKey`): given to a piece read in turn (a whole file), so its own caps are the merge's. */
  kept?: { total: number; perGroup: ReadonlyMap<string, number> };
}

/** Limits for a piece cut from a file: bounded by its size, it keeps every candidate record, request and minute (the merge applies the caps, exactly). */
export function cutPieceLimits(limits: BuilderLimits): BuilderLimits {
  return { ...limits, maxRecords: Number.POSITIVE_INFINITY, maxRequestKeys: Number.POSITIVE_INFINITY, maxMinutes: Number.POSITIVE_INFINITY };
}

/** The records of one piece of input aggregated in order. */
export class PieceBuilder {
  private readonly miner = new TemplateMiner();
  private readonly stats: GroupStats[] = [];
  private readonly kept: PieceResult['kept'] = [];
  private readonly keptPerGroup: number[] = [];
  private truncated = false;
  private readonly minutes = new Map<string, Minute>();
  private readonly events: LogEvent[] = [];
  private readonly requests = new Map<string, LogRequestSummary>();
  private readonly requestsByPath = new Map<string, LogRequestSummary[]>();
  private readonly entities = new Map<string, LogEntity>();
  private readonly chains = new Map<string, number[]>();
  private entitiesOverflow = false;
  private unknownEntities = false;
  private entityExcerpt?: { record: LogRecord; text: string };
  private readonly file: PieceFileCounts = { records: 0, unparsed: 0, unparsedSamples: [] };
  private total = 0;
  private readonly errorTimes: number[] = [];
  private timed = 0;
  private outside = 0;
  private readonly start?: string;
  private readonly end?: string;

  private readonly knownEntities: ReadonlySet<string> | null;
  private readonly fullGroups: ReadonlySet<string> | null;
  private readonly recordsFull: boolean;
  private readonly groupFull: boolean[] = [];
  private readonly keptBefore: EarlierPieces['kept'] | null;

  constructor(
    private readonly format: string,
    window: { start: string; end: string } | null = null,
    earlier: EarlierPieces = {},
    private readonly limits: BuilderLimits = DEFAULT_LIMITS,
  ) {
    this.knownEntities = earlier.knownEntities ?? null;
    this.fullGroups = earlier.fullGroups ?? null;
    this.recordsFull = earlier.recordsFull ?? false;
    this.keptBefore = earlier.kept ?? null;
    if (window) {
      this.start = new Date(window.start).toISOString();
      this.end = new Date(window.end).toISOString();
    }
  }

  /** A record left out by the source's filters. */
  filtered(): void {
    this.file.filteredOut = (this.file.filteredOut ?? 0) + 1;
  }

  unparsed(line: number, reason: string, text: string): void {
    const file = this.file;
    file.unparsed++;
    if (file.unparsedSamples.length < this.limits.maxUnparsedSamples) file.unparsedSamples.push({ line, reason, text: text.slice(0, 200) });
  }

  add(record: LogRecord): void {
    const file = this.file;
    file.records++;
    const time = record.timestamp;
    if (time) {
      if (!file.firstSeen || time < file.firstSeen) file.firstSeen = time;
      if (!file.lastSeen || time > file.lastSeen) file.lastSeen = time;
    } else file.untimed = (file.untimed ?? 0) + 1;
    if (record.fields.truncated) file.truncatedRecords = (file.truncatedRecords ?? 0) + 1;
    if (record.fields.readAs === 'text') file.textRecords = (file.textRecords ?? 0) + 1;
    if (time && this.events.length < this.limits.maxEvents) {
      const kind = eventKind(record);
      if (kind) this.events.push({ kind, timestamp: time, file: record.file, line: record.line, message: excerpt(record.message) });
    }
    if (time) {
      if (this.start && (time < this.start || time > this.end!)) {
        file.outsideWindow = (file.outsideWindow ?? 0) + 1;
        if (time < this.start) file.beforeWindow = (file.beforeWindow ?? 0) + 1;
        else file.afterWindow = (file.afterWindow ?? 0) + 1;
        this.outside++;
        return;
      }
      this.timed++;
      if (!file.firstTimestamp || time < file.firstTimestamp) file.firstTimestamp = time;
      if (!file.lastTimestamp || time > file.lastTimestamp) file.lastTimestamp = time;
    }
    this.total++;
    const status = record.fields.statusCode ? Number(record.fields.statusCode) : NaN;
    const isRequest = status >= 100 && status <= 599;
    if (!record.level && isRequest) record.level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    const isError = ERROR_LEVELS.has(record.level) || status >= 500;
    const group = this.miner.add(miningText(record.message));
    let stats = this.stats[group];
    if (!stats) {
      stats = { count: 0, tracebacks: 0, levels: {}, samples: [], entities: new Map<string, Set<string>>(), minutes: new Map<string, number>() };
      this.stats[group] = stats;
    }
    stats.count++;
    if (hasStackTrace(record.message)) stats.tracebacks++;
    if (record.level) stats.levels[record.level] = (stats.levels[record.level] ?? 0) + 1;
    if (time) {
      if (!stats.firstSeen || time < stats.firstSeen) stats.firstSeen = time;
      if (!stats.lastSeen || time > stats.lastSeen) stats.lastSeen = time;
    }
    if (stats.samples.length < 3) stats.samples.push({ file: record.file, line: record.line, message: excerpt(record.message) });
    const failing = CITABLE_LEVELS.has(record.level) || status >= 400;
    if (time) {
      const minute = time.slice(0, 16);
      if (failing) stats.minutes.set(minute, (stats.minutes.get(minute) ?? 0) + 1);
      this.countMinute(minute, isError, isRequest, status >= 500);
      if (isError && this.errorTimes.length < this.limits.maxErrorTimes) this.errorTimes.push(Date.parse(time));
    }
    if (isRequest) this.countRequest(record, status);
    const mentions = extractEntities(record.message, record.fields);
    if (isRequest && record.fields.path && WEBHOOK.test(record.fields.path)) {
      for (const id of webhookPathIds(record.fields.path)) if (!mentions.some((mention) => mention.id === id)) mentions.push({ kind: 'job-id', id });
    }
    for (const mention of mentions) {
      let values = stats.entities.get(mention.kind);
      if (!values) {
        values = new Set<string>();
        stats.entities.set(mention.kind, values);
      }
      if (values.size < 20) values.add(mention.id);
      this.countEntity(record, mention.kind, mention.id, isError, status, failing ? group : undefined);
    }
    const serverIncident = (this.format === 'postgres' || isPostgresRecord(record)) && isPgIncidentRecord(record);
    if (serverIncident || failing || mentions.length > 0) this.keep(record, group, serverIncident, failing);
  }

  /**
   * PostgreSQL incident lines (lock waits, deadlocks, terminations; often LOG level) are kept past the per-template cap so
   * their counts stay exact. The cap holds for a template's failing records and for its other records apart, so the
   * failures of a template (`request completed` with 502) are not crowded out by its successes.
   */
  private keep(record: LogRecord, group: number, uncapped: boolean, failing: boolean): void {
    const slot = group * 2 + (failing ? 1 : 0);
    const perGroup = this.keptPerGroup[slot] ?? this.keptEarlier(group, failing);
    const total = this.kept.length + (this.keptBefore?.total ?? 0);
    if (this.recordsFull || total >= this.limits.maxRecords || (!uncapped && (perGroup >= this.limits.maxRecordsPerTemplate || this.filledEarlier(slot)))) {
      this.truncated = true;
      return;
    }
    this.keptPerGroup[slot] = perGroup + 1;
    if (record.message.length > this.limits.maxMessage) record.message = `${record.message.slice(0, this.limits.maxMessage)}…`;
    this.kept.push({ record, group, uncapped, failing });
  }

  private keptEarlier(group: number, failing: boolean): number {
    if (!this.keptBefore) return 0;
    const mined = this.miner.exportGroups()[group]!;
    return mined.coarse ? 0 : (this.keptBefore.perGroup.get(capKey(mined.tokens, failing)) ?? 0);
  }

  /** Whether earlier pieces already kept as many of this group's failing (odd slot) or other records as the merge takes. */
  private filledEarlier(slot: number): boolean {
    if (!this.fullGroups) return false;
    let full = this.groupFull[slot];
    if (full === undefined) {
      const mined = this.miner.exportGroups()[slot >> 1]!;
      full = !mined.coarse && this.fullGroups.has(capKey(mined.tokens, (slot & 1) === 1));
      this.groupFull[slot] = full;
    }
    return full;
  }

  private countMinute(minute: string, error: boolean, request: boolean, failed: boolean): void {
    let bucket = this.minutes.get(minute);
    if (!bucket) {
      if (this.minutes.size >= this.limits.maxMinutes) return;
      bucket = { total: 0, errors: 0, requests: 0, failedRequests: 0 };
      this.minutes.set(minute, bucket);
    }
    bucket.total++;
    if (error) bucket.errors++;
    if (request) bucket.requests++;
    if (failed) bucket.failedRequests++;
  }

  private countRequest(record: LogRecord, status: number): void {
    const path = maskPath(record.fields.path ?? '');
    const method = record.fields.method;
    let summary = this.requestSummary(path, method, status);
    if (!summary) {
      if (this.requests.size >= this.limits.maxRequestKeys) return;
      summary = { path, statusCode: status, count: 0, file: record.file, line: record.line };
      if (method) summary.method = method;
      this.requests.set(`${method ?? ''} ${path} ${status}`, summary);
      const samePath = this.requestsByPath.get(path);
      if (samePath) samePath.push(summary);
      else this.requestsByPath.set(path, [summary]);
    }
    summary.count++;
    const time = record.timestamp;
    if (time) {
      if (!summary.firstSeen || time < summary.firstSeen) summary.firstSeen = time;
      if (!summary.lastSeen || time > summary.lastSeen) summary.lastSeen = time;
    }
  }

  /** The summary of this method, masked path and status, found by the path (a masked path is mostly one string object, already hashed). */
  private requestSummary(path: string, method: string | undefined, status: number): LogRequestSummary | undefined {
    const samePath = this.requestsByPath.get(path);
    if (samePath) for (const summary of samePath) if (summary.statusCode === status && (summary.method ?? '') === (method ?? '')) return summary;
    return undefined;
  }

  private countEntity(record: LogRecord, kind: string, id: string, error: boolean, status: number, failingGroup?: number): void {
    const key = entityKey(kind, id);
    let entity = this.entities.get(key);
    if (!entity) {
      // A request id is tracked from its first failing record: the ids of requests that went well are most of a busy
      // log's ids, and what reads request ids (the failed requests, their error chains) reads only the failing ones.
      if (kind === 'request-id' && failingGroup === undefined) return;
      if (this.knownEntities && !this.knownEntities.has(key)) {
        this.unknownEntities = true;
        return;
      }
      if (this.entities.size >= this.limits.maxEntities) {
        this.entitiesOverflow = true;
        return;
      }
      // Entities first seen on the same record share one excerpt string (one text for the redactor to scan).
      if (this.entityExcerpt?.record !== record) this.entityExcerpt = { record, text: excerpt(record.message, 160) };
      entity = { kind, id, records: 0, errors: 0, file: record.file, line: record.line, excerpt: this.entityExcerpt.text, webhook: { attempts: 0, delivered: 0, failed: 0 } };
      this.entities.set(key, entity);
    }
    entity.records++;
    if (error) entity.errors++;
    if (failingGroup !== undefined) {
      let chain = this.chains.get(key);
      if (!chain) {
        chain = [];
        this.chains.set(key, chain);
      }
      if (chain.length < MAX_CHAIN && !chain.includes(failingGroup)) chain.push(failingGroup);
    }
    const time = record.timestamp;
    if (time) {
      if (!entity.firstSeen || time < entity.firstSeen) entity.firstSeen = time;
      if (!entity.lastSeen || time > entity.lastSeen) entity.lastSeen = time;
    }
    const head = record.message.length > 1000 ? record.message.slice(0, 1000) : record.message;
    const isRequest = status >= 100 && status <= 599;
    const webhookPath = isRequest && WEBHOOK.test(record.fields.path ?? head);
    if (!webhookPath && !WEBHOOK.test(head)) return;
    let failed: boolean;
    let delivered = false;
    if (webhookPath) {
      entity.webhook.requests = (entity.webhook.requests ?? 0) + 1;
      failed = status >= 400;
      if (failed) entity.webhook.requestsFailed = (entity.webhook.requestsFailed ?? 0) + 1;
      delivered = !failed;
    } else {
      failed = error || (record.level === 'warn' && FAILURE_WORDS.test(head));
      delivered = !failed && SUCCESS_WORDS.test(head);
    }
    if (failed) {
      entity.webhook.failed++;
      entity.webhook.lastFailure = { file: record.file, line: record.line, excerpt: excerpt(record.message) };
      if (time) entity.webhook.lastFailure.timestamp = time;
    } else if (delivered) entity.webhook.delivered++;
    else entity.webhook.attempts++;
  }

  result(): PieceResult {
    return {
      file: this.file,
      groups: this.miner.exportGroups(),
      stats: this.stats,
      kept: this.kept,
      truncated: this.truncated,
      minutes: this.minutes,
      events: this.events,
      requests: this.requests,
      entities: this.entities,
      chains: this.chains,
      entitiesOverflow: this.entitiesOverflow,
      unknownEntities: this.unknownEntities,
      errorTimes: this.errorTimes,
      total: this.total,
      timed: this.timed,
      outside: this.outside,
    };
  }
}

/** What the per-template cap of kept records counts: a group's failing records, or its other ones. */
export function capKey(tokens: readonly string[], failing: boolean): string {
  return `${failing ? 'failing\u0001' : ''}${tokens.join(' ')}`;
}

function entityKey(kind: string, id: string): string {
  return `${kind}\u0000${id}`;
}
