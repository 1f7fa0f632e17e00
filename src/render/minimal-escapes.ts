// Drops the escapes of paired delimiters (* _ ~ `) in a block when the block renders the same without them (CommonMark + GFM).
import MarkdownIt from 'markdown-it';

/**
 * The escaper cannot see the template text around a value, so it escapes every `*`, `_`, `~` and backtick that
 * could open or close a span. Emphasis, strikethrough and code spans need a partner, so here, with the whole
 * block in view, their escapes go when the block renders identically without them. Raw HTML and bare URLs
 * count as live, as on GitHub.
 */
const gfm = new MarkdownIt({ html: true, linkify: true });
const PAIRED = ['*', '_', '~', '`'];

export function dropNeedlessEscapes(markdown: string): string {
  const lines = markdown.split('\n');
  const out: string[] = [];
  let block: string[] = [];
  let fence: string | undefined;
  const flush = () => {
    if (block.length > 0) out.push(...minimizeBlock(block.join('\n')).split('\n'));
    block = [];
  };
  for (const line of lines) {
    const marker = /^(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== undefined) {
      out.push(line);
      if (line.trim() === fence) fence = undefined;
      continue;
    }
    if (marker) {
      flush();
      fence = marker;
      out.push(line);
      continue;
    }
    if (line.trim() === '') {
      flush();
      out.push(line);
      continue;
    }
    block.push(line);
  }
  flush();
  return out.join('\n');
}

function minimizeBlock(block: string): string {
  if (!/\\[*_~`]/.test(block)) return block;
  let current = block;
  let html: string | undefined;
  for (const character of PAIRED) {
    const escaped = `\\${character}`;
    if (!current.includes(escaped)) continue;
    // Only escapes that are escapes: an even run of backslashes before it means the backslash itself is escaped.
    const without = current.replace(new RegExp(`(?<!\\\\)((?:\\\\\\\\)*)\\\\\\${character}`, 'g'), `$1${character}`);
    html ??= gfm.render(current);
    if (gfm.render(without) === html) current = without;
  }
  return current;
}
