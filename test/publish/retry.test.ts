// Rate-limit waits from the documented headers (GitHub primary and secondary, Retry-After as seconds or a date, Linear).
import { describe, expect, it } from 'vitest';
import { classify, rateLimitWait } from '../../src/publish/retry.ts';

const NOW = Date.parse('2026-12-01T12:00:00Z');

describe('rateLimitWait', () => {
  it('follows GitHub: retry-after first, else the reset when remaining is 0, else one minute for a secondary limit', () => {
    expect(rateLimitWait({ status: 403, headers: { 'retry-after': '42' }, message: 'You have exceeded a secondary rate limit.' }, NOW)).toBe(42_000);
    expect(rateLimitWait({ status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 120) }, message: 'API rate limit exceeded' }, NOW)).toBe(121_000);
    expect(rateLimitWait({ status: 403, headers: { 'x-ratelimit-remaining': '17' }, message: 'You have exceeded a secondary rate limit' }, NOW)).toBe(60_000);
    expect(rateLimitWait({ status: 403, headers: { 'x-ratelimit-remaining': '17' }, message: 'Resource not accessible by personal access token' }, NOW)).toBeUndefined();
  });

  it('reads Retry-After as an HTTP date, and Linear RATELIMITED with a millisecond reset', () => {
    expect(rateLimitWait({ status: 429, headers: { 'retry-after': new Date(NOW + 30_000).toUTCString() }, message: '' }, NOW)).toBe(30_000);
    expect(rateLimitWait({ status: 400, headers: { 'x-ratelimit-requests-reset': String(NOW + 5_000) }, message: 'Rate limit exceeded', code: 'RATELIMITED' }, NOW)).toBe(5_000);
  });

  it('classifies a 400 that is not a rate limit as invalid, with the tracker message', () => {
    const error = classify(
      { status: 400, headers: {}, message: 'comment: Comment body can not be empty!' },
      { action: 'commenting on jira:OPS-1', ticket: 'jira:OPS-1', permission: 'p', credential: 'c' },
      NOW,
    );
    expect(error.kind).toBe('invalid');
    expect(error.message).toBe('commenting on jira:OPS-1 was rejected (HTTP 400): comment: Comment body can not be empty!');
  });
});
