// Worker incidents whose symptom is in a PostgreSQL job table (real server, live sessions): the failed and stuck rows are the
// symptom, counted exactly, and the job rows give reach to the cause even where the worker's error lines name no job.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { openDatabase } from '../../bench/diagnosis/database.ts';
import { DB_GENERATORS } from '../../bench/diagnosis/db-scenarios.ts';
import { analyzeIncident } from '../../src/analysis/index.ts';
import { collectEvidence } from '../../src/collectors/gather.ts';
import { loadManifest } from '../../src/manifest/index.ts';

const SEED = Number(process.env.FRACAS_TEST_SEED ?? 4) || 4;
const ROOT = mkdtempSync(path.join(tmpdir(), 'fracas-jobs-'));
afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

describe(`job-table incidents (seed ${SEED})`, () => {
  for (const [name, generator] of Object.entries(DB_GENERATORS)) {
    it(`${name}: the failed and stuck jobs are the symptom, and the top cause is the true one`, async () => {
      const incident = generator(SEED * 7919 + name.length);
      const dir = path.join(ROOT, name);
      const database = await openDatabase(`jobs-${name}`, incident.database);
      for (const [file, text] of Object.entries(incident.files)) {
        mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        writeFileSync(path.join(dir, file), text);
      }
      writeFileSync(path.join(dir, 'incident.yaml'), stringify({ ...incident.manifest, sources: [...(incident.manifest.sources as object[]), { ...incident.database.source, url: database.url }] }));
      const env = { ...process.env, DATABASE_URL: '' };
      const loaded = loadManifest(dir, env);
      const bundle = await collectEvidence(loaded, { env }).finally(() => database.close());
      const analysis = analyzeIncident(bundle, loaded.manifest.conclusions);
      const symptom = analysis.attribution!.symptom!;
      expect(symptom.kind).toBe('failed-jobs');
      expect(symptom.count).toBe(incident.truth.failedRequests);
      const root = analysis.hypotheses[0]!;
      expect(root.category, root.statement).toBe(incident.category);
      const decisive = analysis.attribution!.candidates.find((candidate) => candidate.id === root.candidateId)!;
      // Reach is over the jobs (entities), from the job rows, not over minutes.
      expect(decisive.features.reachOver).toBe('entities');
      expect(decisive.features.reach).toBeGreaterThanOrEqual(0.8);
    }, 120_000);
  }
});
