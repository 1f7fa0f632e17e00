// The typed map of evidence kinds: what every collector writes and every analyzer reads (JSON-serialisable).
import type { ConfigValue } from '../lib/config-tree.ts';

export const EVIDENCE_SCHEMA_VERSION = 1;

export type SourceKind = 'logs' | 'render-api' | 'database' | 'config' | 'code' | 'git';
export type SourceStatus = 'ok' | 'partial' | 'failed' | 'skipped';
export type Level = 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** Where a piece of evidence came from, so a reader can go back to it. */
export interface Provenance {
  description: string;
  /** Files read, relative to the incident directory. */
  paths?: string[];
  /** Remote endpoint or database, with any password redacted. */
  endpoint?: string;
  collectedAt: string;
}

export interface SourceError {
  message: string;
  /** Machine-readable reason, e.g. ENOENT, ECONNREFUSED, 28P01, http-401, parse-error. */
  code?: string;
  /** What the user can do about it. */
  hint?: string;
}

// ---------------------------------------------------------------- logs

export interface LogRecord {
  /** File the record came from, relative to the incident directory (or a URL for API sources). */
  file: string;
  /** 1-based line number where the record starts. */
  line: number;
  /** ISO 8601 in UTC, when the record has a time. */
  timestamp?: string;
  level?: Level;
  /** The whole message, multi-line records joined with \n. */
  message: string;
  /** Labels and structured fields (Render labels, logger name, pid, statusCode, path, ...). */
  fields: Record<string, string>;
  /** Mined template id (see LogTemplate). */
  templateId?: string;
}

export interface LogTemplate {
  id: string;
  template: string;
  count: number;
  levels: Partial<Record<Level, number>>;
  firstSeen?: string;
  lastSeen?: string;
  samples: { file: string; line: number; message: string }[];
  /** Entity ids found in the template's variables, by entity kind (job-id, document-id, request-id, user-id). */
  entities: Record<string, string[]>;
  /** Records of this template that carry a stack trace (Python traceback, Java/Node stack). */
  tracebacks?: number;
}

export interface LogFileSummary {
  path: string;
  format: string;
  records: number;
  unparsed: number;
  unparsedSamples: { line: number; reason: string; text: string }[];
  firstTimestamp?: string;
  lastTimestamp?: string;
  /** Records whose time fell outside the incident window: counted here, not kept or analysed. */
  outsideWindow?: number;
  /** The PostgreSQL log_line_prefix used (given or detected), for postgres files. */
  postgresPrefix?: string;
}

/** Requests aggregated by method, path (ids masked as `<*>`) and status code. */
export interface LogRequestSummary {
  method?: string;
  path: string;
  statusCode: number;
  count: number;
  firstSeen?: string;
  lastSeen?: string;
  /** First record of this kind. */
  file: string;
  line: number;
}

/** One entity id seen in the logs (capped), with its webhook outcome when records mention a webhook. */
export interface LogEntity {
  kind: string;
  id: string;
  records: number;
  errors: number;
  firstSeen?: string;
  lastSeen?: string;
  file: string;
  line: number;
  /** First line of the first record naming the id. */
  excerpt?: string;
  /**
   * Webhook records naming this id: `requests` = requests received on a webhook path (any status; an id-like path
   * segment after `webhook` is taken as a job id), `requestsFailed` = those answered >= 400; they also count in
   * `delivered` (< 400) and `failed` (>= 400); app lines about a webhook add to `failed` (error, or warning with
   * a failure word), `delivered` (success words) or `attempts` (no clear outcome).
   */
  webhook: { attempts: number; delivered: number; failed: number; requests?: number; requestsFailed?: number; lastFailure?: { file: string; line: number; excerpt: string; timestamp?: string } };
}

/** A deploy, build, restart or process start seen in the logs. */
export interface LogEvent {
  kind: 'deploy' | 'build' | 'restart' | 'start' | 'shutdown';
  timestamp: string;
  file: string;
  line: number;
  message: string;
}

export interface LogEvidence {
  files: LogFileSummary[];
  totalRecords: number;
  /** Records worth citing: warn and above, requests with status >= 400, records naming an entity; capped. */
  records: LogRecord[];
  /** True when the cap dropped records; `totalRecords` still counts them all. */
  recordsTruncated: boolean;
  templates: LogTemplate[];
  events: LogEvent[];
  /** Per-minute counts across the whole input (ISO minute -> counts). */
  perMinute: { minute: string; total: number; errors: number; requests: number; failedRequests: number }[];
  /** Free-form extras a reader produces (e.g. PostgreSQL server-log event counts). */
  extras?: Record<string, unknown>;
  /** Requests (records with a statusCode) by method, masked path and status; capped. */
  requests?: LogRequestSummary[];
  /** Entity ids named by records (job-id, document-id, request-id, user-id); capped. */
  entities?: LogEntity[];
  entitiesTruncated?: boolean;
  /** The time filter applied: records outside it were counted, not kept. */
  window?: { start: string; end: string; outside: number };
  /** Records with a time, and without one (these are kept whatever the window). */
  timedRecords?: number;
  /** Times (epoch ms, ascending) of error records (level error/fatal or status >= 500); capped. */
  errorTimes?: number[];
}

// ---------------------------------------------------------------- database

export type DbValue = string | number | boolean | null | DbValue[] | { [key: string]: DbValue };
export type DbRow = Record<string, DbValue>;

export interface QueryCheck {
  /** kebab-case, e.g. stuck-jobs, state-distribution, recent-errors, connection-headroom. */
  id: string;
  title: string;
  sql: string;
  rows: DbRow[];
  rowCount: number;
  truncated: boolean;
  status: 'ok' | 'failed' | 'limited';
  /** Why a check failed or was limited (e.g. missing privilege). */
  note?: string;
}

export interface CheckConstraint {
  table: string;
  name: string;
  definition: string;
  column?: string;
  allowedValues?: string[];
}

export interface DatabaseEvidence {
  engine: 'postgres' | 'pglite';
  serverVersion: string;
  /** Time on the database server when the checks ran (ISO). */
  serverTime?: string;
  jobTable: { table: string; idColumn: string; stateColumn: string; statusColumn?: string; createdColumn?: string; updatedColumn?: string; inFlightStates: string[]; stuckAfterMinutes: number };
  checks: QueryCheck[];
  constraints: CheckConstraint[];
  extras?: Record<string, unknown>;
}

// ---------------------------------------------------------------- configuration

/**
 * One configuration file as the collector read it: the parsed tree (secrets redacted like every collector output),
 * the line of each key path, duplicate keys and parse problems. Differences, anomalies and risk are analysis
 * (src/analysis/config), computed from these files on every render.
 */
export interface ConfigFile {
  /** The side's label (staging, production, ...). */
  label: string;
  /** As shown in the report: relative to the incident directory, or `REV:path`. */
  file: string;
  format: 'yaml' | 'json' | 'env';
  /** Parsed value (multi-document YAML: the list of documents); YAML tags kept as `!Tag value` (see yaml-tags.ts). */
  tree: ConfigValue;
  /** [key path, line]: positional paths (`services[0].name`, `[1].spec` in multi-document files). */
  lines: [string, number][];
  duplicates: { path: string; line?: number; firstLine?: number }[];
  /** Parse problems (bounded); a file with problems has `tree: null`. */
  errors: { message: string; line?: number; col?: number }[];
  /** Set for multi-document YAML: the number of documents. */
  documents?: number;
  /** Problems that did not stop the comparison (long values compared by hash, unresolved tags, ...). */
  warnings?: string[];
  /** Set when the file is a template (Helm/Go, Jinja, ERB): how it was read. */
  template?: { engine: string; expressions: number; mode: 'placeholders' | 'text' };
  /** [key path, resolved value as shown (secrets masked), fingerprint] for values with ${VAR} placeholders. */
  resolved?: [string, string, string][];
}

/** A side that has no file for a pair: what was expected and why it is missing. */
export interface ConfigMissingSide {
  label: string;
  file: string;
  problem: string;
}

/** Two files to compare (indexes into `files`), and the same file in further environments. */
export interface ConfigPair {
  name: string;
  left: number | ConfigMissingSide;
  right: number | ConfigMissingSide;
  others: number[];
}

export interface ConfigEvidence {
  files: ConfigFile[];
  pairs: ConfigPair[];
}

// ---------------------------------------------------------------- code and history

export interface CodeExcerpt {
  path: string;
  startLine: number;
  endLine: number;
  lines: string[];
  /** Why it was collected: named in the manifest, or a stack frame from the logs. */
  reason: string;
  /** Failing lines (stack frames) inside the excerpt. */
  highlight?: number[];
  /** How many log records had a frame in this excerpt. */
  occurrences?: number;
  /** Log records whose stack frames point here. */
  logRefs?: EvidenceRef[];
  /** Recent commits that touched these lines (git log -L). */
  commits?: Commit[];
}

export interface Commit {
  hash: string;
  authorTime: string;
  author: string;
  subject: string;
  files: string[];
  /** Authored before the incident window (listed because of the git source's `since`, e.g. the deploy the day before). */
  beforeWindow?: boolean;
}

export interface CodeEvidence {
  root: string;
  excerpts: CodeExcerpt[];
  commits: Commit[];
}

export interface GitEvidence {
  repository: string;
  commits: Commit[];
}

// ---------------------------------------------------------------- the map and the bundle

export interface EvidenceByKind {
  logs: LogEvidence;
  'render-api': LogEvidence;
  database: DatabaseEvidence;
  config: ConfigEvidence;
  code: CodeEvidence;
  git: GitEvidence;
}

export interface SourceResult<K extends SourceKind = SourceKind> {
  /** kebab-case, from the manifest. */
  id: string;
  kind: K;
  status: SourceStatus;
  error?: SourceError;
  warnings: string[];
  provenance: Provenance;
  durationMs: number;
  evidence?: EvidenceByKind[K];
}

export type AnySourceResult = { [K in SourceKind]: SourceResult<K> }[SourceKind];

export interface IncidentMeta {
  id: string;
  title: string;
  severity: string;
  environment: string;
  service: string;
  window: { start: string; end: string };
  summary?: string;
}

export interface EvidenceBundle {
  schemaVersion: number;
  incident: IncidentMeta;
  collectedAt: string;
  sources: AnySourceResult[];
}

export function evidenceOf<K extends SourceKind>(bundle: EvidenceBundle, kind: K): { source: SourceResult<K>; evidence: EvidenceByKind[K] }[] {
  const found: { source: SourceResult<K>; evidence: EvidenceByKind[K] }[] = [];
  for (const source of bundle.sources) {
    if (source.kind === kind && source.evidence) {
      const typed = source as unknown as SourceResult<K>;
      found.push({ source: typed, evidence: typed.evidence as EvidenceByKind[K] });
    }
  }
  return found;
}

// ---------------------------------------------------------------- references from findings into evidence

export type EvidenceRef =
  | { kind: 'log-record'; source: string; file: string; line: number; excerpt: string; timestamp?: string }
  | { kind: 'query-row'; source: string; check: string; row: number; excerpt: string }
  | { kind: 'config-path'; source: string; file: string; path: string; line?: number; excerpt: string }
  | { kind: 'file-line'; source: string; file: string; line: number; excerpt: string };
