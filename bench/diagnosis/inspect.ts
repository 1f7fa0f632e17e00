// Prints the symptom, the top attributed candidates and the ranked hypotheses of one incident directory (collects fresh, or reuses --bundle).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { analyzeIncident } from '../../src/analysis/index.ts';
import { collectEvidence } from '../../src/collectors/gather.ts';
import type { EvidenceBundle } from '../../src/evidence/schema.ts';
import { loadManifest } from '../../src/manifest/index.ts';

const [dir, cache] = process.argv.slice(2);
if (!dir) throw new Error('usage: inspect.ts <incident-dir> [bundle-cache.json]');
const env = { ...process.env, DATABASE_URL: process.env.DATABASE_URL ?? '' };
const loaded = loadManifest(dir, env);
let bundle: EvidenceBundle;
if (cache && existsSync(cache)) bundle = JSON.parse(readFileSync(cache, 'utf8')) as EvidenceBundle;
else {
  bundle = await collectEvidence(loaded, { env });
  if (cache) writeFileSync(cache, JSON.stringify(bundle));
}
bundle.incident = { ...bundle.incident, ...(loaded.manifest.symptom ? { symptom: loaded.manifest.symptom } : {}), ...(loaded.manifest.baseline ? { baseline: loaded.manifest.baseline } : {}) };
const analysis = analyzeIncident(bundle, loaded.manifest.conclusions);
console.log('symptom:', JSON.stringify(analysis.attribution?.symptom));
for (const candidate of analysis.attribution?.candidates.slice(0, 8) ?? []) {
  console.log(`  ${candidate.score.toFixed(3)} ${candidate.category} ${candidate.kind} ${candidate.statement.slice(0, 220)}`);
  console.log(`        ${JSON.stringify({ ...candidate.features })}`);
}
for (const hypothesis of analysis.hypotheses) console.log(`${hypothesis.score.toFixed(2)} ${hypothesis.role} ${hypothesis.category}: ${hypothesis.statement?.slice(0, 160) ?? hypothesis.summary}`);
if (analysis.analyzerErrors.length) console.log('errors', analysis.analyzerErrors);
