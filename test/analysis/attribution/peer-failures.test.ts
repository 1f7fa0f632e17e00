// A far end that refused connections while a process was dying: the death leads the chain, the refusals are its consequence.
import { describe, expect, it } from 'vitest';
import { attribute } from '../../../src/analysis/attribution/index.ts';
import { bundle, every } from './fixtures.ts';

const REFUSED_BY_APP = (port: number) =>
  `connect() failed (111: Connection refused) while connecting to upstream, client: 10.1.2.3, server: shop.example.com, request: "GET /api/cart HTTP/1.1", upstream: "http://127.0.0.1:${port}/api/cart", host: "shop.example.com"`;
/** What a runtime prints as it dies (read at level fatal), and what a platform records when it kills a container. */
const DEATHS: { message: string; level: 'fatal' | 'warn' }[] = [
  { message: 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory', level: 'fatal' },
  { message: 'fatal error: runtime: out of memory', level: 'fatal' },
  { message: 'Warning OOMKilling node/ip-10-0-3-7 Memory cgroup out of memory: Killed process 4211 (node) Reason: OOMKilled', level: 'warn' },
];

describe('peer failures explained by a process death', () => {
  for (const [index, death] of DEATHS.entries()) {
    it(`the death leads, the refusals follow (${death.message.slice(0, 40)})`, () => {
      const failures = every(60, 100).map((offset): [number, number] => [offset, 20]);
      const result = attribute(
        bundle({
          failures,
          families: [
            { id: 'refused', message: REFUSED_BY_APP(3000 + index), at: every(60, 100).flatMap((offset) => Array(20).fill(offset)) },
            { id: 'death', message: death.message, level: death.level, at: every(58, 100, 6) },
          ],
        }),
        [],
      );
      const root = result.candidates.find((candidate) => candidate.id === result.chain.root?.candidate);
      expect(root?.category).toBe('resource-exhaustion');
      expect(root?.rule).toMatch(/refused or dropped connections .* which explains them/);
      expect(result.chain.consequences.map((link) => link.candidate)).toContain(result.candidates.find((candidate) => candidate.templates.some((template) => template.endsWith('refused')))?.id);
    });
  }

  it('a death at the same rate before the onset, or long after it, explains nothing', () => {
    const failures = every(60, 100).map((offset): [number, number] => [offset, 20]);
    const refused = { id: 'refused', message: REFUSED_BY_APP(3000), at: every(60, 100).flatMap((offset) => Array(20).fill(offset)) };
    for (const at of [every(0, 100, 5), every(85, 100, 3)]) {
      const result = attribute(bundle({ failures, families: [refused, { id: 'death', message: DEATHS[0]!.message, level: 'fatal' as const, at }] }), []);
      const root = result.candidates.find((candidate) => candidate.id === result.chain.root?.candidate);
      expect(root?.category).toBe('upstream-dependency');
    }
  });

  it('an out-of-memory error a live process logged and survived explains nothing', () => {
    const failures = every(60, 100).map((offset): [number, number] => [offset, 20]);
    const refused = { id: 'refused', message: REFUSED_BY_APP(3000), at: every(60, 100).flatMap((offset) => Array(20).fill(offset)) };
    const survived = { id: 'oom', message: 'java.lang.OutOfMemoryError: Java heap space in thumbnail worker 3: image too large', at: every(59, 100, 8) };
    const result = attribute(bundle({ failures, families: [refused, survived] }), []);
    const root = result.candidates.find((candidate) => candidate.id === result.chain.root?.candidate);
    expect(root?.category).toBe('upstream-dependency');
  });
});
