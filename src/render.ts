// Markdown -> HTML (markdown-it, raw HTML off, heading anchors) -> PDF (puppeteer-core driving a system Chromium, network blocked).
import { existsSync } from 'node:fs';
import path from 'node:path';
import MarkdownIt from 'markdown-it';
import type { Browser } from 'puppeteer-core';
import anchor from 'markdown-it-anchor';
import { escapeHtml, slugify } from './lib/escape.ts';
import { guardBrowser } from './render/browser-process.ts';
import { detailsBlocks } from './render/details.ts';
import { pdfStyles } from './render/styles.ts';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];

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

export interface HeadingAnchor {
  level: number;
  id: string;
  text: string;
}

/**
 * The deliverables' Markdown dialect: CommonMark + tables, raw HTML off except the details whitelist, heading ids
 * from markdown-it-anchor with GitHub's slugs (so links written in the Markdown work on GitHub and in the PDF).
 * `headings` receives every heading of each render, in order.
 */
export function createMarkdown(headings?: HeadingAnchor[]): MarkdownIt {
  const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });
  markdown.use(detailsBlocks);
  markdown.use(anchor, {
    slugify,
    uniqueSlugStartIndex: 1,
    tabIndex: false,
    callback: (token, info) => headings?.push({ level: Number(token.tag.slice(1)), id: info.slug, text: info.title }),
  });
  breakableTables(markdown);
  return markdown;
}

const LONG_WORD = 16;

/** Inside table cells, long paths and identifiers may break only after `/`, `.`, `_`, `-` (a <wbr> there), never inside a word. */
function breakableTables(markdown: MarkdownIt): void {
  const rules = markdown.renderer.rules;
  for (const tag of ['td', 'th'] as const) {
    rules[`${tag}_open`] = (tokens, index, options, env: { inCell?: boolean }, self) => {
      env.inCell = true;
      return self.renderToken(tokens, index, options);
    };
    rules[`${tag}_close`] = (tokens, index, options, env: { inCell?: boolean }, self) => {
      env.inCell = false;
      return self.renderToken(tokens, index, options);
    };
  }
  // Only long words get break points: a short id such as "render-logs" stays whole.
  const breakable = (content: string) =>
    content
      .split(/(\s+)/)
      .map((word) => (word.length >= LONG_WORD ? escapeHtml(word).replace(/([/._-])(?=[^\s/._-])/g, '$1<wbr>') : escapeHtml(word)))
      .join('');
  rules.text = (tokens, index, _options, env: { inCell?: boolean }) => {
    const content = tokens[index]?.content ?? '';
    return env?.inCell ? breakable(content) : escapeHtml(content);
  };
  rules.code_inline = (tokens, index, _options, env: { inCell?: boolean }, self) => {
    const token = tokens[index];
    const content = token?.content ?? '';
    return `<code${token ? self.renderAttrs(token) : ''}>${env?.inCell ? breakable(content) : escapeHtml(content)}</code>`;
  };
}

interface CoverInfo {
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
  /** Heading id -> PDF page number, from a first print (see pdfPageNumbers); the contents show them when given. */
  pageNumbers?: Map<string, number>;
}

/**
 * A self-contained HTML page: a title block, the first part of the Markdown (the executive summary), the contents,
 * the rest; images inlined as data URIs; nothing remote. Headings are parsed once: their ids feed the contents.
 */
export function toHtmlDocument(input: HtmlDocumentInput): string {
  const headings: HeadingAnchor[] = [];
  const markdown = createMarkdown(headings);
  const defaultImage = markdown.renderer.rules.image;
  markdown.renderer.rules.image = (tokens, index, options, env, self) => {
    const token = tokens[index];
    const source = token?.attrGet('src') ?? '';
    const svg = input.images?.get(source);
    if (token && svg !== undefined) token.attrSet('src', `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`);
    else if (token && !source.startsWith('data:')) token.attrSet('src', '');
    return defaultImage ? defaultImage(tokens, index, options, env, self) : self.renderToken(tokens, index, options);
  };
  const env = {};
  const tokens = markdown.parse(input.markdown, env);
  // The contents go before the second top-level heading: page 1 is the title block and the first section.
  const h1s = tokens.map((token, index) => (token.type === 'heading_open' && token.tag === 'h1' ? index : -1)).filter((index) => index >= 0);
  const split = h1s.length > 1 ? (h1s[1] as number) : tokens.length;
  const first = markdown.renderer.render(tokens.slice(0, split), markdown.options, env);
  const rest = markdown.renderer.render(tokens.slice(split), markdown.options, env);
  const toc = headings
    .filter((entry) => entry.level <= 2)
    .map((entry) => {
      const page = input.pageNumbers?.get(entry.id);
      return `<li class="toc-${entry.level}"><a href="#${escapeHtml(entry.id)}"><span class="toc-text">${escapeHtml(entry.text)}</span><span class="toc-page">${page === undefined ? '' : page}</span></a></li>`;
    })
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
<p class="cover-title">${escapeHtml(input.cover.id)}: ${escapeHtml(input.cover.title)}</p>
<table class="cover-meta">${coverRows}</table>
${input.cover.notice ? `<p class="cover-notice">${escapeHtml(input.cover.notice)}</p>` : ''}
</section>
<main>${first}
<nav class="toc"><h2 class="toc-title">Contents</h2><ol>${toc}</ol></nav>
${rest}</main>
</body></html>`;
}

/** Heading id -> 1-based page number, read from the named destinations Chromium writes for every link target. */
export async function pdfPageNumbers(pdf: Uint8Array): Promise<Map<string, number>> {
  const { PDFDocument, PDFArray, PDFDict, PDFName, PDFRef } = await import('pdf-lib');
  const document = await PDFDocument.load(pdf, { updateMetadata: false });
  const pageIndex = new Map(document.getPages().map((page, index) => [page.ref.toString(), index + 1]));
  const numbers = new Map<string, number>();
  const dests = document.catalog.lookupMaybe(PDFName.of('Dests'), PDFDict);
  if (!dests) return numbers;
  for (const [name, value] of dests.entries()) {
    const target = value instanceof PDFRef ? document.context.lookup(value) : value;
    const array = target instanceof PDFArray ? target : target instanceof PDFDict ? target.lookupMaybe(PDFName.of('D'), PDFArray) : undefined;
    const page = array?.get(0);
    const number = page instanceof PDFRef ? pageIndex.get(page.toString()) : undefined;
    if (number !== undefined) numbers.set(decodeName(name.asString()), number);
  }
  return numbers;
}

function decodeName(name: string): string {
  const raw = name.replace(/^\//, '');
  const bytes = Buffer.from(
    raw.replace(/#([0-9a-fA-F]{2})/g, (_whole, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
    'latin1',
  );
  return bytes.toString('utf8');
}

export interface PdfRenderer {
  render(html: string, incidentId: string): Promise<Buffer>;
  close(): Promise<void>;
}

/** One browser for a whole run; each document gets its own page with JavaScript and network off. */
export async function launchPdfRenderer(env: NodeJS.ProcessEnv = process.env): Promise<PdfRenderer> {
  const executablePath = findBrowser(env);
  const puppeteer = (await import('puppeteer-core')).default;
  const guard = guardBrowser();
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      userDataDir: guard.profileDir,
      // Over a pipe, Chromium exits by itself when fracas dies without a chance to clean up (SIGKILL).
      pipe: true,
      // Signals are handled by the guard (kill the group, remove the profile, then let the signal end fracas);
      // puppeteer's own handlers would close the browser and let the run go on without it.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      // Chromium's crash database (and the crash handlers' --database) inside the profile, not in ~/.config.
      env: { ...process.env, CHROME_CONFIG_HOME: path.join(guard.profileDir, 'config') },
    });
  } catch (error) {
    guard.release();
    throw new BrowserMissingError(`Could not start ${executablePath}: ${(error as Error).message.split('\n')[0]}`);
  }
  guard.setBrowserPid(browser.process()?.pid);
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
          outline: true,
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
      try {
        await browser.close();
      } finally {
        guard.release();
      }
    },
  };
}
