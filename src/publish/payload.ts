// What `fracas publish` sends: the ticket-sized summary (or the root-cause report, trimmed) and the PDF, redacted first.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Redactor } from '../lib/secrets/redact.ts';
import { checkPdfForSecrets } from './pdf-check.ts';
import type { PublishPayload } from './types.ts';

/** The fallback (root-cause-report.md) is cut at a section boundary below this many characters. */
const FALLBACK_MAX_CHARS = 12_000;

class PayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Cut Markdown at the last heading (else blank line) before `max` characters, never inside a code fence. */
export function trimMarkdown(markdown: string, max: number): { text: string; trimmed: boolean } {
  if (markdown.length <= max) return { text: markdown, trimmed: false };
  const lines = markdown.split('\n');
  let length = 0;
  let inFence = false;
  let lastHeading = -1;
  let lastBlank = -1;
  let end = 0;
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] as string;
    if (length + line.length + 1 > max) break;
    length += line.length + 1;
    end = index + 1;
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    if (inFence) continue;
    if (/^#{1,6}\s/.test(lines[index + 1] ?? '')) lastHeading = index + 1;
    if (line.trim() === '') lastBlank = index + 1;
  }
  const cut = lastHeading > 0 ? lastHeading : lastBlank > 0 ? lastBlank : end;
  return { text: `${lines.slice(0, cut).join('\n').trimEnd()}\n`, trimmed: true };
}

async function readIfFile(file: string): Promise<Buffer | undefined> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return undefined;
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export interface PayloadOptions {
  includePdf: boolean;
}

/** Read <dir>/report/summary.md (else root-cause-report.md, trimmed, and say so) and <dir>/report/<ID>.pdf. */
export async function buildPayload(dir: string, incident: { id: string; title: string }, redactor: Redactor, options: PayloadOptions): Promise<PublishPayload> {
  const reportDir = path.join(dir, 'report');
  const notes: string[] = [];
  const summaryFile = path.join(reportDir, 'summary.md');
  const fallbackFile = path.join(reportDir, 'root-cause-report.md');
  let markdown: string;
  let source: PublishPayload['source'];
  const summary = await readIfFile(summaryFile);
  if (summary) {
    markdown = summary.toString('utf8');
    source = { file: summaryFile, fallback: false, trimmed: false };
  } else {
    const fallback = await readIfFile(fallbackFile);
    if (!fallback) throw new PayloadError(`${reportDir}: neither summary.md nor root-cause-report.md exists; run \`fracas report ${dir}\` first`);
    const trimmed = trimMarkdown(fallback.toString('utf8'), FALLBACK_MAX_CHARS);
    markdown = trimmed.text;
    source = { file: fallbackFile, fallback: true, trimmed: trimmed.trimmed };
    notes.push(`${summaryFile} is missing: sent root-cause-report.md instead${trimmed.trimmed ? `, trimmed to ${markdown.length} characters at a section boundary` : ''}`);
  }
  markdown = redactor.text(markdown.replace(/^\uFEFF/, ''));
  const payload: PublishPayload = { incidentId: incident.id, title: redactor.text(incident.title), markdown, source, notes };
  if (options.includePdf) {
    const filename = `${incident.id}.pdf`;
    const bytes = await readIfFile(path.join(reportDir, filename));
    const check = bytes ? await checkPdfForSecrets(bytes, redactor) : undefined;
    if (bytes && check?.status === 'secrets') {
      payload.pdfWithheld = `the redactor flags text in ${filename} as a secret (${check.kinds.join(', ')})`;
      notes.push(
        `${path.join(reportDir, filename)} contains text the redactor flags as a secret (${check.kinds.join(', ')}): the PDF is not sent; re-render it with \`fracas render ${dir}\` and check its sources`,
      );
    } else if (bytes) {
      if (check?.status === 'unchecked') notes.push(`the PDF's text could not be re-checked for secrets: ${check.reason}; it was rendered from redacted evidence and is sent as it is`);
      payload.pdf = { filename, bytes: new Uint8Array(bytes), sha256: createHash('sha256').update(bytes).digest('hex') };
    } else notes.push(`${path.join(reportDir, filename)} is missing: only the summary is sent (run \`fracas report ${dir}\` with Chromium to write the PDF)`);
  }
  return payload;
}
