// Over the generated bench:diagnosis incidents (a seed from FRACAS_TEST_SEED): plan steps come only from the chosen option, and no
// plan step, test or prevention item recommends something for another resource than the root cause's.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { openDatabase } from '../../bench/diagnosis/database.ts';
import { DB_GENERATORS, type DbIncident } from '../../bench/diagnosis/db-scenarios.ts';
import { GENERATORS, type Incident } from '../../bench/diagnosis/scenarios.ts';
import { analyzeIncident } from '../../src/analysis/index.ts';
import type { Analysis, ProposedText } from '../../src/analysis/model.ts';
import type { Hypothesis } from '../../src/analysis/types.ts';
import { collectEvidence } from '../../src/collectors/gather.ts';
import type { EvidenceBundle } from '../../src/evidence/schema.ts';
import { loadManifest, type Manifest } from '../../src/manifest/index.ts';

const SEED = Number(process.env.FRACAS_TEST_SEED ?? 3) || 3;
const ROOT = mkdtempSync(path.join(tmpdir(), 'fracas-advice-'));
afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

/** Words that name one resource's settings or tools; an item using them must be about a root cause on that resource. */
const RESOURCES: { name: string; words: RegExp; fits(root: Hypothesis): boolean }[] = [
  {
    name: 'PostgreSQL',
    words: /idle_in_transaction|lock_timeout|statement_timeout|PgBouncer|Supavisor|max_connections|pg_stat|SKIP LOCKED|PostgreSQL|idle in transaction|row lock/i,
    fits: (root) => (root.resource ? /postgres|\bpg\b|psql/i.test(root.resource) : root.category.startsWith('db-')),
  },
  { name: 'Redis', words: /\bRedis\b|ioredis|maxRetriesPerRequest/i, fits: (root) => /redis/i.test(`${root.resource ?? ''} ${root.statement ?? ''}`) },
  { name: 'memory', words: /\bmemory\b|\bheap\b/i, fits: (root) => root.category === 'resource-exhaustion' },
  { name: 'upstream quota', words: /Retry-After|quota|rate.limit/i, fits: (root) => root.category === 'upstream-dependency' },
];

function items(analysis: Analysis): { where: string; text: string }[] {
  const list = (where: string, entries: ProposedText[]) => entries.map((entry) => ({ where, text: entry.text }));
  return [
    ...list('plan step', analysis.plan.steps),
    ...list('plan test', analysis.plan.testing),
    ...list('prevention (process)', analysis.prevention.process),
    ...list('prevention (tooling)', analysis.prevention.tooling),
    ...list('prevention (documentation)', analysis.prevention.documentation),
  ];
}

async function collected(name: string, incident: Incident | DbIncident): Promise<{ bundle: EvidenceBundle; conclusions: Manifest['conclusions'] }> {
  const dir = path.join(ROOT, name);
  const database = 'database' in incident ? await openDatabase(`advice-${name}`, incident.database) : undefined;
  const sources = [...(incident.manifest.sources as Record<string, unknown>[]), ...(database && 'database' in incident ? [{ ...incident.database.source, url: database.url }] : [])];
  for (const [file, text] of Object.entries(incident.files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  writeFileSync(path.join(dir, 'incident.yaml'), stringify({ ...incident.manifest, sources }));
  const env = { ...process.env, DATABASE_URL: '' };
  const loaded = loadManifest(dir, env);
  const bundle = await collectEvidence(loaded, { env }).finally(() => database?.close());
  return { bundle, conclusions: loaded.manifest.conclusions };
}

const ALL: [string, (seed: number) => Incident | DbIncident][] = [...Object.entries(GENERATORS), ...Object.entries(DB_GENERATORS)];

describe(`advice follows the chosen option and the cause's resource (generated incidents, seed ${SEED})`, () => {
  for (const [name, generator] of ALL) {
    it(name, async () => {
      const { bundle, conclusions } = await collected(name, generator(SEED * 7919 + name.length));
      for (const chosen of [undefined, 'A', 'B', 'C'] as const) {
        const analysis = analyzeIncident(bundle, chosen ? { ...conclusions, chosenOption: chosen } : conclusions);
        const root = analysis.hypotheses.find((hypothesis) => hypothesis.role === 'root-cause');
        expect(root, `${name}: a root cause`).toBeDefined();
        const option = analysis.options.find((candidate) => candidate.letter === analysis.recommendation.letter)!;
        if (chosen) expect(option.letter).toBe(chosen);
        // The plan is the chosen option's changes for the root cause (then the staging step), or says it has none.
        const steps = analysis.plan.steps.map((step) => step.text);
        if (option.forRoot.length > 0) expect(steps.slice(0, -1)).toEqual(option.forRoot.map((change) => change.text));
        else expect(steps).toEqual([expect.stringMatching(new RegExp(`^Option ${option.letter} drafts no change for the root cause`))]);
        const own = new Set(option.changes.map((change) => change.text));
        const others = analysis.options.filter((other) => other !== option).flatMap((other) => other.changes.map((change) => change.text));
        for (const step of steps) {
          expect(step).not.toMatch(/\(from option [ABC]\)/);
          if (!own.has(step)) expect(others, `${name}: a step of another option than ${option.letter}`).not.toContain(step);
        }
        for (const { where, text } of items(analysis)) {
          for (const resource of RESOURCES) {
            if (!resource.words.test(text)) continue;
            expect(resource.fits(root!), `${name} (option ${option.letter}), ${where} recommends ${resource.name} for a ${root!.category} cause on ${root!.resource ?? '?'}: "${text}"`).toBe(true);
          }
        }
      }
    }, 120_000);
  }
});
