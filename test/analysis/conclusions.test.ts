// The investigator's conclusions in incident.yaml override the drafts: confirmed root cause, decisions, chosen option, sign-offs.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeIncident } from '../../src/analysis/index.ts';
import { loadEvidence } from '../../src/evidence/store.ts';
import { renderMarkdown } from '../../src/render/outputs.ts';

const SAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/incidents/fm_028');

describe('conclusions from the manifest', () => {
  const bundle = loadEvidence(SAMPLE);

  it('drafts are proposed until confirmed', async () => {
    const analysis = analyzeIncident(bundle, { hypotheses: {}, owners: [], done: [] });
    expect(analysis.rootCause.confirmed).toBe(false);
    expect(analysis.recommendation.confirmed).toBe(false);
    const rendered = await renderMarkdown(analysis);
    expect(rendered.files.get('root-cause-report.md')).toContain('**Most likely root cause (proposed):**');
    expect(rendered.files.get('solution-design.md')).toMatch(/\*\*Recommended option: [ABC]\*\* \*\(proposed\)\*/);
  });

  it('uses the confirmed root cause, decisions, chosen option, owners and sign-offs', async () => {
    const analysis = analyzeIncident(bundle, {
      rootCause: 'The webhook handler writes status parsed, which upload_jobs_status_check rejects, and leaks its session.',
      hypotheses: { 'network-connectivity': { status: 'rejected', note: 'timeouts are the 10 s webhook timeout' } },
      chosenOption: 'B',
      owners: [{ role: 'fix', name: 'Backend on-call' }],
      impact: 'Fourteen documents never finished processing.',
      done: ['fix-implemented', 'code-review'],
    });
    expect(analysis.rootCause).toMatchObject({ confirmed: true });
    expect(analysis.hypotheses.find((hypothesis) => hypothesis.id === 'network-connectivity')).toMatchObject({ status: 'rejected', role: 'unlikely' });
    expect(analysis.recommendation).toMatchObject({ letter: 'B', confirmed: true });
    expect(analysis.checklists.resolution.find((item) => item.id === 'fix-implemented')).toMatchObject({ status: 'partial', basis: expect.stringContaining('no verification evidence') });
    expect(analysis.checklists.investigation.find((item) => item.id === 'root-cause')?.status).toBe('done');
    const rendered = await renderMarkdown(analysis);
    const report = rendered.files.get('root-cause-report.md') ?? '';
    expect(report).toContain('**Confirmed root cause:** The webhook handler writes status parsed');
    expect(report).toContain('Fourteen documents never finished processing');
    const design = rendered.files.get('solution-design.md') ?? '';
    expect(design).toContain('**Chosen option: B** (confirmed in the manifest)');
    expect(design).toContain('fix: Backend on\\-call');
  });
});
