// Markdown table cells from hostile strings: however the text looks, a row keeps its cell count after rendering and each cell keeps its text; evidence references and links in rows included, and templates use only such helpers in rows.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import Handlebars from 'handlebars';
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import type { EvidenceRef } from '../../src/evidence/schema.ts';
import { tableCell, tableCodeSpan } from '../../src/lib/escape.ts';
import { createHandlebars, refLocation, TABLE_ROW_HELPERS, TEMPLATE_DIR } from '../../src/render/handlebars.ts';

const markdown = new MarkdownIt({ html: false });
const HOSTILE = ['|', '\\|', '`', '``', '\\', '*', '_', '[', ']', '(', ')', '<', '>', '&', '#', '-', ':', '~', '!', ' ', 'a', 'Z', '9', '|`|', '\\`'];
const hostile = fc
  .array(fc.constantFrom(...HOSTILE), { minLength: 1, maxLength: 24 })
  .map((parts) => parts.join('').trim())
  .filter((text) => text.length > 0);

/** The cells of the first body row, as HTML. */
function bodyCellsHtml(html: string): string[] {
  const row = /<tbody>\s*<tr>([\s\S]*?)<\/tr>/.exec(html)?.[1] ?? '';
  return [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((match) => match[1]!);
}

/** The cells of the first body row, as text (tags stripped, entities decoded). */
function bodyCells(html: string): string[] {
  return bodyCellsHtml(html).map((cell) =>
    cell
      .replace(/<[^>]+>/g, '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&'),
  );
}

describe('table cells', () => {
  it('keep three cells and their text for any mix of pipes, backticks and backslashes, in text and in code spans', () => {
    fc.assert(
      fc.property(hostile, hostile, hostile, (first, code, last) => {
        const html = markdown.render(`| a | b | c |\n| --- | --- | --- |\n| ${tableCell(first)} | ${tableCodeSpan(code)} | ${tableCell(last)} |\n`);
        const cells = bodyCells(html);
        expect(cells).toHaveLength(3);
        expect(cells[1]!.trim()).toBe(code.trim());
        expect(cells[0]!.replace(/\s+/g, ' ').trim()).toBe(first.replace(/\s+/g, ' ').trim());
        expect(cells[2]!.replace(/\s+/g, ' ').trim()).toBe(last.replace(/\s+/g, ' ').trim());
      }),
      { numRuns: 400 },
    );
  });

  it('a config key with a pipe in a code span stays in its cell', () => {
    const cells = bodyCells(markdown.render(`| key | risk |\n| --- | --- |\n| ${tableCodeSpan('matrix|0.url')} | high |\n`));
    expect(cells).toEqual(['matrix|0.url', 'high']);
  });

  const source = hostile;
  const line = fc.nat({ max: 100_000 });
  const ref: fc.Arbitrary<EvidenceRef> = fc.oneof(
    fc.record({ kind: fc.constant('log-record' as const), source, file: hostile, line, excerpt: hostile }),
    fc.record({ kind: fc.constant('query-row' as const), source, check: hostile, row: line, excerpt: hostile }),
    fc.record({ kind: fc.constant('config-path' as const), source, file: hostile, path: hostile, line, excerpt: hostile }),
    fc.record({ kind: fc.constant('file-line' as const), source, file: hostile, line, excerpt: hostile }),
  );
  const row = createHandlebars().compile('| h1 | h2 | h3 |\n| --- | --- | --- |\n| {{cellRef ref}} | {{cellRefLink ref "Full timeline"}} | {{see title}} |\n', { noEscape: true, strict: false });
  const normal = (value: string) => value.replace(/\s+/g, ' ').trim();

  it('keep three cells for evidence references and links whose source ids, paths, keys and titles hold pipes, backticks and backslashes', () => {
    fc.assert(
      fc.property(ref, hostile, (evidence, title) => {
        const html = markdown.render(row({ ref: evidence, title }));
        const cells = bodyCells(html);
        expect(cells).toHaveLength(3);
        expect(normal(cells[0]!)).toBe(normal(refLocation(evidence)));
        expect(normal(cells[1]!)).toBe(normal(refLocation(evidence)));
        expect(bodyCellsHtml(html)[1]).toMatch(/^<a href="#full-timeline"><code>/);
        expect(normal(cells[2]!)).toBe(normal(title));
        expect(bodyCellsHtml(html)[2]).toMatch(/^<a href="#/);
      }),
      { numRuns: 400 },
    );
  });

  it('a config path with a pipe, as an evidence reference in a row, stays in its cell', () => {
    const evidence: EvidenceRef = { kind: 'config-path', source: 'app|config', file: 'values.yaml', path: 'matrix|0.url', line: 4, excerpt: '' };
    const cells = bodyCells(markdown.render(row({ ref: evidence, title: 'a | b' })));
    expect(cells).toEqual(['app|config: values.yaml:4 matrix|0.url', 'app|config: values.yaml:4 matrix|0.url', 'a | b']);
  });

  it('templates print in table rows only through the helpers that keep cells', () => {
    const files = [TEMPLATE_DIR, path.join(TEMPLATE_DIR, 'partials')].flatMap((dir) =>
      readdirSync(dir)
        .filter((name) => name.endsWith('.hbs'))
        .map((name) => path.join(dir, name)),
    );
    const found: string[] = [];
    let rows = 0;
    for (const file of files) {
      const lines = readFileSync(file, 'utf8').split('\n');
      const visit = (node: unknown): void => {
        if (!node || typeof node !== 'object') return;
        const statement = node as { type?: string; path?: { original?: string }; loc?: { start: { line: number } } };
        if (statement.type === 'MustacheStatement' && statement.loc) {
          const text = lines[statement.loc.start.line - 1] ?? '';
          const helper = statement.path?.original ?? '';
          if (/^\s*(\{\{[^}]*\}\}\s*)*\|/.test(text)) {
            rows += 1;
            if (!(TABLE_ROW_HELPERS as readonly string[]).includes(helper)) found.push(`${path.relative(TEMPLATE_DIR, file)}:${statement.loc.start.line} {{${helper}}}`);
          }
        }
        for (const value of Object.values(node)) {
          if (Array.isArray(value)) for (const child of value) visit(child);
          else if (value && typeof value === 'object') visit(value);
        }
      };
      visit(Handlebars.parse(lines.join('\n')));
    }
    expect(rows).toBeGreaterThan(50);
    expect(found).toEqual([]);
  });
});
