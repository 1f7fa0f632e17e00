// Markdown -> Atlassian Document Format (Jira Cloud REST v3 bodies), built from markdown-it's token stream.
import { parseMarkdown, safeHref, type Token } from './parse.ts';

interface AdfMark {
  type: 'strong' | 'em' | 'code' | 'strike' | 'link';
  attrs?: { href: string };
}

export interface AdfNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: AdfNode[];
  text?: string;
  marks?: AdfMark[];
}

export interface AdfDocument {
  version: 1;
  type: 'doc';
  content: AdfNode[];
}

const BLOCK_TYPES: Record<string, string> = {
  paragraph: 'paragraph',
  heading: 'heading',
  bullet_list: 'bulletList',
  ordered_list: 'orderedList',
  list_item: 'listItem',
  blockquote: 'blockquote',
  table: 'table',
  tr: 'tableRow',
  th: 'tableHeader',
  td: 'tableCell',
};

/** Inline tokens -> text nodes with marks (ADF: `code` combines only with `link`), hard breaks. */
function inlineNodes(children: Token[]): AdfNode[] {
  const out: AdfNode[] = [];
  const marks: AdfMark[] = [];
  const push = (text: string, extra?: AdfMark) => {
    if (text === '') return;
    let current = extra ? [...marks, extra] : [...marks];
    if (extra?.type === 'code') current = current.filter((mark) => mark.type === 'link' || mark.type === 'code');
    const last = out[out.length - 1];
    if (last && last.type === 'text' && JSON.stringify(last.marks ?? []) === JSON.stringify(current)) {
      last.text = `${last.text ?? ''}${text}`;
      return;
    }
    out.push(current.length > 0 ? { type: 'text', text, marks: current } : { type: 'text', text });
  };
  const open = (mark: AdfMark) => marks.push(mark);
  const close = (type: AdfMark['type']) => {
    const index = marks.map((mark) => mark.type).lastIndexOf(type);
    if (index >= 0) marks.splice(index, 1);
  };
  for (const token of children) {
    switch (token.type) {
      case 'text':
        push(token.content);
        break;
      case 'code_inline':
        push(token.content, { type: 'code' });
        break;
      case 'softbreak':
        push(' ');
        break;
      case 'hardbreak':
        out.push({ type: 'hardBreak' });
        break;
      case 'strong_open':
        open({ type: 'strong' });
        break;
      case 'strong_close':
        close('strong');
        break;
      case 'em_open':
        open({ type: 'em' });
        break;
      case 'em_close':
        close('em');
        break;
      case 's_open':
        open({ type: 'strike' });
        break;
      case 's_close':
        close('strike');
        break;
      case 'link_open': {
        const href = safeHref(token.attrGet('href'));
        // An unsafe link is kept as its text; a placeholder keeps open/close balanced.
        open(href ? { type: 'link', attrs: { href } } : { type: 'link', attrs: { href: '' } });
        break;
      }
      case 'link_close':
        close('link');
        break;
      case 'image': {
        const href = safeHref(token.attrGet('src'));
        const alt = token.content || token.attrGet('alt') || href || 'image';
        push(alt, href ? { type: 'link', attrs: { href } } : undefined);
        break;
      }
      default:
        if (token.content) push(token.content);
    }
  }
  // Drop placeholder links (unsafe hrefs) from the marks.
  for (const node of out) {
    if (node.marks) {
      node.marks = node.marks.filter((mark) => mark.type !== 'link' || (mark.attrs?.href ?? '') !== '');
      if (node.marks.length === 0) delete node.marks;
    }
  }
  return out;
}

/** Cells and list items in ADF hold block nodes; bare text is wrapped in a paragraph. */
function asBlocks(nodes: AdfNode[]): AdfNode[] {
  if (nodes.length === 0) return [{ type: 'paragraph', content: [] }];
  const blocks: AdfNode[] = [];
  let inline: AdfNode[] = [];
  const flush = () => {
    if (inline.length > 0) blocks.push({ type: 'paragraph', content: inline });
    inline = [];
  };
  for (const node of nodes) {
    if (node.type === 'text' || node.type === 'hardBreak') inline.push(node);
    else {
      flush();
      blocks.push(node);
    }
  }
  flush();
  return blocks;
}

/** Convert Markdown to an ADF document: headings, paragraphs, lists, tables, code blocks, quotes, rules, links. */
export function markdownToAdf(markdown: string): AdfDocument {
  const tokens = parseMarkdown(markdown);
  const root: AdfNode = { type: 'doc', content: [] };
  const stack: AdfNode[] = [root];
  const top = () => stack[stack.length - 1] as AdfNode;
  const append = (node: AdfNode) => {
    const parent = top();
    parent.content = [...(parent.content ?? []), node];
  };
  for (const token of tokens) {
    if (token.type.endsWith('_open')) {
      const name = token.type.slice(0, -'_open'.length);
      const type = BLOCK_TYPES[name];
      if (!type) continue; // thead, tbody: ADF tables have rows only
      const node: AdfNode = { type, content: [] };
      if (type === 'heading') node.attrs = { level: Math.min(6, Math.max(1, Number(token.tag.slice(1)) || 1)) };
      if (type === 'orderedList') node.attrs = { order: Number(token.attrGet('start') ?? 1) || 1 };
      stack.push(node);
      continue;
    }
    if (token.type.endsWith('_close')) {
      const name = token.type.slice(0, -'_close'.length);
      if (!BLOCK_TYPES[name]) continue;
      const node = stack.pop() as AdfNode;
      if (node.type === 'tableHeader' || node.type === 'tableCell' || node.type === 'listItem' || node.type === 'blockquote') node.content = asBlocks(node.content ?? []);
      append(node);
      continue;
    }
    switch (token.type) {
      case 'inline': {
        const parent = top();
        parent.content = [...(parent.content ?? []), ...inlineNodes(token.children ?? [])];
        break;
      }
      case 'fence':
      case 'code_block': {
        const language = token.info.trim().split(/\s+/)[0] ?? '';
        const text = token.content.replace(/\n$/, '');
        append({ type: 'codeBlock', attrs: { language: language || 'text' }, content: text ? [{ type: 'text', text }] : [] });
        break;
      }
      case 'hr':
        append({ type: 'rule' });
        break;
      default:
        if (token.content) append({ type: 'paragraph', content: [{ type: 'text', text: token.content }] });
    }
  }
  return { version: 1, type: 'doc', content: root.content ?? [] };
}
