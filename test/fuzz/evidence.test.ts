// Fuzz test for the evidence.json reader: a mutated bundle is either refused by bundleProblems or analysed and rendered without a crash.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeIncident } from '../../src/analysis/index.ts';
import type { EvidenceBundle } from '../../src/evidence/schema.ts';
import { asBundle, bundleProblems } from '../../src/evidence/check.ts';
import { mergeEvidence } from '../../src/evidence/merge.ts';
import { manifestSchema } from '../../src/manifest/index.ts';
import { DELIVERABLES, loadTemplates } from '../../src/render/handlebars.ts';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const SAMPLES = ['inc_forgotten_transaction', 'inc_memory_restarts', 'inc_upstream_rate_limit'].map(
  (name) => JSON.parse(readFileSync(path.join(REPO, 'docs', 'incidents', name, 'evidence', 'evidence.json'), 'utf8')) as EvidenceBundle,
);
const conclusions = manifestSchema.shape.conclusions.parse(undefined);
const templates = loadTemplates();

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

/** Every path in a JSON value (objects and arrays included), capped so huge samples stay cheap. */
function allPaths(value: Json, prefix: Path = [], out: Path[] = []): Path[] {
  if (out.length > 40_000) return out;
  out.push(prefix);
  if (Array.isArray(value)) {
    for (const [index, item] of value.slice(0, 30).entries()) allPaths(item, [...prefix, index], out);
  } else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) allPaths(item, [...prefix, key], out);
  return out;
}

const REPLACEMENTS: Json[] = [null, '', 'x', 'not a time', '2026-13-45T99:99:99Z', -1, 0, 1e308, 3.5, true, [], {}, [null], { x: 1 }, 'x'.repeat(10_000)];

function mutate(bundle: EvidenceBundle, target: Path, operation: number): Json {
  const copy = structuredClone(bundle) as unknown as Json;
  if (target.length === 0) return REPLACEMENTS[operation % REPLACEMENTS.length] ?? null;
  let parent: Json = copy;
  for (const key of target.slice(0, -1)) parent = (parent as Record<string | number, Json>)[key] ?? null;
  const last = target[target.length - 1] as string | number;
  const holder = parent as Record<string | number, Json>;
  if (operation === REPLACEMENTS.length) {
    if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
    else delete holder[last];
  } else {
    holder[last] = REPLACEMENTS[operation % REPLACEMENTS.length] ?? null;
  }
  return copy;
}

function analyseAndRender(bundle: EvidenceBundle): void {
  const analysis = analyzeIncident(bundle, conclusions, {});
  for (const name of [...DELIVERABLES, 'combined'] as const) templates.render(name, analysis);
}

describe('evidence.json fuzz', () => {
  it('accepts the bundled samples', () => {
    for (const sample of SAMPLES) expect(bundleProblems(sample)).toEqual([]);
  });

  it('a mutated bundle is refused with problems, or analysed and rendered without throwing', () => {
    const indexed = SAMPLES.map((sample) => ({ sample, paths: allPaths(sample as unknown as Json) }));
    fc.assert(
      fc.property(fc.nat(indexed.length - 1), fc.nat(), fc.nat(REPLACEMENTS.length), (which, pick, operation) => {
        const { sample, paths } = indexed[which] as (typeof indexed)[number];
        const target = paths[pick % paths.length] as Path;
        const mutated = mutate(sample, target, operation);
        const problems = bundleProblems(mutated);
        for (const problem of problems) expect(problem.length).toBeLessThan(1_000);
        const bundle = asBundle(mutated);
        if (!bundle) {
          expect(problems.length).toBeGreaterThan(0);
          return;
        }
        try {
          analyseAndRender(bundle);
        } catch (error) {
          throw new Error(
            `passed the check but analysis failed after ${operation === REPLACEMENTS.length ? 'deleting' : `setting ${JSON.stringify(REPLACEMENTS[operation])} at`} ${target.join('.')}: ${(error as Error).stack}`,
          );
        }
      }),
      { numRuns: 400 },
    );
  }, 300_000);

  it('refuses random JSON and truncated files with problems, never an exception', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        expect(Array.isArray(bundleProblems(value))).toBe(true);
      }),
      { numRuns: 300 },
    );
    const text = JSON.stringify(SAMPLES[1]);
    for (let cut = 0; cut < text.length; cut += Math.ceil(text.length / 200)) {
      let value: unknown;
      try {
        value = JSON.parse(text.slice(0, cut));
      } catch {
        continue;
      }
      expect(bundleProblems(value).length).toBeGreaterThan(0);
    }
  });

  it('does not keep malformed evidence from an earlier run', () => {
    const sample = SAMPLES[0] as EvidenceBundle;
    const source = sample.sources.find((item) => item.evidence !== undefined);
    expect(source).toBeDefined();
    const broken = { ...sample, sources: sample.sources.map((item) => (item === source ? ({ ...item, evidence: { files: 'nope' } } as unknown as typeof item) : item)) };
    const failedNow = { ...sample, sources: sample.sources.map((item) => (item === source ? ({ ...item, status: 'failed', evidence: undefined, error: { message: 'gone' } } as typeof item) : item)) };
    const merged = mergeEvidence(broken, failedNow);
    expect(merged.sources.find((item) => item.id === source?.id)?.status).toBe('failed');
    expect(bundleProblems(merged)).toEqual([]);
  });
});
