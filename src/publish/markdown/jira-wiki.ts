// Markdown -> Jira wiki markup (Jira Data Center / Server REST v2 bodies), built from markdown-it's token stream.
import { parseMarkdown, safeHref, type Token } from './parse.ts';

/** Characters that start wiki formatting; escaped with a backslash in plain text. */
const SPECIAL = /([\\*_{}[\]|!^~+\-#?])/g;

function escapeWiki(text: string): string {
  return text.replace(SPECIAL, '\\$1');
}

/** `{{code}}` cannot hold `}}` or a line break; those fall back to escaped text. */
function inlineCode(text: string): string {
  if (/[{}]|\n/.test(text) || text.trim() === '') return escapeWiki(text);
  return `{{${text}}}`;
}

function inline(children: Token[], inTable: boolean): string {
  let out = '';
  const links: (string | undefined)[] = [];
  let linkText = '';
  let inLink = 0;
  const emit = (text: string) => {
    if (inLink > 0) linkText += text;
    else out += text;
  };
  for (const token of children) {
    switch (token.type) {
      case 'text':
        emit(escapeWiki(token.content));
        break;
      case 'code_inline':
        emit(inlineCode(token.content));
        break;
      case 'softbreak':
        emit(' ');
        break;
      case 'hardbreak':
        emit(inTable ? ' ' : '\\\\ ');
        break;
      case 'strong_open':
      case 'strong_close':
        emit('*');
        break;
      case 'em_open':
      case 'em_close':
        emit('_');
        break;
      case 's_open':
      case 's_close':
        emit('-');
        break;
      case 'link_open':
        links.push(safeHref(token.attrGet('href')));
        inLink += 1;
        linkText = '';
        break;
      case 'link_close': {
        const href = links.pop();
        inLink = Math.max(0, inLink - 1);
        out += href ? `[${linkText || escapeWiki(href)}|${href.replace(/[|\]\s]/g, encodeURIComponent)}]` : linkText;
        linkText = '';
        break;
      }
      case 'image': {
        const href = safeHref(token.attrGet('src'));
        const alt = escapeWiki(token.content || href || 'image');
        emit(href ? `[${alt}|${href}]` : alt);
        break;
      }
      default:
        if (token.content) emit(escapeWiki(token.content));
    }
  }
  return out;
}

/** Convert Markdown to Jira wiki markup: h1.–h6., lists (* and #, nested), ||tables||, {code}, {quote}, links. */
export function markdownToJiraWiki(markdown: string): string {
  const tokens = parseMarkdown(markdown);
  const blocks: string[] = [];
  const lists: ('*' | '#')[] = [];
  let quote = 0;
  let line = '';
  let row: string[] = [];
  let cellIsHeader: boolean[] = [];
  let inCell = false;
  let itemOpen = false;
  const flush = (text: string) => {
    blocks.push(text);
  };
  for (const token of tokens) {
    switch (token.type) {
      case 'heading_open':
        line = `h${Math.min(6, Number(token.tag.slice(1)) || 1)}. `;
        break;
      case 'heading_close':
        flush(line);
        line = '';
        break;
      case 'paragraph_open':
        line = lists.length > 0 && itemOpen ? `${lists.join('')} ` : '';
        break;
      case 'paragraph_close':
        if (lists.length > 0) {
          // A second paragraph in the same item continues on its own line.
          flush(line);
          itemOpen = false;
        } else flush(`${line}\n`);
        line = '';
        break;
      case 'bullet_list_open':
        lists.push('*');
        break;
      case 'ordered_list_open':
        lists.push('#');
        break;
      case 'bullet_list_close':
      case 'ordered_list_close':
        lists.pop();
        if (lists.length === 0) blocks.push('');
        break;
      case 'list_item_open':
        itemOpen = true;
        break;
      case 'list_item_close':
        itemOpen = false;
        break;
      case 'blockquote_open':
        quote += 1;
        if (quote === 1) blocks.push('{quote}');
        break;
      case 'blockquote_close':
        quote -= 1;
        if (quote === 0) blocks.push('{quote}\n');
        break;
      case 'tr_open':
        row = [];
        cellIsHeader = [];
        break;
      case 'th_open':
      case 'td_open':
        inCell = true;
        cellIsHeader.push(token.type === 'th_open');
        row.push('');
        break;
      case 'th_close':
      case 'td_close':
        inCell = false;
        break;
      case 'tr_close': {
        const header = cellIsHeader.every(Boolean);
        const sep = header ? '||' : '|';
        blocks.push(`${sep}${row.map((cell) => cell.trim() || ' ').join(sep)}${sep}`);
        break;
      }
      case 'table_close':
        blocks.push('');
        break;
      case 'inline': {
        const text = inline(token.children ?? [], inCell);
        if (inCell) row[row.length - 1] += text;
        else line += text;
        break;
      }
      case 'fence':
      case 'code_block': {
        const language =
          token.info
            .trim()
            .split(/\s+/)[0]
            ?.replace(/[^A-Za-z0-9_+-]/g, '') ?? '';
        const body = token.content.replace(/\n$/, '');
        // {code} ends at the first {code}; a body holding one goes into {noformat} (or is broken up).
        if (!body.includes('{code')) blocks.push(`{code${language ? `:${language}` : ''}}\n${body}\n{code}\n`);
        else blocks.push(`{noformat}\n${body.replace(/\{noformat\}/g, '{ noformat}')}\n{noformat}\n`);
        break;
      }
      case 'hr':
        blocks.push('----\n');
        break;
      default:
        break;
    }
  }
  return (
    blocks
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim() + '\n'
  );
}
