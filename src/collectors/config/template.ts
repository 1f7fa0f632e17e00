// Templated configuration (Helm/Go templates, Jinja, ERB): recognise it, and make it parseable with opaque placeholders.

export type TemplateEngine = 'helm-go' | 'jinja' | 'erb';

/** Expressions on one line: `{{ ... }}`, `{% ... %}`, `{# ... #}`, `<%= ... %>`, `<% ... %>`, `<%# ... %>`. */
const EXPRESSION = /\{\{-?[^\n]*?-?\}\}|\{%-?[^\n]*?-?%\}|\{#[^\n]*?#\}|<%[=#-]?[^\n]*?-?%>/g;
/** Statements that produce no value (control flow, comments): `{{- if ... }}`, `{% for %}`, `<% end %>`, template comments. */
const STATEMENT = /^(\{\{-?\s*(?:if|else|end|range|with|define|block|template|\/\*)\b|\{\{-?\s*\/\*|\{%|\{#|<%[^=])/;

/** The engines whose markers the text has (empty when it is not a template). */
export function templateEngines(text: string): TemplateEngine[] {
  const engines: TemplateEngine[] = [];
  if (/\{\{[^\n]*\}\}/.test(text)) engines.push(/\{%[^\n]*%\}|\{#[^\n]*#\}/.test(text) ? 'jinja' : 'helm-go');
  else if (/\{%[^\n]*%\}/.test(text)) engines.push('jinja');
  if (/<%[^\n]*%>/.test(text)) engines.push('erb');
  return engines;
}

export interface Placeheld {
  /** The text with statements blanked (lines kept) and value expressions replaced by tokens. */
  text: string;
  /** token -> the expression as written. */
  tokens: Map<string, string>;
  expressions: number;
}

const TOKEN = (n: number): string => `fracas-template-${n}`;

/**
 * Replace each template expression by an opaque token a YAML parser reads as a plain scalar. A line that is only a
 * statement or an expression (`{{- toYaml .Values.x | nindent 4 }}` inserts a block) is blanked; line numbers stay.
 */
export function withPlaceholders(text: string): Placeheld {
  const tokens = new Map<string, string>();
  let expressions = 0;
  const lines = text.split('\n').map((line) => {
    const trimmed = line.trim();
    EXPRESSION.lastIndex = 0;
    const whole = trimmed.replace(EXPRESSION, '').trim() === '' && EXPRESSION.test(trimmed);
    EXPRESSION.lastIndex = 0;
    if (whole || STATEMENT.test(trimmed)) {
      expressions += (trimmed.match(EXPRESSION) ?? []).length;
      return '';
    }
    return line.replace(EXPRESSION, (expression) => {
      expressions += 1;
      const token = TOKEN(tokens.size);
      tokens.set(token, expression);
      return token;
    });
  });
  return { text: lines.join('\n'), tokens, expressions };
}

/** Put the expressions back into the parsed strings (the tokens are plain scalars, or parts of them). */
export function restoreExpressions<T>(value: T, tokens: Map<string, string>): T {
  if (tokens.size === 0) return value;
  const restore = (item: unknown): unknown => {
    if (typeof item === 'string') return item.includes('fracas-template-') ? item.replace(/fracas-template-\d+/g, (token) => tokens.get(token) ?? token) : item;
    if (Array.isArray(item)) return item.map(restore);
    if (item !== null && typeof item === 'object') return Object.fromEntries(Object.entries(item).map(([key, inner]) => [restore(key) as string, restore(inner)]));
    return item;
  };
  return restore(value) as T;
}
