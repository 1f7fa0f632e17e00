import { describe, expect, it } from 'vitest';
import type { EvidenceRef } from '../../src/evidence/schema.ts';
import { rankHypotheses } from '../../src/analysis/hypotheses.ts';
import { HYPOTHESIS_CATEGORIES, type Finding, type Signal } from '../../src/analysis/types.ts';

const ref = (line: number): EvidenceRef => ({ kind: 'log-record', source: 'logs', file: 'app.log', line, excerpt: `line ${line}` });

function finding(signal: Signal, count = 3, extra: Partial<Finding> = {}): Finding {
  return { id: `${signal}-1`, signal, area: 'logs', title: signal, detail: signal, severity: 'high', count, refs: [ref(count)], ...extra };
}

describe('ranked root-cause hypotheses', () => {
  it('gives no hypothesis without signals', () => {
    expect(rankHypotheses([])).toEqual([]);
  });

  it('ranks upstream rate limiting first when 429s dominate', () => {
    const ranked = rankHypotheses([finding('upstream-rate-limit', 40), finding('job-errors', 12), finding('http-5xx', 5)]);
    expect(ranked[0]?.category).toBe('upstream-dependency');
    expect(ranked[0]?.role).toBe('root-cause');
    expect(ranked[0]?.rule).toMatch(/429/);
  });

  it('ranks lock contention first with lock timeouts and a blocking chain', () => {
    const ranked = rankHypotheses([finding('lock-timeout'), finding('lock-wait'), finding('blocking-chain'), finding('stuck-jobs')]);
    expect(ranked[0]?.category).toBe('db-lock-contention');
  });

  it('prefers a located code defect over the constraint it violates, and keeps the constraint as a contributing factor', () => {
    const ranked = rankHypotheses([finding('code-stack-frame'), finding('constraint-violation'), finding('errors-after-deploy'), finding('code-error-handling'), finding('pool-exhaustion')]);
    expect(ranked[0]?.category).toBe('code-defect');
    const constraint = ranked.find((hypothesis) => hypothesis.category === 'db-constraint-violation');
    expect(constraint?.role).toBe('contributing');
    expect(ranked.find((hypothesis) => hypothesis.category === 'db-pool-exhaustion')?.role).toBe('contributing');
  });

  it('applies requirements and contrary evidence', () => {
    const alone = rankHypotheses([finding('restart')]);
    expect(alone.find((hypothesis) => hypothesis.category === 'resource-exhaustion')).toBeUndefined();
    const memory = rankHypotheses([finding('memory-limit'), finding('restart'), finding('code-stack-frame')]);
    const code = memory.find((hypothesis) => hypothesis.category === 'code-defect');
    expect(memory[0]?.category).toBe('resource-exhaustion');
    expect(code?.contradicting.length).toBeGreaterThan(0);
  });

  it('lets the investigator confirm or reject a hypothesis', () => {
    const findings = [finding('upstream-rate-limit', 40), finding('network-error', 2)];
    const ranked = rankHypotheses(findings, { 'network-connectivity': { status: 'confirmed' }, 'upstream-dependency': { status: 'rejected' } });
    expect(ranked[0]).toMatchObject({ id: 'network-connectivity', status: 'confirmed', role: 'root-cause' });
    expect(ranked[ranked.length - 1]).toMatchObject({ id: 'upstream-dependency', status: 'rejected', role: 'unlikely' });
  });

  it('uses only the published categories and keeps every reference from a finding', () => {
    const all: Signal[] = ['pool-exhaustion', 'lock-timeout', 'constraint-violation', 'network-error', 'upstream-error', 'memory-limit', 'errors-after-deploy', 'config-risky-difference'];
    const ranked = rankHypotheses(all.map((signal, index) => finding(signal, index + 1, { risk: 'high' })));
    for (const hypothesis of ranked) {
      expect(HYPOTHESIS_CATEGORIES).toContain(hypothesis.category);
      expect(hypothesis.supporting.length).toBeGreaterThan(0);
      expect(hypothesis.score).toBeGreaterThan(0);
    }
  });
});
