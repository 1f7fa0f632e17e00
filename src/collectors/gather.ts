// The gather step: run each source's collector, turn failures into data, redact, and save the evidence bundle.
import { hashSourceSpecs } from '../evidence/source-specs.ts';
import { manifestPaths } from './git.ts';
import { collectors, type Collector } from './index.ts';
import { SourceFailure, type CollectContext } from './types.ts';
import { EVIDENCE_SCHEMA_VERSION, type AnySourceResult, type EvidenceBundle, type IncidentMeta, type SourceError, type SourceKind } from '../evidence/schema.ts';
import type { LoadedManifest, Manifest, SourceSpec } from '../manifest/index.ts';
import { createRedactor, type Redactor } from '../lib/secrets/redact.ts';
import { joinStackFrames } from './stack-frames.ts';

export interface ProgressSink {
  sourceStarted(spec: SourceSpec, index: number, total: number): void;
  sourceMessage(spec: SourceSpec, message: string): void;
  sourceFinished(result: AnySourceResult): void;
}

export const silentProgress: ProgressSink = { sourceStarted() {}, sourceMessage() {}, sourceFinished() {} };

function incidentMeta(manifest: Manifest): IncidentMeta {
  return {
    id: manifest.id,
    title: manifest.title,
    severity: manifest.severity,
    environment: manifest.environment,
    service: manifest.service,
    window: manifest.window,
    ...(manifest.summary ? { summary: manifest.summary } : {}),
    ...(manifest.symptom ? { symptom: manifest.symptom } : {}),
    ...(manifest.baseline ? { baseline: manifest.baseline } : {}),
  };
}

function toSourceError(error: unknown): SourceError {
  if (error instanceof SourceFailure) {
    return { message: error.message, ...(error.code ? { code: error.code } : {}), ...(error.hint ? { hint: error.hint } : {}) };
  }
  const errno = error as NodeJS.ErrnoException;
  const code = typeof errno?.code === 'string' ? errno.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const hint =
    code === 'ENOENT'
      ? 'check the path in incident.yaml (paths are relative to the manifest)'
      : code === 'EACCES'
        ? 'the file is not readable by this user'
        : code === 'ECONNREFUSED'
          ? 'is the server running and the host/port right?'
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

/** Log sources stream large files: they run one after another so memory stays bounded; every other source runs beside them. */
const SEQUENTIAL_KINDS = new Set<SourceKind>(['logs', 'render-api']);

/** Run every collector of the manifest (databases, configs and code beside the log reading); never throws for a failing source. */
export async function collectEvidence(loaded: LoadedManifest, options: CollectOptions = {}): Promise<EvidenceBundle> {
  const progress = options.progress ?? silentProgress;
  const incident = incidentMeta(loaded.manifest);
  const specs = loaded.manifest.sources.map((spec) =>
    spec.kind === 'git' && spec.paths.length === 0 ? { ...spec, paths: manifestPaths(loaded.manifest.sources, loaded.dir, spec.repository) } : spec,
  );
  const redactor = createRedactor();
  const redactedAt = new Map<AnySourceResult, number>();
  const run = async (spec: SourceSpec, index: number): Promise<AnySourceResult> => {
    progress.sourceStarted(spec, index, specs.length);
    const context: CollectContext = {
      dir: loaded.dir,
      resolve: loaded.resolve,
      incident,
      env: options.env ?? process.env,
      progress: (message) => progress.sourceMessage(spec, redactor.text(message)),
    };
    const result = redactor.deep(await collectOne(spec, context));
    redactedAt.set(result, redactor.version());
    progress.sourceFinished(result);
    return result;
  };
  const results = new Array<AnySourceResult>(specs.length);
  const beside = specs.map((spec, index) => (SEQUENTIAL_KINDS.has(spec.kind as SourceKind) ? undefined : run(spec, index).then((result) => (results[index] = result))));
  for (const [index, spec] of specs.entries()) if (SEQUENTIAL_KINDS.has(spec.kind as SourceKind)) results[index] = await run(spec, index);
  await Promise.all(beside);
  const sources = results;
  const bundle: EvidenceBundle = { schemaVersion: EVIDENCE_SCHEMA_VERSION, incident, collectedAt: new Date().toISOString(), sources };
  // The fingerprint of what was asked for, added after redaction (a hash is not a secret).
  return { ...redactCollected(await joinStackFrames(bundle, loaded), redactor, redactedAt), sourceSpecs: hashSourceSpecs(loaded.manifest.sources) };
}

/**
 * The whole bundle through the run's redactor, so a secret found in one source disappears from the others too. A source
 * redacted when the redactor's version was what it is now (no secret found since) and not changed since is kept as it is.
 */
export function redactCollected(bundle: EvidenceBundle, redactor: Redactor, redactedAt: ReadonlyMap<AnySourceResult, number>): EvidenceBundle {
  const at = new Map(redactedAt);
  const { sources, ...rest } = bundle;
  let head = rest;
  let current = sources;
  // Until a pass finds no new secret: then every part has been brought up to the same, final version.
  for (;;) {
    const version = redactor.version();
    head = redactor.deep(head);
    current = current.map((source) => {
      if (at.get(source) === redactor.version()) return source;
      const redacted = redactor.deep(source);
      at.set(redacted, redactor.version());
      return redacted;
    });
    if (redactor.version() === version) return { ...head, sources: current };
  }
}
