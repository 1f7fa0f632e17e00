// The analyzer registry: analyzers declare the evidence they read; the registry runs them and turns a throw into an error entry.
import type { EvidenceBundle, SourceKind } from '../evidence/schema.ts';
import type { Finding } from './types.ts';

/** Derived data computed once per analysis and shared by every analyzer that asks for it. */
export class SharedDerivations {
  private readonly values = new Map<string, unknown>();

  /** The value under `key`, computed by `compute` the first time it is asked for. */
  get<T>(key: string, compute: () => T): T {
    if (!this.values.has(key)) this.values.set(key, compute());
    return this.values.get(key) as T;
  }
}

interface AnalyzerInput {
  bundle: EvidenceBundle;
  /** Findings of the analyzers that ran before this one (for analyzers that combine findings). */
  findings: readonly Finding[];
  shared: SharedDerivations;
}

export interface Analyzer {
  /** kebab-case, unique in the registry. */
  id: string;
  /** The evidence kinds it reads; it runs when the bundle holds evidence of at least one (empty: always runs). */
  requires: readonly SourceKind[];
  run(input: AnalyzerInput): Finding[];
}

/** An analyzer that threw: the report shows it, the rest of the analysis stands. */
export interface AnalyzerError {
  analyzer: string;
  message: string;
}

export interface AnalyzerRun {
  findings: Finding[];
  errors: AnalyzerError[];
  /** Analyzers that did not run because the bundle held none of the evidence they read. */
  skipped: string[];
}

function hasEvidenceFor(bundle: EvidenceBundle, kinds: readonly SourceKind[]): boolean {
  return kinds.length === 0 || bundle.sources.some((source) => kinds.includes(source.kind) && source.evidence !== undefined);
}

/** Runs the analyzers in order; each sees the findings of those before it. */
export function runAnalyzers(analyzers: readonly Analyzer[], bundle: EvidenceBundle, shared = new SharedDerivations()): AnalyzerRun {
  const findings: Finding[] = [];
  const errors: AnalyzerError[] = [];
  const skipped: string[] = [];
  for (const analyzer of analyzers) {
    if (!hasEvidenceFor(bundle, analyzer.requires)) {
      skipped.push(analyzer.id);
      continue;
    }
    try {
      findings.push(...analyzer.run({ bundle, findings, shared }));
    } catch (error) {
      errors.push({ analyzer: analyzer.id, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return { findings, errors, skipped };
}
