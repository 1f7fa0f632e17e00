// The analyzer registry: analyzers run when their evidence is present, a throwing analyzer becomes an error entry, derived data is computed once.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANALYZERS } from '../../src/analysis/analyzers.ts';
import { analyzeIncident } from '../../src/analysis/index.ts';
import { runAnalyzers, SharedDerivations, type Analyzer } from '../../src/analysis/registry.ts';
import { exitCodeFor } from '../../src/cli/exit-codes.ts';
import { loadEvidence } from '../../src/evidence/store.ts';
import type { EvidenceBundle } from '../../src/evidence/schema.ts';
import { renderMarkdown } from '../../src/render/outputs.ts';

const SAMPLE = path.resolve(import.meta.dirname, '../../docs/incidents/fm_028');
const NO_CONCLUSIONS = { hypotheses: {}, owners: [], done: [] };

function onlyKinds(bundle: EvidenceBundle, kinds: string[]): EvidenceBundle {
  return { ...bundle, sources: bundle.sources.filter((source) => kinds.includes(source.kind)) };
}

describe('analyzer registry', () => {
  const bundle = loadEvidence(SAMPLE);

  it('has unique kebab-case ids', () => {
    const ids = ANALYZERS.map((analyzer) => analyzer.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
  });

  it('skips analyzers whose evidence is absent and runs the rest', () => {
    const run = runAnalyzers(ANALYZERS, onlyKinds(bundle, ['database']));
    expect(run.skipped).toEqual(expect.arrayContaining(['log-patterns', 'config', 'code']));
    expect(run.skipped).not.toContain('database');
    expect(run.findings.length).toBeGreaterThan(0);
    expect(run.findings.every((finding) => finding.area === 'database' || finding.area === 'correlation')).toBe(true);
  });

  it('turns a throwing analyzer into an error entry; the report still renders and names it; the run is partial', async () => {
    const broken: Analyzer = {
      id: 'broken-analyzer',
      requires: ['logs'],
      run: () => {
        throw new Error('cannot read property of undefined');
      },
    };
    const analysis = analyzeIncident(bundle, NO_CONCLUSIONS, { analyzers: [...ANALYZERS.slice(0, 1), broken, ...ANALYZERS.slice(1)] });
    expect(analysis.analyzerErrors).toEqual([{ analyzer: 'broken-analyzer', message: 'cannot read property of undefined' }]);
    const healthy = analyzeIncident(bundle, NO_CONCLUSIONS);
    expect(analysis.hypotheses.map((hypothesis) => hypothesis.id)).toEqual(healthy.hypotheses.map((hypothesis) => hypothesis.id));
    const report = (await renderMarkdown(analysis)).files.get('root-cause-report.md') ?? '';
    expect(report).toContain('Analyzers that failed');
    expect(report).toContain('`broken-analyzer`: cannot read property of undefined');
    expect(exitCodeFor({ sources: [{ status: 'ok' }], markdown: 'ok', analyzerErrors: analysis.analyzerErrors.length })).toBe(2);
    expect(exitCodeFor({ sources: [{ status: 'ok' }], markdown: 'ok', analyzerErrors: healthy.analyzerErrors.length })).toBe(0);
  });

  it('computes shared derivations once', () => {
    const shared = new SharedDerivations();
    let calls = 0;
    const first = shared.get('x', () => ({ calls: ++calls }));
    const second = shared.get('x', () => ({ calls: ++calls }));
    expect(second).toBe(first);
    expect(calls).toBe(1);
  });

  it('gives later analyzers the findings of earlier ones', () => {
    const seen: number[] = [];
    const probe: Analyzer = {
      id: 'probe',
      requires: [],
      run: ({ findings }) => {
        seen.push(findings.length);
        return [];
      },
    };
    const run = runAnalyzers([...ANALYZERS, probe], bundle);
    expect(seen).toEqual([run.findings.length]);
    expect(seen[0]).toBeGreaterThan(0);
  });
});
