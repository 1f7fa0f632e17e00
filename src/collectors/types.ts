// The contract every collector module implements: a source spec in, evidence with provenance out.
import type { EvidenceByKind, IncidentMeta, Provenance, SourceKind } from '../evidence/schema.ts';

export interface CollectContext {
  /** Absolute incident directory; relative paths in the manifest resolve against it. */
  dir: string;
  resolve(relative: string): string;
  incident: IncidentMeta;
  env: NodeJS.ProcessEnv;
  /** Report progress on long work (files read, pages fetched, rows scanned). */
  progress(message: string): void;
  signal?: AbortSignal;
}

export interface CollectorOutput<K extends SourceKind> {
  evidence: EvidenceByKind[K];
  /** 'partial' when some of the source could not be read (the warnings say what). Default 'ok'. */
  status?: 'ok' | 'partial';
  warnings?: string[];
  provenance: Omit<Provenance, 'collectedAt'>;
}

/** Throw this for an expected failure of a source (missing file, refused connection, HTTP 401, ...). */
export class SourceFailure extends Error {
  constructor(
    message: string,
    readonly code?: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'SourceFailure';
  }
}
