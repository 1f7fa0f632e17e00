// The review's durations start from the first error in the evidence only when that is a time (query rows may hold anything).
import { describe, expect, it } from 'vitest';
import { buildReview } from '../../src/analysis/review.ts';

const input = (firstError: string) => ({ events: [], actions: [], conclusions: { hypotheses: {}, owners: [], done: [] }, rootCauseConfirmed: false, firstError });

describe('review durations', () => {
  it('take the first error time as the onset', () => {
    const { durations } = buildReview(input('2026-11-19T06:00:00Z'));
    expect(durations.onset).toBe('2026-11-19T06:00:00.000Z');
    expect(durations.onsetBasis).toBe('the first error in the evidence');
  });

  it('have no onset when the first error time is not a time, instead of throwing', () => {
    for (const text of ['1e+308', 'yesterday', '']) {
      const { durations } = buildReview(input(text));
      expect(durations.onset).toBeUndefined();
      expect(durations.onsetBasis).toMatch(/^no onset/);
    }
  });
});
