// Escaping untrusted text for HTML and Markdown: evidence is data, never markup.

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}

const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g;

/** Inline Markdown text: one line, every Markdown and HTML metacharacter backslash-escaped. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(CONTROL_CHARACTERS, '')
    .replace(/\r?\n|\r/g, ' ')
    .replace(/[\\`*_{}[\]()<>#+\-.!|~&$]/g, (character) => `\\${character}`)
    .replace(/:(?=\/\/)/g, '\\:');
}

/** A Markdown table cell: escaped inline text; an em dash when empty. */
export function tableCell(text: string, maxLength = 160): string {
  const trimmed = truncate(text.replace(/\s+/g, ' ').trim(), maxLength);
  return trimmed === '' ? '—' : escapeMarkdown(trimmed);
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
