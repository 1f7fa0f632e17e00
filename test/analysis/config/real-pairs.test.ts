// Real staging/production pairs from public projects: the top differences are the ones written down beforehand.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configComparisons } from '../../../src/analysis/config/comparisons.ts';
import { configFile, pairEvidence } from './sides.ts';

interface Expected {
  path: string;
  change?: string;
  kind: string;
  risk: string;
  within?: number;
  rightStartsWith?: string;
}
interface Pair {
  id: string;
  left: { label: string; file: string };
  right: { label: string; file: string };
  noHigh?: boolean;
  count?: number;
  absent?: string[];
  expect: Expected[];
}

const dir = new URL('../../fixtures/config/real/', import.meta.url);
const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')) as { pairs: Pair[] };
const read = (side: Pair['left']) => configFile(side.label, readFileSync(new URL(side.file, dir), 'utf8'), side.file);

describe('real configuration pairs', () => {
  it('has at least eight pairs', () => {
    expect(expected.pairs.length).toBeGreaterThanOrEqual(8);
  });

  for (const pair of expected.pairs) {
    it(`${pair.id}: the expected differences rank on top with their kind and risk`, () => {
      const [comparison] = configComparisons(pairEvidence(read(pair.left), read(pair.right)));
      const differences = comparison?.differences ?? [];
      expect(comparison?.anomalies.filter((anomaly) => anomaly.kind === 'parse-error')).toEqual([]);
      const summary = differences.slice(0, 12).map((difference) => `${difference.path} ${difference.change} ${difference.kind} ${difference.risk}`);
      for (const entry of pair.expect) {
        const within = entry.within ?? pair.expect.length + 2;
        const rank = differences.findIndex((difference) => difference.path === entry.path);
        expect(rank, `${entry.path} in ${summary.join('; ')}`).toBeGreaterThanOrEqual(0);
        expect(rank, `${entry.path} ranks within ${within}: ${summary.join('; ')}`).toBeLessThan(within);
        const found = differences[rank];
        expect({ path: found?.path, kind: found?.kind, risk: found?.risk, ...(entry.change ? { change: found?.change } : {}) }).toEqual({
          path: entry.path,
          kind: entry.kind,
          risk: entry.risk,
          ...(entry.change ? { change: entry.change } : {}),
        });
        expect(found?.reason.toLowerCase()).toContain(
          found?.kind === 'url-host' ? 'url or host' : found?.kind === 'durability' ? 'replication/durability' : (found?.kind ?? '').replace('-', ' ').replace('other', 'setting'),
        );
        if (entry.rightStartsWith) expect(found?.right?.startsWith(entry.rightStartsWith), found?.right).toBe(true);
      }
      for (const path of pair.absent ?? []) expect(differences.map((difference) => difference.path)).not.toContain(path);
      if (pair.noHigh) expect(differences.filter((difference) => difference.risk === 'high').map((difference) => difference.path)).toEqual([]);
      if (pair.count !== undefined) expect(differences.map((difference) => difference.path)).toHaveLength(pair.count);
    });
  }

  it('gives the same change the same risk in every pair (replica counts, hosts)', () => {
    const all = expected.pairs.flatMap((pair) => configComparisons(pairEvidence(read(pair.left), read(pair.right)))[0]?.differences ?? []);
    const byChange = new Map<string, Set<string>>();
    for (const difference of all) {
      if (difference.change !== 'changed') continue;
      const key = `${difference.kind} ${difference.left} -> ${difference.right}`;
      byChange.set(key, (byChange.get(key) ?? new Set()).add(`${difference.risk} ${difference.score}`));
    }
    for (const [change, risks] of byChange) expect([...risks], change).toHaveLength(1);
    expect(byChange.get('count 1 -> 3')?.size).toBe(1);
  });
});
