// Builds LogEvidence from a stream of records: window filter, template mining, per-minute counts, events, requests, entities, capped records.
import type { Level, LogEntity, LogEvent, LogEvidence, LogFileSummary, LogRecord, LogRequestSummary, LogTemplate } from '../../evidence/schema.ts';
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

const DEFAULT_LIMITS: BuilderLimits = {
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

interface GroupStats {
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
const MAX_CHAIN = 20;

interface Minute {
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

export class EvidenceBuilder {
  private readonly miner = new TemplateMiner();
  private readonly stats: GroupStats[] = [];
  private readonly kept: { record: LogRecord; group: number }[] = [];
  private readonly keptPerGroup: number[] = [];
  private truncated = false;
  private readonly minutes = new Map<string, Minute>();
  private readonly events: LogEvent[] = [];
  private readonly requests = new Map<string, LogRequestSummary>();
  private readonly entities = new Map<string, LogEntity>();
  private entitiesTruncated = false;
  private readonly files: LogFileSummary[] = [];
  private file: LogFileSummary | null = null;
  private total = 0;
  private readonly errorTimes: number[] = [];
  private timed = 0;
  private outside = 0;
  private readonly start?: string;
  private readonly end?: string;

  constructor(
    private readonly window: { start: string; end: string } | null = null,
    private readonly limits: BuilderLimits = DEFAULT_LIMITS,
  ) {
    if (window) {
      this.start = new Date(window.start).toISOString();
      this.end = new Date(window.end).toISOString();
    }
  }

  beginFile(path: string, format: string): LogFileSummary {
    this.file = { path, format, records: 0, unparsed: 0, unparsedSamples: [] };
    this.files.push(this.file);
    return this.file;
  }

  /** A record left out by the source's filters. */
  filtered(): void {
    const file = this.file!;
    file.filteredOut = (file.filteredOut ?? 0) + 1;
  }

  unparsed(line: number, reason: string, text: string): void {
    const file = this.file!;
    file.unparsed++;
    if (file.unparsedSamples.length < this.limits.maxUnparsedSamples) file.unparsedSamples.push({ line, reason, text: text.slice(0, 200) });
  }

  add(record: LogRecord): void {
    const file = this.file!;
    file.records++;
    const time = record.timestamp;
    if (time) {
      if (!file.firstSeen || time < file.firstSeen) file.firstSeen = time;
      if (!file.lastSeen || time > file.lastSeen) file.lastSeen = time;
    } else file.untimed = (file.untimed ?? 0) + 1;
    if (record.fields.truncated) file.truncatedRecords = (file.truncatedRecords ?? 0) + 1;
    if (record.fields.readAs === 'text') file.textRecords = (file.textRecords ?? 0) + 1;
    const kind = eventKind(record);
    if (kind && time && this.events.length < this.limits.maxEvents) {
      this.events.push({ kind, timestamp: time, file: record.file, line: record.line, message: excerpt(record.message) });
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
    if (time && failing) stats.minutes.set(time.slice(0, 16), (stats.minutes.get(time.slice(0, 16)) ?? 0) + 1);
    if (time) {
      this.countMinute(time.slice(0, 16), isError, isRequest, status >= 500);
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
    const serverIncident = (file.format === 'postgres' || isPostgresRecord(record)) && isPgIncidentRecord(record);
    if (serverIncident || CITABLE_LEVELS.has(record.level) || status >= 400 || mentions.length > 0) this.keep(record, group, serverIncident);
  }

  /** PostgreSQL incident lines (lock waits, deadlocks, terminations; often LOG level) are kept past the per-template cap so their counts stay exact. */
  private keep(record: LogRecord, group: number, uncapped = false): void {
    const perGroup = this.keptPerGroup[group] ?? 0;
    if (this.kept.length >= this.limits.maxRecords || (!uncapped && perGroup >= this.limits.maxRecordsPerTemplate)) {
      this.truncated = true;
      return;
    }
    this.keptPerGroup[group] = perGroup + 1;
    if (record.message.length > this.limits.maxMessage) record.message = `${record.message.slice(0, this.limits.maxMessage)}…`;
    this.kept.push({ record, group });
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
    const key = `${method ?? ''} ${path} ${status}`;
    let summary = this.requests.get(key);
    if (!summary) {
      if (this.requests.size >= this.limits.maxRequestKeys) return;
      summary = { path, statusCode: status, count: 0, file: record.file, line: record.line };
      if (method) summary.method = method;
      this.requests.set(key, summary);
    }
    summary.count++;
    const time = record.timestamp;
    if (time) {
      if (!summary.firstSeen || time < summary.firstSeen) summary.firstSeen = time;
      if (!summary.lastSeen || time > summary.lastSeen) summary.lastSeen = time;
    }
  }

  private readonly chains = new Map<LogEntity, number[]>();
  private entityExcerpt?: { record: LogRecord; text: string };

  private countEntity(record: LogRecord, kind: string, id: string, error: boolean, status: number, failingGroup?: number): void {
    const key = `${kind}\u0000${id}`;
    let entity = this.entities.get(key);
    if (!entity) {
      if (this.entities.size >= this.limits.maxEntities) {
        this.entitiesTruncated = true;
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
      let chain = this.chains.get(entity);
      if (!chain) {
        chain = [];
        this.chains.set(entity, chain);
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

  finish(extras?: Record<string, unknown>): LogEvidence {
    const { clusters, clusterOf } = this.miner.finish();
    const templates: LogTemplate[] = clusters.map((cluster) => {
      const template: LogTemplate = { id: cluster.id, template: cluster.template, count: 0, levels: {}, samples: [], entities: {} };
      const entitySets = new Map<string, Set<string>>();
      for (const group of cluster.groups) {
        const stats = this.stats[group];
        if (!stats) continue;
        template.count += stats.count;
        if (stats.tracebacks > 0) template.tracebacks = (template.tracebacks ?? 0) + stats.tracebacks;
        for (const [level, count] of Object.entries(stats.levels) as [Level, number][]) template.levels[level] = (template.levels[level] ?? 0) + count;
        if (stats.firstSeen && (!template.firstSeen || stats.firstSeen < template.firstSeen)) template.firstSeen = stats.firstSeen;
        if (stats.lastSeen && (!template.lastSeen || stats.lastSeen > template.lastSeen)) template.lastSeen = stats.lastSeen;
        for (const sample of stats.samples) if (template.samples.length < 3) template.samples.push(sample);
        for (const [kind, ids] of stats.entities) {
          let set = entitySets.get(kind);
          if (!set) {
            set = new Set();
            entitySets.set(kind, set);
          }
          for (const id of ids) if (set.size < 20) set.add(id);
        }
      }
      for (const [kind, ids] of entitySets) template.entities[kind] = [...ids];
      const minutes = new Map<string, number>();
      for (const group of cluster.groups) for (const [minute, count] of this.stats[group]?.minutes ?? []) minutes.set(minute, (minutes.get(minute) ?? 0) + count);
      if (minutes.size > 0) template.minutes = [...minutes].sort((a, b) => a[0].localeCompare(b[0])).map(([minute, count]) => [`${minute}:00Z`, count]);
      return template;
    });
    const severity = (template: LogTemplate): number => (template.levels.fatal ?? 0) + (template.levels.error ?? 0) + (template.levels.warn ?? 0);
    templates.sort((a, b) => (severity(b) > 0 ? 1 : 0) - (severity(a) > 0 ? 1 : 0) || b.count - a.count || a.id.localeCompare(b.id));
    const records = this.kept.map(({ record, group }) => {
      record.templateId = clusters[clusterOf[group]!]!.id;
      return record;
    });
    const evidence: LogEvidence = {
      files: this.files,
      totalRecords: this.total,
      records,
      recordsTruncated: this.truncated,
      templates: templates.slice(0, this.limits.maxTemplates),
      events: this.events.sort((a, b) => a.timestamp.localeCompare(b.timestamp)),
      perMinute: [...this.minutes].sort((a, b) => a[0].localeCompare(b[0])).map(([minute, counts]) => ({ minute: `${minute}:00Z`, ...counts })),
      requests: [...this.requests.values()].sort((a, b) => b.count - a.count),
      entities: [...this.entities.values()].map((entity) => {
        const chain = this.chains.get(entity);
        if (chain) entity.errorTemplates = [...new Set(chain.map((group) => clusters[clusterOf[group]!]!.id))];
        return entity;
      }),
      timedRecords: this.timed,
      errorTimes: this.errorTimes.sort((a, b) => a - b),
    };
    if (this.entitiesTruncated) evidence.entitiesTruncated = true;
    if (this.window) evidence.window = { start: this.start!, end: this.end!, outside: this.outside };
    if (extras && Object.keys(extras).length > 0) evidence.extras = extras;
    return evidence;
  }
}
