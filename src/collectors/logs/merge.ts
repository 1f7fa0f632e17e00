// Merges the pieces of a log source, in input order, into one LogEvidence: the same caps a single pass applies, replayed over each piece's first appearances.
import type { Level, LogEntity, LogEvent, LogEvidence, LogFileSummary, LogRecord, LogRequestSummary, LogTemplate } from '../../evidence/schema.ts';
import { TemplateMiner } from '../../lib/log-templates/miner.ts';
import { capKey, DEFAULT_LIMITS, MAX_CHAIN, PieceBuilder, type BuilderLimits, type EarlierPieces, type GroupStats, type Minute, type PieceResult } from './aggregate.ts';

const MAX_GROUP_SAMPLES = 3;
const MAX_GROUP_ENTITY_IDS = 20;

function earliest(a: string | undefined, b: string | undefined): string | undefined {
  return a === undefined || (b !== undefined && b < a) ? b : a;
}
function latest(a: string | undefined, b: string | undefined): string | undefined {
  return a === undefined || (b !== undefined && b > a) ? b : a;
}
function add(a: number | undefined, b: number | undefined): number | undefined {
  return b === undefined ? a : (a ?? 0) + b;
}

/** The object with its keys in this order (then any others): evidence reads the same however the input was cut into pieces. */
function ordered<T extends object>(value: T, keys: readonly (keyof T)[]): T {
  const result = {} as T;
  for (const key of keys) if (value[key] !== undefined) result[key] = value[key];
  for (const key of Object.keys(value) as (keyof T)[]) if (!(key in result)) result[key] = value[key];
  return result;
}

const FILE_KEYS: (keyof LogFileSummary)[] = [
  'path',
  'format',
  'records',
  'unparsed',
  'unparsedSamples',
  'firstTimestamp',
  'lastTimestamp',
  'outsideWindow',
  'postgresPrefix',
  'beforeWindow',
  'afterWindow',
  'firstSeen',
  'lastSeen',
  'untimed',
  'textRecords',
  'truncatedRecords',
  'filteredOut',
  'lines',
];
const ENTITY_KEYS: (keyof LogEntity)[] = ['kind', 'id', 'records', 'errors', 'file', 'line', 'excerpt', 'webhook', 'firstSeen', 'lastSeen', 'errorTemplates'];
const WEBHOOK_KEYS: (keyof LogEntity['webhook'])[] = ['attempts', 'delivered', 'failed', 'requests', 'requestsFailed', 'lastFailure'];

function mergeFileCounts(file: LogFileSummary, piece: PieceResult['file'], maxSamples: number): void {
  file.records += piece.records;
  file.unparsed += piece.unparsed;
  for (const sample of piece.unparsedSamples) if (file.unparsedSamples.length < maxSamples) file.unparsedSamples.push(sample);
  const optional = ['outsideWindow', 'beforeWindow', 'afterWindow', 'untimed', 'textRecords', 'truncatedRecords', 'filteredOut'] as const;
  for (const key of optional) {
    const sum = add(file[key], piece[key]);
    if (sum !== undefined) file[key] = sum;
  }
  for (const [key, pick] of [
    ['firstSeen', earliest],
    ['lastSeen', latest],
    ['firstTimestamp', earliest],
    ['lastTimestamp', latest],
  ] as const) {
    const value = pick(file[key], piece[key]);
    if (value !== undefined) file[key] = value;
  }
}

function mergeStats(into: GroupStats, from: GroupStats): void {
  into.count += from.count;
  into.tracebacks += from.tracebacks;
  for (const [level, count] of Object.entries(from.levels) as [Level, number][]) into.levels[level] = (into.levels[level] ?? 0) + count;
  const first = earliest(into.firstSeen, from.firstSeen);
  if (first) into.firstSeen = first;
  const last = latest(into.lastSeen, from.lastSeen);
  if (last) into.lastSeen = last;
  for (const sample of from.samples) if (into.samples.length < MAX_GROUP_SAMPLES) into.samples.push(sample);
  for (const [kind, ids] of from.entities) {
    let values = into.entities.get(kind);
    if (!values) {
      values = new Set<string>();
      into.entities.set(kind, values);
    }
    for (const id of ids) if (values.size < MAX_GROUP_ENTITY_IDS) values.add(id);
  }
  for (const [minute, count] of from.minutes) into.minutes.set(minute, (into.minutes.get(minute) ?? 0) + count);
}

function mergeEntity(into: LogEntity, from: LogEntity): void {
  into.records += from.records;
  into.errors += from.errors;
  const first = earliest(into.firstSeen, from.firstSeen);
  if (first) into.firstSeen = first;
  const last = latest(into.lastSeen, from.lastSeen);
  if (last) into.lastSeen = last;
  const webhook = into.webhook;
  webhook.attempts += from.webhook.attempts;
  webhook.delivered += from.webhook.delivered;
  webhook.failed += from.webhook.failed;
  const requests = add(webhook.requests, from.webhook.requests);
  if (requests !== undefined) webhook.requests = requests;
  const failed = add(webhook.requestsFailed, from.webhook.requestsFailed);
  if (failed !== undefined) webhook.requestsFailed = failed;
  if (from.webhook.lastFailure) webhook.lastFailure = from.webhook.lastFailure;
}

export class LogMerger {
  private readonly miner = new TemplateMiner();
  private readonly stats: GroupStats[] = [];
  private readonly kept: { record: LogRecord; group: number }[] = [];
  /** Records kept per group: its other records at slot 2g, its failing ones at 2g + 1. */
  private readonly keptPerGroup: number[] = [];
  private readonly fullGroups = new Set<string>();
  private truncated = false;
  private readonly minutes = new Map<string, Minute>();
  private readonly events: LogEvent[] = [];
  private readonly requests = new Map<string, LogRequestSummary>();
  private readonly entities = new Map<string, LogEntity>();
  private readonly chains = new Map<string, number[]>();
  private entitiesTruncated = false;
  /** The entity keys once the cap is reached (they never change after). */
  private knownEntities: ReadonlySet<string> | null = null;
  private readonly files: LogFileSummary[] = [];
  private file: LogFileSummary | null = null;
  private total = 0;
  private readonly errorTimes: number[] = [];
  private timed = 0;
  private outside = 0;

  constructor(
    private readonly window: { start: string; end: string } | null = null,
    private readonly limits: BuilderLimits = DEFAULT_LIMITS,
  ) {}

  beginFile(path: string, format: string): LogFileSummary {
    this.file = { path, format, records: 0, unparsed: 0, unparsedSamples: [] };
    this.files.push(this.file);
    return this.file;
  }

  /** What later pieces need not do (work this merge would drop): see EarlierPieces; `exact` adds the kept counts (for a piece read in turn). */
  earlier(exact = false): EarlierPieces {
    const perGroup = new Map<string, number>();
    if (exact)
      for (const [slot, count] of this.keptPerGroup.entries()) {
        const mined = this.miner.exportGroups()[slot >> 1];
        if (count && mined && !mined.coarse) perGroup.set(capKey(mined.tokens, (slot & 1) === 1), count);
      }
    if (this.entities.size >= this.limits.maxEntities) this.knownEntities ??= new Set(this.entities.keys());
    return {
      ...(exact ? { kept: { total: this.kept.length, perGroup } } : {}),
      knownEntities: this.knownEntities,
      fullGroups: this.fullGroups.size > 0 ? new Set(this.fullGroups) : null,
      recordsFull: this.kept.length >= this.limits.maxRecords,
    };
  }

  /** Whether merging this piece's entities is exact: it counted every entity it named, or every one it could not count is outside the cap. */
  exactEntities(piece: PieceResult): boolean {
    if (!piece.entitiesOverflow) return true;
    for (const key of this.entities.keys()) if (!piece.entities.has(key)) return false;
    return true;
  }

  /** The entity keys held once this piece is merged (for reading it again, counting exactly those). */
  entitiesAfter(piece: PieceResult): ReadonlySet<string> {
    const keys = new Set(this.entities.keys());
    for (const key of piece.entities.keys()) if (keys.size < this.limits.maxEntities) keys.add(key);
    return keys;
  }

  /** Merge the next piece (pieces must come in input order) into its file's summary (default: the file begun last). */
  absorb(piece: PieceResult, file: LogFileSummary = this.file!): void {
    mergeFileCounts(file, piece.file, this.limits.maxUnparsedSamples);
    const groupOf = piece.groups.map((group) => this.miner.addGroup(group));
    for (const [local, stats] of piece.stats.entries()) {
      if (!stats) continue;
      const group = groupOf[local]!;
      const into = this.stats[group];
      if (into) mergeStats(into, stats);
      else this.stats[group] = stats;
    }
    for (const { record, group: local, uncapped, failing } of piece.kept) {
      const group = groupOf[local]!;
      const slot = group * 2 + (failing ? 1 : 0);
      const perGroup = this.keptPerGroup[slot] ?? 0;
      if (this.kept.length >= this.limits.maxRecords || (!uncapped && perGroup >= this.limits.maxRecordsPerTemplate)) {
        this.truncated = true;
        continue;
      }
      this.keptPerGroup[slot] = perGroup + 1;
      this.kept.push({ record, group });
      if (perGroup + 1 === this.limits.maxRecordsPerTemplate) {
        const mined = this.miner.exportGroups()[group]!;
        if (!mined.coarse) this.fullGroups.add(capKey(mined.tokens, failing));
      }
    }
    if (piece.truncated) this.truncated = true;
    for (const [minute, counts] of piece.minutes) {
      const bucket = this.minutes.get(minute);
      if (bucket) {
        bucket.total += counts.total;
        bucket.errors += counts.errors;
        bucket.requests += counts.requests;
        bucket.failedRequests += counts.failedRequests;
      } else if (this.minutes.size < this.limits.maxMinutes) this.minutes.set(minute, counts);
    }
    for (const event of piece.events) if (this.events.length < this.limits.maxEvents) this.events.push(event);
    for (const [key, summary] of piece.requests) {
      const into = this.requests.get(key);
      if (!into) {
        if (this.requests.size < this.limits.maxRequestKeys) this.requests.set(key, summary);
        continue;
      }
      into.count += summary.count;
      const first = earliest(into.firstSeen, summary.firstSeen);
      if (first) into.firstSeen = first;
      const last = latest(into.lastSeen, summary.lastSeen);
      if (last) into.lastSeen = last;
    }
    for (const [key, entity] of piece.entities) {
      let into = this.entities.get(key);
      if (!into) {
        if (this.entities.size >= this.limits.maxEntities) {
          this.entitiesTruncated = true;
          continue;
        }
        into = entity;
        this.entities.set(key, entity);
      } else mergeEntity(into, entity);
      const chain = piece.chains.get(key);
      if (!chain) continue;
      let merged = this.chains.get(key);
      if (!merged) {
        merged = [];
        this.chains.set(key, merged);
      }
      for (const local of chain) {
        const group = groupOf[local]!;
        if (merged.length < MAX_CHAIN && !merged.includes(group)) merged.push(group);
      }
    }
    if (piece.entitiesOverflow || piece.unknownEntities) this.entitiesTruncated = true;
    for (const time of piece.errorTimes) if (this.errorTimes.length < this.limits.maxErrorTimes) this.errorTimes.push(time);
    this.total += piece.total;
    this.timed += piece.timed;
    this.outside += piece.outside;
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
        for (const sample of stats.samples) if (template.samples.length < MAX_GROUP_SAMPLES) template.samples.push(sample);
        for (const [kind, ids] of stats.entities) {
          let set = entitySets.get(kind);
          if (!set) {
            set = new Set();
            entitySets.set(kind, set);
          }
          for (const id of ids) if (set.size < MAX_GROUP_ENTITY_IDS) set.add(id);
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
      files: this.files.map((file) => ordered(file, FILE_KEYS)),
      totalRecords: this.total,
      records,
      recordsTruncated: this.truncated,
      templates: templates.slice(0, this.limits.maxTemplates),
      events: this.events.sort((a, b) => a.timestamp.localeCompare(b.timestamp)),
      perMinute: [...this.minutes].sort((a, b) => a[0].localeCompare(b[0])).map(([minute, counts]) => ({ minute: `${minute}:00Z`, ...counts })),
      requests: [...this.requests.values()].sort((a, b) => b.count - a.count),
      entities: [...this.entities].map(([key, entity]) => {
        const chain = this.chains.get(key);
        if (chain) entity.errorTemplates = [...new Set(chain.map((group) => clusters[clusterOf[group]!]!.id))];
        entity.webhook = ordered(entity.webhook, WEBHOOK_KEYS);
        return ordered(entity, ENTITY_KEYS);
      }),
      timedRecords: this.timed,
      errorTimes: this.errorTimes.sort((a, b) => a - b),
    };
    if (this.entitiesTruncated) evidence.entitiesTruncated = true;
    if (this.window) evidence.window = { start: new Date(this.window.start).toISOString(), end: new Date(this.window.end).toISOString(), outside: this.outside };
    if (extras && Object.keys(extras).length > 0) evidence.extras = extras;
    return evidence;
  }
}

/** One pass over records in order, a file at a time: a piece per file, merged as the file ends (API sources and small inputs). */
export class EvidenceBuilder {
  private readonly merger: LogMerger;
  private piece: PieceBuilder | null = null;

  constructor(
    private readonly window: { start: string; end: string } | null = null,
    private readonly limits: BuilderLimits = DEFAULT_LIMITS,
  ) {
    this.merger = new LogMerger(window, limits);
  }

  beginFile(path: string, format: string): LogFileSummary {
    this.flush();
    this.piece = new PieceBuilder(format, this.window, {}, this.limits);
    return this.merger.beginFile(path, format);
  }

  filtered(): void {
    this.piece!.filtered();
  }

  unparsed(line: number, reason: string, text: string): void {
    this.piece!.unparsed(line, reason, text);
  }

  add(record: LogRecord): void {
    this.piece!.add(record);
  }

  finish(extras?: Record<string, unknown>): LogEvidence {
    this.flush();
    return this.merger.finish(extras);
  }

  private flush(): void {
    if (this.piece) this.merger.absorb(this.piece.result());
    this.piece = null;
  }
}
