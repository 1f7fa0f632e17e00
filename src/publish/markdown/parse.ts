// One markdown-it parser for the tracker formats: GFM tables and strikethrough, no raw HTML, links kept to safe schemes.
import MarkdownIt from 'markdown-it';
import type { Token } from 'markdown-it';

const parser = new MarkdownIt('default', { html: false, linkify: false, typographer: false });

/** The block token stream of a Markdown text. */
export function parseMarkdown(markdown: string): Token[] {
  return parser.parse(markdown, {});
}

/** http, https and mailto links only; anything else is kept as text. */
export function safeHref(href: string | null | undefined): string | undefined {
  if (!href) return undefined;
  return /^(https?:|mailto:)/i.test(href.trim()) ? href.trim() : undefined;
}

export type { Token };
