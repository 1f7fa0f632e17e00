// The audit step: a pure function from the evidence bundle (and the investigator's conclusions) to the analysis.
import { evidenceOf, STACK_FRAME_REASON, type AnySourceResult, type EvidenceBundle, type EvidenceRef } from '../evidence/schema.ts';
import type { ActionItemSpec, Manifest, ReviewEvent } from '../manifest/index.ts';
import { buildChecklists } from './checklists.ts';
import { configComparisons, configTableRows } from './config.ts';
import { correlate } from './correlation.ts';
import { gatherFacts } from './facts.ts';
import { rankHypotheses } from './hypotheses.ts';
import { assessImpact } from './impact.ts';
import { ANALYZERS, logSources, sharedAttribution, sharedLogPatterns } from './analyzers.ts';
import { runAnalyzers, SharedDerivations, type Analyzer, type AnalyzerRun } from './registry.ts';
import type { ProbeEvidence } from '../evidence/probe.ts';
import { similarIncidents, type IncidentRecord } from './history.ts';
import { monitoringSchedule } from './schedule.ts';
import { failureSignature } from './signature.ts';
import type { Analysis, ChartSeries, CodeExcerptView, Counts, SavedVerification, ErrorCategoryRow, ExecutiveSummary, ProposedText, SourceRow } from './model.ts';
import { linkEvidence } from './evidence-index.ts';
import { assessEscalation, buildReview, reviewTimelineEntries as reviewEntries } from './review.ts';
import { draftPlan } from './plan.ts';
import { draftPrevention } from './prevention.ts';
import { chartSeries } from './chart-data.ts';
import { describeWhat, describeWhen, describePatterns } from './narrative.ts';
import { draftSolutions } from './solutions.ts';
import { buildTimeline, keyEvents } from './timeline.ts';
import { FAILURE_SIGNALS, type Finding, type Hypothesis } from './types.ts';

export type Conclusions = Manifest['conclusions'];

/** Configuration rows shown in the body; the appendix lists all. */
const CONFIG_BODY_ROWS = 8;

function sourceSummary(source: AnySourceResult): string {
  if (!source.evidence) return source.status === 'failed' ? 'nothing collected' : 'no evidence';
  switch (source.kind) {
    case 'logs':
    case 'render-api': {
      const evidence = source.evidence;
      const unparsed = evidence.files.reduce((total, file) => total + file.unparsed, 0);
      const outside = evidence.window?.outside ?? 0;
      const formats = [...new Set(evidence.files.map((file) => file.format))].join(', ');
      return `${evidence.files.length} file(s) (${formats}), ${evidence.totalRecords.toLocaleString('en-US')} record(s)${evidence.window ? ' in the window' : ''}${outside ? `, ${outside.toLocaleString('en-US')} outside it (counted, not analysed)` : ''}${unparsed ? `, ${unparsed} unparsed line(s)` : ''}, ${evidence.templates.length} template(s)`;
    }
    case 'database': {
      const evidence = source.evidence;
      const limited = evidence.checks.filter((check) => check.status !== 'ok').length;
      return `${evidence.engine} ${evidence.serverVersion}: ${evidence.checks.length} check(s)${limited ? ` (${limited} failed or limited)` : ''}`;
    }
    case 'config':
      return configComparisons(source.evidence)
        .map((comparison) => `${comparison.left.label} vs ${comparison.right.label}: ${comparison.differences.length} difference(s), ${comparison.anomalies.length} anomaly(ies)`)
        .join('; ');
    case 'code':
      return `${source.evidence.excerpts.length} excerpt(s), ${source.evidence.commits.length} commit(s)`;
    case 'git':
      return `${source.evidence.commits.length} commit(s) (${source.evidence.commits.filter((commit) => commit.beforeWindow).length} before the window)`;
  }
}

function sourceRows(bundle: EvidenceBundle): SourceRow[] {
  return bundle.sources.map((source) => ({
    id: source.id,
    kind: source.kind,
    status: source.status,
    summary: sourceSummary(source),
    ...(source.error ? { error: source.error.message } : {}),
    ...(source.error?.hint ? { hint: source.error.hint } : {}),
    warnings: source.warnings,
    collectedAt: source.provenance.collectedAt,
    description: source.provenance.description,
  }));
}

function dedupeIds(findings: Finding[]): Finding[] {
  const seen = new Map<string, number>();
  return findings.map((finding) => {
    const count = seen.get(finding.id) ?? 0;
    seen.set(finding.id, count + 1);
    return count === 0 ? finding : { ...finding, id: `${finding.id}-${count + 1}` };
  });
}

function errorCategories(findings: Finding[]): ErrorCategoryRow[] {
  const rows = new Map<string, ErrorCategoryRow>();
  for (const finding of findings) {
    if (!FAILURE_SIGNALS.includes(finding.signal)) continue;
    const row = rows.get(finding.signal) ?? { category: finding.signal, count: 0, example: finding.refs[0]?.excerpt ?? finding.title };
    row.count += finding.count;
    if (finding.firstSeen && (!row.firstSeen || finding.firstSeen < row.firstSeen)) row.firstSeen = finding.firstSeen;
    const last = finding.lastSeen ?? finding.firstSeen;
    if (last && (!row.lastSeen || last > row.lastSeen)) row.lastSeen = last;
    if (!row.ref && finding.refs[0]) row.ref = finding.refs[0];
    rows.set(finding.signal, row);
  }
  return [...rows.values()].sort((left, right) => right.count - left.count || left.category.localeCompare(right.category));
}

function codeViews(bundle: EvidenceBundle): CodeExcerptView[] {
  return evidenceOf(bundle, 'code').flatMap(({ source, evidence }) =>
    evidence.excerpts.map((excerpt) => ({
      source: source.id,
      path: excerpt.path,
      startLine: excerpt.startLine,
      endLine: excerpt.endLine,
      highlight: excerpt.highlight ?? [],
      text: excerpt.lines.map((line, index) => `${String(excerpt.startLine + index).padStart(4)}${(excerpt.highlight ?? []).includes(excerpt.startLine + index) ? ' ▶ ' : '   '}${line}`).join('\n'),
      reason: excerpt.reason.startsWith(STACK_FRAME_REASON) ? 'Stack frames in the logs point here.' : excerpt.reason,
      commits: (excerpt.commits ?? evidence.commits.filter((commit) => commit.files.some((file) => file.endsWith(excerpt.path) || excerpt.path.endsWith(file))))
        .slice(0, 5)
        .map(({ hash, authorTime, author, subject }) => ({ hash: hash.slice(0, 10), authorTime, author, subject })),
    })),
  );
}

function gapsOf(bundle: EvidenceBundle, findings: Finding[]): string[] {
  const gaps: string[] = [];
  const kinds = new Set(bundle.sources.map((source) => source.kind));
  if (!kinds.has('logs') && !kinds.has('render-api')) gaps.push('No log source: failure times and error messages are not evidenced.');
  if (!kinds.has('database')) gaps.push('No database source: stuck jobs and transaction health are not evidenced.');
  if (!kinds.has('config')) gaps.push('No configuration source: environment differences are not evidenced.');
  if (!kinds.has('code')) gaps.push('No code source: failing lines cannot be shown.');
  for (const source of bundle.sources) if (source.status === 'failed') gaps.push(`Source ${source.id} failed (${source.error?.message ?? 'unknown error'}); what it would show is missing.`);
  if (!findings.some((finding) => finding.signal === 'deploy')) gaps.push('No deploy event in the evidence: a relation to deploys cannot be shown.');
  return gaps;
}

export interface AnalyzeOptions {
  sample?: boolean;
  /** The review recorded in incident.yaml: timeline events and action items. */
  review?: { timeline: ReviewEvent[]; actions: ActionItemSpec[] };
  /** The analyzers to run (default: the registry's). */
  analyzers?: readonly Analyzer[];
  /** The incident directory relative to its repository root, for the commands the report shows (default: the incident id). */
  incidentPath?: string;
  /** The last `fracas verify` result (evidence/verification.json), shown as the Verification section. */
  verification?: SavedVerification;
  /** The last `fracas probe` results (evidence/probe.json), shown with the code review. */
  probe?: ProbeEvidence;
  /** Records of the other incidents beside this one (the incident memory), for similar incidents and recurrences. */
  pastIncidents?: readonly IncidentRecord[];
}

function verificationChart(verification: SavedVerification): ChartSeries {
  return {
    id: 'verification',
    title: 'Before and after the fix: expected at the incident rate vs observed',
    file: 'charts/verification.svg',
    kind: 'grouped',
    points: verification.rows.flatMap((row) => [
      { x: row.title, y: row.expected, series: 'expected at the incident rate' },
      { x: row.title, y: row.after, series: 'observed after the fix' },
    ]),
    markers: [],
  };
}

/** The findings of every registered analyzer, with analyzer failures as data. */
export function collectFindings(bundle: EvidenceBundle, shared = new SharedDerivations(), analyzers: readonly Analyzer[] = ANALYZERS): AnalyzerRun {
  const run = runAnalyzers(analyzers, bundle, shared);
  return { ...run, findings: dedupeIds(run.findings) };
}

/** The cause as the attribution states it (error, place, onset, reach), else the category with its rule's summary. */
function causeText(root: Hypothesis): string {
  return root.statement
    ? `${root.title}: ${root.statement} (${root.category}${root.resource ? `, ${root.resource}` : ''}, score ${root.score.toFixed(2)}).`
    : `${root.title} (${root.category}, score ${root.score.toFixed(2)}). ${root.summary}`;
}

function rootCauseOf(conclusions: Conclusions, hypotheses: Hypothesis[], root: Hypothesis | undefined, refs: EvidenceRef[]): Analysis['rootCause'] {
  if (conclusions.rootCause) return { confirmed: true, text: conclusions.rootCause, ...(root ? { hypothesisId: root.id } : {}), refs };
  if (root) return { confirmed: root.status === 'confirmed', text: causeText(root), hypothesisId: root.id, refs };
  const top = hypotheses.find((hypothesis) => hypothesis.status !== 'rejected');
  if (top)
    return {
      confirmed: false,
      text: `Not determined: the highest-ranked hypothesis, ${top.title} (${top.category}, score ${top.score.toFixed(2)}), is too weak to call the root cause.`,
      refs: top.supporting.slice(0, 6),
    };
  return { confirmed: false, text: 'Not determined: no hypothesis is supported by the evidence collected.', refs: [] };
}

function executiveSummary(analysis: Omit<Analysis, 'executive' | 'review' | 'counts' | 'evidenceIndex'>, root: Hypothesis | undefined): ExecutiveSummary {
  const recommended = analysis.options.find((option) => option.letter === analysis.recommendation.letter);
  const firstChange = recommended?.changes[0]?.text;
  const basis = analysis.hypotheses.findIndex((hypothesis) => hypothesis.id === (analysis.rootCause.hypothesisId ?? root?.id));
  return {
    ...(basis >= 0 ? { rootRank: basis + 1, rootCategory: analysis.hypotheses[basis]?.category } : {}),
    whatHappened: analysis.incident.summary ?? analysis.what[0]?.text ?? 'The evidence collected holds no failure.',
    rootCause: analysis.rootCause.confirmed ? analysis.rootCause.text : root ? `${causeText(root)} *(proposed)*` : analysis.rootCause.text,
    decisive: analysis.rootCause.refs.slice(0, 3),
    recommendedFix: recommended
      ? `Option ${recommended.letter}, ${recommended.title}${analysis.recommendation.confirmed ? ' (chosen)' : ' (proposed)'}${firstChange ? `: ${firstChange}` : ''}`
      : `Option ${analysis.recommendation.letter}`,
  };
}

export function analyzeIncident(bundle: EvidenceBundle, conclusions: Conclusions, options: AnalyzeOptions = {}): Analysis {
  const shared = new SharedDerivations();
  const { findings, errors: analyzerErrors } = collectFindings(bundle, shared, options.analyzers);
  const attribution = sharedAttribution(shared);
  const hypotheses = rankHypotheses(findings, conclusions.hypotheses, attribution);
  const impact = assessImpact(bundle, findings, conclusions.impact);
  const facts = gatherFacts(bundle, findings, hypotheses, impact.failureRate);
  const root = hypotheses.find((hypothesis) => hypothesis.role === 'root-cause');
  const solutions = draftSolutions(facts, root?.category, conclusions.chosenOption);
  const recommended = solutions.options.find((option) => option.letter === solutions.recommendation.letter);
  const configRows = evidenceOf(bundle, 'config').flatMap(({ evidence }) => configTableRows(evidence));
  const patterns: ProposedText[] = describePatterns(bundle, findings);
  const rootRefs: EvidenceRef[] = root?.supporting.slice(0, 6) ?? [];
  const correlation = correlate(bundle, findings);
  const signature = failureSignature(bundle, findings, hypotheses);
  const reviewEvents = options.review?.timeline ?? [];
  const timeline = buildTimeline(bundle, findings, reviewEntries(reviewEvents));
  const allPatterns = logSources(bundle).map(({ id, evidence }) => ({ patterns: sharedLogPatterns(shared, id, evidence), records: evidence.totalRecords }));
  const categories = errorCategories(findings);
  const draft = {
    incident: { ...bundle.incident, sample: options.sample ?? false },
    collectedAt: bundle.collectedAt,
    sources: sourceRows(bundle),
    findings,
    hypotheses,
    rootCause: rootCauseOf(conclusions, hypotheses, root, rootRefs),
    what: describeWhat(findings, impact),
    when: describeWhen(findings, impact, timeline),
    timeline,
    keyTimeline: keyEvents(timeline),
    impact,
    errorCategories: categories,
    patterns,
    logPatterns: allPatterns.map(({ patterns }) => patterns).filter((patterns) => patterns.errorRecords > 0 || (patterns.load?.requests ?? 0) > 0),
    database: evidenceOf(bundle, 'database').map(({ source, evidence }) => ({
      source: source.id,
      // Said only when fracas chose the job tables itself (no jobs: block), so the reader knows which it read.
      ...(evidence.jobDiscovery?.mode === 'discovered' ? { jobTables: evidence.jobDiscovery.note } : {}),
      // The full id lists of stuck and failed jobs are for joins and counts, not for display.
      checks: evidence.checks.filter((check) => !/^(?:stuck-job-ids|job-failure-ids)(-|$)/.test(check.id)),
      findings: findings.filter((finding) => finding.area === 'database' && finding.refs.some((ref) => ref.source === source.id)),
    })),
    config: { rows: configRows, top: configRows.filter((row) => row.type === 'anomaly' || row.risk !== 'low').slice(0, CONFIG_BODY_ROWS) },
    ...(correlation ? { correlation } : {}),
    code: codeViews(bundle),
    ...solutions,
    plan: draftPlan(facts, recommended),
    prevention: draftPrevention(facts),
    checklists: buildChecklists({
      sources: bundle.sources,
      hypotheses,
      rootCauseConfirmed: Boolean(conclusions.rootCause) || hypotheses.some((hypothesis) => hypothesis.status === 'confirmed'),
      ...(conclusions.chosenOption ? { chosenOption: conclusions.chosenOption } : {}),
      done: conclusions.done,
      hasPatterns: patterns.length > 0,
      ...(options.verification ? { verification: { verdict: options.verification.verdict, window: options.verification.window } } : {}),
    }),
    owners: conclusions.owners,
    charts: [...chartSeries(bundle, findings), ...(options.verification ? [verificationChart(options.verification)] : [])],
    gaps: gapsOf(bundle, findings),
    analyzerErrors,
    signature,
    similarIncidents: similarIncidents({ id: bundle.incident.id, signature }, options.pastIncidents ?? []),
    monitoringSchedule: monitoringSchedule(bundle, options.incidentPath ?? bundle.incident.id),
    ...(options.verification ? { verification: options.verification } : {}),
    ...(attribution ? { attribution } : {}),
    ...(options.probe ? { probe: options.probe } : {}),
  };
  const counts: Counts = {
    errorRecords: allPatterns.reduce((total, { patterns }) => total + patterns.errorRecords, 0),
    logRecords: allPatterns.reduce((total, { records }) => total + records, 0),
    failureSignalRecords: categories.reduce((total, category) => total + category.count, 0),
    failureCategories: categories.length,
    hypotheses: hypotheses.length,
    databaseChecks: draft.database.reduce((total, database) => total + database.checks.length, 0),
    configRows: configRows.length,
    codeExcerpts: draft.code.length,
  };
  const review = buildReview({
    events: reviewEvents,
    actions: options.review?.actions ?? [],
    conclusions,
    rootCauseConfirmed: draft.rootCause.confirmed,
    ...(impact.firstError ? { firstError: impact.firstError } : {}),
  });
  return {
    ...linkEvidence(draft),
    counts,
    executive: executiveSummary(draft, root),
    review: { ...review, escalation: assessEscalation({ analysis: draft, rootCauseConfirmed: draft.rootCause.confirmed, events: reviewEvents, conclusions }) },
  };
}
