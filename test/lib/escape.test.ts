import MarkdownIt from 'markdown-it';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeFence, codeSpan, escapeMarkdown, escapeMarkdownBlock, tableCell } from '../../src/lib/escape.ts';
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

  // GFM stand-in: raw HTML, bare URLs and strikethrough are live.
  const gfm = new MarkdownIt({ html: true, linkify: true });
  const decode = (html: string) =>
    html
      .replace(/<[^>]+>/g, '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&');
  const plain = (value: string) => value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').replace(/\r?\n|\r/g, ' ');

  it('keeps any inline text as the same text after CommonMark/GFM rendering, between template markup too', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii' }), (value) => {
        const expected = plain(value);
        const html = gfm.renderInline(`**x** ${escapeMarkdown(value)} *(proposed)*`);
        expect(html.startsWith('<strong>x</strong> ')).toBe(true);
        expect(html.endsWith(' <em>(proposed)</em>')).toBe(true);
        expect(decode(html.slice('<strong>x</strong> '.length, -' <em>(proposed)</em>'.length))).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps text that starts a paragraph or list item a plain paragraph', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii' }), (value) => {
        const expected = plain(value).trim();
        fc.pre(expected !== '');
        const tokens = gfm.parse(`- ${escapeMarkdownBlock(value)}\n`, {});
        expect(tokens.map((token) => token.type).join(' ')).toBe('bullet_list_open list_item_open paragraph_open inline paragraph_close list_item_close bullet_list_close');
        const html = gfm.renderer.render(tokens, gfm.options, {});
        expect(decode(html).trim()).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves ordinary prose, identifiers and paths unescaped', () => {
    for (const text of ['snake_case_name', 'a - b', 'v1.2.3 (beta)', 'issue #42', 'x + y = z', '50% {braces} $HOME', '[INFO] ready', 'api/upload_pipeline/webhooks.py', '5 * 3']) {
      expect(escapeMarkdown(text)).toBe(text);
    }
    expect(escapeMarkdown('a *b* c')).toBe('a \\*b\\* c');
    expect(escapeMarkdown('[x](y)')).toBe('[x\\](y)');
    expect(escapeMarkdown('<b> &amp; http://x')).toBe('\\<b> \\&amp; http\\://x');
    expect(escapeMarkdownBlock('# title')).toBe('\\# title');
    expect(escapeMarkdownBlock('1. one')).toBe('1\\. one');
  });
});
