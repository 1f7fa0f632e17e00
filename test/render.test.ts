// PDF rendering with the system Chromium: cover, contents, page numbers, Unicode; nothing loaded from the network.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserMissingError, findBrowser, launchPdfRenderer, toHtmlDocument, type PdfRenderer } from '../src/render.ts';

function pdfText(pdf: Buffer): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'fracas-pdf-')), 'out.pdf');
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

describe('PDF renderer', () => {
  let renderer: PdfRenderer;
  let server: Server;
  let hits = 0;
  let port = 0;

  beforeAll(async () => {
    server = createServer((_request, response) => {
      hits += 1;
      response.end('x');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    renderer = await launchPdfRenderer();
  }, 60_000);

  afterAll(async () => {
    await renderer?.close();
    server?.close();
  });

  it('writes a cover, a table of contents, page numbers and Unicode text', async () => {
    const markdown = [
      '# Root Cause Report',
      '',
      'Status ✅ — naïve café Ελλάδα Москва 🎉',
      '',
      '## What',
      '',
      'text',
      '',
      '# Solution Design',
      '',
      '## Option A',
      '',
      '| a | b |',
      '| --- | --- |',
      '| 1 | 2 |',
      '',
    ].join('\n');
    const html = toHtmlDocument({ markdown, cover: { id: 'FM-999', title: 'Cover title', rows: [['Severity', 'P1']] } });
    const pdf = await renderer.render(html, 'FM-999');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(pdf);
    expect(text).toContain('Cover title');
    expect(text).toContain('Contents');
    expect(text).toMatch(/Page 1 of \d+/);
    expect(text).toContain('FM-999');
    expect(text).toContain('naïve café Ελλάδα Москва');
    expect(text.indexOf('Contents')).toBeLessThan(text.indexOf('Option A'));
  });

  it('loads nothing from the network, even for images and links in the Markdown', async () => {
    const markdown = `![remote](http://127.0.0.1:${port}/image.png)\n\n[link](http://127.0.0.1:${port}/link)\n`;
    const html = toHtmlDocument({ markdown, cover: { id: 'X', title: 'y', rows: [] } }).replace('</main>', `<img src="http://127.0.0.1:${port}/raw.png"></main>`);
    await renderer.render(html, 'X');
    expect(hits).toBe(0);
  });

  it('explains how to install a browser when none is found', () => {
    expect(() => findBrowser({ PUPPETEER_EXECUTABLE_PATH: '/nonexistent/chrome' })).toThrow(BrowserMissingError);
    expect(() => findBrowser({ PUPPETEER_EXECUTABLE_PATH: '/nonexistent/chrome' })).toThrow(/apt-get install -y chromium/);
  });
});
