// Structural check of a saved evidence bundle (evidence.json) with the evidence schema, before analysis reads it: clear problems instead of TypeErrors.
import type { z } from 'zod';
import { bundleSchema, EVIDENCE_SCHEMAS, type EvidenceBundle, type SourceKind } from './schema.ts';

const MAX_PROBLEMS = 20;

function label(base: (string | number)[], issue: z.core.$ZodIssue): string {
  const parts = [...base, ...issue.path].map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`));
  return `${parts.join('').replace(/^\./, '') || '(top level)'}: ${issue.message}`;
}

/** What is wrong with the evidence of one source of this kind (empty when it can be analysed). */
export function evidenceProblems(kind: SourceKind, evidence: unknown): string[] {
  const schema: z.ZodType = EVIDENCE_SCHEMAS[kind];
  const parsed = schema.safeParse(evidence);
  return parsed.success ? [] : parsed.error.issues.slice(0, MAX_PROBLEMS).map((issue) => label(['evidence'], issue));
}

/**
 * What is wrong with a parsed evidence.json (empty when analysis can read it): the schema version, the
 * incident, every source result, and the evidence of each source for its kind. At most 20 problems.
 */
export function bundleProblems(value: unknown): string[] {
  let parsed: ReturnType<typeof bundleSchema.safeParse>;
  try {
    parsed = bundleSchema.safeParse(value);
  } catch (error) {
    return [`cannot be checked: ${(error as Error).message}`];
  }
  if (!parsed.success) return parsed.error.issues.slice(0, MAX_PROBLEMS).map((issue) => label([], issue));
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const [index, source] of parsed.data.sources.entries()) {
    if (ids.has(source.id)) problems.push(`sources[${index}].id: duplicate source id "${source.id}"`);
    ids.add(source.id);
    if (source.evidence === undefined) continue;
    let issues: string[];
    try {
      issues = evidenceProblems(source.kind, source.evidence);
    } catch (error) {
      issues = [`evidence: cannot be checked: ${(error as Error).message}`];
    }
    for (const issue of issues) problems.push(`sources[${index}] (${source.id}).${issue}`);
    if (problems.length >= MAX_PROBLEMS) break;
  }
  return problems.slice(0, MAX_PROBLEMS);
}

/** The bundle, typed, when it passes bundleProblems; otherwise undefined. */
export function asBundle(value: unknown): EvidenceBundle | undefined {
  return bundleProblems(value).length === 0 ? (value as EvidenceBundle) : undefined;
}
