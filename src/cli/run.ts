// The collect, render and report commands for one or more incident directories, with the --json summary.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Analysis } from '../analysis/model.ts';
import type { EvidenceBundle } from '../evidence/schema.ts';
import { hashSourceSpecs, sourceSpecChanges } from '../evidence/source-specs.ts';
import { exitCodeFor, type ExitCode } from './exit-codes.ts';
import { loadManifest, type LoadedManifest } from '../manifest/index.ts';
import { collectEvidence } from '../collectors/gather.ts';
import { evidencePath, loadEvidence, saveEvidence } from '../evidence/store.ts';
import type { Reporter } from './progress.ts';
import type { OutputFormat, ReportResult, SharedPdfRenderer } from '../render/outputs.ts';
import type { loadTemplates } from '../render/handlebars.ts';
import { lockIncident } from './lock.ts';

/** The incident directory relative to the root of the git repository holding it (its name when in none): the same whatever the current directory. */
export function repositoryRelative(dir: string): string {
  for (let current = dir; ; current = path.dirname(current)) {
    if (existsSync(path.join(current, '.git'))) return path.relative(current, dir).split(path.sep).join('/') || '.';
    if (path.dirname(current) === current) return path.basename(dir);
  }
}

export interface RunOptions {
  formats: OutputFormat[];
  /** Write the outputs here instead of <dir>/report (several incidents: one subdirectory per incident id). */
  outDir?: string;
  reporter: Reporter;
  env?: NodeJS.ProcessEnv;
}

export interface IncidentSummary {
  incident: string;
  directory: string;
  evidence?: string;
  outputs: string[];
  pdf: ReportResult['pdf'];
  pdfError?: string;
  sources: { id: string; kind: string; status: string; error?: string; hint?: string; warnings: string[] }[];
  /** The review: document status, time to detect/acknowledge/mitigate/resolve (minutes), escalation criteria, action items. */
  review?: {
    status: Analysis['review']['status'];
    durations: Analysis['review']['durations'];
    escalation: Analysis['review']['escalation'];
    actions: Analysis['review']['actions'];
  };
  /** Things the reader should know about this run, e.g. the manifest's sources changed since the evidence was collected. */
  warnings: string[];
  hypotheses: {
    id: string;
    title: string;
    category: string;
    score: number;
    role: string;
    status: string;
    rule: string;
    /** The cause in one sentence (decisive error, location, since when, reach), when attribution found one. */
    statement?: string;
    resource?: string;
    signatureId?: string;
    /** The decisive error's record. */
    decisive?: Analysis['hypotheses'][number]['supporting'][number];
    /** Attribution features and their values (onset, baseline, reach, precedence, volume, specificity). */
    features?: Analysis['hypotheses'][number]['features'];
    evidence: Analysis['hypotheses'][number]['supporting'];
    contradicting: Analysis['hypotheses'][number]['contradicting'];
  }[];
  /** What users suffered (exact counts), and the causal chain: root cause, consequences, impact, contributing, background. */
  symptom?: NonNullable<Analysis['attribution']>['symptom'];
  chain?: NonNullable<Analysis['attribution']>['chain'];
  /** Analyzers that threw (the rest of the analysis stands). */
  analyzerErrors: Analysis['analyzerErrors'];
  exitCode: ExitCode;
}

function summarise(loaded: LoadedManifest, bundle: EvidenceBundle, analysis: Analysis | undefined, result: ReportResult | undefined, exitCode: ExitCode, warnings: string[] = []): IncidentSummary {
  return {
    incident: loaded.manifest.id,
    directory: loaded.dir,
    evidence: evidencePath(loaded.dir),
    outputs: result?.outputs ?? [],
    pdf: result?.pdf ?? 'skipped',
    ...(result?.pdfError ? { pdfError: result.pdfError } : {}),
    sources: bundle.sources.map((source) => ({
      id: source.id,
      kind: source.kind,
      status: source.status,
      ...(source.error ? { error: source.error.message } : {}),
      ...(source.error?.hint ? { hint: source.error.hint } : {}),
      warnings: source.warnings,
    })),
    ...(analysis ? { review: { status: analysis.review.status, durations: analysis.review.durations, escalation: analysis.review.escalation, actions: analysis.review.actions } } : {}),
    warnings,
    hypotheses: (analysis?.hypotheses ?? []).map((hypothesis) => ({
      id: hypothesis.id,
      title: hypothesis.title,
      category: hypothesis.category,
      score: hypothesis.score,
      role: hypothesis.role,
      status: hypothesis.status,
      rule: hypothesis.rule,
      ...(hypothesis.statement ? { statement: hypothesis.statement } : {}),
      ...(hypothesis.resource ? { resource: hypothesis.resource } : {}),
      ...(hypothesis.signatureId ? { signatureId: hypothesis.signatureId } : {}),
      ...(hypothesis.decisive ? { decisive: hypothesis.decisive } : {}),
      ...(hypothesis.features ? { features: hypothesis.features } : {}),
      evidence: hypothesis.supporting,
      contradicting: hypothesis.contradicting,
    })),
    analyzerErrors: analysis?.analyzerErrors ?? [],
    ...(analysis?.attribution?.symptom ? { symptom: analysis.attribution.symptom } : {}),
    ...(analysis?.attribution ? { chain: analysis.attribution.chain } : {}),
    exitCode,
  };
}

export async function runCollect(dir: string, options: RunOptions): Promise<IncidentSummary> {
  const loaded = loadManifest(dir, options.env);
  const unlock = await lockIncident(loaded.dir, 'fracas collect');
  let bundle: EvidenceBundle;
  try {
    bundle = await saveEvidence(loaded.dir, await collectEvidence(loaded, { progress: options.reporter, ...(options.env ? { env: options.env } : {}) }));
  } finally {
    await unlock();
  }
  options.reporter.stop();
  options.reporter.step(`evidence saved to ${path.relative(process.cwd(), evidencePath(loaded.dir)) || evidencePath(loaded.dir)}`);
  return summarise(loaded, bundle, undefined, undefined, exitCodeFor({ sources: bundle.sources, markdown: 'skipped' }));
}

/**
 * The analysis and render stages' modules (Handlebars, markdown-it, vega...): only render and report load them, so
 * `fracas collect` starts without them, and a report loads them once the first evidence is collected (loaded during
 * collection they saved no time and added 12-16 MB to the peak on 1 GB of logs).
 */
async function loadStages() {
  const [{ analyzeIncident }, { loadVerification }, { saveIncidentRecord, siblingIncidents }, { loadProbe }, { writeReport, SharedPdfRenderer, safeFileName }, { loadTemplates }] = await Promise.all([
    import('../analysis/index.ts'),
    import('./verify.ts'),
    import('./history.ts'),
    import('./probe.ts'),
    import('../render/outputs.ts'),
    import('../render/handlebars.ts'),
  ]);
  return { analyzeIncident, loadVerification, saveIncidentRecord, siblingIncidents, loadProbe, writeReport, SharedPdfRenderer, safeFileName, loadTemplates };
}
/** What every incident of a report run shares: the stages' modules, one browser for the PDFs, the templates. */
interface RenderStages {
  stages: Awaited<ReturnType<typeof loadStages>>;
  pdf: SharedPdfRenderer;
  templates: ReturnType<typeof loadTemplates>;
}

async function renderFromBundle(
  loaded: LoadedManifest,
  bundle: EvidenceBundle,
  options: RunOptions,
  { stages, pdf, templates }: RenderStages,
  outDir: string | undefined,
  warnings: string[] = [],
): Promise<IncidentSummary> {
  options.reporter.step(`analysing ${loaded.manifest.id}`);
  const { analyzeIncident, loadVerification, saveIncidentRecord, siblingIncidents, loadProbe, writeReport } = stages;
  const verification = loadVerification(loaded.dir);
  const pastIncidents = siblingIncidents(loaded.dir);
  const probe = loadProbe(loaded.dir);
  const analysis = analyzeIncident(bundle, loaded.manifest.conclusions, {
    sample: loaded.manifest.sample,
    incidentPath: repositoryRelative(loaded.dir),
    pastIncidents,
    ...(verification ? { verification } : {}),
    ...(probe ? { probe } : {}),
    review: { timeline: loaded.manifest.timeline, actions: loaded.manifest.actions },
  });
  await saveIncidentRecord(loaded, analysis);
  const result = await writeReport(loaded.dir, analysis, { formats: options.formats, pdf, templates, progress: (message) => options.reporter.step(message), ...(outDir ? { outDir } : {}) });
  for (const failure of analysis.analyzerErrors) options.reporter.step(`analyzer ${failure.analyzer} failed: ${failure.message}`);
  if (result.pdf === 'failed') options.reporter.step(`PDF not written: ${result.pdfError ?? 'unknown error'}`);
  const exitCode = exitCodeFor({
    sources: bundle.sources,
    markdown: 'ok',
    analyzerErrors: analysis.analyzerErrors.length,
    ...(options.formats.includes('pdf') ? { pdf: result.pdf === 'ok' ? 'ok' : 'failed' } : {}),
  });
  return summarise(loaded, bundle, analysis, result, exitCode, warnings);
}

/** Collect, analyse and render each incident; one browser serves them all. */
export async function runReport(dirs: string[], options: RunOptions & { collect: boolean }): Promise<IncidentSummary[]> {
  let shared: RenderStages | undefined;
  const stagesReady = async (): Promise<RenderStages> => {
    if (!shared) {
      const stages = await loadStages();
      shared = { stages, pdf: new stages.SharedPdfRenderer(options.env), templates: stages.loadTemplates() };
    }
    return shared;
  };
  const summaries: IncidentSummary[] = [];
  try {
    for (const dir of dirs) {
      const loaded = loadManifest(dir, options.env);
      const unlock = await lockIncident(loaded.dir, options.collect ? 'fracas report' : 'fracas render');
      try {
        let bundle: EvidenceBundle;
        let warnings: string[] = [];
        if (options.collect) {
          bundle = await saveEvidence(loaded.dir, await collectEvidence(loaded, { progress: options.reporter, ...(options.env ? { env: options.env } : {}) }));
          options.reporter.stop();
        } else {
          bundle = loadEvidence(loaded.dir);
          // Rendering replays the saved evidence: say so when the manifest now asks for something else.
          warnings = sourceSpecChanges(bundle.sourceSpecs, hashSourceSpecs(loaded.manifest.sources)).map((change) => `${change}; run \`fracas collect ${dir}\` (or \`fracas report\`) to refresh it`);
        }
        const ready = await stagesReady();
        const outDir = options.outDir ? (dirs.length > 1 ? path.join(options.outDir, ready.stages.safeFileName(loaded.manifest.id)) : options.outDir) : undefined;
        summaries.push(await renderFromBundle(loaded, bundle, options, ready, outDir, warnings));
      } finally {
        await unlock();
      }
    }
  } finally {
    await shared?.pdf.close();
  }
  return summaries;
}
