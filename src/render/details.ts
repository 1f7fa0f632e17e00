// A markdown-it block rule that accepts exactly `<details>`, `<summary>…</summary>` and `</details>` lines (raw HTML stays off).
import type MarkdownIt from 'markdown-it';
import { escapeHtml } from '../lib/escape.ts';

const OPEN = /^<details>$/;
const CLOSE = /^<\/details>$/;
const SUMMARY = /^<summary>(.*)<\/summary>$/;

export function detailsBlocks(markdown: MarkdownIt): void {
  markdown.block.ruler.before('paragraph', 'details_whitelist', (state, startLine, _endLine, silent) => {
    const start = (state.bMarks[startLine] ?? 0) + (state.tShift[startLine] ?? 0);
    const line = state.src.slice(start, state.eMarks[startLine]).trim();
    let html: string | undefined;
    if (OPEN.test(line)) html = '<details open>\n';
    else if (CLOSE.test(line)) html = '</details>\n';
    else {
      const summary = SUMMARY.exec(line);
      if (summary) html = `<summary>${escapeHtml(markdown.utils.unescapeAll(summary[1] ?? ''))}</summary>\n`;
    }
    if (html === undefined) return false;
    if (silent) return true;
    const token = state.push('details_html', '', 0);
    token.content = html;
    token.map = [startLine, startLine + 1];
    state.line = startLine + 1;
    return true;
  });
  markdown.renderer.rules.details_html = (tokens, index) => tokens[index]?.content ?? '';
}
