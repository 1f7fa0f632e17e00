// Markdown table cells from hostile strings: however the text looks, a row keeps its cell count after rendering and each cell keeps its text.
import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { tableCell, tableCodeSpan } from '../../src/lib/escape.ts';

const markdown = new MarkdownIt({ html: false });
const HOSTILE = ['|', '\\|', '`', '``', '\\', '*', '_', '[', ']', '(', ')', '<', '>', '&', '#', '-', ':', '~', '!', ' ', 'a', 'Z', '9', '|`|', '\\`'];
const hostile = fc
  .array(fc.constantFrom(...HOSTILE), { minLength: 1, maxLength: 24 })
  .map((parts) => parts.join('').trim())
  .filter((text) => text.length > 0);

/** The cells of the first body row, as text (tags stripped, entities decoded). */
function bodyCells(html: string): string[] {
  const row = /<tbody>\s*<tr>([\s\S]*?)<\/tr>/.exec(html)?.[1] ?? '';
  return [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((match) =>
    match[1]!
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
});
