// Time to resolve in the incident memory: the review's milestones when it has them, else the window and a verified fix.
import { describe, expect, it } from 'vitest';
import { timeToResolve } from '../../src/analysis/history.ts';

const window = { start: '2026-11-10T00:00:00Z' };
const verified = { verdict: 'verified', window: { end: '2026-11-12T00:00:00Z' } };

describe('timeToResolve', () => {
  it('measures from started to the resolved milestone, whatever the verification says', () => {
    const timeline = [
      { event: 'detected', time: '2026-11-10T02:00:00Z' },
      { event: 'started', time: '2026-11-10T01:00:00Z' },
      { event: 'resolved', time: '2026-11-10T13:30:00Z' },
    ];
    expect(timeToResolve(window, timeline, verified)).toEqual({ hours: 12.5, basis: expect.stringMatching(/started milestone .* resolved milestone/) });
  });

  it('falls back to detected, then the window start, and to the verified window end', () => {
    expect(timeToResolve(window, [{ event: 'detected', time: '2026-11-10T06:00:00Z' }], verified)?.hours).toBe(42);
    expect(timeToResolve(window, [], verified)).toEqual({ hours: 48, basis: expect.stringMatching(/incident window .* verified fix window/) });
  });

  it('is undefined while nothing says the incident is resolved', () => {
    expect(timeToResolve(window, [{ event: 'mitigated', time: '2026-11-10T03:00:00Z' }], undefined)).toBeUndefined();
    expect(timeToResolve(window, [], { verdict: 'not-verified', window: { end: '2026-11-12T00:00:00Z' } })).toBeUndefined();
  });
});
