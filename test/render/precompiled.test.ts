// The build's precompiled templates render exactly what compiling the templates at run time renders, and are ignored once the templates beside them change.
import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeIncident } from '../../src/analysis/index.ts';
import { loadEvidence } from '../../src/evidence/store.ts';
import { manifestSchema } from '../../src/manifest/index.ts';
import { DELIVERABLES, loadTemplates, precompiledModule, TEMPLATE_DIR } from '../../src/render/handlebars.ts';

const SAMPLE = path.resolve(import.meta.dirname, '../../docs/incidents/inc_forgotten_transaction');
const scratch = mkdtempSync(path.join(tmpdir(), 'fracas-precompiled-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('precompiled templates', () => {
  const analysis = analyzeIncident(loadEvidence(SAMPLE), manifestSchema.shape.conclusions.parse(undefined));
  const copy = (name: string): string => {
    const directory = path.join(scratch, name);
    cpSync(TEMPLATE_DIR, directory, { recursive: true });
    writeFileSync(path.join(directory, 'precompiled.cjs'), precompiledModule(directory));
    return directory;
  };

  it('render every deliverable, the combined report and the summary as the run-time compiled templates do', () => {
    const compiled = loadTemplates();
    const precompiled = loadTemplates(copy('same'));
    for (const name of [...DELIVERABLES, 'combined', 'summary'] as const) {
      const expected = compiled.render(name, analysis);
      expect(expected.length).toBeGreaterThan(200);
      expect(precompiled.render(name, analysis)).toBe(expected);
    }
  });

  it('are not used for templates edited after the build', () => {
    const directory = copy('edited');
    appendFileSync(path.join(directory, 'summary.md.hbs'), '\nEdited after the build.\n');
    expect(loadTemplates(directory).render('summary', analysis)).toContain('Edited after the build.');
  });
});
