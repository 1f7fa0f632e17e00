// Child process of bench:report: one incident through every stage (collect, analyse, render Markdown) with each stage's time and the peak memory, as JSON.
import { analyzeIncident } from '../src/analysis/index.ts';
import { collectEvidence } from '../src/collectors/gather.ts';
import { saveEvidence } from '../src/evidence/store.ts';
import { loadManifest } from '../src/manifest/index.ts';
import { SharedPdfRenderer, writeReport } from '../src/render/outputs.ts';
import { loadTemplates } from '../src/render/handlebars.ts';

const dir = process.argv[2]!;
const seconds = (from: bigint): number => Number(process.hrtime.bigint() - from) / 1e9;
const loaded = loadManifest(dir);
let started = process.hrtime.bigint();
const bundle = await saveEvidence(loaded.dir, await collectEvidence(loaded));
const collect = seconds(started);
started = process.hrtime.bigint();
const analysis = analyzeIncident(bundle, loaded.manifest.conclusions);
const analyse = seconds(started);
started = process.hrtime.bigint();
const pdf = new SharedPdfRenderer();
await writeReport(loaded.dir, analysis, { formats: ['md'], pdf, templates: loadTemplates(), progress: () => undefined });
await pdf.close();
const render = seconds(started);
console.log(
  JSON.stringify({
    collect,
    analyse,
    render,
    sources: bundle.sources.map((source) => ({ id: source.id, status: source.status, ms: source.durationMs })),
    records: bundle.sources.reduce((total, source) => total + ((source.evidence as { totalRecords?: number } | undefined)?.totalRecords ?? 0), 0),
    top: analysis.hypotheses[0]?.category,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  }),
);
