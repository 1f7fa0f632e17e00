// The report step: analysis -> the four deliverables, the combined Markdown, charts and the PDF, written all-or-nothing.
import path from 'node:path';
import type { Analysis } from '../analysis/model.ts';
import { writeOutputsAtomic, type OutputFile } from '../lib/atomic-write.ts';
import { renderChart } from './charts.ts';
import { createRedactor } from '../lib/secrets/redact.ts';
import { launchPdfRenderer, toHtmlDocument, type PdfRenderer } from '../render.ts';
import { DELIVERABLES, formatTime, loadTemplates, type TemplateSet } from './handlebars.ts';

export const REPORT_DIR = 'report';
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
  const charts = new Map<string, string>();
  for (const chart of analysis.charts) charts.set(chart.file, await renderChart(chart));
  return { files, combinedName, charts };
}

export function safeFileName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_');
}

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
}

export function pdfCover(analysis: Analysis): Parameters<typeof toHtmlDocument>[0]['cover'] {
  const incident = analysis.incident;
  const top = analysis.hypotheses[0];
  return {
    id: incident.id,
    title: incident.title,
    rows: [
      ['Severity', incident.severity],
      ['Environment', incident.environment],
      ['Service', incident.service],
      ['Window', `${formatTime(incident.window.start)} to ${formatTime(incident.window.end)}`],
      ['Evidence collected', formatTime(analysis.collectedAt)],
      ['Sources', analysis.sources.map((source) => `${source.id} (${source.status})`).join(', ') || 'none'],
      ['Top hypothesis', top ? `${top.category} (${top.score.toFixed(2)}, ${top.status})` : 'none'],
    ],
    notice: `${incident.sample ? 'Sample data. ' : ''}Draft: statements marked (proposed) stand until confirmed in incident.yaml.`,
  };
}

/** Render and write <dir>/report/; Markdown is written even when the PDF step fails. */
export async function writeReport(dir: string, analysis: Analysis, options: WriteReportOptions): Promise<ReportResult> {
  const progress = options.progress ?? (() => {});
  const reportDir = path.join(dir, REPORT_DIR);
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
      const html = toHtmlDocument({ markdown: rendered.files.get(rendered.combinedName) ?? '', cover: pdfCover(analysis), images: rendered.charts });
      const renderer = await options.pdf.get();
      outputs.push({ path: pdfName, data: await renderer.render(html, analysis.incident.id) });
      pdf = 'ok';
    } catch (error) {
      pdf = 'failed';
      pdfError = createRedactor().error(error);
    }
  }
  await writeOutputsAtomic(reportDir, outputs, pdf === 'failed' ? { remove: [pdfName] } : {});
  return { outputs: outputs.map((output) => path.join(reportDir, output.path)), pdf, ...(pdfError ? { pdfError } : {}) };
}
