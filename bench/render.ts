// bench:render — fracas's Markdown -> PDF against md-to-pdf on the same Markdown with the same Chromium, as a ratio.
import { mkdtempSync, readdirSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mdToPdf } from 'md-to-pdf';
import { analyzeIncident } from '../src/analysis/index.ts';
import { loadManifest } from '../src/manifest/index.ts';
import { loadEvidence } from '../src/evidence/store.ts';
import { CHROMIUM_ARGS, findBrowser, launchPdfRenderer, toHtmlDocument } from '../src/render.ts';
import { pdfCover, renderMarkdown } from '../src/render/outputs.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const incidentsDir = path.resolve('docs/incidents');

interface Document {
  id: string;
  markdown: string;
  html: string;
}

async function documents(): Promise<Document[]> {
  const found: Document[] = [];
  for (const name of readdirSync(incidentsDir).sort()) {
    const dir = path.join(incidentsDir, name);
    if (!existsSync(path.join(dir, 'evidence', 'evidence.json'))) continue;
    const loaded = loadManifest(dir, { ...process.env, DATABASE_URL: '' });
    const analysis = analyzeIncident(loadEvidence(dir), loaded.manifest.conclusions, { sample: loaded.manifest.sample });
    const rendered = await renderMarkdown(analysis);
    const markdown = rendered.files.get(rendered.combinedName) ?? '';
    found.push({ id: analysis.incident.id, markdown, html: toHtmlDocument({ markdown, cover: pdfCover(analysis), images: rendered.charts }) });
  }
  if (found.length === 0) throw new Error('no saved evidence under docs/incidents/*/evidence: run `npx fracas report docs/incidents/fm_028` first');
  return found;
}

async function timeIt(run: () => Promise<void>): Promise<number> {
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return times.sort((left, right) => left - right)[Math.floor(times.length / 2)] ?? Number.NaN;
}

const executablePath = findBrowser();
const docs = await documents();
const out = mkdtempSync(path.join(os.tmpdir(), 'fracas-bench-render-'));
const fm028 = docs.find((doc) => doc.id === 'FM-028') ?? docs[0];
if (!fm028) throw new Error('no document');

const oursOne = await timeIt(async () => {
  const renderer = await launchPdfRenderer();
  await renderer.render(fm028.html, fm028.id);
  await renderer.close();
});
const theirsOne = await timeIt(async () => {
  await mdToPdf({ content: fm028.markdown }, { dest: path.join(out, 'md-to-pdf.pdf'), launch_options: { executablePath, args: CHROMIUM_ARGS } });
});
const oursAll = await timeIt(async () => {
  const renderer = await launchPdfRenderer();
  for (const doc of docs) await renderer.render(doc.html, doc.id);
  await renderer.close();
});
const theirsAll = await timeIt(async () => {
  for (const doc of docs) await mdToPdf({ content: doc.markdown }, { dest: path.join(out, `${doc.id}.pdf`), launch_options: { executablePath, args: CHROMIUM_ARGS } });
});

const row = (label: string, ours: number, theirs: number) =>
  `${label.padEnd(42)} fracas ${ours.toFixed(0).padStart(6)} ms   md-to-pdf ${theirs.toFixed(0).padStart(6)} ms   ratio ${(ours / theirs).toFixed(2)}`;
console.log(`bench:render  Chromium ${executablePath}, median of ${ROUNDS} rounds (browser launch included on both sides)`);
console.log(row('FM-028 report, one PDF', oursOne, theirsOne));
console.log(row(`${docs.length} incidents in one run (one browser)`, oursAll, theirsAll));
console.log(`ratio < 1 means fracas is faster than the md-to-pdf baseline; target: below 1`);
