// Structural check of a saved evidence bundle (evidence.json) before analysis reads it: clear problems instead of TypeErrors.
import { z } from 'zod';
import { EVIDENCE_SCHEMA_VERSION, type AnySourceResult, type EvidenceBundle, type SourceKind } from './schema.ts';

// Mirrors src/evidence/schema.ts. Objects are loose (fields added later are allowed); every field a reader relies on
// is typed; optional fields are checked when present.
const str = z.string();
/** Counts and line numbers: safe non-negative integers. */
const count = z.number().int().nonnegative();
/** A time analysis can turn into a Date (ISO 8601). */
const time = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'expected an ISO 8601 time');
/** Epoch milliseconds within the range of Date. */
const epoch = z.number().min(-8.64e15).max(8.64e15);
const opt = <T extends z.ZodType>(schema: T) => schema.optional();
const level = z.enum(['debug', 'info', 'warn', 'error', 'fatal']);
const risk = z.enum(['high', 'medium', 'low']);

const evidenceRef = z.discriminatedUnion('kind', [
  z.looseObject({ kind: z.literal('log-record'), source: str, file: str, line: count, excerpt: str, timestamp: opt(time) }),
  z.looseObject({ kind: z.literal('query-row'), source: str, check: str, row: count, excerpt: str }),
  z.looseObject({ kind: z.literal('config-path'), source: str, file: str, path: str, line: opt(count), excerpt: str }),
  z.looseObject({ kind: z.literal('file-line'), source: str, file: str, line: count, excerpt: str }),
]);

const logRecord = z.looseObject({ file: str, line: count, timestamp: opt(time), level: opt(level), message: str, fields: z.record(str, str), templateId: opt(str) });
const logTemplate = z.looseObject({
  id: str,
  template: str,
  count: count,
  levels: z.partialRecord(level, count),
  firstSeen: opt(time),
  lastSeen: opt(time),
  samples: z.array(z.looseObject({ file: str, line: count, message: str })),
  entities: z.record(str, z.array(str)),
  tracebacks: opt(count),
});
const logFile = z.looseObject({
  path: str,
  format: str,
  records: count,
  unparsed: count,
  unparsedSamples: z.array(z.looseObject({ line: count, reason: str, text: str })),
  firstTimestamp: opt(time),
  lastTimestamp: opt(time),
  outsideWindow: opt(count),
  postgresPrefix: opt(str),
});
const logRequest = z.looseObject({ method: opt(str), path: str, statusCode: count, count: count, firstSeen: opt(time), lastSeen: opt(time), file: str, line: count });
const logEntity = z.looseObject({
  kind: str,
  id: str,
  records: count,
  errors: count,
  firstSeen: opt(time),
  lastSeen: opt(time),
  file: str,
  line: count,
  excerpt: opt(str),
  webhook: z.looseObject({
    attempts: count,
    delivered: count,
    failed: count,
    requests: opt(count),
    requestsFailed: opt(count),
    lastFailure: opt(z.looseObject({ file: str, line: count, excerpt: str, timestamp: opt(time) })),
  }),
});
const logEvent = z.looseObject({ kind: z.enum(['deploy', 'build', 'restart', 'start', 'shutdown']), timestamp: time, file: str, line: count, message: str });
const logEvidence = z.looseObject({
  files: z.array(logFile),
  totalRecords: count,
  records: z.array(logRecord),
  recordsTruncated: z.boolean(),
  templates: z.array(logTemplate),
  events: z.array(logEvent),
  perMinute: z.array(z.looseObject({ minute: time, total: count, errors: count, requests: count, failedRequests: count })),
  extras: opt(z.record(str, z.unknown())),
  requests: opt(z.array(logRequest)),
  entities: opt(z.array(logEntity)),
  entitiesTruncated: opt(z.boolean()),
  window: opt(z.looseObject({ start: time, end: time, outside: count })),
  timedRecords: opt(count),
  errorTimes: opt(z.array(epoch)),
});

const queryCheck = z.looseObject({
  id: str,
  title: str,
  sql: str,
  rows: z.array(z.record(str, z.json())),
  rowCount: count,
  truncated: z.boolean(),
  status: z.enum(['ok', 'failed', 'limited']),
  note: opt(str),
});
const jobTable = z.looseObject({
  table: str,
  idColumn: str,
  stateColumn: str,
  statusColumn: opt(str),
  createdColumn: opt(str),
  updatedColumn: opt(str),
  inFlightStates: z.array(str),
  stuckAfterMinutes: z.number().nonnegative(),
  checkSuffix: opt(str),
});
const databaseEvidence = z.looseObject({
  engine: z.enum(['postgres', 'pglite']),
  serverVersion: str,
  serverTime: opt(time),
  jobTable: opt(jobTable),
  jobTables: opt(z.array(jobTable)),
  jobDiscovery: opt(z.looseObject({ mode: z.enum(['manifest', 'discovered']), note: str })),
  checks: z.array(queryCheck),
  constraints: z.array(z.looseObject({ table: str, name: str, definition: str, column: opt(str), allowedValues: opt(z.array(str)) })),
  extras: opt(z.record(str, z.unknown())),
});

const configDifference = z.looseObject({
  path: str,
  change: z.enum(['added', 'removed', 'changed', 'type-changed']),
  left: opt(str),
  right: opt(str),
  leftLine: opt(count),
  rightLine: opt(count),
  category: str,
  risk,
  reason: str,
  leftResolved: opt(str),
  rightResolved: opt(str),
  score: opt(z.number()),
});
const configAnomaly = z.looseObject({
  kind: z.enum(['moved-subtree', 'duplicate-key', 'only-in-one', 'foreign-environment-value', 'missing-file', 'parse-error']),
  path: str,
  file: str,
  line: opt(count),
  detail: str,
  risk,
  otherPath: opt(str),
  otherFile: opt(str),
  otherLine: opt(count),
  value: opt(str),
});
const configEvidence = z.looseObject({
  comparisons: z.array(
    z.looseObject({
      left: z.looseObject({ label: str, path: str }),
      right: z.looseObject({ label: str, path: str }),
      differences: z.array(configDifference),
      anomalies: z.array(configAnomaly),
    }),
  ),
});

const commit = z.looseObject({ hash: str, authorTime: time, author: str, subject: str, files: z.array(str) });
const codeEvidence = z.looseObject({
  root: str,
  excerpts: z.array(
    z.looseObject({
      path: str,
      startLine: count,
      endLine: count,
      lines: z.array(str),
      reason: str,
      highlight: opt(z.array(count)),
      occurrences: opt(count),
      logRefs: opt(z.array(evidenceRef)),
      commits: opt(z.array(commit)),
    }),
  ),
  commits: z.array(commit),
});
const gitEvidence = z.looseObject({ repository: str, commits: z.array(commit) });

const EVIDENCE: Record<SourceKind, z.ZodType> = {
  logs: logEvidence,
  'render-api': logEvidence,
  database: databaseEvidence,
  config: configEvidence,
  code: codeEvidence,
  git: gitEvidence,
};

const sourceResult = z.looseObject({
  id: str,
  kind: z.enum(['logs', 'render-api', 'database', 'config', 'code', 'git']),
  status: z.enum(['ok', 'partial', 'failed', 'skipped']),
  error: opt(z.looseObject({ message: str, code: opt(str), hint: opt(str) })),
  warnings: z.array(str),
  provenance: z.looseObject({ description: str, paths: opt(z.array(str)), endpoint: opt(str), collectedAt: time }),
  durationMs: z.number().nonnegative(),
  evidence: opt(z.unknown()),
});

const bundleSchema = z.looseObject({
  schemaVersion: z.literal(EVIDENCE_SCHEMA_VERSION),
  incident: z.looseObject({
    id: str,
    title: str,
    severity: str,
    environment: str,
    service: str,
    window: z.looseObject({ start: time, end: time }),
    summary: opt(str),
  }),
  collectedAt: time,
  sources: z.array(sourceResult),
});

const MAX_PROBLEMS = 20;

function label(base: (string | number)[], issue: z.core.$ZodIssue): string {
  const parts = [...base, ...issue.path].map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`));
  return `${parts.join('').replace(/^\./, '') || '(top level)'}: ${issue.message}`;
}

/** What is wrong with the evidence of one source of this kind (empty when it can be analysed). */
export function evidenceProblems(kind: SourceKind, evidence: unknown): string[] {
  const schema = EVIDENCE[kind];
  const parsed = schema.safeParse(evidence);
  return parsed.success ? [] : parsed.error.issues.slice(0, MAX_PROBLEMS).map((issue) => label(['evidence'], issue));
}

/**
 * What is wrong with a parsed evidence.json (empty when analysis can read it): the schema version, the
 * incident, every source result, and the evidence of each source for its kind. At most 20 problems.
 */
export function bundleProblems(value: unknown): string[] {
  let parsed: ReturnType<typeof bundleSchema.safeParse>;
  try {
    parsed = bundleSchema.safeParse(value);
  } catch (error) {
    return [`cannot be checked: ${(error as Error).message}`];
  }
  if (!parsed.success) return parsed.error.issues.slice(0, MAX_PROBLEMS).map((issue) => label([], issue));
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const [index, source] of parsed.data.sources.entries()) {
    if (ids.has(source.id)) problems.push(`sources[${index}].id: duplicate source id "${source.id}"`);
    ids.add(source.id);
    if (source.evidence === undefined) continue;
    let issues: string[];
    try {
      issues = evidenceProblems(source.kind, source.evidence);
    } catch (error) {
      issues = [`evidence: cannot be checked: ${(error as Error).message}`];
    }
    for (const issue of issues) problems.push(`sources[${index}] (${source.id}).${issue}`);
    if (problems.length >= MAX_PROBLEMS) break;
  }
  return problems.slice(0, MAX_PROBLEMS);
}

/** True when this source result's evidence (if any) has the shape its kind needs. */
export function isUsableSource(source: AnySourceResult): boolean {
  return source.evidence === undefined || evidenceProblems(source.kind, source.evidence).length === 0;
}

/** The bundle, typed, when it passes bundleProblems; otherwise undefined. */
export function asBundle(value: unknown): EvidenceBundle | undefined {
  return bundleProblems(value).length === 0 ? (value as EvidenceBundle) : undefined;
}
