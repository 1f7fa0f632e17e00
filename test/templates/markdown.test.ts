// The generated Markdown as people write it: every escape is one Markdown needs, every internal link lands on a heading, appendix entries link back.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import MarkdownIt from 'markdown-it';
import { lint } from 'markdownlint/promise';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeIncident } from '../../src/analysis/index.ts';
import { loadEvidence } from '../../src/evidence/store.ts';
import { loadManifest } from '../../src/manifest/index.ts';
import { createMarkdown, type HeadingAnchor } from '../../src/render.ts';
import { MARKDOWNLINT_CONFIG } from '../../src/render/markdownlint-config.ts';
import { fitSummary, renderMarkdown, SUMMARY_FILE, SUMMARY_MAX_CHARS } from '../../src/render/outputs.ts';

const INCIDENTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/incidents');
const samples = readdirSync(INCIDENTS)
  .filter((name) => existsSync(path.join(INCIDENTS, name, 'evidence', 'evidence.json')))
  .sort();

/** A GFM stand-in: raw HTML and bare URLs are live, as on GitHub. */
const gfm = new MarkdownIt({ html: true, linkify: true });

/** Blocks separated by blank lines, fenced code kept whole (escapes mean nothing there). */
function blocks(markdown: string): string[] {
  const result: string[] = [];
  let current: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const marker = /^(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === undefined && marker) fence = marker;
    else if (fence !== undefined && line.trim() === fence) fence = undefined;
    if (fence === undefined && line.trim() === '' && current.length > 0) {
      result.push(current.join('\n'));
      current = [];
    } else current.push(line);
  }
  if (current.length > 0) result.push(current.join('\n'));
  return result;
}

/** Delimiters that act in pairs: one escape of a pair is enough, so they are judged together per block. */
const PAIRED = new Set(['*', '_', '~', '`']);

/**
 * Backslash escapes Markdown did not need: removing the escape leaves the rendered HTML unchanged. Paired
 * delimiters (* _ ~ `) are judged as a group per block (removing all of them), every other escape on its own.
 */
function needlessEscapes(markdown: string): string[] {
  const found: string[] = [];
  for (const block of blocks(markdown)) {
    if (/^(`{3,}|~{3,})/.test(block)) continue;
    const html = gfm.render(block);
    const escapes = [...block.matchAll(/\\[!-/:-@[-`{-~]/g)].map((match) => ({ index: match.index ?? 0, character: match[0][1] as string }));
    const context = (index: number) => block.slice(Math.max(0, index - 30), index + 20);
    for (const { index, character } of escapes) {
      if (PAIRED.has(character)) continue;
      if (gfm.render(block.slice(0, index) + block.slice(index + 1)) === html) found.push(context(index));
    }
    for (const character of PAIRED) {
      const group = escapes.filter((found) => found.character === character);
      if (group.length === 0) continue;
      const without = group.reduceRight((text, { index }) => text.slice(0, index) + text.slice(index + 1), block);
      if (gfm.render(without) === html) found.push(context(group[0]?.index ?? 0));
    }
  }
  return found;
}

interface Parsed {
  ids: Set<string>;
  links: { href: string; line: number }[];
  headings: HeadingAnchor[];
}

function parse(markdown: string): Parsed {
  const headings: HeadingAnchor[] = [];
  const tokens = createMarkdown(headings).parse(markdown, {});
  const links: Parsed['links'] = [];
  for (const token of tokens) {
    for (const child of token.children ?? []) {
      if (child.type === 'link_open') links.push({ href: child.attrGet('href') ?? '', line: (token.map?.[0] ?? 0) + 1 });
    }
  }
  return { ids: new Set(headings.map((heading) => heading.id)), links, headings };
}

describe.each(samples)('the Markdown of %s', (name) => {
  let files: Map<string, string>;
  let combinedName: string;

  beforeAll(async () => {
    const dir = path.join(INCIDENTS, name);
    const loaded = loadManifest(dir, { ...process.env, DATABASE_URL: '' });
    const analysis = analyzeIncident(loadEvidence(dir), loaded.manifest.conclusions, {
      sample: loaded.manifest.sample,
      review: { timeline: loaded.manifest.timeline, actions: loaded.manifest.actions },
    });
    const rendered = await renderMarkdown(analysis);
    files = rendered.files;
    combinedName = rendered.combinedName;
  }, 60_000);

  it('has no escape that Markdown does not need', () => {
    for (const [file, markdown] of files) expect(needlessEscapes(markdown), file).toEqual([]);
  });

  it('passes markdownlint, summary.md included', async () => {
    const result = await lint({ strings: Object.fromEntries(files), config: MARKDOWNLINT_CONFIG });
    const problems = Object.entries(result).flatMap(([file, errors]) => errors.map((error) => `${file}:${error.lineNumber} ${error.ruleNames.join('/')} ${error.errorContext ?? ''}`));
    expect(problems).toEqual([]);
  });

  it('links only to headings that exist, in the same file or in the named report file', () => {
    const parsed = new Map([...files].map(([file, markdown]) => [file, parse(markdown)]));
    for (const [file, { links }] of parsed) {
      for (const { href, line } of links) {
        if (/^[a-z]+:/i.test(href)) continue;
        const [target = '', fragment] = href.split('#');
        const targetFile = target === '' ? file : decodeURIComponent(target);
        if (targetFile.endsWith('.pdf') || targetFile.endsWith('.svg')) continue;
        expect(files.has(targetFile), `${file}:${line} links to ${href}`).toBe(true);
        if (fragment !== undefined) expect(parsed.get(targetFile)?.ids.has(decodeURIComponent(fragment)), `${file}:${line} links to ${href}`).toBe(true);
      }
    }
  });

  it('links every appendix entry from the body, and back', () => {
    const markdown = files.get(combinedName) ?? '';
    const { headings, links } = parse(markdown);
    const appendixStart = markdown.indexOf('\n# Appendix\n');
    expect(appendixStart).toBeGreaterThan(0);
    const bodyLinks = new Set(parse(markdown.slice(0, appendixStart)).links.map((link) => decodeURIComponent(link.href.replace(/^#/, ''))));
    const appendixIndex = headings.findIndex((heading) => heading.level === 1 && heading.text === 'Appendix');
    const entries = headings.slice(appendixIndex + 1).filter((heading) => heading.level === 3);
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) expect(bodyLinks.has(entry.id), `no link in the body to appendix entry "${entry.text}"`).toBe(true);
    // Each entry's first line is a link back into the body.
    const appendix = markdown.slice(appendixStart);
    for (const entry of entries) {
      const at = appendix.indexOf(`### ${entry.text.replace(/[`]/g, '')}`);
      const after = appendix.slice(at).split('\n').slice(2, 3).join('');
      expect(after, entry.text).toMatch(/^\[↩ [^\]]+\]\(#[^)]+\)/);
    }
    expect(links.length).toBeGreaterThan(entries.length);
  });

  it('keeps summary.md to a ticket comment that stands alone', () => {
    const summary = files.get(SUMMARY_FILE) ?? '';
    expect(summary.length).toBeGreaterThan(500);
    expect(summary.length).toBeLessThanOrEqual(SUMMARY_MAX_CHARS);
    for (const section of ['## Action items', '## Escalation criteria', '## Hypotheses', '**Root cause', '**User impact.**', '**Status:**']) expect(summary).toContain(section);
    expect(summary).toContain(`](${combinedName})`);
  });
});

describe('needless-escape detection', () => {
  it('flags an escape that changes nothing and keeps one that matters', () => {
    expect(needlessEscapes('a \\- b and snake\\_case')).toHaveLength(2);
    expect(needlessEscapes('a \\*b\\* c')).toEqual([]);
    expect(needlessEscapes('see \\<details> here')).toEqual([]);
  });
});

describe('summary.md size', () => {
  it('cuts an over-long summary at a paragraph and says so', () => {
    const long = Array.from({ length: 3000 }, (_, index) => `Paragraph ${index} ${'x'.repeat(40)}`).join('\n\n');
    const fitted = fitSummary(long);
    expect(long.length).toBeGreaterThan(SUMMARY_MAX_CHARS);
    expect(fitted.length).toBeLessThanOrEqual(SUMMARY_MAX_CHARS);
    expect(fitted).toContain('This summary was shortened to fit a ticket comment');
    expect(
      fitted
        .split('\n\n')
        .slice(0, -2)
        .every((paragraph) => /^Paragraph \d+ x+$/.test(paragraph)),
    ).toBe(true);
    expect(fitSummary('short\n')).toBe('short\n');
  });
});
