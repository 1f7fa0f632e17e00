// Markdown -> ADF: the node and mark names Atlassian documents, checked node by node, and structural rules on generated input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { markdownToAdf, type AdfNode } from '../../../src/publish/markdown/adf.ts';

const text = (value: string, marks?: unknown[]) => (marks ? { type: 'text', text: value, marks } : { type: 'text', text: value });

describe('markdownToAdf', () => {
  it('headings, marks, links, lists (nested, ordered with start), tables, code blocks, quotes, rules', () => {
    const doc = markdownToAdf(
      [
        '### Why it *failed*',
        '',
        'The **pool** hit `max_connections`, see [the graph](https://grafana.example/d/1) and ~~old theory~~.  ',
        'Next line.',
        '',
        '3. third',
        '4. fourth',
        '   - nested',
        '',
        '| Key | Value |',
        '| --- | --- |',
        '| `pool_size` | 20 |',
        '',
        '```yaml',
        'pool_size: 20',
        '```',
        '',
        '> quoted',
        '',
        '---',
      ].join('\n'),
    );
    expect(doc.version).toBe(1);
    expect(doc.type).toBe('doc');
    const [heading, paragraph, list, table, code, quote, rule] = doc.content;
    expect(heading).toEqual({ type: 'heading', attrs: { level: 3 }, content: [text('Why it '), text('failed', [{ type: 'em' }])] });
    expect(paragraph?.content).toEqual([
      text('The '),
      text('pool', [{ type: 'strong' }]),
      text(' hit '),
      text('max_connections', [{ type: 'code' }]),
      text(', see '),
      text('the graph', [{ type: 'link', attrs: { href: 'https://grafana.example/d/1' } }]),
      text(' and '),
      text('old theory', [{ type: 'strike' }]),
      text('.'),
      { type: 'hardBreak' },
      text('Next line.'),
    ]);
    expect(list?.type).toBe('orderedList');
    expect(list?.attrs).toEqual({ order: 3 });
    expect(list?.content?.[1]?.content?.map((node) => node.type)).toEqual(['paragraph', 'bulletList']);
    expect(table?.content?.[1]?.content?.[0]).toEqual({ type: 'tableCell', content: [{ type: 'paragraph', content: [text('pool_size', [{ type: 'code' }])] }] });
    expect(code).toEqual({ type: 'codeBlock', attrs: { language: 'yaml' }, content: [text('pool_size: 20')] });
    expect(quote).toEqual({ type: 'blockquote', content: [{ type: 'paragraph', content: [text('quoted')] }] });
    expect(rule).toEqual({ type: 'rule' });
  });

  it('unsafe links stay text; raw HTML is text; code inside a link keeps only the link mark with code', () => {
    const doc = markdownToAdf('[click](javascript:alert(1)) <b>bold</b> **[`x`](https://a.example)**');
    const nodes = doc.content[0]?.content ?? [];
    const hrefs = nodes.flatMap((node) => (node.marks ?? []).filter((mark) => mark.type === 'link').map((mark) => mark.attrs?.href));
    expect(hrefs).toEqual(['https://a.example']);
    expect(nodes[0]?.text).toContain('[click](javascript:alert(1))'); // kept as the literal text
    expect(nodes.some((node) => node.text?.includes('<b>bold</b>'))).toBe(true);
    expect(nodes.at(-1)).toEqual(text('x', [{ type: 'link', attrs: { href: 'https://a.example' } }, { type: 'code' }]));
  });

  it('on generated Markdown: no empty text nodes, block-only cells and list items, marks only the documented ones', () => {
    const fragment = fc.constantFrom(
      'word',
      '**bold**',
      '*em*',
      '`code`',
      '[l](https://x.example)',
      '~~s~~',
      '\n',
      '\n\n',
      '- item\n',
      '1. one\n',
      '| a | b |\n| - | - |\n| c | d |\n',
      '```\ncode\n```\n',
      '> q\n',
      '# h\n',
      '  ',
      '\\*',
      '<i>',
      '---\n',
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 30 }), (parts) => {
        const doc = markdownToAdf(parts.join(''));
        const walk = (node: AdfNode) => {
          if (node.type === 'text') {
            expect(node.text?.length).toBeGreaterThan(0);
            for (const mark of node.marks ?? []) expect(['strong', 'em', 'code', 'strike', 'link']).toContain(mark.type);
            if (node.marks?.some((mark) => mark.type === 'code')) expect(node.marks.every((mark) => mark.type === 'code' || mark.type === 'link')).toBe(true);
          }
          if (['tableCell', 'tableHeader', 'listItem', 'blockquote'].includes(node.type)) for (const child of node.content ?? []) expect(['text', 'hardBreak']).not.toContain(child.type);
          if (node.type === 'codeBlock') for (const child of node.content ?? []) expect(child.marks).toBeUndefined();
          for (const child of node.content ?? []) walk(child);
        };
        for (const node of doc.content) {
          expect(['text', 'hardBreak']).not.toContain(node.type);
          walk(node);
        }
      }),
      { seed: 20261201, numRuns: 300 },
    );
  });
});
