// The shapes analyzers return: findings with typed signals, hypotheses, timeline, impact; read by templates.
import type { EvidenceRef } from '../evidence/schema.ts';
import type { Risk } from './config/types.ts';

export { HYPOTHESIS_CATEGORIES, type HypothesisCategory, type Signal } from '../lib/error-signatures/vocabulary.ts';
import type { HypothesisCategory, Signal } from '../lib/error-signatures/vocabulary.ts';

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

export interface Finding {
  /** kebab-case, unique in one analysis. */
  id: string;
  signal: Signal;
  /** Which analyzer produced it: logs, database, config, code, correlation. */
  area: 'logs' | 'database' | 'config' | 'code' | 'correlation';
  title: string;
  detail: string;
  severity: Severity;
  /** How many occurrences back it (log records, rows, differences). */
  count: number;
  refs: EvidenceRef[];
  /** Entity ids involved, by kind (job-id, document-id, request-id, user-id). */
  entities?: Record<string, string[]>;
  firstSeen?: string;
  lastSeen?: string;
  /** For config findings: risk as classified. */
  risk?: Risk;
  /** The error signature (src/lib/error-signatures) the finding's errors matched, when one did. */
  signatureId?: string;
  /** What the errors concern: the signature's resource kind (postgres, redis, http-upstream, dns, tls, memory ...). */
  resource?: string;
  /** The resource as the records name it (host:port, upstream host, pool name), when they do. */
  resourceName?: string;
}

export interface Hypothesis {
  id: string;
  title: string;
  category: HypothesisCategory;
  /** 0..1 */
  score: number;
  /** The rule that produced the score, in words a reviewer can check. */
  rule: string;
  summary: string;
  supporting: EvidenceRef[];
  contradicting: EvidenceRef[];
  role: 'root-cause' | 'contributing' | 'unlikely';
  status: 'proposed' | 'confirmed' | 'rejected';
  findingIds: string[];
  /** The cause in one sentence (decisive error, location, since when, reach), from symptom-anchored attribution. */
  statement?: string;
  /** What failed or ran out: postgres, redis at cache:6379, api.example.com, application code ... */
  resource?: string;
  /** The catalogue signature of the decisive error, when one matched. */
  signatureId?: string;
  /** The decisive error (first record of the cause after the onset). */
  decisive?: EvidenceRef;
  /** The attribution features and their values (onset, baseline, reach, precedence, volume, specificity). */
  features?: import('./attribution/types.ts').Features;
  /** The attribution candidate behind the statement. */
  candidateId?: string;
  /** Remedies of the decisive error's signature (option letter and action). */
  remedies?: import('./attribution/types.ts').Candidate['remedies'];
}

export interface TimelineEntry {
  time: string;
  source: string;
  kind: 'deploy' | 'commit' | 'config-change' | 'new-activity' | 'first-error' | 'peak' | 'first-stuck-job' | 'restart' | 'event' | 'review';
  label: string;
  ref?: EvidenceRef;
  /** Review events from incident.yaml: who recorded it, and which milestone it is. */
  who?: string;
  milestone?: string;
}

/** Signals that count failures (errors, rejected or refused work), as opposed to context such as deploys or config. */
export const FAILURE_SIGNALS: readonly Signal[] = [
  'constraint-violation',
  'pool-exhaustion',
  'connection-refused',
  'lock-timeout',
  'lock-wait',
  'deadlock',
  'statement-timeout',
  'idle-in-transaction',
  'network-error',
  'upstream-error',
  'upstream-rate-limit',
  'http-5xx',
  'webhook-failures',
  'unhandled-exception',
  'memory-limit',
  'job-errors',
  'disk-full',
  'resource-limit',
  'config-error',
  'schema-mismatch',
];
