// Handlebars environment for the deliverables: loads src/templates, registers the escaping helpers, renders.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { DbValue, EvidenceRef, QueryCheck } from '../evidence/schema.ts';
import type { Analysis, EvidenceEntry } from '../analysis/model.ts';
import type { ConfigTableRow } from '../analysis/config/table.ts';
import { dropNeedlessEscapes } from './minimal-escapes.ts';
import { fnv1a } from '../lib/log-templates/fnv.ts';
import { codeFence, codeSpan, escapeHtml, escapeMarkdown, escapeMarkdownBlock, slugify, tableCell, truncate, tableCodeSpan } from '../lib/escape.ts';

export const TEMPLATE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'templates');

export const DELIVERABLES = ['root-cause-report', 'solution-design', 'implementation-plan', 'prevention-measures'] as const;
type Deliverable = (typeof DELIVERABLES)[number];

/** Helpers that escape or format what they print; templates may print nothing else (see test/templates). */
export const PRINTING_HELPERS = [
  'md',
  'cell',
  'code',
  'cellCode',
  'fence',
  'link',
  'num',
  'pct',
  'fixed',
  'inc',
  'minutes',
  'join',
  'ref',
  'cellRef',
  'refsInline',
  'checkStatus',
  'sourceStatus',
  'risk',
  'queryTable',
  'body',
  'para',
  'html',
  'see',
  'back',
  'escalation',
  'when',
  'refLink',
  'cellRefLink',
] as const;

/**
 * The helpers a template may use in a table row (a line starting with `|`): what they print keeps the row's
 * cells, because GFM splits a row at every unescaped `|`, inside code spans and link text too.
 */
export const TABLE_ROW_HELPERS = [
  'cell',
  'cellCode',
  'cellRef',
  'cellRefLink',
  'see',
  'num',
  'pct',
  'fixed',
  'inc',
  'minutes',
  'when',
  'risk',
  'sourceStatus',
  'escalation',
  'checkStatus',
] as const satisfies readonly (typeof PRINTING_HELPERS)[number][];

export function formatTime(value: unknown): string {
  if (typeof value !== 'string' || value === '') return '';
  const time = Date.parse(value);
  if (Number.isNaN(time)) return '';
  return new Date(time)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, ' UTC')
    .replace(/Z$/, ' UTC');
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

function formatNumber(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toLocaleString('en-US') : '—';
}

export function refLocation(ref: EvidenceRef): string {
  switch (ref.kind) {
    case 'log-record':
      return `${ref.source}: ${ref.file}:${ref.line}`;
    case 'query-row':
      return `${ref.source}: ${ref.check} row ${ref.row + 1}`;
    case 'config-path':
      return `${ref.source}: ${ref.file}${ref.line ? `:${ref.line}` : ''} ${ref.path}`;
    case 'file-line':
      return `${ref.source}: ${ref.file}:${ref.line}`;
  }
}

function renderRef(ref: EvidenceRef): string {
  const time = ref.kind === 'log-record' && ref.timestamp ? ` ${escapeMarkdown(formatTime(ref.timestamp))}` : '';
  const excerpt = ref.excerpt ? ` ${codeSpan(truncate(ref.excerpt.replace(/\s+/g, ' ').trim(), 220))}` : '';
  return `${codeSpan(refLocation(ref))}${time}${excerpt}`;
}

function cellValue(value: DbValue | undefined): string {
  if (value === undefined || value === null) return '—';
  return tableCell(typeof value === 'object' ? JSON.stringify(value) : String(value), 90);
}

function queryTable(check: QueryCheck, maxRows = 15, maxColumns = 8): string {
  if (check.rows.length === 0) return '*No rows.*';
  const columns = Object.keys(check.rows[0] ?? {}).slice(0, maxColumns);
  const header = `| ${columns.map((column) => tableCell(column)).join(' | ')} |`;
  // Numbers right-aligned: a column whose values are all numbers (or empty).
  const numeric = (column: string) => check.rows.slice(0, maxRows).every((row) => row[column] === null || row[column] === undefined || typeof row[column] === 'number');
  const rule = `| ${columns.map((column) => (numeric(column) ? '---:' : '---')).join(' | ')} |`;
  const body = check.rows.slice(0, maxRows).map((row) => `| ${columns.map((column) => cellValue(row[column])).join(' | ')} |`);
  const more = check.rows.length > maxRows || check.truncated ? `\n\n*${formatNumber(check.rowCount - Math.min(maxRows, check.rows.length))} more row(s) in the evidence bundle.*` : '';
  return [header, rule, ...body].join('\n') + more;
}

/**
 * Link text: inline escaping plus every bracket, which would end the link text early, and every `|`, which would
 * end a table cell (`\|` is an ordinary escape outside tables, so the same text serves both).
 */
function linkLabel(value: string): string {
  // Split first, so a backslash in the text never pairs with the escape of the bracket or pipe after it.
  return value
    .split(/([[\]|])/)
    .map((part, index) => (index % 2 === 1 ? `\\${part}` : escapeMarkdown(part)))
    .join('');
}

function encodeLink(value: string): string {
  return value.replace(/[^A-Za-z0-9._/-]/g, encodeURIComponent);
}

const LANGUAGES: Record<string, string> = { '.py': 'python', '.ts': 'ts', '.js': 'js', '.go': 'go', '.rb': 'ruby', '.java': 'java', '.sql': 'sql', '.yaml': 'yaml', '.yml': 'yaml', '.json': 'json' };

function registerHelpers(handlebars: typeof Handlebars): void {
  const safe = (value: string) => new handlebars.SafeString(value);
  handlebars.registerHelper('md', (value: unknown) => safe(escapeMarkdown(text(value))));
  // Text that starts a paragraph or list item: also escapes what would open a block (#, >, -, 1.).
  handlebars.registerHelper('para', (value: unknown) => safe(escapeMarkdownBlock(text(value))));
  // Text inside the whitelisted <summary> line, which GitHub reads as HTML.
  handlebars.registerHelper('html', (value: unknown) => safe(escapeHtml(text(value))));
  // A link to a heading (an appendix entry) of this document, or of `linkBase` (summary.md links into the full report).
  handlebars.registerHelper('see', (...args: unknown[]) => {
    const options = args.pop() as Handlebars.HelperOptions;
    const [title, label] = args;
    const root = options.data?.root as { linkBase?: unknown } | undefined;
    const base = typeof root?.linkBase === 'string' ? root.linkBase : '';
    return safe(`[${linkLabel(text(label ?? title))}](${encodeLink(base)}#${encodeLink(slugify(text(title)))})`);
  });
  // An evidence location linking to its appendix entry; cellRefLink is the same inside a table row.
  const refLink = (span: (text: string) => string) => (ref: EvidenceRef, title: unknown, options: Handlebars.HelperOptions) => {
    const root = options.data?.root as { linkBase?: unknown } | undefined;
    const base = typeof root?.linkBase === 'string' ? root.linkBase : '';
    return safe(`[${span(refLocation(ref))}](${encodeLink(base)}#${encodeLink(slugify(text(title)))})`);
  };
  handlebars.registerHelper('refLink', refLink(codeSpan));
  handlebars.registerHelper('cellRefLink', refLink(tableCodeSpan));
  handlebars.registerHelper('back', (title: unknown) => safe(`[↩ ${linkLabel(text(title))}](#${encodeLink(slugify(text(title)))})`));
  handlebars.registerHelper('escalation', (status: unknown) => safe(status === 'met' ? '🔴 escalate' : status === 'not-met' ? '🟢 not met' : '⚪ unknown'));
  handlebars.registerHelper('when', (value: unknown) => safe(escapeMarkdown(formatTime(value)) || '—'));
  handlebars.registerHelper('cell', (value: unknown, max: unknown) => safe(tableCell(text(value), typeof max === 'number' ? max : 160)));
  handlebars.registerHelper('code', (value: unknown) => safe(codeSpan(text(value))));
  handlebars.registerHelper('cellCode', (value: unknown) => safe(tableCodeSpan(text(value))));
  handlebars.registerHelper('fence', (value: unknown, language: unknown) => safe(codeFence(text(value), typeof language === 'string' ? language : '')));
  handlebars.registerHelper('link', (value: unknown) => safe(text(value).replace(/[^A-Za-z0-9._/-]/g, encodeURIComponent)));
  handlebars.registerHelper('num', (value: unknown) => safe(formatNumber(value)));
  handlebars.registerHelper('pct', (value: unknown) => safe(typeof value === 'number' && Number.isFinite(value) ? `${(value * 100).toFixed(1)}%` : 'n/a'));
  handlebars.registerHelper('fixed', (value: unknown, digits: unknown) => safe(typeof value === 'number' ? value.toFixed(typeof digits === 'number' ? digits : 2) : '—'));
  handlebars.registerHelper('inc', (value: unknown) => safe(String(Number(value) + 1)));
  handlebars.registerHelper('minutes', (value: unknown) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return safe('n/a');
    const hours = Math.floor(value / 60);
    return safe(hours > 0 ? `${hours} h ${Math.round(value % 60)} min` : `${Math.round(value)} min`);
  });
  handlebars.registerHelper('join', (values: unknown, separator: unknown) =>
    safe((Array.isArray(values) ? values : []).map((value) => escapeMarkdown(text(value))).join(typeof separator === 'string' ? separator : ', ')),
  );
  handlebars.registerHelper('ref', (ref: EvidenceRef) => safe(renderRef(ref)));
  handlebars.registerHelper('cellRef', (ref: EvidenceRef) => safe(tableCodeSpan(refLocation(ref))));
  handlebars.registerHelper('refsInline', (refs: EvidenceRef[]) => {
    const shown = refs.slice(0, 3).map((ref) => codeSpan(refLocation(ref)));
    return safe(shown.join(', ') + (refs.length > 3 ? ` and ${refs.length - 3} more` : ''));
  });
  handlebars.registerHelper('checkStatus', (status: unknown) => safe(status === 'done' ? '✅ done' : status === 'partial' ? '🟡 partial' : '⬜ open'));
  handlebars.registerHelper('sourceStatus', (status: unknown) => safe(status === 'ok' ? '✅ ok' : status === 'partial' ? '⚠️ partial' : status === 'failed' ? '❌ failed' : '⏭️ skipped'));
  handlebars.registerHelper('risk', (risk: unknown) => safe(risk === 'high' ? '🔴 high' : risk === 'medium' ? '🟠 medium' : risk === 'unknown' ? '⚪ unknown' : '🟢 low'));
  handlebars.registerHelper('queryTable', (check: QueryCheck) => safe(queryTable(check)));
  // Deliverables already rendered (and escaped) by this module, for the combined document.
  handlebars.registerHelper('body', (bodies: Record<string, string>, name: unknown) => safe(bodies[text(name)] ?? ''));
  // Non-printing helpers: only used as sub-expressions or block conditions.
  handlebars.registerHelper('time', (value: unknown) => formatTime(value));
  handlebars.registerHelper('slug', (value: unknown) => slugify(text(value)));
  handlebars.registerHelper('concat', (...values: unknown[]) =>
    values
      .slice(0, -1)
      .map((value) => (value instanceof handlebars.SafeString ? value.toString() : text(value)))
      .join(''),
  );
  handlebars.registerHelper('or', (...values: unknown[]) => values.slice(0, -1).some(Boolean));
  handlebars.registerHelper('and', (...values: unknown[]) => values.slice(0, -1).every(Boolean));
  handlebars.registerHelper('hasEntries', (entries: EvidenceEntry[], which: unknown, all: unknown) =>
    (entries ?? []).some((entry) => entry.deliverable !== 'root-cause-report' && (all || entry.deliverable === which)),
  );
  handlebars.registerHelper('joinNonEmpty', (...values: unknown[]) => values.slice(0, -1).map(text).filter(Boolean).join(', '));
  handlebars.registerHelper('eq', (left: unknown, right: unknown) => left === right);
  handlebars.registerHelper('ne', (left: unknown, right: unknown) => left !== right);
  handlebars.registerHelper('lang', (file: unknown) => LANGUAGES[path.extname(text(file)).toLowerCase()] ?? '');
  handlebars.registerHelper('configSides', (rows: ConfigTableRow[]) => {
    const first = rows[0];
    return first ? [first.leftLabel, first.rightLabel] : ['left', 'right'];
  });
}

export interface TemplateSet {
  render(name: Deliverable | 'combined' | 'summary', analysis: Analysis): string;
}

/** The file name an incident id gives its combined Markdown and PDF. */
export function safeFileName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** A Handlebars environment with the deliverables' helpers registered (and no templates or partials). */
export function createHandlebars(): typeof Handlebars {
  const handlebars = Handlebars.create();
  registerHelpers(handlebars);
  return handlebars;
}

const COMPILE_OPTIONS = { noEscape: true, strict: false, knownHelpersOnly: false } as const;
/** The build's Handlebars.precompile output of a template directory, beside its templates (see `precompiledModule`). */
const PRECOMPILED = 'precompiled.cjs';

/** A template directory's partials and deliverable templates, as [name, text], in a stable order. */
interface TemplateSources {
  partials: [string, string][];
  templates: [string, string][];
}

function templateSources(directory: string): TemplateSources {
  const partialDirectory = path.join(directory, 'partials');
  const partials = readdirSync(partialDirectory)
    .filter((name) => name.endsWith('.md.hbs'))
    .sort()
    .map((file): [string, string] => [file.replace(/\.md\.hbs$/, ''), readFileSync(path.join(partialDirectory, file), 'utf8')]);
  const templates = [...DELIVERABLES, 'combined', 'summary'].map((name): [string, string] => [name, readFileSync(path.join(directory, `${name}.md.hbs`), 'utf8')]);
  return { partials, templates };
}

/** A fingerprint of every template's name and text: precompiled templates are used only for the sources they came from. */
function sourcesHash(sources: TemplateSources): string {
  return fnv1a(JSON.stringify(sources)).toString(16);
}

/** The templates of `directory` precompiled, as a CommonJS module: the build writes it beside them, so a report does not compile them. */
export function precompiledModule(directory = TEMPLATE_DIR): string {
  const sources = templateSources(directory);
  const entries = (list: [string, string][]) => list.map(([name, source]) => `${JSON.stringify(name)}: ${Handlebars.precompile(source, COMPILE_OPTIONS)}`).join(',\n');
  return `// Generated by scripts/build.mjs from the .md.hbs templates beside it (Handlebars.precompile); do not edit.\nmodule.exports = {\nsources: ${JSON.stringify(sourcesHash(sources))},\npartials: {\n${entries(sources.partials)}\n},\ntemplates: {\n${entries(sources.templates)}\n}\n};\n`;
}

interface Precompiled {
  sources: string;
  partials: Record<string, TemplateSpec>;
  templates: Record<string, TemplateSpec>;
}

/** The build's precompiled templates of `directory`, if they are there and were made from its present sources. */
function precompiledFor(directory: string, sources: TemplateSources): Precompiled | undefined {
  const file = path.join(directory, PRECOMPILED);
  if (!existsSync(file)) return undefined;
  const module = createRequire(import.meta.url)(file) as Precompiled;
  return module.sources === sourcesHash(sources) ? module : undefined;
}

type TemplateSpec = Parameters<typeof Handlebars.template>[0];

/** Compile every template once (or take the build's precompiled ones); one set renders any number of incidents. */
export function loadTemplates(directory = TEMPLATE_DIR): TemplateSet {
  const handlebars = createHandlebars();
  const sources = templateSources(directory);
  const { partials, templates } = sources;
  const precompiled = precompiledFor(directory, sources);
  for (const [name, source] of partials) {
    const spec = precompiled?.partials[name];
    handlebars.registerPartial(name, spec ? handlebars.template(spec) : source);
  }
  const compiled = new Map<string, HandlebarsTemplateDelegate>();
  for (const [name, source] of templates) {
    const spec = precompiled?.templates[name];
    compiled.set(name, spec ? handlebars.template(spec) : handlebars.compile(source, COMPILE_OPTIONS));
  }
  return {
    render(name, analysis) {
      const template = compiled.get(name);
      if (!template) throw new Error(`no template ${name}`);
      const bodies = name === 'combined' ? Object.fromEntries(DELIVERABLES.map((deliverable) => [deliverable, tidy(compiled.get(deliverable)?.({ ...analysis, combined: true }) ?? '')])) : {};
      const combinedFile = `${safeFileName(analysis.incident.id)}.md`;
      const context = { ...analysis, bodies, combined: name === 'combined', linkBase: name === 'summary' ? combinedFile : '', pdfName: `${safeFileName(analysis.incident.id)}.pdf` };
      return dropNeedlessEscapes(tidy(template(context, { allowProtoPropertiesByDefault: false })));
    },
  };
}

/** Collapse runs of blank lines left by template conditionals; end with one newline. */
function tidy(markdown: string): string {
  const kept: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const marker = /^(`{3,})/.exec(line)?.[1];
    if (fence === undefined && marker) fence = marker;
    else if (fence !== undefined && marker && line.trim() === fence) {
      fence = undefined;
      kept.push(line);
      continue;
    }
    if (fence !== undefined) {
      kept.push(line);
      continue;
    }
    const trimmed = line.replace(/[ \t]+$/, '');
    if (trimmed === '' && (kept.length === 0 || kept[kept.length - 1] === '')) continue;
    kept.push(trimmed);
  }
  while (kept.length > 0 && kept[kept.length - 1] === '') kept.pop();
  return `${kept.join('\n')}\n`;
}
