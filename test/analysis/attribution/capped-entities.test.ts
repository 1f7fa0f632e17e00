// Saved evidence (FM-028: failed requests named by request ids in the logs) whose entity list reached its cap: a share of the failed ids it holds is no reach, so reach falls back to the failing minutes.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeIncident } from '../../../src/analysis/index.ts';
import type { EvidenceBundle } from '../../../src/evidence/schema.ts';
import { loadEvidence } from '../../../src/evidence/store.ts';
import { manifestSchema } from '../../../src/manifest/index.ts';

const SAMPLE = path.resolve(import.meta.dirname, '../../../docs/incidents/fm_028');
const conclusions = manifestSchema.shape.conclusions.parse(undefined);

function withCappedEntities(bundle: EvidenceBundle): EvidenceBundle {
  const copy = structuredClone(bundle);
  for (const source of copy.sources) if (source.kind === 'logs' && source.evidence) (source.evidence as { entitiesTruncated?: boolean }).entitiesTruncated = true;
  return copy;
}

describe('reach over capped entity lists', () => {
  it('is over the failed entities while the evidence holds them all, over the failing minutes once the list was capped', () => {
    const bundle = loadEvidence(SAMPLE);
    const whole = analyzeIncident(bundle, conclusions).attribution!.candidates.filter((candidate) => candidate.features.reachOver === 'entities');
    expect(whole.length).toBeGreaterThan(0);
    const capped = analyzeIncident(withCappedEntities(bundle), conclusions).attribution!;
    expect(capped.symptom?.entities).toBeGreaterThan(0);
    for (const candidate of capped.candidates.filter((candidate) => candidate.kind === 'error-family')) {
      expect(candidate.features.reachOver).not.toBe('entities');
      expect(candidate.statement).not.toMatch(/of failed (?:jobs|requests) \(/);
    }
  });
});
