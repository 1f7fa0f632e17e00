// Hostile evidence stays text: HTML, scripts, remote images, Markdown and template syntax planted in logs, config and DB rows.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import MarkdownIt from 'markdown-it';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, findBrowser, launchPdfRenderer, toHtmlDocument } from '../../src/render.ts';
import { runCliProcess, writeIncidentFiles } from '../helpers/cli.ts';

const SECRET = 'Hostile-Secret-42x';

let server: Server;
let base = '';
const requests: string[] = [];
let root = '';
let dir = '';
let run: { code: number | null; stdout: string; stderr: string };

/** Everything that must stay inert text, with the server's address in every URL. */
function payloads(): string[] {
  return [
    `<script>fetch('${base}/script')</script>`,
    `<img src=${base}/img-tag onerror=alert(1)>`,
    `![pixel](${base}/md-image.png)`,
    `[click me](${base}/md-link)`,
    `<${base}/autolink>`,
    `<iframe src="${base}/iframe"></iframe>`,
    `<link rel="stylesheet" href="${base}/css">`,
    `<style>@import url(${base}/import.css);</style>`,
    `<svg onload="fetch('${base}/svg')"></svg>`,
    `<object data="${base}/object"></object>`,
    `{{constructor.constructor 'return process'}}`,
    '{{#each this}}{{@key}}{{/each}} {{> header}} {{{raw}}}',
    '```\n# Injected heading\n```',
    '~~~\n## Injected tilde heading\n~~~',
    '</details><details><summary>Injected summary</summary>',
    '| injected | table |\n|---|---|\n| a | b |',
    `[ref]: ${base}/reference-link`,
    '[js](javascript:alert(1))',
    `<a href="${base}/anchor">anchor</a>`,
    `${base}/bare-url`,
  ];
}

function writeIncident(): void {
  const hostile = payloads();
  const minute = (index: number) => `2026-11-20T08:${String(10 + (index % 40)).padStart(2, '0')}:00Z`;
  const logLines: string[] = [];
  for (let round = 0; round < 3; round += 1) {
    hostile.forEach((payload, index) => {
      logLines.push(
        JSON.stringify({
          timestamp: minute(index + round),
          level: 'error',
          message: `upload failed for job_id=0c8d7e6f-5a4b-4c3d-8e2f-1a0b9c8d7e6${index % 10}: ${payload}`,
          logger: `worker ${payload}`,
        }),
      );
    });
  }
  logLines.push(JSON.stringify({ timestamp: minute(1), level: 'error', message: `db connect failed password=${SECRET} <script>x</script>` }));
  const yamlString = (text: string) => JSON.stringify(text);
  const staging = [
    'database:',
    '  pool_size: 5',
    `  password: ${yamlString(SECRET)}`,
    `banner: ${yamlString(hostile[0] ?? '')}`,
    `footer: ${yamlString(hostile[2] ?? '')}`,
    `motd: ${yamlString(hostile[12] ?? '')}`,
    'features:',
    `  ${yamlString(hostile[1] ?? '')}: true`,
    `  ${yamlString(hostile[10] ?? '')}: 1`,
    '',
  ].join('\n');
  const production = [
    'database:',
    '  pool_size: 20',
    '  password: other-secret-value-9',
    `banner: ${yamlString(hostile[3] ?? '')}`,
    `footer: ${yamlString(hostile[4] ?? '')}`,
    `motd: ${yamlString(hostile[14] ?? '')}`,
    'features:',
    `  ${yamlString(hostile[5] ?? '')}: false`,
    '',
  ].join('\n');
  const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;
  const rows = hostile.map(
    (payload, index) =>
      `  ('0c8d7e6f-5a4b-4c3d-8e2f-1a0b9c8d7e${String(index).padStart(2, '0')}', ${quote(`doc ${payload}`)}, 'working', ${quote(`LlamaParse said: ${payload}`)}, 3, '2026-11-20T06:00:00Z', '2026-11-20T07:00:00Z')`,
  );
  const seed = [
    'CREATE SCHEMA upload_pipeline;',
    "CREATE TABLE upload_pipeline.upload_jobs (job_id uuid PRIMARY KEY, document_id text NOT NULL, state text NOT NULL, status text NOT NULL DEFAULT 'parsing', last_error text, retry_count int NOT NULL DEFAULT 0, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL);",
    `INSERT INTO upload_pipeline.upload_jobs (job_id, document_id, state, last_error, retry_count, created_at, updated_at) VALUES\n${rows.join(',\n')};`,
    '',
  ].join('\n');
  const manifest = [
    'id: HOSTILE-1',
    `title: ${yamlString(`Hostile <script>alert(1)</script> [t](${base}/title) {{constructor}}`)}`,
    'severity: P2',
    'environment: staging',
    `service: ${yamlString(`svc <img src=${base}/service>`)}`,
    'window:',
    '  start: 2026-11-20T08:00:00Z',
    '  end: 2026-11-20T09:00:00Z',
    `summary: ${yamlString(`![s](${base}/summary) \`\`\` {{#each this}}x{{/each}}`)}`,
    'sources:',
    '  - id: app-logs',
    '    kind: logs',
    '    paths: [logs/app.jsonl]',
    '    format: json-lines',
    '  - id: jobs-db',
    '    kind: database',
    '    seed: [db/seed.sql]',
    "    asOf: '2026-11-20T09:00:00Z'",
    '    jobs:',
    '      stuckAfterMinutes: 30',
    '  - id: environment-config',
    '    kind: config',
    '    left: { label: staging, path: config/staging.yaml }',
    '    right: { label: production, path: config/production.yaml }',
    '',
  ].join('\n');
  writeIncidentFiles(dir, {
    'logs/app.jsonl': `${logLines.join('\n')}\n`,
    'config/staging.yaml': staging,
    'config/production.yaml': production,
    'db/seed.sql': seed,
    'incident.yaml': manifest,
  });
}

const fracas = (args: string[]) => runCliProcess(args);

function reportFiles(): { name: string; text: string }[] {
  const reportDir = path.join(dir, 'report');
  return readdirSync(reportDir)
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => ({ name, text: readFileSync(path.join(reportDir, name), 'utf8') }));
}

interface Token {
  type: string;
  tag: string;
  content: string;
  attrs: [string, string][] | null;
  children: Token[] | null;
}

function allTokens(tokens: Token[]): Token[] {
  return tokens.flatMap((token) => [token, ...allTokens(token.children ?? [])]);
}

beforeAll(async () => {
  server = createServer((request, response) => {
    requests.push(request.url ?? '');
    response.writeHead(200, { 'content-type': 'image/png' });
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The server works and counts: a request made on purpose is seen.
  await fetch(`${base}/sanity`);
  expect(requests).toEqual(['/sanity']);
  requests.length = 0;
  root = mkdtempSync(path.join(tmpdir(), 'fracas-hostile-'));
  dir = path.join(root, 'hostile');
  writeIncident();
  run = await fracas(['report', dir, '--json']);
}, 300_000);

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(root, { recursive: true, force: true });
});

describe('hostile evidence through `fracas report`', () => {
  it('writes the report and the PDF', () => {
    const summary = JSON.parse(run.stdout) as { pdf: string; exitCode: number; sources: { id: string; status: string }[] };
    expect(
      summary.sources.map((source) => `${source.id}:${source.status}`),
      run.stderr,
    ).toEqual(['app-logs:ok', 'jobs-db:ok', 'environment-config:ok']);
    expect(summary.pdf, run.stderr).toBe('ok');
    expect(run.code).toBe(0);
  });

  it('made no request to the local server (PDF rendering loads nothing)', () => {
    expect(requests).toEqual([]);
  });

  it('carried the hostile content into the report, as text', () => {
    const all = reportFiles()
      .map((file) => file.text)
      .join('\n');
    const markdown = new MarkdownIt({ html: false });
    const text = allTokens(markdown.parse(all, {}) as unknown as Token[])
      .filter((token) => token.type === 'text' || token.type === 'code_inline' || token.type === 'fence')
      .map((token) => token.content)
      .join('\n');
    // The test would prove nothing if the payloads never reached the report.
    expect(text).toContain('<script>');
    expect(text).toContain('{{constructor');
    expect(text).toContain(`${base}/`);
  });

  it('leaves no live HTML, image, link or heading from evidence in the Markdown, even for a viewer that allows raw HTML', () => {
    const viewer = new MarkdownIt({ html: true, linkify: false });
    for (const file of reportFiles()) {
      const tokens = allTokens(viewer.parse(file.text, {}) as unknown as Token[]);
      const html = tokens
        .filter((token) => token.type === 'html_block' || token.type === 'html_inline')
        .flatMap((token) => token.content.split('\n'))
        .map((line) => line.trim())
        .filter((line) => line !== '');
      // Only the report's own collapsible sections (summaries are escaped text).
      expect(
        html.filter((line) => !/^(<\/?details>|<summary>[^<>]*<\/summary>)$/.test(line)),
        file.name,
      ).toEqual([]);
      const images = tokens.filter((token) => token.type === 'image').map((token) => token.attrs?.find(([name]) => name === 'src')?.[1] ?? '');
      expect(
        images.filter((src) => !/^(charts\/)?[\w.-]+\.svg$/.test(src)),
        file.name,
      ).toEqual([]);
      const links = tokens.filter((token) => token.type === 'link_open').map((token) => token.attrs?.find(([name]) => name === 'href')?.[1] ?? '');
      expect(
        links.filter((href) => !href.startsWith('#') && !/^(charts\/)?[\w./-]+\.(md|svg|json|pdf)(#[\w-]*)?$/.test(href)),
        file.name,
      ).toEqual([]);
      const headings = tokens.filter((token, index) => token.type === 'inline' && tokens[index - 1]?.type === 'heading_open').map((token) => token.content);
      expect(
        headings.filter((heading) => /Injected/.test(heading)),
        file.name,
      ).toEqual([]);
      expect(file.text, file.name).not.toMatch(/\[object Object\]|function Function|\[native code\]/);
    }
  });

  it('produces a PDF page with no script, remote resource or event handler from evidence', () => {
    const combined = reportFiles().find((file) => file.name === 'HOSTILE-1.md');
    expect(combined).toBeDefined();
    const html = toHtmlDocument({ markdown: combined?.text ?? '', cover: { id: 'HOSTILE-1', title: `<script>alert(1)</script>`, rows: [['Service', `<img src=${base}/cover>`]] } });
    expect(html).toContain('Content-Security-Policy" content="default-src \'none\'');
    const body = html.slice(html.indexOf('<body>'));
    expect(body).not.toMatch(/<(script|iframe|link|object|embed|svg|style|meta|base|form|input|video|audio|source)\b/i);
    expect(body).not.toMatch(/<[^>]*\son[a-z]+\s*=/i);
    for (const match of body.matchAll(/<img\b[^>]*>/gi)) expect(match[0]).toMatch(/src="(data:[^"]*)?"/);
    for (const match of body.matchAll(/<a\b[^>]*href="([^"]*)"/gi)) expect(match[1]).toMatch(/^#/);
  });

  it('has a PDF renderer that loads nothing and runs no script even when handed raw HTML', async () => {
    const html = `<!doctype html><html><head>
<link rel="stylesheet" href="${base}/raw-link.css"><link rel="preload" as="image" href="${base}/raw-preload.png">
<style>@import url(${base}/raw-import.css); @font-face { font-family: x; src: url(${base}/raw-font.woff); } body { background: url(${base}/raw-bg.png); font-family: x; }</style>
<meta http-equiv="refresh" content="0;url=${base}/raw-refresh">
</head><body>
<img src="${base}/raw-img.png"><iframe src="${base}/raw-iframe"></iframe><object data="${base}/raw-object"></object>
<video poster="${base}/raw-poster.png"></video><svg><image href="${base}/raw-svg-image.png" width="10" height="10"/></svg>
<div style="background-image: url(${base}/raw-inline.png)">x</div>
<script>fetch('${base}/raw-script'); new Image().src = '${base}/raw-script-img';</script>
</body></html>`;
    const renderer = await launchPdfRenderer();
    try {
      const pdf = await renderer.render(html, 'HOSTILE-1');
      expect(pdf.subarray(0, 4).toString('latin1')).toBe('%PDF');
    } finally {
      await renderer.close();
    }
    expect(requests).toEqual([]);
    // Control: the same page in an unprotected Chromium page does reach the server, so the check above can fail.
    const puppeteer = (await import('puppeteer-core')).default;
    const browser = await puppeteer.launch({ executablePath: findBrowser(), headless: true, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      // The meta refresh may navigate away mid-load and destroy the context; the requests it made are what counts.
      await page.setContent(html, { waitUntil: 'load' }).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      await browser.close();
    }
    expect(requests.length).toBeGreaterThan(0);
    requests.length = 0;
  }, 120_000);

  it('shows the hostile text in the PDF as text', () => {
    const pdf = readdirSync(path.join(dir, 'report')).find((name) => name.endsWith('.pdf'));
    expect(pdf).toBeDefined();
    const text = execFileSync('pdftotext', ['-layout', path.join(dir, 'report', pdf ?? ''), '-'], { encoding: 'utf8' });
    expect(text).toContain('<script>');
  });

  it('redacts the planted secret from the evidence, every report, the PDF and --json', () => {
    const evidence = readFileSync(path.join(dir, 'evidence', 'evidence.json'), 'utf8');
    expect(evidence).not.toContain(SECRET);
    expect(evidence).toContain('[REDACTED:');
    for (const file of reportFiles()) expect(file.text, file.name).not.toContain(SECRET);
    const pdf = readdirSync(path.join(dir, 'report')).find((name) => name.endsWith('.pdf')) ?? '';
    expect(execFileSync('pdftotext', [path.join(dir, 'report', pdf), '-'], { encoding: 'utf8' })).not.toContain(SECRET);
    expect(run.stdout).not.toContain(SECRET);
    expect(run.stderr).not.toContain(SECRET);
  });
});
