// The documented process exit codes of `fracas` and the one function that picks the code for a run.
import type { SourceStatus } from '../evidence/schema.ts';

/**
 * Exit codes (stable; scripts and CI depend on them):
 *
 *   0  complete  every source was collected (ok or skipped) and every requested format was written
 *   1  usage     bad command line or invalid incident manifest: nothing was collected or written
 *   2  partial   the report was written, but at least one source failed or was only partly read, or an
 *                analyzer failed (its Sources section says which and why; evidence kept from an earlier run counts here)
 *   3  failed    nothing useful was produced: every source failed, or the Markdown report could not be rendered
 *   4  no PDF    Markdown (and evidence) were written but the PDF step failed (e.g. no Chromium); takes
 *                precedence over 2, because a requested deliverable is missing
 *
 * A source that is `skipped` (not requested in this run) does not make a run partial.
 */
export const EXIT_CODES = {
  complete: 0,
  usage: 1,
  partial: 2,
  failed: 3,
  pdfFailed: 4,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** One line per code, for `fracas --help` and the README. */
export const EXIT_CODE_HELP = [
  '0  complete: all sources collected, all outputs written',
  '1  usage or manifest error: nothing collected',
  '2  partial: report written, some sources or analyzers failed (see its Sources section)',
  '3  failed: no source could be collected, or the report could not be rendered',
  '4  Markdown written, PDF rendering failed',
].join('\n');

type StepResult = 'ok' | 'failed' | 'skipped';

export interface RunOutcome {
  /** Status of every source in the manifest. */
  sources: { status: SourceStatus }[];
  /** The Markdown report (and evidence). 'skipped' when the command does not render (e.g. `collect`). */
  markdown: StepResult;
  /** The PDF; 'skipped' when not requested. */
  pdf?: StepResult;
  /** How many analyzers threw (their error entries are in the report): makes the run partial. */
  analyzerErrors?: number;
}

/** The exit code for a finished run (see the table above). */
export function exitCodeFor(outcome: RunOutcome): ExitCode {
  if (outcome.markdown === 'failed') return EXIT_CODES.failed;
  const attempted = outcome.sources.filter((source) => source.status !== 'skipped');
  const collected = attempted.filter((source) => source.status === 'ok' || source.status === 'partial');
  if (attempted.length > 0 && collected.length === 0) return EXIT_CODES.failed;
  if (outcome.pdf === 'failed') return EXIT_CODES.pdfFailed;
  if (attempted.some((source) => source.status !== 'ok') || (outcome.analyzerErrors ?? 0) > 0) return EXIT_CODES.partial;
  return EXIT_CODES.complete;
}

/** Errors that mean the command was used wrongly (exit 1): a bad manifest, bad options, `render` before `collect`. */
const USAGE_ERRORS = new Set(['ManifestError', 'UsageError', 'InvalidArgumentError', 'EvidenceMissingError']);

/** The exit code for an exception that ended a run: usage/manifest errors are 1, anything else 3. */
export function exitCodeForError(error: unknown): ExitCode {
  const name = error instanceof Error ? error.name : '';
  const code = (error as { code?: unknown } | null)?.code;
  if (USAGE_ERRORS.has(name) || (error instanceof Error && USAGE_ERRORS.has(error.constructor.name))) return EXIT_CODES.usage;
  if (typeof code === 'string' && code.startsWith('commander.')) return EXIT_CODES.usage;
  return EXIT_CODES.failed;
}

/** Exit codes of `fracas doctor`: 0 ready, 1 the manifest is invalid, 2 a run would be partial or limited, 3 something a run needs is missing. */
export const DOCTOR_EXIT_HELP = '0 ready, 1 invalid manifest, 2 warnings (a run would be partial or limited), 3 something a run needs is missing';

/** Exit codes of `fracas verify`, one per verdict (1 and 3 keep their meaning: usage, nothing collected). */
export const VERIFY_EXIT_CODES = { verified: 0, 'not-verified': 5, inconclusive: 6 } as const;

export const VERIFY_EXIT_HELP = [
  "0  verified: the root cause's failures are gone at the traffic seen",
  '1  usage or manifest error, or no saved incident evidence',
  '3  no source could be collected for the window',
  '5  not verified: the failures persist, or a job got stuck in the window',
  '6  inconclusive: too little traffic to tell',
].join('\n');

/** Exit codes of `fracas check`, for cron and CI schedules: an alert outranks a check that could not run. */
export const CHECK_EXIT_CODES = { ok: 0, alert: 2, error: 3 } as const;

export const CHECK_EXIT_HELP = [
  '0  every check is within its threshold',
  '1  usage or manifest error',
  '2  at least one check is over its threshold (an alert)',
  '3  no alert, but at least one check could not run (its source failed)',
].join('\n');

/** Exit codes of `fracas probe`. */
export const PROBE_EXIT_CODES = { asExpected: 0, unexpected: 2, noResponse: 3 } as const;

export const PROBE_EXIT_HELP = [
  '0  every probe was answered as a correct service answers',
  '1  usage: no probe section, environment not staging, secret not set, or a path off the base URL',
  '2  at least one probe got an unexpected answer (see the results)',
  '3  no probe got an answer (service down or unreachable)',
].join('\n');
