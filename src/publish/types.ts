// The one small interface every tracker adapter implements, and the values that flow through `fracas publish`.
import type { Target } from './target.ts';
import type { RetryPolicy } from './retry.ts';

/** What is sent: already redacted and read from <dir>/report/. */
export interface PublishPayload {
  incidentId: string;
  title: string;
  /** The ticket-sized summary (Markdown), redacted. */
  markdown: string;
  /** Which file the summary came from, and whether it was trimmed (a fallback says so). */
  source: { file: string; fallback: boolean; trimmed: boolean };
  /** The PDF, when it exists. */
  pdf?: { filename: string; bytes: Uint8Array; sha256: string };
  /** Why the PDF that exists was not sent (the redactor found a secret in its text). */
  pdfWithheld?: string;
  /** Notes for the user (e.g. "summary.md is missing: sent root-cause-report.md trimmed"). */
  notes: string[];
}

/** Per-target options from the command line or the manifest's `tickets:` entry. */
export interface TargetOptions {
  /** API base URL: GitHub (Enterprise: https://HOST/api/v3), Jira site, Linear GraphQL endpoint, GitLab instance. */
  baseUrl?: string;
  /** GitHub: where the PDF goes: a release asset (default), a commit on a branch, or nowhere. */
  pdf?: 'release' | 'branch' | 'none';
  /** GitHub release tag that holds the PDFs (created when missing). */
  tag?: string;
  /** GitHub branch the PDF is committed to (pdf: branch). */
  branch?: string;
  /** GitHub repository path of the PDF (pdf: branch); `{id}` is the incident id. */
  path?: string;
  /** Jira: cloud (REST v3, ADF) or datacenter (REST v2, wiki markup); default from the credentials. */
  api?: 'cloud' | 'datacenter';
}

/** What an adapter remembers between runs (stored in <dir>/evidence/publish.json, never a secret). */
export interface TargetState {
  commentId?: string;
  commentUrl?: string;
  attachmentId?: string;
  attachmentUrl?: string;
  attachmentName?: string;
  publishedAt?: string;
}

/** One request as --dry-run prints it: what would be sent, without sending it. */
export interface PlannedRequest {
  method: string;
  url: string;
  /** Header values; credentials appear as the name of their variable, never the value. */
  headers: Record<string, string>;
  /** JSON or text body; for files: a description (name, size, sha256). */
  body?: unknown;
  /** Why / when this request is made (e.g. "only if no earlier comment carries the marker"). */
  note?: string;
}

type StepAction = 'created' | 'updated' | 'replaced' | 'unchanged';

export interface PublishStep {
  what: 'comment' | 'attachment';
  status: 'ok' | 'failed' | 'skipped';
  action?: StepAction;
  url?: string;
  id?: string;
  error?: string;
  hint?: string;
}

export interface TargetResult {
  target: string;
  tracker: Target['tracker'];
  status: 'published' | 'partial' | 'failed';
  steps: PublishStep[];
  /** Things that were posted but not finished, or left on the tracker, stated plainly. */
  leftBehind: string[];
  notes: string[];
}

/** Everything an adapter gets besides the payload: its options, credentials, state and the retry policy. */
interface AdapterContext {
  options: TargetOptions;
  env: NodeJS.ProcessEnv;
  state: TargetState;
  /** Save the state as soon as something changed on the tracker, so a crash never forgets it. */
  saveState(state: TargetState): Promise<void>;
  retry: RetryPolicy;
  /** Progress and warnings (stderr); never given a credential. */
  log(message: string): void;
}

export interface TrackerAdapter<T extends Target = Target> {
  readonly tracker: T['tracker'];
  /** The environment variables this adapter needs; a usage error names the missing one. */
  checkCredentials(env: NodeJS.ProcessEnv, options: TargetOptions): string | undefined;
  /** The requests a run would make (--dry-run); no network. */
  plan(target: T, payload: PublishPayload, context: Omit<AdapterContext, 'saveState' | 'retry' | 'log'>): PlannedRequest[];
  /** Post the comment and attach the PDF; returns each step's outcome (never throws for a tracker error). */
  publish(target: T, payload: PublishPayload, context: AdapterContext): Promise<TargetResult>;
}

/** The hidden marker that lets a second run find its own earlier comment (GitHub, GitLab: HTML comments stay hidden). */
export function marker(incidentId: string): string {
  return `<!-- fracas:report ${incidentId.replace(/-->/g, '')} -->`;
}
