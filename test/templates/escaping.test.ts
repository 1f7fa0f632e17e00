// Every value a template prints goes through an escaping or formatting helper; untrusted text cannot become markup.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { PRINTING_HELPERS, TEMPLATE_DIR } from '../../src/render/handlebars.ts';

type Node = { type: string; [key: string]: unknown };

function templates(): { name: string; source: string }[] {
  const files = [
    ...readdirSync(TEMPLATE_DIR)
      .filter((name) => name.endsWith('.hbs'))
      .map((name) => path.join(TEMPLATE_DIR, name)),
    ...readdirSync(path.join(TEMPLATE_DIR, 'partials')).map((name) => path.join(TEMPLATE_DIR, 'partials', name)),
  ];
  return files.map((file) => ({ name: path.relative(TEMPLATE_DIR, file), source: readFileSync(file, 'utf8') }));
}

function unsafeMustaches(node: Node, found: string[]): string[] {
  if (node.type === 'MustacheStatement') {
    const mustache = node as unknown as { path: { original: string }; params: unknown[]; escaped: boolean; loc: { start: { line: number } } };
    const helper = mustache.path.original;
    if (!mustache.escaped) found.push(`line ${mustache.loc.start.line}: triple-stash {{{${helper}}}}`);
    else if (!(PRINTING_HELPERS as readonly string[]).includes(helper) || mustache.params.length === 0) found.push(`line ${mustache.loc.start.line}: {{${helper}}} prints without an escaping helper`);
  }
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) for (const child of value) if (child && typeof child === 'object' && 'type' in child) unsafeMustaches(child as Node, found);
    if (value && typeof value === 'object' && 'type' in value && !Array.isArray(value)) unsafeMustaches(value as Node, found);
  }
  return found;
}

describe('templates', () => {
  const all = templates();

  it('finds the four deliverables, the combined document and the partials', () => {
    const names = all.map((template) => template.name);
    for (const name of ['root-cause-report.md.hbs', 'solution-design.md.hbs', 'implementation-plan.md.hbs', 'prevention-measures.md.hbs', 'combined.md.hbs']) expect(names).toContain(name);
    expect(names.some((name) => name.startsWith('partials'))).toBe(true);
  });

  for (const template of all) {
    it(`${template.name} prints only through escaping helpers`, () => {
      expect(unsafeMustaches(Handlebars.parse(template.source) as unknown as Node, [])).toEqual([]);
    });
  }

  it('the lint catches a bare mustache', () => {
    expect(unsafeMustaches(Handlebars.parse('x {{title}} {{{raw}}} {{md ok}}') as unknown as Node, [])).toHaveLength(2);
  });
});
