// Comment bodies for Markdown trackers: marker, summary (trimmed to the tracker's limit, with a link to the rest), PDF link.
import { trimMarkdown } from './payload.ts';
import type { PublishPayload, PublishStep, TargetResult } from './types.ts';
import type { TrackerError } from './retry.ts';

export interface BodyOptions {
  /** Maximum characters of the whole body. */
  limit: number;
  /** Hidden marker put first (GitHub, GitLab). */
  marker?: string;
  /** Where the PDF is, when it was attached. */
  pdf?: { name: string; url: string };
  /** Said in place of the link when the PDF could not be attached. */
  pdfProblem?: string;
}

export function pdfLine(options: Pick<BodyOptions, 'pdf' | 'pdfProblem'>): string {
  if (options.pdf) return `Full report (PDF): [${options.pdf.name}](${options.pdf.url})`;
  if (options.pdfProblem) return `The PDF report is not attached: ${options.pdfProblem}`;
  return '';
}

/** Marker, summary and PDF line within `limit` characters; a trimmed summary ends with a pointer to the rest. */
export function composeMarkdownBody(payload: PublishPayload, options: BodyOptions): { body: string; trimmed: boolean } {
  const head = options.marker ? `${options.marker}\n` : '';
  const line = pdfLine(options);
  const footer = line ? `\n\n---\n${line}\n` : '\n';
  const whole = `${head}${payload.markdown.trimEnd()}${footer}`;
  if (whole.length <= options.limit) return { body: whole, trimmed: false };
  const rest = options.pdf
    ? `the rest is in the PDF: [${options.pdf.name}](${options.pdf.url})`
    : `the rest is in ${payload.source.file.split(/[\\/]/).slice(-2).join('/')} and ${payload.incidentId}.md in the incident's report folder`;
  const notice = `\n\n*Trimmed to fit the tracker's ${options.limit.toLocaleString('en-US')}-character comment limit; ${rest}.*`;
  const room = options.limit - head.length - footer.length - notice.length;
  const trimmed = trimMarkdown(payload.markdown, Math.max(0, room)).text.trimEnd().slice(0, Math.max(0, room));
  return { body: `${head}${trimmed}${notice}${footer}`, trimmed: true };
}

export function okStep(what: PublishStep['what'], fields: Omit<PublishStep, 'what' | 'status'>): PublishStep {
  return { what, status: 'ok', ...fields };
}

export function failedStep(what: PublishStep['what'], error: unknown): PublishStep {
  const tracked = error as Partial<TrackerError>;
  return { what, status: 'failed', error: tracked.message ?? String(error), ...(tracked.hint ? { hint: tracked.hint } : {}) };
}

/** published: the comment (and the PDF, if there was one) made it; partial: something did; failed: nothing did. */
export function finishResult(base: Pick<TargetResult, 'target' | 'tracker'>, steps: PublishStep[], leftBehind: string[], notes: string[]): TargetResult {
  const tried = steps.filter((step) => step.status !== 'skipped');
  const ok = tried.filter((step) => step.status === 'ok');
  const status = tried.length > 0 && ok.length === tried.length ? 'published' : ok.length > 0 ? 'partial' : 'failed';
  return { ...base, status, steps, leftBehind, notes };
}
