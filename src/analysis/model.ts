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
  /** Whether the evidence holds jobs at all (a job table read, or job ids in the logs): else the job counts are no finding. */
  jobsInEvidence: boolean;
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
  /** Title of the appendix entry listing `refs` (set when there are refs). */
  evidence?: string;
}

/** An appendix entry listing the evidence of one drafted statement. */
export interface EvidenceEntry {
  title: string;
  /** Heading of the body section the statement stands under. */
  back: string;
  deliverable: 'root-cause-report' | 'solution-design' | 'implementation-plan' | 'prevention-measures';
  text: string;
  refs: EvidenceRef[];
}

export interface SolutionOption {
  letter: 'A' | 'B' | 'C';
  title: string;
  changes: ProposedText[];
  /** The changes that answer the root cause: its signature's remedies for this option, or the option's remedy for its category. */
  forRoot: ProposedText[];
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

export interface ReviewDurations {
  /** When users were first affected: the "started" event, else the first error in the evidence. */
  onset?: string;
  onsetBasis: string;
  detectMinutes?: number;
  acknowledgeMinutes?: number;
  mitigateMinutes?: number;
  resolveMinutes?: number;
}

export interface ReviewDecision {
  subject: string;
  decision: string;
  note?: string;
  author?: string;
  date?: string;
}

export interface DocumentStatus {
  state: 'draft' | 'confirmed';
  by?: string;
  on?: string;
  text: string;
}

export interface EscalationCriterion {
  id: 'root-cause-deadline' | 'infrastructure-fix' | 'production-affected' | 'critical-impact';
  criterion: string;
  status: 'met' | 'not-met' | 'unknown';
  basis: string;
}

interface ActionItem {
  title: string;
  owner?: string;
  due?: string;
  ticket?: string;
  status: 'open' | 'in-progress' | 'done' | 'wont-do';
}

export interface ReviewSection {
  status: DocumentStatus;
  durations: ReviewDurations;
  actions: ActionItem[];
  decisions: ReviewDecision[];
  /** The manifest's timeline events (also merged into the analysis timeline). */
  events: TimelineEntry[];
  escalation: EscalationCriterion[];
}

/** Counts every section quotes, computed once so no two sections disagree. */
export interface Counts {
  /** Records of error level or worse across the log sources. */
  errorRecords: number;
  logRecords: number;
  /** Records behind the recognised failure categories (one record can carry two signals). */
  failureSignalRecords: number;
  failureCategories: number;
  hypotheses: number;
  databaseChecks: number;
  configRows: number;
  codeExcerpts: number;
}

export interface ExecutiveSummary {
  whatHappened: string;
  rootCause: string;
  /** The evidence that decides the root cause (at most three references). */
  decisive: EvidenceRef[];
  /** Rank (1-based) and category of the hypothesis the root cause rests on, when there is one. */
  rootRank?: number;
  rootCategory?: string;
  recommendedFix: string;
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
  /** The body's short timeline (review milestones, deploys, first errors, peaks); `timeline` is the full one. */
  keyTimeline: TimelineEntry[];
  impact: Impact;
  errorCategories: ErrorCategoryRow[];
  patterns: ProposedText[];
  /** Failure patterns of each log source with errors or requests. */
  logPatterns: LogPatterns[];
  database: { source: string; jobTables?: string; checks: QueryCheck[]; findings: Finding[] }[];
  /** `top`: the rows the body shows (anomalies and the riskiest differences); `rows`: all, for the appendix. */
  config: { rows: ConfigTableRow[]; top: ConfigTableRow[] };
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
  review: ReviewSection;
  counts: Counts;
  /** Appendix entries for the drafted statements' evidence, in document order. */
  evidenceIndex: EvidenceEntry[];
  executive: ExecutiveSummary;
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
