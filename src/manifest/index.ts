// The incident manifest (incident.yaml): schema, validation with key paths, ${ENV} interpolation, path resolution.
import { probeSchema } from './probe.ts';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { HYPOTHESIS_CATEGORIES } from '../lib/error-signatures/vocabulary.ts';
import { CHECKLIST_IDS } from './checklist-ids.ts';
import { closest } from '../lib/closest.ts';
import { tooDeepOrLarge } from '../lib/text-depth-guard.ts';
import { formatProblem, keyPathLabel, lineOfPath, problemsOfIssue, type ManifestProblem } from './problems.ts';

export type { ManifestProblem } from './problems.ts';

export const MANIFEST_FILE = 'incident.yaml';
/** Manifests are small; anything larger is refused before reading. */
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

const kebabId = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a kebab-case id such as render-logs');

const isoTime = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'an ISO 8601 time such as 2026-11-20T08:00:00Z');

const lineRange = z
  .string()
  .regex(/^\d+(-\d+)?$/, 'a line range such as 40-310')
  .optional();

const logLevel = z.enum(['debug', 'info', 'warn', 'error', 'fatal']);

/** Record filters of a log source; `fracas templates` takes the same as flags. */
export const logFilter = z.strictObject({
  /** Service or resource names (the record's service, resource, app, unit or container field). */
  service: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  /** The lowest level kept (warn keeps warn, error and fatal), or a list of levels. */
  level: z.union([logLevel, z.array(logLevel).min(1)]).optional(),
  /** Text the message must contain (case-insensitive). */
  text: z.string().min(1).optional(),
  /** A regular expression (RE2 syntax) the message must match. */
  regex: z.string().min(1).optional(),
  /** Fields that must equal the given values, e.g. {stream: stderr}. */
  fields: z.record(z.string(), z.string()).optional(),
});

const logSource = z.strictObject({
  id: kebabId,
  kind: z.literal('logs'),
  description: z.string().optional(),
  /** Files or globs, relative to the manifest. */
  paths: z.array(z.string().min(1)).min(1),
  /** auto, render-json, render-text, syslog, json-lines, python, postgres, or a logparser header format. */
  format: z.string().default('auto'),
  /** log_line_prefix for PostgreSQL server logs, e.g. '%m [%p] %q%u@%d '. */
  postgresPrefix: z.string().optional(),
  /** Keep only the records that pass every given test (applied while reading; the rest are counted). */
  filter: logFilter.optional(),
});

const renderApiSource = z.strictObject({
  id: kebabId,
  kind: z.literal('render-api'),
  description: z.string().optional(),
  ownerId: z.string().min(1),
  resources: z.array(z.string().min(1)).min(1),
  baseUrl: z.string().default('https://api.render.com'),
  /** Name of the environment variable holding the API key. */
  apiKeyEnv: z.string().default('RENDER_API_KEY'),
  filters: z.record(z.string(), z.array(z.string())).default({}),
  limit: z.number().int().positive().max(1000).default(1000),
  maxPages: z.number().int().positive().default(100),
});

/**
 * The job table to check. Without `table` (or without a `jobs:` block) fracas looks for job tables itself (a
 * state or status column plus an update timestamp) and applies the thresholds here to each. With `table`, columns
 * left out are recognised from the table's own columns, and in-flight states from its values.
 */
const JOB_COLUMN_KEYS = ['idColumn', 'stateColumn', 'statusColumn', 'errorColumn', 'retryColumn', 'createdColumn', 'updatedColumn', 'entityColumns'] as const;
const jobChecks = z
  .strictObject({
    table: z.string().min(1).optional(),
    idColumn: z.string().optional(),
    stateColumn: z.string().optional(),
    statusColumn: z.string().optional(),
    errorColumn: z.string().optional(),
    retryColumn: z.string().optional(),
    createdColumn: z.string().optional(),
    updatedColumn: z.string().optional(),
    entityColumns: z.array(z.string()).optional(),
    inFlightStates: z.array(z.string()).min(1).optional(),
    stuckAfterMinutes: z.number().positive().default(60),
    recentErrorHours: z.number().positive().default(24),
  })
  .superRefine((jobs, context) => {
    const columns = JOB_COLUMN_KEYS.filter((key) => jobs[key] !== undefined);
    if (!jobs.table && columns.length > 0) context.addIssue({ code: 'custom', path: ['table'], message: `${columns.join(', ')} name columns of one table: give jobs.table too` });
  });

const customQuery = z.strictObject({
  id: kebabId,
  title: z.string(),
  sql: z.string().min(1),
});

const databaseSource = z.strictObject({
  id: kebabId,
  kind: z.literal('database'),
  description: z.string().optional(),
  /** postgres://... ; empty means: use the embedded database seeded from `seed`. */
  url: z.string().optional(),
  /** SQL files that seed the embedded database (PGlite) when no url is given. */
  seed: z.array(z.string()).default([]),
  /** "Now" for the embedded sample, so ages are measured against the incident window, not today. */
  asOf: isoTime.optional(),
  statementTimeoutMs: z.number().int().positive().default(15_000),
  lockTimeoutMs: z.number().int().positive().default(2_000),
  connectTimeoutMs: z.number().int().positive().default(10_000),
  /** Delay between the two pg_stat_database snapshots (the checks run in between). */
  countersDelayMs: z.number().int().min(0).max(60_000).default(1_000),
  /** Rows kept per check (the evidence says when a check was truncated). */
  maxRows: z.number().int().positive().max(10_000).default(200),
  jobs: jobChecks.optional(),
  queries: z.array(customQuery).default([]),
  /**
   * Run `queries` even when the role is a superuser or holds pg_execute_server_program, pg_write_server_files,
   * pg_read_server_files or pg_signal_backend (the report then says so). Without it they are not run for such a role.
   */
  allowPrivilegedQueries: z.boolean().default(false),
});

const configSide = z.strictObject({
  label: z.string(),
  path: z.string(),
  /** Git revision: compare the file as it was at this revision. */
  rev: z.string().optional(),
  envFiles: z.array(z.string()).default([]),
});

const configSource = z.strictObject({
  id: kebabId,
  kind: z.literal('config'),
  description: z.string().optional(),
  left: configSide,
  right: configSide,
  /** More environments to check for keys that exist in only one of them. */
  others: z.array(configSide).default([]),
});

const codeFile = z.strictObject({
  path: z.string(),
  lines: lineRange,
  why: z.string().optional(),
});

const codeSource = z.strictObject({
  id: kebabId,
  kind: z.literal('code'),
  description: z.string().optional(),
  /** Repository root or directory the file paths (and stack frames) are relative to. */
  root: z.string().default('.'),
  files: z.array(codeFile).default([]),
  contextLines: z.number().int().min(0).max(50).default(5),
});

const gitSource = z.strictObject({
  id: kebabId,
  kind: z.literal('git'),
  description: z.string().optional(),
  repository: z.string().default('.'),
  paths: z.array(z.string()).default([]),
  /** List commits from this time (ISO 8601) or this long before the window start (e.g. 7d, 36h, 2w); default 7d. */
  since: z
    .string()
    .refine((value) => /^\d+(\.\d+)?\s*(m|h|d|w)$/i.test(value.trim()) || !Number.isNaN(Date.parse(value)), 'an ISO 8601 time or a duration such as 7d, 36h or 2w')
    .optional(),
});

export const sourceSchema = z.discriminatedUnion('kind', [logSource, renderApiSource, databaseSource, configSource, codeSource, gitSource]);

const isoDate = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'a date such as 2026-11-21 or an ISO 8601 time');

const hypothesisDecision = z.strictObject({
  status: z.enum(['confirmed', 'rejected']),
  note: z.string().optional(),
  /** Who decided, and when. */
  author: z.string().optional(),
  date: isoDate.optional(),
});

/** The review's milestones; any other event is a free event with its own label. */
const REVIEW_MILESTONES = ['started', 'detected', 'acknowledged', 'mitigated', 'resolved'] as const;

const reviewEvent = z.strictObject({
  /** detected, acknowledged, mitigated, resolved (or started: when users were first affected); omit for a free event. */
  event: z.enum(REVIEW_MILESTONES).optional(),
  time: isoTime,
  who: z.string().optional(),
  note: z.string().optional(),
});

const actionItem = z.strictObject({
  title: z.string().min(1),
  owner: z.string().optional(),
  due: isoDate.optional(),
  /** Tracker id, e.g. FM-031 or #412. */
  ticket: z.string().optional(),
  status: z.enum(['open', 'in-progress', 'done', 'wont-do']).default('open'),
});

const conclusions = z.strictObject({
  /** Confirmed root cause, in the investigator's words; replaces the drafted Why. */
  rootCause: z.string().optional(),
  /** Decisions on generated hypotheses, by hypothesis id. */
  hypotheses: z.record(z.string(), hypothesisDecision).default({}),
  chosenOption: z.enum(['A', 'B', 'C']).optional(),
  owners: z.array(z.strictObject({ role: z.string(), name: z.string() })).default([]),
  impact: z.string().optional(),
  notes: z.string().optional(),
  /** Checklist items the investigator has signed off, by item id. */
  done: z.array(z.string()).default([]),
  /** Who confirmed the conclusions (the root cause, the chosen option), and when: the document is then no longer a draft. */
  confirmedBy: z.strictObject({ author: z.string().min(1), date: isoDate }).optional(),
});

/** What users suffered, when the investigator names it; overrides the symptom fracas detects. */
const symptom = z.strictObject({
  /** Failed requests on endpoints whose path contains this text (e.g. `/checkout`). */
  endpoint: z.string().min(1).optional(),
  /** Lowest HTTP status that counts as a failure (default 500). */
  minStatus: z.number().int().min(100).max(599).optional(),
  /** Error records whose message contains this text. */
  message: z.string().min(1).optional(),
  /** Entity kind whose failures are the symptom (job-id, request-id, document-id). */
  entity: z.string().min(1).optional(),
  /** When users started to suffer, if known better than the evidence shows. */
  onset: isoTime.optional(),
});

/** A ticket to attach the report to (`fracas publish`): a target string, or one with per-tracker settings. */
const ticketTargetText = z.string().regex(/^(github|jira|linear|gitlab):\S+$/i, 'a ticket such as github:acme/api#123, jira:OPS-42, linear:ENG-7 or gitlab:group/proj#9');

const ticketSchema = z.union([
  ticketTargetText,
  z.strictObject({
    to: ticketTargetText,
    /** API base URL: GitHub Enterprise (https://HOST/api/v3), the Jira site, a Linear GraphQL endpoint, a GitLab instance. */
    baseUrl: z.string().url().optional(),
    /** GitHub: the PDF as a release asset (default), committed to a branch, or not sent; other trackers: none skips it. */
    pdf: z.enum(['release', 'branch', 'none']).optional(),
    /** GitHub release tag holding the PDFs (default fracas-reports). */
    tag: z.string().min(1).optional(),
    /** GitHub branch the PDF is committed to with pdf: branch (default fracas-reports). */
    branch: z.string().min(1).optional(),
    /** GitHub repository path of the PDF with pdf: branch; {id} is the incident id (default incidents/{id}.pdf). */
    path: z.string().min(1).optional(),
    /** Jira: cloud (REST v3, ADF) or datacenter (REST v2, wiki markup); default from the credentials. */
    api: z.enum(['cloud', 'datacenter']).optional(),
  }),
]);

export const manifestSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'an incident id such as FM-028'),
  title: z.string().min(1),
  severity: z.enum(['P0', 'P1', 'P2', 'P3', 'P4']),
  environment: z.string().min(1),
  service: z.string().min(1),
  window: z.strictObject({ start: isoTime, end: isoTime }),
  summary: z.string().optional(),
  symptom: symptom.optional(),
  /** A window known to be normal, to measure background error rates against (default: before the symptom's onset). */
  baseline: z.strictObject({ start: isoTime, end: isoTime }).optional(),
  sample: z.boolean().default(false),
  sources: z.array(sourceSchema).default([]),
  conclusions: conclusions.default(conclusions.parse({})),
  /** Review timeline: detected, acknowledged, mitigated, resolved, and free events (time, who, note). */
  timeline: z.array(reviewEvent).default([]),
  /** Action items of the review. */
  actions: z.array(actionItem).default([]),
  /** Tickets `fracas publish` attaches the report to. */
  tickets: z.array(ticketSchema).default([]),
  /** Test webhook deliveries for `fracas probe` (staging only). */
  probe: probeSchema.optional(),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type SourceSpec = z.infer<typeof sourceSchema>;
export type LogSourceSpec = z.infer<typeof logSource>;
export type LogFilterSpec = z.infer<typeof logFilter>;
export type RenderApiSourceSpec = z.infer<typeof renderApiSource>;
export type DatabaseSourceSpec = z.infer<typeof databaseSource>;
export type JobChecksSpec = z.infer<typeof jobChecks>;
export type ConfigSourceSpec = z.infer<typeof configSource>;
export type ConfigSideSpec = z.infer<typeof configSide>;
export type CodeSourceSpec = z.infer<typeof codeSource>;
export type GitSourceSpec = z.infer<typeof gitSource>;
export type ReviewEvent = z.infer<typeof reviewEvent>;
export type ActionItemSpec = z.infer<typeof actionItem>;

export interface LoadedManifest {
  manifest: Manifest;
  /** Absolute path of incident.yaml. */
  file: string;
  /** Absolute directory all relative paths are resolved against. */
  dir: string;
  resolve(relative: string): string;
}

/** At most 50 distinct problems of at most 500 characters each, so hostile input cannot make a huge error. */
function boundProblems(problems: ManifestProblem[]): ManifestProblem[] {
  const seen = new Set<string>();
  const unique: ManifestProblem[] = [];
  for (const problem of problems) {
    const bounded = problem.message.length > 500 ? { ...problem, message: `${problem.message.slice(0, 500)}…` } : problem;
    const key = formatProblem(bounded);
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(bounded);
  }
  return unique.length > 50 ? [...unique.slice(0, 50), { path: '', message: `… and ${unique.length - 50} more problems` }] : unique;
}

export class ManifestError extends Error {
  /** One line per problem, as printed. */
  readonly problems: string[];
  /** The same problems as data (key path, line, message, suggestion): what `validate --json` prints. */
  readonly details: ManifestProblem[];
  constructor(
    readonly file: string,
    problems: (string | ManifestProblem)[],
  ) {
    const details = boundProblems(problems.map((problem) => (typeof problem === 'string' ? { path: '', message: problem } : problem)));
    const lines = details.map((problem) => (problem.path || problem.suggestion ? formatProblem(problem) : problem.message));
    super(`${file}: invalid incident manifest\n${lines.map((problem) => `  - ${problem}`).join('\n')}`);
    this.problems = lines;
    this.details = details;
    this.name = 'ManifestError';
  }
}

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Replace ${VAR} and ${VAR:-default} in a string; unset variables without a default are collected. */
export function interpolate(text: string, env: NodeJS.ProcessEnv, missing: string[] = []): string {
  return text.replace(PLACEHOLDER, (_whole, name: string, fallback: string | undefined) => {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    missing.push(name);
    return '';
  });
}

function interpolateTree(value: unknown, env: NodeJS.ProcessEnv, missing: { name: string; at: PropertyKey[] }[], at: PropertyKey[]): unknown {
  if (typeof value === 'string') {
    const names: string[] = [];
    const result = interpolate(value, env, names);
    for (const name of names) missing.push({ name, at });
    return result;
  }
  if (Array.isArray(value)) return value.map((item, index) => interpolateTree(item, env, missing, [...at, index]));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolateTree(item, env, missing, [...at, key])]));
  }
  return value;
}

/** Parse and validate manifest text; throws ManifestError naming each bad key path and its line. */
export function parseManifest(text: string, file: string, env: NodeJS.ProcessEnv = process.env): Manifest {
  try {
    return parseManifestUnguarded(text, file, env);
  } catch (error) {
    if (error instanceof ManifestError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof RangeError || /call stack/i.test(message)) throw new ManifestError(file, ['the YAML is nested too deeply']);
    if (/alias/i.test(message)) throw new ManifestError(file, ['the YAML expands too many aliases (*name); write the values out instead']);
    throw new ManifestError(file, [`cannot parse the manifest: ${message.split('\n')[0]}`]);
  }
}

function parseManifestUnguarded(text: string, file: string, env: NodeJS.ProcessEnv): Manifest {
  const refused = tooDeepOrLarge(text, false);
  if (refused) throw new ManifestError(file, [`${refused.line ? `line ${refused.line}, column ${refused.col ?? 1}: ` : ''}the YAML is ${refused.message}`]);
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ManifestError(
      file,
      document.errors.map((error) => {
        const position = error.linePos?.[0] ?? lines.linePos(error.pos[0]);
        const message = /call stack/i.test(error.message) ? 'the YAML is nested too deeply' : error.message.split('\n')[0];
        return { path: '', ...(position ? { line: position.line } : {}), message: `${position ? `line ${position.line}, column ${position.col}: ` : ''}${message}` };
      }),
    );
  }
  const raw: unknown = document.toJS({ maxAliasCount: 100 });
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ManifestError(file, ['expected a mapping with id, title, severity, environment, service, window and sources']);
  }
  const missing: { name: string; at: PropertyKey[] }[] = [];
  const interpolated = interpolateTree(raw, env, missing, []);
  if (missing.length > 0) {
    throw new ManifestError(
      file,
      missing.map(({ name, at }) => ({
        path: keyPathLabel(at),
        line: lineOfPath(document.contents, at, lines),
        message: `environment variable ${name} is not set (write \${${name}:-default} to give a default)`,
      })),
    );
  }
  const parsed = manifestSchema.safeParse(interpolated);
  if (!parsed.success) {
    throw new ManifestError(
      file,
      parsed.error.issues.flatMap((issue) => problemsOfIssue(issue, manifestSchema, interpolated, document.contents, lines)),
    );
  }
  const manifest = parsed.data;
  const ids = new Set<string>();
  const duplicates = manifest.sources.flatMap((source, index) => (ids.size === ids.add(source.id).size ? [{ id: source.id, index }] : []));
  if (duplicates.length > 0) {
    throw new ManifestError(
      file,
      duplicates.map(({ id, index }) => ({
        path: `sources[${index}].id`,
        line: lineOfPath(document.contents, ['sources', index, 'id'], lines),
        message: `duplicate source id "${id}" (source ids must be unique)`,
      })),
    );
  }
  if (Date.parse(manifest.window.start) > Date.parse(manifest.window.end)) {
    throw new ManifestError(file, [{ path: 'window', line: lineOfPath(document.contents, ['window'], lines), message: `start ${manifest.window.start} is after end ${manifest.window.end}` }]);
  }
  const review = reviewProblems(manifest, (pathParts) => lineOfPath(document.contents, pathParts, lines));
  if (review.length > 0) throw new ManifestError(file, review);
  return manifest;
}

/** Conclusions that name hypotheses or checklist items fracas does not have, and milestones given twice. */
function reviewProblems(manifest: Manifest, lineOf: (pathParts: PropertyKey[]) => number | undefined): string[] {
  const problems: string[] = [];
  const at = (pathParts: PropertyKey[]) => {
    const line = lineOf(pathParts);
    return `${keyPathLabel(pathParts)}${line ? ` (line ${line})` : ''}`;
  };
  for (const id of Object.keys(manifest.conclusions.hypotheses)) {
    if ((HYPOTHESIS_CATEGORIES as readonly string[]).includes(id)) continue;
    problems.push(`${at(['conclusions', 'hypotheses', id])}: unknown hypothesis id "${id}"${suggestion(id, HYPOTHESIS_CATEGORIES)} (ids: ${HYPOTHESIS_CATEGORIES.join(', ')})`);
  }
  manifest.conclusions.done.forEach((id, index) => {
    if ((CHECKLIST_IDS as readonly string[]).includes(id)) return;
    problems.push(`${at(['conclusions', 'done', index])}: unknown checklist item "${id}"${suggestion(id, CHECKLIST_IDS)} (items: ${CHECKLIST_IDS.join(', ')})`);
  });
  const seen = new Set<string>();
  manifest.timeline.forEach((event, index) => {
    if (!event.event) return;
    if (seen.has(event.event)) problems.push(`${at(['timeline', index, 'event'])}: "${event.event}" is given more than once (keep one; record the others as free events without event:)`);
    seen.add(event.event);
  });
  return problems;
}

function suggestion(value: string, candidates: readonly string[]): string {
  const nearest = closest(value, candidates);
  return nearest ? `; did you mean "${nearest}"?` : '';
}

/** Load <dir>/incident.yaml (or the file itself). */
export function loadManifest(target: string, env: NodeJS.ProcessEnv = process.env): LoadedManifest {
  const file = path.resolve(target.endsWith('.yaml') || target.endsWith('.yml') ? target : path.join(target, MANIFEST_FILE));
  let text: string;
  try {
    // Never read a FIFO or device (endless input) or a file far larger than any manifest.
    const info = statSync(file);
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (!info.isFile()) throw new Error('not a regular file');
    if (info.size > MAX_MANIFEST_BYTES) throw new Error(`larger than ${MAX_MANIFEST_BYTES / 1024 / 1024} MB`);
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String((error as Error).message);
    throw new ManifestError(file, [`cannot read the manifest: ${reason} (run \`fracas init <dir> --id ID --title "..."\` to create one)`]);
  }
  const manifest = parseManifest(text.replace(/^\uFEFF/, ''), file, env);
  const dir = path.dirname(file);
  return { manifest, file, dir, resolve: (relative: string) => path.resolve(dir, relative) };
}
