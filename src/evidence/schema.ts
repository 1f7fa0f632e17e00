// The typed map of evidence kinds: what every collector writes and every analyzer reads (JSON-serialisable).

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

export interface JobTableEvidence {
  table: string;
  idColumn: string;
  stateColumn: string;
  statusColumn?: string;
  createdColumn?: string;
  updatedColumn?: string;
  inFlightStates: string[];
  stuckAfterMinutes: number;
  /** Suffix of this table's job check ids ('' or absent for the first table). */
  checkSuffix?: string;
}

export interface DatabaseEvidence {
  engine: 'postgres' | 'pglite';
  serverVersion: string;
  /** Time on the database server when the checks ran (ISO). */
  serverTime?: string;
  /** The first job table the job checks ran on (absent when the database has none). */
  jobTable?: JobTableEvidence;
  /** Every job table checked, the first being `jobTable`; the others' check ids end in `-<checkSuffix>`. */
  jobTables?: JobTableEvidence[];
  /** How the job tables were chosen: named in the manifest, or discovered (and what was found). */
  jobDiscovery?: { mode: 'manifest' | 'discovered'; note: string };
  checks: QueryCheck[];
  constraints: CheckConstraint[];
  extras?: Record<string, unknown>;
}

// ---------------------------------------------------------------- configuration

export type ConfigChange = 'added' | 'removed' | 'changed' | 'type-changed';
export type Risk = 'high' | 'medium' | 'low';

export interface ConfigDifference {
  /** Key path, e.g. database.pool_size */
  path: string;
  change: ConfigChange;
  left?: string;
  right?: string;
  leftLine?: number;
  rightLine?: number;
  category: string;
  risk: Risk;
  reason: string;
  /** Values with ${VAR} placeholders resolved against env files or the environment (secrets masked). */
  leftResolved?: string;
  rightResolved?: string;
  /** 0..100 within the risk level, higher first; used to rank differences. */
  score?: number;
}

export interface ConfigAnomaly {
  kind: 'moved-subtree' | 'duplicate-key' | 'only-in-one' | 'foreign-environment-value' | 'missing-file' | 'parse-error';
  path: string;
  file: string;
  line?: number;
  detail: string;
  risk: Risk;
  /** For moved subtrees and duplicate keys: the other location (path, file, line). */
  otherPath?: string;
  otherFile?: string;
  otherLine?: number;
  /** The offending value as written (secrets masked), e.g. for foreign-environment values. */
  value?: string;
}

export interface ConfigComparison {
  left: { label: string; path: string };
  right: { label: string; path: string };
  differences: ConfigDifference[];
  anomalies: ConfigAnomaly[];
}

export interface ConfigEvidence {
  comparisons: ConfigComparison[];
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
  /** Fingerprints of the manifest's source specifications at collection (`fracas render` warns when they changed). */
  sourceSpecs?: { hash: string; sources: Record<string, string> };
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
