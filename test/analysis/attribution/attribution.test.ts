// Attribution features on hand-made evidence: onset, baseline (background), reach, precedence, specificity, statements, chain.
import { describe, expect, it } from 'vitest';
import { attribute } from '../../../src/analysis/attribution/index.ts';
import { rankHypotheses } from '../../../src/analysis/hypotheses.ts';
import { bundle, every, minute } from './fixtures.ts';

const PANIC =
  'http: panic serving 10.0.0.7:51234: runtime error: invalid memory address or nil pointer dereference\ngoroutine 42 [running]:\nmain.(*Handler).ServeOrder(0xc000010000)\n\t/app/handler.go:88 +0x1d\nnet/http.HandlerFunc.ServeHTTP(0x0?)\n\t/usr/local/go/src/net/http/server.go:2136 +0x29';
const REDIS_POOL = 'redis.exceptions.ConnectionError: Too many connections';
const BACKGROUND = 'Error: connect ECONNREFUSED 10.0.0.9:8125';

describe('symptom', () => {
  it('counts every failed request and finds the onset of the failures', () => {
    const failures: [number, number][] = [[10, 1], ...every(120, 200).map((offset): [number, number] => [offset, 3])];
    const result = attribute(bundle({ families: [], failures }), []);
    expect(result.symptom?.kind).toBe('failed-requests');
    expect(result.symptom?.count).toBe(1 + 80 * 3);
    expect(result.symptom?.onset).toBe(minute(120));
    expect(result.symptom?.endpoints).toEqual([{ endpoint: 'GET /api/orders', status: 500, count: 241 }]);
  });

  it('takes the onset from the manifest when the investigator names it', () => {
    const result = attribute(bundle({ families: [], failures: every(120, 200).map((offset): [number, number] => [offset, 2]), symptom: { onset: minute(100) } }), []);
    expect(result.symptom?.from).toBe('manifest');
    expect(result.symptom?.onset).toBe(minute(100));
  });
});

describe('error families', () => {
  const failures = every(120, 200).map((offset): [number, number] => [offset, 2]);
  const spec = {
    failures,
    families: [
      { id: 'panic', message: PANIC, at: every(120, 200).flatMap((offset) => [offset, offset]) },
      { id: 'noise', message: BACKGROUND, at: every(0, 240, 4).flatMap((offset) => [offset, offset]) },
      { id: 'odd', message: 'Request failed with status code 429', at: [121, 125, 130] },
    ],
    events: [{ kind: 'deploy' as const, timestamp: minute(116), file: 'logs/deploy.log', line: 1, message: '==> Deploying...' }],
  };

  it('marks a family at the same rate before and after the onset as background, and ranks it below the new one', () => {
    const result = attribute(bundle(spec), [{ id: 'deploy', signal: 'deploy', area: 'logs', title: 'Deploy at 13:56Z', detail: '', severity: 'info', count: 1, refs: [], firstSeen: minute(116) }]);
    const noise = result.candidates.find((candidate) => candidate.templates.includes('app:noise'))!;
    const panic = result.candidates.find((candidate) => candidate.templates.includes('app:panic'))!;
    expect(noise.features.background).toBe(true);
    expect(noise.statement).toMatch(/background, not a cause/);
    expect(panic.features.background).toBe(false);
    expect(panic.features.baselineCount).toBe(0);
    expect(panic.score).toBeGreaterThan(noise.score);
    expect(result.chain.background.map((link) => link.candidate)).toContain(noise.id);
  });

  it('states the cause: the decisive error, its application frame, the deploy, the reach and "absent before"', () => {
    const result = attribute(bundle(spec), [{ id: 'deploy', signal: 'deploy', area: 'logs', title: 'Deploy', detail: '', severity: 'info', count: 1, refs: [], firstSeen: minute(116) }]);
    const panic = result.candidates.find((candidate) => candidate.templates.includes('app:panic'))!;
    expect(panic.category).toBe('code-defect');
    expect(panic.features.frame).toBe('app/handler.go:88');
    expect(panic.features.appFrames).toBe(1);
    expect(panic.features.changeEvent?.kind).toBe('deploy');
    expect(panic.features.changeEvent?.minutesBefore).toBe(4);
    expect(panic.features.reachOver).toBe('minutes');
    expect(panic.features.reach).toBe(1);
    expect(panic.features.totalCount).toBe(160);
    expect(panic.statement).toContain('since the deploy at 13:56');
    expect(panic.statement).toContain('in 100% of minutes with failures (80 of 80)');
    expect(panic.statement).toContain('absent before');
    expect(result.chain.root?.candidate).toBe(panic.id);
  });

  it('reads a family from its template sample when none of its records was kept (a large log past the kept-records cap)', () => {
    const capped = bundle(spec);
    for (const source of capped.sources) if (source.kind === 'logs' && source.evidence) source.evidence.records = [];
    const result = attribute(capped, []);
    const panic = result.candidates.find((candidate) => candidate.templates.includes('app:panic'))!;
    expect(panic.category).toBe('code-defect');
    expect(panic.features.frame).toBe('app/handler.go:88');
  });

  it('a few misleading errors at the onset reach little and lose to the cause', () => {
    const result = attribute(bundle(spec), []);
    const odd = result.candidates.find((candidate) => candidate.templates.includes('app:odd'))!;
    const panic = result.candidates.find((candidate) => candidate.templates.includes('app:panic'))!;
    expect(odd.features.reach!).toBeLessThan(panic.features.reach! / 2);
    expect(odd.features.volumeShare).toBeLessThan(0.05);
    expect(odd.score).toBeLessThan(panic.score);
  });

  it('uses a manifest baseline window for the background rate', () => {
    const result = attribute(bundle({ ...spec, baseline: { start: minute(0), end: minute(60) } }), []);
    const noise = result.candidates.find((candidate) => candidate.templates.includes('app:noise'))!;
    expect(noise.features.baselineCount).toBe(30);
    expect(noise.features.background).toBe(true);
  });
});

describe('reach and precedence over entity chains', () => {
  const ids = Array.from({ length: 10 }, (_, index) => `req-${index}0a`);
  const chains: Record<string, string[]> = {};
  for (const [index, id] of ids.entries()) chains[id] = index < 9 ? ['pool', 'record'] : ['record'];
  const spec = {
    failures: every(60, 120).map((offset): [number, number] => [offset, 1]),
    families: [
      { id: 'pool', message: REDIS_POOL, at: every(60, 120), requestIds: ids.slice(0, 9) },
      { id: 'record', message: 'could not record failure for request: audit write failed', at: every(61, 121), requestIds: ids },
    ],
    chains,
  };

  it('measures reach over the failed requests and precedence in each chain', () => {
    const result = attribute(bundle(spec), []);
    const pool = result.candidates.find((candidate) => candidate.templates.includes('app:pool'))!;
    const record = result.candidates.find((candidate) => candidate.templates.includes('app:record'))!;
    expect(pool.features.reachOver).toBe('entities');
    expect(pool.features.reachCount).toBe(9);
    expect(pool.features.reachOf).toBe(10);
    expect(pool.features.precedence).toBe(1);
    expect(record.features.precedence).toBe(0.1);
    expect(pool.score).toBeGreaterThan(record.score);
  });

  it('puts the failure to record a failure in the chain as a consequence of the root cause', () => {
    const result = attribute(bundle(spec), []);
    const pool = result.candidates.find((candidate) => candidate.templates.includes('app:pool'))!;
    const record = result.candidates.find((candidate) => candidate.templates.includes('app:record'))!;
    expect(result.chain.root?.candidate).toBe(pool.id);
    expect(result.chain.consequences.map((link) => link.candidate)).toContain(record.id);
    expect(pool.resource).toMatch(/redis/);
  });

  it('gives the hypothesis the cause statement, the signature category and resource, and the features', () => {
    const attribution = attribute(bundle(spec), []);
    const hypotheses = rankHypotheses([], {}, attribution);
    const top = hypotheses[0]!;
    expect(top.category).toBe('db-pool-exhaustion');
    expect(top.resource).toMatch(/redis/);
    expect(top.statement).toContain('Too many connections');
    expect(top.features?.reachCount).toBe(9);
    expect(top.rule).toContain('attributed cause');
    expect(top.supporting.length).toBeGreaterThan(0);
  });
});
