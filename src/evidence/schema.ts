// The evidence schema (zod): what every collector writes and every analyzer reads; the types are inferred from it and the saved-bundle check parses with it.
import { z } from 'zod';
import type { ConfigValue } from '../lib/config-tree.ts';

export const EVIDENCE_SCHEMA_VERSION = 1;

const str = z.string();
/** Counts and line numbers: safe non-negative integers. */
const count = z.number().int().nonnegative();
/** A time analysis can turn into a Date (ISO 8601). */
const time = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'expected an ISO 8601 time');
/** Epoch milliseconds within the range of Date. */
const epoch = z.number().min(-8.64e15).max(8.64e15);

const SOURCE_KINDS = ['logs', 'render-api', 'database', 'config', 'code', 'git'] as const;
const sourceKind = z.enum(SOURCE_KINDS);
const sourceStatus = z.enum(['ok', 'partial', 'failed', 'skipped']);
const level = z.enum(['debug', 'info', 'warn', 'error', 'fatal']);

export type SourceKind = z.infer<typeof sourceKind>;
export type SourceStatus = z.infer<typeof sourceStatus>;
export type Level = z.infer<typeof level>;

/** Where a piece of evidence came from, so a reader can go back to it. */
const provenance = z.object({
  description: str,
  /** Files read, relative to the incident directory. */
  paths: z.array(str).optional(),
  /** Remote endpoint or database, with any password redacted. */
  endpoint: str.optional(),
  collectedAt: time,
});
export type Provenance = z.infer<typeof provenance>;

const sourceError = z.object({
  message: str,
  /** Machine-readable reason, e.g. ENOENT, ECONNREFUSED, 28P01, http-401, parse-error. */
  code: str.optional(),
  /** What the user can do about it. */
  hint: str.optional(),
});
export type SourceError = z.infer<typeof sourceError>;

// ---------------------------------------------------------------- references from findings into evidence

const evidenceRefSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('log-record'), source: str, file: str, line: count, excerpt: str, timestamp: time.optional() }),
  z.object({ kind: z.literal('query-row'), source: str, check: str, row: count, excerpt: str }),
  z.object({ kind: z.literal('config-path'), source: str, file: str, path: str, line: count.optional(), excerpt: str }),
  z.object({ kind: z.literal('file-line'), source: str, file: str, line: count, excerpt: str }),
]);
export type EvidenceRef = z.infer<typeof evidenceRefSchema>;

// ---------------------------------------------------------------- logs

const logRecord = z.object({
  /** File the record came from, relative to the incident directory (or a URL for API sources). */
  file: str,
  /** 1-based line number where the record starts. */
  line: count,
  /** ISO 8601 in UTC, when the record has a time. */
  timestamp: time.optional(),
  level: level.optional(),
  /** The whole message, multi-line records joined with \n. */
  message: str,
  /** Labels and structured fields (Render labels, logger name, pid, statusCode, path, ...). */
  fields: z.record(str, str),
  /** Mined template id (see LogTemplate). */
  templateId: str.optional(),
});
export type LogRecord = z.infer<typeof logRecord>;

const logTemplate = z.object({
  id: str,
  template: str,
  count,
  levels: z.partialRecord(level, count),
  firstSeen: time.optional(),
  lastSeen: time.optional(),
  samples: z.array(z.object({ file: str, line: count, message: str })),
  /** Entity ids found in the template's variables, by entity kind (job-id, document-id, request-id, user-id). */
  entities: z.record(str, z.array(str)),
  /** Records of this template that carry a stack trace (Python traceback, Java/Node stack). */
  tracebacks: count.optional(),
  /** Warning-or-worse records (or requests >= 400) of this template per minute: [ISO minute, count], ascending; all of them. */
  minutes: z.array(z.tuple([time, count])).optional(),
});
export type LogTemplate = z.infer<typeof logTemplate>;

const logFileSummary = z.object({
  path: str,
  format: str,
  records: count,
  unparsed: count,
  unparsedSamples: z.array(z.object({ line: count, reason: str, text: str })),
  firstTimestamp: time.optional(),
  lastTimestamp: time.optional(),
  /** Records whose time fell outside the incident window: counted here, not kept or analysed. */
  outsideWindow: count.optional(),
  /** The PostgreSQL log_line_prefix used (given or detected), for postgres files. */
  postgresPrefix: str.optional(),
  /** Of the records outside the window: how many were before its start and after its end. */
  beforeWindow: count.optional(),
  afterWindow: count.optional(),
  /** First and last timestamps seen in the file, inside the window or not. */
  firstSeen: time.optional(),
  lastSeen: time.optional(),
  /** Records with no time (kept whatever the window). */
  untimed: count.optional(),
  /** Records kept as plain text inside a structured format (text lines between JSON records). */
  textRecords: count.optional(),
  /** Physical lines read. */
  lines: count.optional(),
  /** Records left out by the source's filters (counted, not kept). */
  filteredOut: count.optional(),
  /** Records kept as truncated text because they were too deep or too large to parse. */
  truncatedRecords: count.optional(),
});
export type LogFileSummary = z.infer<typeof logFileSummary>;

/** Requests aggregated by method, path (ids masked as `<*>`) and status code. */
const logRequestSummary = z.object({
  method: str.optional(),
  path: str,
  statusCode: count,
  count,
  firstSeen: time.optional(),
  lastSeen: time.optional(),
  /** First record of this kind. */
  file: str,
  line: count,
});
export type LogRequestSummary = z.infer<typeof logRequestSummary>;

/** One entity id seen in the logs (capped), with its webhook outcome when records mention a webhook. */
const logEntity = z.object({
  kind: str,
  id: str,
  records: count,
  errors: count,
  firstSeen: time.optional(),
  lastSeen: time.optional(),
  file: str,
  line: count,
  /** First line of the first record naming the id. */
  excerpt: str.optional(),
  /**
   * Webhook records naming this id: `requests` = requests received on a webhook path (any status; an id-like path
   * segment after `webhook` is taken as a job id), `requestsFailed` = those answered >= 400; they also count in
   * `delivered` (< 400) and `failed` (>= 400); app lines about a webhook add to `failed` (error, or warning with
   * a failure word), `delivered` (success words) or `attempts` (no clear outcome).
   */
  /** Templates of the warning-or-worse records naming this id, in order of first appearance (its error chain; capped at 20). */
  errorTemplates: z.array(str).optional(),
  webhook: z.object({
    attempts: count,
    delivered: count,
    failed: count,
    requests: count.optional(),
    requestsFailed: count.optional(),
    lastFailure: z.object({ file: str, line: count, excerpt: str, timestamp: time.optional() }).optional(),
  }),
});
export type LogEntity = z.infer<typeof logEntity>;

/** A deploy, build, restart or process start seen in the logs. */
const logEvent = z.object({ kind: z.enum(['deploy', 'build', 'restart', 'start', 'shutdown']), timestamp: time, file: str, line: count, message: str });
export type LogEvent = z.infer<typeof logEvent>;

const logEvidence = z.object({
  files: z.array(logFileSummary),
  totalRecords: count,
  /** Records worth citing: warn and above, requests with status >= 400, records naming an entity; capped. */
  records: z.array(logRecord),
  /** True when the cap dropped records; `totalRecords` still counts them all. */
  recordsTruncated: z.boolean(),
  templates: z.array(logTemplate),
  events: z.array(logEvent),
  /** Per-minute counts across the whole input (ISO minute -> counts). */
  perMinute: z.array(z.object({ minute: time, total: count, errors: count, requests: count, failedRequests: count })),
  /** Free-form extras a reader produces (e.g. PostgreSQL server-log event counts). */
  extras: z.record(str, z.unknown()).optional(),
  /** Requests (records with a statusCode) by method, masked path and status; capped. */
  requests: z.array(logRequestSummary).optional(),
  /** Entity ids named by records (job-id, document-id, request-id, user-id); capped. */
  entities: z.array(logEntity).optional(),
  entitiesTruncated: z.boolean().optional(),
  /** The time filter applied: records outside it were counted, not kept. */
  window: z.object({ start: time, end: time, outside: count }).optional(),
  /** Records with a time, and without one (these are kept whatever the window). */
  timedRecords: count.optional(),
  /** Times (epoch ms, ascending) of error records (level error/fatal or status >= 500); capped. */
  errorTimes: z.array(epoch).optional(),
});
export type LogEvidence = z.infer<typeof logEvidence>;

// ---------------------------------------------------------------- database

const dbValue = z.json();
export type DbValue = z.infer<typeof dbValue>;
export type DbRow = Record<string, DbValue>;

const queryCheck = z.object({
  /** kebab-case, e.g. stuck-jobs, state-distribution, recent-errors, connection-headroom. */
  id: str,
  title: str,
  sql: str,
  rows: z.array(z.record(str, dbValue)),
  rowCount: count,
  truncated: z.boolean(),
  status: z.enum(['ok', 'failed', 'limited']),
  /** Why a check failed or was limited (e.g. missing privilege). */
  note: str.optional(),
});
export type QueryCheck = z.infer<typeof queryCheck>;

const checkConstraint = z.object({ table: str, name: str, definition: str, column: str.optional(), allowedValues: z.array(str).optional() });
export type CheckConstraint = z.infer<typeof checkConstraint>;

const jobTableEvidence = z.object({
  table: str,
  idColumn: str,
  stateColumn: str,
  statusColumn: str.optional(),
  createdColumn: str.optional(),
  updatedColumn: str.optional(),
  inFlightStates: z.array(str),
  stuckAfterMinutes: z.number().nonnegative(),
  /** Suffix of this table's job check ids (absent for the first table). */
  checkSuffix: str.optional(),
});
export type JobTableEvidence = z.infer<typeof jobTableEvidence>;

const databaseEvidence = z.object({
  engine: z.enum(['postgres', 'pglite']),
  serverVersion: str,
  /** Time on the database server when the checks ran (ISO). */
  serverTime: time.optional(),
  /** The first job table the job checks ran on (absent when the database has none). */
  jobTable: jobTableEvidence.optional(),
  /** Every job table checked, the first being `jobTable`; the others' check ids end in `-<checkSuffix>`. */
  jobTables: z.array(jobTableEvidence).optional(),
  /** How the job tables were chosen: named in the manifest, or discovered (and what was found). */
  jobDiscovery: z.object({ mode: z.enum(['manifest', 'discovered']), note: str }).optional(),
  checks: z.array(queryCheck),
  constraints: z.array(checkConstraint),
  /** The session and job-table settings the checks ran with (what analysis needs to read the rows). */
  extras: z
    .object({
      role: str.optional(),
      superuser: z.boolean().optional(),
      readAllStats: z.boolean().optional(),
      monitor: z.boolean().optional(),
      database: str.nullable().optional(),
      /** "Now" for ages, for historical samples (the manifest's asOf). */
      asOf: time.optional(),
      /** Supabase/PgBouncer pooler mode the connection went through. */
      pooler: str.optional(),
      jobColumns: z.array(str).optional(),
      /** Job-table column -> entity kind (document_id -> document-id). */
      entityColumns: z.record(str, str).optional(),
      errorColumn: str.optional(),
      retryColumn: str.optional(),
      updatedColumn: str.optional(),
      unindexedColumns: z.array(str).optional(),
      countersDelayMs: z.number().optional(),
    })
    .catchall(z.unknown())
    .optional(),
});
export type DatabaseEvidence = z.infer<typeof databaseEvidence>;

// ---------------------------------------------------------------- configuration

/** A parsed configuration value (JSON-shaped); YAML tags kept as `!Tag value` or `{ "!Tag": content }`. */
const configTree: z.ZodType<ConfigValue> = z.lazy(() => z.union([z.null(), z.boolean(), z.number(), str, z.array(configTree), z.record(str, configTree)]));

/**
 * One configuration file as the collector read it: the parsed tree (secrets redacted like every collector output),
 * the line of each key path, duplicate keys and parse problems. Differences, anomalies and risk are analysis
 * (src/analysis/config), computed from these files on every render.
 */
const configFile = z.object({
  /** The side's label (staging, production, ...). */
  label: str,
  /** As shown in the report: relative to the incident directory, or `REV:path`. */
  file: str,
  format: z.enum(['yaml', 'json', 'env']),
  /** Parsed value (multi-document YAML: the list of documents). */
  tree: configTree,
  /** [key path, line]: positional paths (`services[0].name`, `[1].spec` in multi-document files). */
  lines: z.array(z.tuple([str, count])),
  duplicates: z.array(z.object({ path: str, line: count.optional(), firstLine: count.optional() })),
  /** Parse problems (bounded); a file with problems has `tree: null`. */
  errors: z.array(z.object({ message: str, line: count.optional(), col: count.optional() })),
  /** Set for multi-document YAML: the number of documents. */
  documents: count.optional(),
  /** Problems that did not stop the comparison (long values compared by hash, templates read as text, ...). */
  warnings: z.array(str).optional(),
  /** Set when the file is a template (Helm/Go, Jinja, ERB): how it was read. */
  template: z.object({ engine: str, expressions: count, mode: z.enum(['placeholders', 'text']) }).optional(),
  /** [key path, resolved value as shown (secrets masked), fingerprint] for values with ${VAR} placeholders. */
  resolved: z.array(z.tuple([str, str, str])).optional(),
});
export type ConfigFile = z.infer<typeof configFile>;

/** A side that has no file for a pair: what was expected and why it is missing. */
const configMissingSide = z.object({ label: str, file: str, problem: str });
export type ConfigMissingSide = z.infer<typeof configMissingSide>;

/** Two files to compare (indexes into `files`), and the same file in further environments. */
const configPair = z.object({ name: str, left: z.union([count, configMissingSide]), right: z.union([count, configMissingSide]), others: z.array(count) });
export type ConfigPair = z.infer<typeof configPair>;

const configEvidence = z.object({ files: z.array(configFile), pairs: z.array(configPair) }).superRefine((evidence, context) => {
  evidence.pairs.forEach((pair, index) => {
    for (const at of [pair.left, pair.right, ...pair.others]) {
      if (typeof at === 'number' && at >= evidence.files.length)
        context.addIssue({ code: 'custom', path: ['pairs', index], message: `names file ${at}, but there are ${evidence.files.length} files` });
    }
  });
});
/** Config evidence of fracas before issue 17 stored conclusions (`comparisons`): say so, with what to do. */
const configEvidenceChecked = z
  .looseObject({})
  .superRefine((value, context) => {
    if ('comparisons' in value && !('files' in value)) {
      context.addIssue({ code: 'custom', message: 'config evidence from an earlier fracas (it stored comparisons, not the files read); run `fracas collect` again', abort: true });
    }
  })
  .pipe(configEvidence);
export type ConfigEvidence = z.infer<typeof configEvidence>;

// ---------------------------------------------------------------- code and history

const commit = z.object({
  hash: str,
  authorTime: time,
  author: str,
  subject: str,
  files: z.array(str),
  /** Authored before the incident window (listed because of the git source's `since`, e.g. the deploy the day before). */
  beforeWindow: z.boolean().optional(),
});
export type Commit = z.infer<typeof commit>;

/** The `reason` prefix of code excerpts that the logs' stack frames point at (joined in the gather step). */
export const STACK_FRAME_REASON = 'stack-frame';

const codeExcerpt = z.object({
  path: str,
  startLine: count,
  endLine: count,
  lines: z.array(str),
  /** Why it was collected: named in the manifest, or a stack frame from the logs. */
  reason: str,
  /** Failing lines (stack frames) inside the excerpt. */
  highlight: z.array(count).optional(),
  /** How many log records had a frame in this excerpt. */
  occurrences: count.optional(),
  /** Log records whose stack frames point here. */
  logRefs: z.array(evidenceRefSchema).optional(),
  /** Recent commits that touched these lines (git log -L). */
  commits: z.array(commit).optional(),
});
export type CodeExcerpt = z.infer<typeof codeExcerpt>;

const codeEvidence = z.object({ root: str, excerpts: z.array(codeExcerpt), commits: z.array(commit) });
export type CodeEvidence = z.infer<typeof codeEvidence>;

const gitEvidence = z.object({ repository: str, commits: z.array(commit) });
export type GitEvidence = z.infer<typeof gitEvidence>;

// ---------------------------------------------------------------- the map and the bundle

/** The evidence schema of each source kind. */
export const EVIDENCE_SCHEMAS = {
  logs: logEvidence,
  'render-api': logEvidence,
  database: databaseEvidence,
  config: configEvidenceChecked,
  code: codeEvidence,
  git: gitEvidence,
} as const satisfies Record<SourceKind, z.ZodType>;

export type EvidenceByKind = { [K in SourceKind]: z.infer<(typeof EVIDENCE_SCHEMAS)[K]> };

/** A source result as saved, its evidence not yet checked against its kind (see check.ts). */
const sourceResultSchema = z.object({
  /** kebab-case, from the manifest. */
  id: str,
  kind: sourceKind,
  status: sourceStatus,
  error: sourceError.optional(),
  warnings: z.array(str),
  provenance,
  durationMs: z.number().nonnegative(),
  evidence: z.unknown().optional(),
});

export type SourceResult<K extends SourceKind = SourceKind> = Omit<z.infer<typeof sourceResultSchema>, 'kind' | 'evidence'> & { kind: K; evidence?: EvidenceByKind[K] };
export type AnySourceResult = { [K in SourceKind]: SourceResult<K> }[SourceKind];

const incidentMeta = z.object({
  id: str,
  title: str,
  severity: str,
  environment: str,
  service: str,
  window: z.object({ start: time, end: time }),
  summary: str.optional(),
  /** What users suffered, when the investigator names it (overrides the detected symptom). */
  symptom: z
    .object({
      /** Failed requests on endpoints whose path contains this text (e.g. `/checkout`). */
      endpoint: str.optional(),
      /** Lowest status that counts as failed (default 500). */
      minStatus: count.optional(),
      /** Error records whose message contains this text. */
      message: str.optional(),
      /** Entity kind whose failures are the symptom (job-id, request-id, document-id). */
      entity: str.optional(),
      /** When users started to suffer, if known better than the evidence shows. */
      onset: time.optional(),
    })
    .optional(),
  /** A window known to be normal, to measure background error rates against (default: before the symptom's onset). */
  baseline: z.object({ start: time, end: time }).optional(),
});
export type IncidentMeta = z.infer<typeof incidentMeta>;
export type SymptomSpec = NonNullable<IncidentMeta['symptom']>;

/** A saved bundle's envelope; each source's evidence is checked against its kind separately (check.ts). */
export const bundleSchema = z.object({
  schemaVersion: z.literal(EVIDENCE_SCHEMA_VERSION),
  incident: incidentMeta,
  collectedAt: time,
  sources: z.array(sourceResultSchema),
  /** Fingerprints of the manifest's source specifications at collection (`fracas render` warns when they changed). */
  sourceSpecs: z.object({ hash: str, sources: z.record(str, str) }).optional(),
});

export type EvidenceBundle = Omit<z.infer<typeof bundleSchema>, 'schemaVersion' | 'sources'> & { schemaVersion: number; sources: AnySourceResult[] };

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

/** Log evidence of every source that has it (log files and the Render API). */
export function logEvidenceOf(bundle: EvidenceBundle): { source: SourceResult<'logs'> | SourceResult<'render-api'>; evidence: LogEvidence }[] {
  return [...evidenceOf(bundle, 'logs'), ...evidenceOf(bundle, 'render-api')];
}
