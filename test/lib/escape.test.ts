import MarkdownIt from 'markdown-it';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeFence, codeSpan, escapeMarkdown, tableCell } from '../../src/lib/escape.ts';
import { createMarkdown } from '../../src/render.ts';

const markdown = new MarkdownIt({ html: false });

describe('escaping untrusted text for Markdown', () => {
  it('renders inline text literally, without links, images, emphasis or HTML', () => {
    const hostile = '<script>alert(1)</script> ![x](http://127.0.0.1:9/x.png) [y](javascript:alert(1)) **bold** `code` # h | pipe {{constructor}}';
    const html = markdown.renderInline(escapeMarkdown(hostile));
    expect(html).not.toMatch(/<script|<img|<a |<strong>|<code>/);
    expect(html).toContain('&lt;script&gt;');
  });

  it('keeps a table row to one row whatever the cell contains', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (left, right) => {
        const table = `| a | b |\n| --- | --- |\n| ${tableCell(left)} | ${tableCell(right)} |\n`;
        const tokens = markdown.parse(table, {});
        expect(tokens.filter((token) => token.type === 'tr_open')).toHaveLength(2);
        expect(tokens.filter((token) => token.type === 'td_open')).toHaveLength(2);
      }),
    );
  });

  it('code spans and fences survive backticks inside the text', () => {
    expect(markdown.renderInline(codeSpan('a `b` c'))).toBe('<code>a `b` c</code>');
    const fenced = codeFence('before\n````\nnot a fence\n````\nafter');
    const tokens = markdown.parse(fenced, {});
    expect(tokens).toHaveLength(1);
    expect(tokens[0]?.type).toBe('fence');
    expect(tokens[0]?.content).toContain('not a fence');
  });

  it('passes any string through escapeMarkdown as plain text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii' }), (value) => {
        const html = createMarkdown().renderInline(escapeMarkdown(value));
        expect(html).not.toMatch(/<(a|img|strong|em|code|script)\b/);
      }),
    );
  });

  it('accepts only the whitelisted details lines as HTML', () => {
    const html = createMarkdown().render('<details>\n<summary>Evidence \\<b\\></summary>\n\n- item\n\n</details>\n\n<details open onclick="x">\n\n<img src=x>\n');
    expect(html).toContain('<details open>');
    expect(html).toContain('<summary>Evidence &lt;b&gt;</summary>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;details open onclick');
  });
});
