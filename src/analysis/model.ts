// The analysis result the templates read: everything the deliverables say, each claim with its evidence refs.
import type { AnalyzerError } from './registry.ts';
import type { ProbeEvidence } from '../evidence/probe.ts';
import type { SimilarIncident } from './history.ts';
import type { MonitoringSchedule } from './schedule.ts';
import type { FailureSignature } from './signature.ts';
import type { Verification } from './verification.ts';

import type { EvidenceRef, IncidentMeta, QueryCheck, SourceKind, SourceStatus } from '../evidence/schema.ts';
import type { ConfigTableRow } from './config/table.ts';
import type { LogPatterns } from './log-patterns.ts';
import type { Finding, Hypothesis, TimelineEntry } from './types.ts';

/** A verification as saved by `fracas verify` (evidence/verification.json). */
export interface SavedVerification extends Verification {
  verifiedAt: string;
  window: { start: string; end: string };
  sources: { id: string; status: string; error?: string }[];
}

export interface SourceRow {
  id: string;
  kind: SourceKind;
  status: SourceStatus;
  /** One line: what was read (files, records, rows, differences). */
  summary: string;
  error?: string;
  hint?: string;
  warnings: string[];
  collectedAt: string;
  description: string;
}

export interface Impact {
  affectedJobs: number;
  stuckJobs: number;
  failedJobs: number;
  affectedDocuments: number;
  /** Absent when no user id appears in the evidence. */
  affectedUsers?: number;
  requests: number;
  failedRequests: number;
  /** failedRequests / requests, 0..1, undefined without request logs. */
  failureRate?: number;
  firstError?: string;
  lastError?: string;
  durationMinutes?: number;
  refs: EvidenceRef[];
  /** The investigator's words, when the manifest gives them. */
  statement?: string;
}

export interface ErrorCategoryRow {
  category: string;
  count: number;
  firstSeen?: string;
  lastSeen?: string;
  example: string;
  ref?: EvidenceRef;
}

export interface CorrelationSummary {
  /** Entity kind used to join the sources (job-id). */
  entity: string;
  stuck: number;
  stuckWithFailedWebhook: number;
  stuckWithoutWebhook: number;
  stuckUnexplained: number;
  /** Error category -> job state -> jobs. */
  categoryByState: { category: string; states: Record<string, number> }[];
  states: string[];
  notes: string[];
}

export interface CodeExcerptView {
  source: string;
  path: string;
  startLine: number;
  endLine: number;
  /** Lines to highlight (stack frames). */
  highlight: number[];
  text: string;
  reason: string;
  commits: { hash: string; authorTime: string; author: string; subject: string }[];
}

export interface ProposedText {
  text: string;
  refs: EvidenceRef[];
}

export interface SolutionOption {
  letter: 'A' | 'B' | 'C';
  title: string;
  changes: ProposedText[];
  effort: string;
  risks: string[];
  addresses: string[];
}

export interface PlanSection {
  steps: ProposedText[];
  testing: ProposedText[];
  rollback: ProposedText[];
  monitoring: { name: string; condition: string; sql?: string; why: string }[];
}

export interface ChecklistItem {
  id: string;
  text: string;
  status: 'done' | 'partial' | 'open';
  basis: string;
}

export interface ChartSeries {
  id: 'failures-over-time' | 'errors-by-category' | 'hour-of-day' | 'verification';
  title: string;
  /** Relative path of the SVG next to the Markdown. */
  file: string;
  kind: 'time' | 'bar' | 'grouped';
  /** For time charts: the width of one bar. */
  bucketMinutes?: number;
  points: { x: string; y: number; series: string }[];
  markers: { x: string; label: string }[];
}

export interface Analysis {
  incident: IncidentMeta & { sample: boolean };
  collectedAt: string;
  sources: SourceRow[];
  findings: Finding[];
  hypotheses: Hypothesis[];
  rootCause: { confirmed: boolean; text: string; hypothesisId?: string; refs: EvidenceRef[] };
  what: ProposedText[];
  when: ProposedText[];
  timeline: TimelineEntry[];
  impact: Impact;
  errorCategories: ErrorCategoryRow[];
  patterns: ProposedText[];
  /** Failure patterns of each log source with errors or requests. */
  logPatterns: LogPatterns[];
  database: { source: string; jobTables?: string; checks: QueryCheck[]; findings: Finding[] }[];
  config: { rows: ConfigTableRow[] };
  correlation?: CorrelationSummary;
  code: CodeExcerptView[];
  options: SolutionOption[];
  recommendation: { letter: 'A' | 'B' | 'C'; confirmed: boolean; justification: ProposedText[]; risks: string[] };
  plan: PlanSection;
  prevention: { process: ProposedText[]; tooling: ProposedText[]; documentation: ProposedText[] };
  checklists: { investigation: ChecklistItem[]; resolution: ChecklistItem[] };
  owners: { role: string; name: string }[];
  charts: ChartSeries[];
  gaps: string[];
  /** Analyzers that threw: the rest of the analysis stands, the report names them. */
  analyzerErrors: AnalyzerError[];
  /** The incident's failure signature (root-cause families, symptom, exposure). */
  signature: FailureSignature;
  /** Past incidents sharing failure families or category with this one; a recurrence of a fixed one first. */
  similarIncidents: SimilarIncident[];
  /** The `fracas check` command and a scheduled workflow running it. */
  monitoringSchedule: MonitoringSchedule;
  /** The last `fracas probe` results, when there are some. */
  probe?: ProbeEvidence;
  /** The last `fracas verify` result, when there is one. */
  verification?: SavedVerification;
  /** Symptom-anchored attribution: the symptom, the scored candidate causes and the causal chain. */
  attribution?: import('./attribution/types.ts').Attribution;
}
