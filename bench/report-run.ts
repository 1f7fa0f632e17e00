// Child process of bench:report: one incident through every stage (collect, analyse, render Markdown) with each stage's time and the peak memory, as JSON.
// dist/ as `npm run build` leaves it (the bench script builds first): the JavaScript users run, worker threads included.
const dist = async <T>(module: string): Promise<T> => (await import(new URL(`../dist/${module}.js`, import.meta.url).href)) as T;
const { analyzeIncident } = await dist<typeof import('../src/analysis/index.ts')>('analysis/index');
const { collectEvidence } = await dist<typeof import('../src/collectors/gather.ts')>('collectors/gather');
const { saveEvidence } = await dist<typeof import('../src/evidence/store.ts')>('evidence/store');
const { loadManifest } = await dist<typeof import('../src/manifest/index.ts')>('manifest/index');
const { SharedPdfRenderer, writeReport } = await dist<typeof import('../src/render/outputs.ts')>('render/outputs');
const { loadTemplates } = await dist<typeof import('../src/render/handlebars.ts')>('render/handlebars');

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
