// Compact constructors for catalogue entries: category aliases, remedies and a per-ecosystem signature builder.
import type { HypothesisCategory, Signal } from '../vocabulary.ts';
import type { Ecosystem, ErrorSignature, Remedy, ResourceKind } from '../types.ts';

/** Short names for the nine hypothesis categories. */
export const C = {
  code: 'code-defect',
  config: 'config-drift',
  pool: 'db-pool-exhaustion',
  lock: 'db-lock-contention',
  constraint: 'db-constraint-violation',
  net: 'network-connectivity',
  upstream: 'upstream-dependency',
  deploy: 'deploy-regression',
  resource: 'resource-exhaustion',
} as const satisfies Record<string, HypothesisCategory>;

export function remedy(id: string, option: Remedy['option'], action: string, settings?: string[]): Remedy {
  return settings ? { id, option, action, settings } : { id, option, action };
}

/** Priorities: specific causes beat the generic symptom they also contain (a pool time-out contains "timeout"). */
export const P = {
  /** A wrapper or proxy line that names the real failure (nginx upstream lines, platform router codes). */
  wrapper: 70,
  /** A library's own message for one cause. */
  specific: 50,
  /** An errno or status seen from many libraries. */
  common: 30,
  /** A generic symptom: "timed out", an uncaught exception, a failed task. */
  generic: 10,
} as const;

export interface SignatureOptions {
  priority?: number;
  resourceFrom?: string[];
}

type Match = ErrorSignature['match'];
type Example = [text: string, source: string];

/** A builder for one ecosystem's signatures. */
export function define(ecosystem: Ecosystem) {
  return function signature(
    id: string,
    title: string,
    category: HypothesisCategory,
    signal: Signal,
    resource: ResourceKind,
    match: Match,
    remedies: Remedy[],
    examples: Example[],
    options: SignatureOptions = {},
  ): ErrorSignature {
    return {
      id,
      title,
      category,
      signal,
      resource,
      match,
      remedies,
      examples: examples.map(([text, source]) => ({ text, source })),
      priority: options.priority ?? P.specific,
      ecosystem,
      ...(options.resourceFrom ? { resourceFrom: options.resourceFrom } : {}),
    };
  };
}
