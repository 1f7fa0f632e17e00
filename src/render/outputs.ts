// The report step: analysis -> the four deliverables, the combined Markdown, summary.md, charts and the PDF, written all-or-nothing.
import path from 'node:path';
import type { Analysis } from '../analysis/model.ts';
import { writeOutputsAtomic, type OutputFile } from '../lib/atomic-write.ts';
import { renderChart } from './charts.ts';
import { createRedactor } from '../lib/secrets/redact.ts';
import { launchPdfRenderer, pdfPageNumbers, toHtmlDocument, type PdfRenderer } from '../render.ts';
import { DELIVERABLES, formatTime, loadTemplates, safeFileName, type TemplateSet } from './handlebars.ts';

const REPORT_DIR = 'report';
export type OutputFormat = 'md' | 'pdf';

export interface RenderedMarkdown {
  files: Map<string, string>;
  combinedName: string;
  charts: Map<string, string>;
}

/** Pure rendering of every Markdown file and chart (no writes). */
export async function renderMarkdown(analysis: Analysis, templates: TemplateSet = loadTemplates()): Promise<RenderedMarkdown> {
  const files = new Map<string, string>();
  for (const deliverable of DELIVERABLES) files.set(`${deliverable}.md`, templates.render(deliverable, analysis));
  const combinedName = `${safeFileName(analysis.incident.id)}.md`;
  files.set(combinedName, templates.render('combined', analysis));
  files.set(SUMMARY_FILE, fitSummary(templates.render('summary', analysis)));
  const charts = new Map<string, string>();
  for (const chart of analysis.charts) charts.set(chart.file, await renderChart(chart));
  return { files, combinedName, charts };
}

export const SUMMARY_FILE = 'summary.md';
/** GitHub refuses comments over 65,536 characters; the summary stays well under it. */
export const SUMMARY_MAX_CHARS = 60_000;

/** Cut an over-long summary at a line boundary, saying so, so it always fits a ticket comment. */
export function fitSummary(markdown: string): string {
  if (markdown.length <= SUMMARY_MAX_CHARS) return markdown;
  const note = '\n*This summary was shortened to fit a ticket comment; the full report files hold the rest.*\n';
  const cut = markdown.lastIndexOf('\n\n', SUMMARY_MAX_CHARS - note.length);
  return `${markdown.slice(0, cut > 0 ? cut : SUMMARY_MAX_CHARS - note.length)}\n${note}`;
}

export { safeFileName };

/** Lazily launched, shared by every incident of one run; closed by the caller. */
export class SharedPdfRenderer {
  private renderer: Promise<PdfRenderer> | undefined;

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  get(): Promise<PdfRenderer> {
    this.renderer ??= launchPdfRenderer(this.env);
    return this.renderer;
  }

  async close(): Promise<void> {
    if (!this.renderer) return;
    const renderer = await this.renderer.catch(() => undefined);
    await renderer?.close();
  }
}

export interface ReportResult {
  outputs: string[];
  pdf: 'ok' | 'failed' | 'skipped';
  pdfError?: string;
}

export interface WriteReportOptions {
  formats: OutputFormat[];
  pdf: SharedPdfRenderer;
  templates?: TemplateSet;
  progress?: (message: string) => void;
  /** Write here instead of <dir>/report. */
  outDir?: string;
}

export function pdfCover(analysis: Analysis): Parameters<typeof toHtmlDocument>[0]['cover'] {
  const incident = analysis.incident;
  return {
    id: incident.id,
    title: incident.title,
    rows: [
      ['Severity', incident.severity],
      ['Environment', incident.environment],
      ['Service', incident.service],
      ['Window', `${formatTime(incident.window.start)} to ${formatTime(incident.window.end)}`],
      ['Evidence collected', formatTime(analysis.collectedAt)],
      ['Status', analysis.review.status.state === 'confirmed' ? analysis.review.status.text : 'Draft'],
    ],
    ...(incident.sample || analysis.review.status.state === 'draft'
      ? { notice: `${incident.sample ? 'Sample data. ' : ''}${analysis.review.status.state === 'draft' ? 'Draft: statements marked (proposed) stand until confirmed in incident.yaml.' : ''}`.trim() }
      : {}),
  };
}

/** Print twice: the first print tells on which page each heading landed, the second shows those numbers in the contents. */
export async function renderPdf(renderer: PdfRenderer, input: Parameters<typeof toHtmlDocument>[0], incidentId: string): Promise<Buffer> {
  const first = await renderer.render(toHtmlDocument(input), incidentId);
  const pageNumbers = await pdfPageNumbers(first);
  if (pageNumbers.size === 0) return first;
  return renderer.render(toHtmlDocument({ ...input, pageNumbers }), incidentId);
}

/** Render and write <dir>/report/; Markdown is written even when the PDF step fails. */
export async function writeReport(dir: string, analysis: Analysis, options: WriteReportOptions): Promise<ReportResult> {
  const progress = options.progress ?? (() => {});
  const reportDir = options.outDir ? path.resolve(options.outDir) : path.join(dir, REPORT_DIR);
  progress('rendering Markdown and charts');
  const rendered = await renderMarkdown(analysis, options.templates);
  const outputs: OutputFile[] = [];
  if (options.formats.includes('md')) {
    for (const [name, text] of rendered.files) outputs.push({ path: name, data: text });
    for (const [name, svg] of rendered.charts) outputs.push({ path: name, data: svg });
  }
  let pdf: ReportResult['pdf'] = 'skipped';
  let pdfError: string | undefined;
  const pdfName = `${safeFileName(analysis.incident.id)}.pdf`;
  if (options.formats.includes('pdf')) {
    try {
      progress('rendering PDF with Chromium');
      const renderer = await options.pdf.get();
      const input = { markdown: rendered.files.get(rendered.combinedName) ?? '', cover: pdfCover(analysis), images: rendered.charts };
      outputs.push({ path: pdfName, data: await renderPdf(renderer, input, analysis.incident.id) });
      pdf = 'ok';
    } catch (error) {
      pdf = 'failed';
      pdfError = createRedactor().error(error);
    }
  }
  await writeOutputsAtomic(reportDir, outputs, pdf === 'failed' ? { remove: [pdfName] } : {});
  return { outputs: outputs.map((output) => path.join(reportDir, output.path)), pdf, ...(pdfError ? { pdfError } : {}) };
}
