// Every sample incident, from its saved evidence bundle: the top hypothesis is the known true cause, and every evidence reference resolves.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeIncident } from '../../src/analysis/index.ts';
import { resolveRef } from '../../src/analysis/refs.ts';
import { loadEvidence } from '../../src/evidence/store.ts';

const INCIDENTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/incidents');
const samples = readdirSync(INCIDENTS)
  .filter((name) => existsSync(path.join(INCIDENTS, name, 'expected.json')))
  .sort();

describe('sample incidents', () => {
  it('has FM-028 and at least three other incidents with a known cause', () => {
    expect(samples).toContain('fm_028');
    expect(samples.length).toBeGreaterThanOrEqual(4);
    const causes = new Set(samples.map((name) => (JSON.parse(readFileSync(path.join(INCIDENTS, name, 'expected.json'), 'utf8')) as { topCategory: string }).topCategory));
    expect(causes.size).toBe(samples.length);
  });

  for (const name of samples) {
    it(`${name}: the top hypothesis is the true cause and its evidence resolves`, () => {
      const expected = JSON.parse(readFileSync(path.join(INCIDENTS, name, 'expected.json'), 'utf8')) as { topCategory: string; contributing?: string[] };
      const bundle = loadEvidence(path.join(INCIDENTS, name));
      for (const source of bundle.sources) expect(`${source.id}:${source.status}`).toBe(`${source.id}:ok`);
      const analysis = analyzeIncident(bundle, { hypotheses: {}, owners: [], done: [] }, { sample: true });
      expect(analysis.hypotheses[0]?.category).toBe(expected.topCategory);
      const contributing = analysis.hypotheses.filter((hypothesis) => hypothesis.role === 'contributing').map((hypothesis) => hypothesis.category);
      for (const category of expected.contributing ?? []) expect(contributing).toContain(category);
      for (const hypothesis of analysis.hypotheses) {
        expect(hypothesis.supporting.length, hypothesis.id).toBeGreaterThan(0);
        for (const ref of [...hypothesis.supporting, ...hypothesis.contradicting]) expect(resolveRef(bundle, ref), JSON.stringify(ref)).toBeDefined();
      }
    });
  }
});
