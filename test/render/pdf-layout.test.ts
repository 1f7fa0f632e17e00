// The PDF read back with pdftotext: contents with the right page numbers, table headers and paths never broken inside a word, evidence blocks printed open, FM-028's main text within 12 pages.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeIncident } from '../../src/analysis/index.ts';
import { loadEvidence } from '../../src/evidence/store.ts';
import { loadManifest } from '../../src/manifest/index.ts';
import { createMarkdown, launchPdfRenderer, pdfPageNumbers, toHtmlDocument, type PdfRenderer } from '../../src/render.ts';
import { pdfCover, renderMarkdown, renderPdf } from '../../src/render/outputs.ts';

const SAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/incidents/fm_028');

function save(pdf: Buffer): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'fracas-layout-')), 'out.pdf');
  writeFileSync(file, pdf);
  return file;
}

const pageText = (file: string, page: number) => execFileSync('pdftotext', ['-layout', '-f', String(page), '-l', String(page), file, '-'], { encoding: 'utf8' });

/** The words of the PDF in reading order, as pdftotext sees them. */
function words(file: string): string[] {
  const html = execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return [...html.matchAll(/<word [^>]*>([^<]*)<\/word>/g)].map((match) =>
    (match[1] ?? '')
      .replace(/&amp;/g, '&')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"'),
  );
}

/** Places where two consecutive PDF words join into one of `wanted`: a word broken across lines. */
function brokenWords(pdfWords: string[], wanted: Set<string>): string[] {
  const broken: string[] = [];
  for (let index = 0; index + 1 < pdfWords.length; index += 1) {
    const left = pdfWords[index] as string;
    const right = pdfWords[index + 1] as string;
    if (!wanted.has(left) && !wanted.has(right) && wanted.has(left + right)) broken.push(`${left}|${right}`);
  }
  return broken;
}

/** The header words of every table in the Markdown, as markdown-it parses them. */
function headerWords(markdown: string): Set<string> {
  const tokens = createMarkdown().parse(markdown, {});
  const found = new Set<string>();
  let inHeader = false;
  for (const token of tokens) {
    if (token.type === 'thead_open') inHeader = true;
    if (token.type === 'thead_close') inHeader = false;
    if (inHeader && token.type === 'inline') for (const word of token.content.split(/\s+/)) if (/^[\p{L}]{3,}$/u.test(word)) found.add(word);
  }
  return found;
}

describe('PDF layout', () => {
  let renderer: PdfRenderer;

  beforeAll(async () => {
    renderer = await launchPdfRenderer();
  }, 60_000);

  afterAll(async () => {
    await renderer?.close();
  });

  it('prints the contents with the page each heading is on', async () => {
    const filler = Array.from({ length: 60 }, (_, index) => `Paragraph ${index} of filler text that takes a line or two of the page.`).join('\n\n');
    const markdown = `# Executive summary\n\nShort.\n\n# First part\n\n## Early section\n\n${filler}\n\n## Late section\n\n${filler}\n\n# Second part\n\n## Final section\n\ntext\n`;
    const file = save(await renderPdf(renderer, { markdown, cover: { id: 'T-1', title: 'Pages', rows: [] } }, 'T-1'));
    const numbers = await pdfPageNumbers(new Uint8Array(readFileSync(file)));
    const contents = pageText(file, 2);
    expect(contents).toContain('Contents');
    for (const [id, title] of [
      ['late-section', 'Late section'],
      ['final-section', 'Final section'],
      ['early-section', 'Early section'],
    ] as const) {
      const page = numbers.get(id);
      expect(page, id).toBeGreaterThan(2);
      expect(contents).toMatch(new RegExp(`${title}[ .]*${page}\\s*$`, 'm'));
      expect(pageText(file, page as number)).toContain(title);
    }
    expect(numbers.get('late-section')).toBeGreaterThan(numbers.get('early-section') as number);
  }, 60_000);

  it('sizes table columns to their content: headers whole, paths broken only after / . _ -, numbers right-aligned', async () => {
    const path1 = 'api/upload_pipeline/webhooks/llamaparse/handlers/completion_callback_processing.py';
    const header = '| Rank | Hypothesis | Category | Score | Proposed | Environment | Configuration | Occurrences | Location |';
    const rule = '| ---: | --- | --- | ---: | --- | --- | --- | ---: | --- |';
    const rows = Array.from(
      { length: 4 },
      (_, index) => `| ${index + 1} | A defect in the application code number ${index} | \`db-pool-exhaustion\` | 0.${index}1 | proposed | staging | pool_size differs | 1,20${index} | \`${path1}\` |`,
    );
    const markdown = `# Tables\n\n${[header, rule, ...rows].join('\n')}\n`;
    const file = save(await renderer.render(toHtmlDocument({ markdown, cover: { id: 'T-2', title: 'Tables', rows: [] } }), 'T-2'));
    const pdfWords = words(file);
    const wanted = new Set(
      header
        .split('|')
        .map((cell) => cell.trim())
        .filter(Boolean),
    );
    expect(brokenWords(pdfWords, wanted)).toEqual([]);
    for (const word of wanted) expect(pdfWords, word).toContain(word);
    // The path: its pieces, in order, each ending at a separator.
    const start = pdfWords.findIndex((word) => word.length > 3 && path1.startsWith(word));
    expect(start).toBeGreaterThanOrEqual(0);
    let joined = '';
    const pieces: string[] = [];
    for (let index = start; joined.length < path1.length && index < pdfWords.length; index += 1) {
      joined += pdfWords[index];
      pieces.push(pdfWords[index] as string);
    }
    expect(joined).toBe(path1);
    for (const piece of pieces.slice(0, -1)) expect(piece, pieces.join(' | ')).toMatch(/[/._-]$/);
    const html = toHtmlDocument({ markdown, cover: { id: 'T-2', title: 'Tables', rows: [] } });
    expect(html).toContain('<td style="text-align:right">0.01</td>');
  }, 60_000);

  it('prints collapsible evidence open, with its summary', async () => {
    const markdown = '# Evidence\n\n<details>\n<summary>Evidence (2)</summary>\n\n- first reference line\n- second reference line\n\n</details>\n';
    const file = save(await renderer.render(toHtmlDocument({ markdown, cover: { id: 'T-3', title: 'Details', rows: [] } }), 'T-3'));
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('Evidence (2)');
    expect(text).toContain('first reference line');
    expect(text).toContain('second reference line');
  }, 60_000);

  it('FM-028: executive summary on page 1, no table header broken, the four deliverables within 12 pages', async () => {
    const loaded = loadManifest(SAMPLE, { ...process.env, DATABASE_URL: '' });
    const analysis = analyzeIncident(loadEvidence(SAMPLE), loaded.manifest.conclusions, { sample: true });
    const rendered = await renderMarkdown(analysis);
    const markdown = rendered.files.get(rendered.combinedName) ?? '';
    const pdf = await renderPdf(renderer, { markdown, cover: pdfCover(analysis), images: rendered.charts }, analysis.incident.id);
    const file = save(pdf);
    const first = pageText(file, 1);
    for (const text of ['Executive summary', 'User impact.', 'Root cause (proposed).', 'Recommended fix.', 'Action items', 'Escalation criteria', 'Status:']) expect(first).toContain(text);
    const wanted = headerWords(markdown);
    expect(wanted.size).toBeGreaterThan(20);
    expect(brokenWords(words(file), wanted)).toEqual([]);
    const numbers = await pdfPageNumbers(new Uint8Array(pdf));
    const id = (title: string) => [...numbers.keys()].find((key) => key.startsWith(title)) ?? title;
    const body = (numbers.get('appendix') ?? 0) - (numbers.get(id('root-cause-report-')) ?? 0);
    expect(body).toBeGreaterThan(3);
    expect(body).toBeLessThanOrEqual(12);
  }, 120_000);
});
