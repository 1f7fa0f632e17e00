// The gather step: run each source's collector, turn failures into data, redact, and save the evidence bundle.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { hashSourceSpecs } from '../evidence/source-specs.ts';
import { writeFileAtomic } from '../lib/atomic-write.ts';
import { manifestPaths } from './git.ts';
import { collectors, type Collector } from './index.ts';
import { SourceFailure, type CollectContext } from './types.ts';
import { EVIDENCE_SCHEMA_VERSION, type AnySourceResult, type EvidenceBundle, type IncidentMeta, type SourceError, type SourceKind } from '../evidence/schema.ts';
import { bundleProblems } from '../evidence/check.ts';
import { mergeEvidence } from '../evidence/merge.ts';
import type { LoadedManifest, Manifest, SourceSpec } from '../manifest/index.ts';
import { createRedactor, redactBundle } from '../lib/secrets/redact.ts';
import { joinStackFrames } from './stack-frames.ts';

export const EVIDENCE_DIR = 'evidence';
export const EVIDENCE_FILE = 'evidence.json';

export interface ProgressSink {
  sourceStarted(spec: SourceSpec, index: number, total: number): void;
  sourceMessage(spec: SourceSpec, message: string): void;
  sourceFinished(result: AnySourceResult): void;
}

export const silentProgress: ProgressSink = { sourceStarted() {}, sourceMessage() {}, sourceFinished() {} };

export function incidentMeta(manifest: Manifest): IncidentMeta {
  return {
    id: manifest.id,
    title: manifest.title,
    severity: manifest.severity,
    environment: manifest.environment,
    service: manifest.service,
    window: manifest.window,
    ...(manifest.summary ? { summary: manifest.summary } : {}),
  };
}

export function toSourceError(error: unknown): SourceError {
  if (error instanceof SourceFailure) {
    return { message: error.message, ...(error.code ? { code: error.code } : {}), ...(error.hint ? { hint: error.hint } : {}) };
  }
  const errno = error as NodeJS.ErrnoException;
  const code = typeof errno?.code === 'string' ? errno.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const hint =
    code === 'ENOENT' ? 'check the path in incident.yaml (paths are relative to the manifest)'
    : code === 'EACCES' ? 'the file is not readable by this user'
    : code === 'ECONNREFUSED' ? 'is the server running and the host/port right?'
    : undefined;
  return { message, ...(code ? { code } : {}), ...(hint ? { hint } : {}) };
}

async function collectOne(spec: SourceSpec, context: CollectContext): Promise<AnySourceResult> {
  const started = performance.now();
  const base = { id: spec.id, kind: spec.kind, warnings: [] as string[] };
  try {
    const load = collectors[spec.kind as SourceKind] as () => Promise<Collector<SourceKind>>;
    const collect = await load();
    const output = await collect(spec as never, context);
    return {
      ...base,
      status: output.status ?? 'ok',
      warnings: output.warnings ?? [],
      provenance: { ...output.provenance, collectedAt: new Date().toISOString() },
      durationMs: Math.round(performance.now() - started),
      evidence: output.evidence,
    } as AnySourceResult;
  } catch (error) {
    return {
      ...base,
      status: 'failed',
      error: toSourceError(error),
      provenance: { description: spec.description ?? `${spec.kind} source`, collectedAt: new Date().toISOString() },
      durationMs: Math.round(performance.now() - started),
    } as AnySourceResult;
  }
}

export interface CollectOptions {
  env?: NodeJS.ProcessEnv;
  progress?: ProgressSink;
}

/** Run every collector of the manifest, one after the other; never throws for a failing source. */
export async function collectEvidence(loaded: LoadedManifest, options: CollectOptions = {}): Promise<EvidenceBundle> {
  const progress = options.progress ?? silentProgress;
  const incident = incidentMeta(loaded.manifest);
  const specs = loaded.manifest.sources.map((spec) => (spec.kind === 'git' && spec.paths.length === 0 ? { ...spec, paths: manifestPaths(loaded.manifest.sources, loaded.dir, spec.repository) } : spec));
  const redactor = createRedactor();
  const sources: AnySourceResult[] = [];
  for (const [index, spec] of specs.entries()) {
    progress.sourceStarted(spec, index, specs.length);
    const context: CollectContext = {
      dir: loaded.dir,
      resolve: loaded.resolve,
      incident,
      env: options.env ?? process.env,
      progress: (message) => progress.sourceMessage(spec, redactor.text(message)),
    };
    const result = redactor.deep(await collectOne(spec, context));
    sources.push(result);
    progress.sourceFinished(result);
  }
  const bundle: EvidenceBundle = { schemaVersion: EVIDENCE_SCHEMA_VERSION, incident, collectedAt: new Date().toISOString(), sources };
  // The fingerprint of what was asked for, added after redaction (a hash is not a secret).
  return { ...redactBundle(await joinStackFrames(bundle, loaded), redactor), sourceSpecs: hashSourceSpecs(loaded.manifest.sources) };
}

export function evidencePath(dir: string): string {
  return path.join(dir, EVIDENCE_DIR, EVIDENCE_FILE);
}

export class EvidenceMissingError extends Error {}

export function loadEvidence(dir: string): EvidenceBundle {
  const file = evidencePath(dir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new EvidenceMissingError(`${file}: no saved evidence (run \`fracas collect ${dir}\` first)`);
  }
  let bundle: EvidenceBundle;
  try {
    bundle = JSON.parse(text) as EvidenceBundle;
  } catch (error) {
    throw new EvidenceMissingError(`${file}: not valid JSON (${(error as Error).message}); re-run \`fracas collect ${dir}\``);
  }
  if (bundle?.schemaVersion !== EVIDENCE_SCHEMA_VERSION) {
    throw new EvidenceMissingError(`${file}: evidence schema ${String(bundle?.schemaVersion)} is not ${EVIDENCE_SCHEMA_VERSION}; re-run \`fracas collect ${dir}\``);
  }
  const problems = bundleProblems(bundle);
  if (problems.length > 0) {
    throw new EvidenceMissingError(`${file}: not a usable evidence bundle (${problems.slice(0, 3).join('; ')}); re-run \`fracas collect ${dir}\``);
  }
  return bundle;
}

function loadPreviousEvidence(dir: string): EvidenceBundle | undefined {
  try {
    return loadEvidence(dir);
  } catch {
    return undefined;
  }
}

/** Save the bundle atomically, keeping evidence from earlier runs that a now-failing source can no longer provide. */
export async function saveEvidence(dir: string, bundle: EvidenceBundle): Promise<EvidenceBundle> {
  const merged = mergeEvidence(loadPreviousEvidence(dir), bundle);
  await writeFileAtomic(evidencePath(dir), `${JSON.stringify(merged, null, 1)}\n`);
  return merged;
}
