// Markdown -> HTML (markdown-it, raw HTML off) -> PDF (puppeteer-core driving a system Chromium, network blocked).
import { existsSync } from 'node:fs';
import MarkdownIt from 'markdown-it';
import type { Browser } from 'puppeteer-core';
import { escapeHtml, slugify } from './lib/escape.ts';
import { detailsBlocks } from './render/details.ts';
import { pdfStyles } from './render/styles.ts';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

const CANDIDATE_BROWSERS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium'];

export class BrowserMissingError extends Error {
  constructor(detail: string) {
    super(
      `${detail}\nInstall one with \`apt-get install -y chromium fonts-noto-color-emoji fonts-noto-core\` (Debian/Ubuntu), ` +
        'or set PUPPETEER_EXECUTABLE_PATH to a Chrome or Chromium binary. Use --format md to skip the PDF.',
    );
    this.name = 'BrowserMissingError';
  }
}

/** PUPPETEER_EXECUTABLE_PATH, else the first system Chrome/Chromium found. */
export function findBrowser(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.PUPPETEER_EXECUTABLE_PATH;
  if (configured) {
    if (!existsSync(configured)) throw new BrowserMissingError(`PUPPETEER_EXECUTABLE_PATH points at ${configured}, which does not exist.`);
    return configured;
  }
  const found = CANDIDATE_BROWSERS.find((candidate) => existsSync(candidate));
  if (!found) throw new BrowserMissingError(`No Chrome or Chromium found (looked at ${CANDIDATE_BROWSERS.join(', ')}).`);
  return found;
}

export function createMarkdown(): MarkdownIt {
  const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });
  markdown.use(detailsBlocks);
  const slugs = new Map<string, number>();
  markdown.core.ruler.push('heading_ids', (state) => {
    slugs.clear();
    const tokens = state.tokens;
    for (let index = 0; index < tokens.length; index += 1) {
      const token = tokens[index];
      if (token?.type !== 'heading_open') continue;
      const text = tokens[index + 1]?.content ?? '';
      token.attrSet('id', uniqueSlug(slugify(text), slugs));
    }
  });
  return markdown;
}

function uniqueSlug(slug: string, seen: Map<string, number>): string {
  const count = seen.get(slug) ?? 0;
  seen.set(slug, count + 1);
  return count === 0 ? slug : `${slug}-${count}`;
}

export interface CoverInfo {
  id: string;
  title: string;
  rows: [string, string][];
  notice?: string;
}

export interface HtmlDocumentInput {
  markdown: string;
  cover: CoverInfo;
  /** Chart files referenced from the Markdown (relative path -> SVG text), inlined into the page. */
  images?: Map<string, string>;
}

interface TocEntry {
  level: number;
  id: string;
  text: string;
}

function tableOfContents(markdown: MarkdownIt, source: string): TocEntry[] {
  const entries: TocEntry[] = [];
  const tokens = markdown.parse(source, {});
  const seen = new Map<string, number>();
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index];
    if (token?.type !== 'heading_open') continue;
    const text = tokens[index + 1]?.content ?? '';
    const id = uniqueSlug(slugify(text), seen);
    const level = Number(token.tag.slice(1));
    if (level <= 2) entries.push({ level, id, text: text.replace(/\\(.)/g, '$1') });
  }
  return entries;
}

/** A self-contained HTML page: cover, contents, body; images inlined as data URIs; nothing remote. */
export function toHtmlDocument(input: HtmlDocumentInput): string {
  const markdown = createMarkdown();
  const defaultImage = markdown.renderer.rules.image;
  markdown.renderer.rules.image = (tokens, index, options, env, self) => {
    const token = tokens[index];
    const source = token?.attrGet('src') ?? '';
    const svg = input.images?.get(source);
    if (token && svg !== undefined) token.attrSet('src', `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`);
    else if (token && !source.startsWith('data:')) token.attrSet('src', '');
    return defaultImage ? defaultImage(tokens, index, options, env, self) : self.renderToken(tokens, index, options);
  };
  const body = markdown.render(input.markdown);
  const toc = tableOfContents(markdown, input.markdown)
    .map((entry) => `<li class="toc-${entry.level}"><a href="#${escapeHtml(entry.id)}">${escapeHtml(entry.text)}</a></li>`)
    .join('\n');
  const coverRows = input.cover.rows.map(([key, value]) => `<tr><th>${escapeHtml(key)}</th><td>${escapeHtml(value)}</td></tr>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:">
<title>${escapeHtml(input.cover.id)}: ${escapeHtml(input.cover.title)}</title>
<style>${pdfStyles}</style></head>
<body>
<section class="cover">
<p class="cover-kicker">FRACAS incident report</p>
<h1 class="cover-title">${escapeHtml(input.cover.id)}<br>${escapeHtml(input.cover.title)}</h1>
<table class="cover-meta">${coverRows}</table>
${input.cover.notice ? `<p class="cover-notice">${escapeHtml(input.cover.notice)}</p>` : ''}
</section>
<nav class="toc"><h2 class="toc-title">Contents</h2><ol>${toc}</ol></nav>
<main>${body}</main>
</body></html>`;
}

export interface PdfRenderer {
  render(html: string, incidentId: string): Promise<Buffer>;
  close(): Promise<void>;
}

/** One browser for a whole run; each document gets its own page with JavaScript and network off. */
export async function launchPdfRenderer(env: NodeJS.ProcessEnv = process.env): Promise<PdfRenderer> {
  const executablePath = findBrowser(env);
  const puppeteer = (await import('puppeteer-core')).default;
  let browser: Browser;
  try {
    browser = await puppeteer.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  } catch (error) {
    throw new BrowserMissingError(`Could not start ${executablePath}: ${(error as Error).message.split('\n')[0]}`);
  }
  return {
    async render(html: string, incidentId: string): Promise<Buffer> {
      const page = await browser.newPage();
      try {
        await page.setJavaScriptEnabled(false);
        await page.setRequestInterception(true);
        page.on('request', (request) => {
          if (request.url().startsWith('data:')) void request.continue();
          // A 204 answered here cancels a navigation (meta refresh, link) without an error page and without any network.
          else if (request.isNavigationRequest() && request.frame() === page.mainFrame()) void request.respond({ status: 204, body: '' });
          else void request.abort('blockedbyclient');
        });
        await page.setContent(html, { waitUntil: 'load' });
        const label = escapeHtml(incidentId);
        const pdf = await page.pdf({
          format: 'A4',
          printBackground: true,
          displayHeaderFooter: true,
          margin: { top: '18mm', bottom: '18mm', left: '16mm', right: '16mm' },
          headerTemplate: `<div style="font-size:8px;width:100%;padding:0 16mm;color:#666;font-family:sans-serif;display:flex;justify-content:space-between"><span>${label}</span><span>FRACAS report</span></div>`,
          footerTemplate: `<div style="font-size:8px;width:100%;padding:0 16mm;color:#666;font-family:sans-serif;display:flex;justify-content:space-between"><span>${label}</span><span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`,
        });
        return Buffer.from(pdf);
      } finally {
        await page.close();
      }
    },
    async close() {
      await browser.close();
    },
  };
}
