// Escaping untrusted text for HTML and Markdown: evidence is data, never markup, and the Markdown stays readable.

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}

const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g;
const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/;
const WORD = /[\p{L}\p{N}]/u;
const SPACE = /\s/;

/**
 * Inline Markdown text (CommonMark + GFM), escaped only where Markdown would read it as markup:
 * backslashes before punctuation, backticks, emphasis and strikethrough markers that could open or close,
 * `](`/`][`/`]:` (links, images, reference definitions), `<` starting a tag or autolink, `&` starting an
 * entity, `://` (GFM autolinks). Everything else ("snake_case", "a - b", "(x)", "v1.2", "#42") is left as written.
 */
export function escapeMarkdown(text: string): string {
  const clean = text.replace(CONTROL_CHARACTERS, '').replace(/\r?\n|\r/g, ' ');
  let out = '';
  for (let index = 0; index < clean.length; index += 1) {
    const character = clean[index] as string;
    const before = clean[index - 1];
    const after = clean[index + 1];
    if (needsEscape(character, before, after, clean, index)) out += '\\';
    out += character;
  }
  return out;
}

function needsEscape(character: string, before: string | undefined, after: string | undefined, text: string, index: number): boolean {
  // Value boundaries count as "anything": the template may put markup right next to the value.
  const spaceBefore = before !== undefined && SPACE.test(before);
  const spaceAfter = after !== undefined && SPACE.test(after);
  switch (character) {
    case '\\':
      return after === undefined || ASCII_PUNCTUATION.test(after);
    case '`':
      return true;
    case '*':
    case '~':
      return !(spaceBefore && spaceAfter);
    case '_':
      return !((spaceBefore && spaceAfter) || (before !== undefined && after !== undefined && WORD.test(before) && WORD.test(after)));
    case ']':
      return after === '(' || after === '[' || after === ':';
    case '[':
      return after === '^';
    case '<':
      return after === undefined || /[A-Za-z/!?]/.test(after);
    case '&':
      return /^&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/.test(text.slice(index, index + 40));
    case ':':
      return after === '/' && text[index + 2] === '/';
    default:
      return false;
  }
}

/** Markdown text that starts a block (a paragraph or a list item): inline escaping plus what would open a block. */
export function escapeMarkdownBlock(text: string): string {
  const inline = escapeMarkdown(text.replace(/^\s+/, ''));
  return inline
    .replace(/^(#{1,6})(?=\s|$)/, '\\$1')
    .replace(/^([>+=-])/, '\\$1')
    .replace(/^(\d{1,9})([.)])(?=\s|$)/, '$1\\$2')
    .replace(/^\[(?=[^\]]*\])/, '\\[')
    .replace(/^(~~~)/, '\\$1');
}

/** A Markdown table cell: escaped inline text with `|` escaped; an em dash when empty. */
export function tableCell(text: string, maxLength = 160): string {
  const trimmed = truncate(text.replace(/\s+/g, ' ').trim(), maxLength);
  return trimmed === '' ? '—' : escapeMarkdown(trimmed).replace(/\|/g, '\\|');
}

export function truncate(text: string, maxLength: number): string {
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 1)}…`;
}

/** Inline code span whose backtick run is longer than any run inside the text. */
export function codeSpan(text: string): string {
  const clean = text.replace(CONTROL_CHARACTERS, '').replace(/\r?\n|\r/g, ' ');
  const longest = Math.max(0, ...[...clean.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') || clean.startsWith(' ') ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}

/** An inline code span inside a Markdown table cell: GFM splits cells at every unescaped `|`, code spans included, and unescapes `\|` before reading the span. */
export function tableCodeSpan(text: string): string {
  return codeSpan(text).replace(/\|/g, '\\|');
}

/** A fenced code block whose fence is longer than any backtick run inside the text. */
export function codeFence(text: string, language = ''): string {
  const clean = text.replace(CONTROL_CHARACTERS, '').replace(/\r\n?/g, '\n').replace(/\n+$/, '');
  const longest = Math.max(0, ...[...clean.matchAll(/`{3,}/g)].map((match) => match[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language.replace(/[^a-z0-9-]/gi, '')}\n${clean}\n${fence}`;
}

/** GitHub-style heading anchors, so links in the Markdown also work in the HTML. */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/\s/g, '-');
}
