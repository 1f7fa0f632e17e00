// The incident review: milestones and durations, action items, decisions, document status and the brief's escalation criteria.
import type { ActionItemSpec, Manifest, ReviewEvent } from '../manifest/index.ts';
import type { Analysis, DocumentStatus, EscalationCriterion, ReviewDecision, ReviewDurations, ReviewSection } from './model.ts';
import type { TimelineEntry } from './types.ts';

type Conclusions = Manifest['conclusions'];

/** The brief: escalate when the root cause is not identified within 4 hours. */
const ROOT_CAUSE_DEADLINE_HOURS = 4;
/** A request failure rate from which user impact counts as critical. */
const CRITICAL_FAILURE_RATE = 0.5;

const minutesBetween = (from: string | undefined, to: string | undefined): number | undefined => (from && to ? Math.max(0, (Date.parse(to) - Date.parse(from)) / 60_000) : undefined);

/** The manifest's events as timeline rows (source `incident.yaml`). */
export function reviewTimelineEntries(events: ReviewEvent[]): TimelineEntry[] {
  return events.map((event) => ({
    time: new Date(Date.parse(event.time)).toISOString(),
    source: 'incident.yaml',
    kind: 'review',
    label: [event.event ? `${event.event[0]?.toUpperCase()}${event.event.slice(1)}` : '', event.note ?? ''].filter(Boolean).join(': ') || 'Event',
    ...(event.who ? { who: event.who } : {}),
    ...(event.event ? { milestone: event.event } : {}),
  }));
}

/** Time to detect, acknowledge, mitigate and resolve, in minutes, each from its stated starting point. */
function reviewDurations(events: ReviewEvent[], errorTime: string | undefined): ReviewDurations {
  // The evidence's first error time comes from logs and query rows: one that is not a time is no onset.
  const firstError = errorTime !== undefined && Number.isFinite(Date.parse(errorTime)) ? errorTime : undefined;
  const at = (name: string) => events.find((event) => event.event === name)?.time;
  const started = at('started');
  const onset = started ?? firstError;
  const onsetBasis = started ? 'the "started" event in incident.yaml' : firstError ? 'the first error in the evidence' : 'no onset (no "started" event and no error in the evidence)';
  const detected = at('detected');
  const durations: ReviewDurations = { onsetBasis };
  if (onset) durations.onset = new Date(Date.parse(onset)).toISOString();
  const detect = minutesBetween(onset, detected);
  const acknowledge = minutesBetween(detected, at('acknowledged'));
  const mitigate = minutesBetween(onset, at('mitigated'));
  const resolve = minutesBetween(onset, at('resolved'));
  if (detect !== undefined) durations.detectMinutes = detect;
  if (acknowledge !== undefined) durations.acknowledgeMinutes = acknowledge;
  if (mitigate !== undefined) durations.mitigateMinutes = mitigate;
  if (resolve !== undefined) durations.resolveMinutes = resolve;
  return durations;
}

function decisions(conclusions: Conclusions): ReviewDecision[] {
  const list: ReviewDecision[] = Object.entries(conclusions.hypotheses).map(([id, decision]) => ({
    subject: `hypothesis ${id}`,
    decision: decision.status,
    ...(decision.note ? { note: decision.note } : {}),
    ...(decision.author ? { author: decision.author } : {}),
    ...(decision.date ? { date: decision.date } : {}),
  }));
  if (conclusions.rootCause) list.push({ subject: 'root cause', decision: 'confirmed', ...byOf(conclusions) });
  if (conclusions.chosenOption) list.push({ subject: 'solution option', decision: `option ${conclusions.chosenOption} chosen`, ...byOf(conclusions) });
  return list;
}

function byOf(conclusions: Conclusions): { author?: string; date?: string } {
  return conclusions.confirmedBy ? { author: conclusions.confirmedBy.author, date: conclusions.confirmedBy.date } : {};
}

function documentStatus(rootCauseConfirmed: boolean, conclusions: Conclusions): DocumentStatus {
  if (!rootCauseConfirmed) {
    return { state: 'draft', text: 'Draft: the root cause is proposed by fracas from the evidence and not yet confirmed in incident.yaml (conclusions).' };
  }
  const confirmedHypothesis = Object.values(conclusions.hypotheses).find((decision) => decision.status === 'confirmed' && decision.author);
  const by = conclusions.confirmedBy?.author ?? confirmedHypothesis?.author;
  const on = conclusions.confirmedBy?.date ?? confirmedHypothesis?.date;
  return {
    state: 'confirmed',
    ...(by ? { by } : {}),
    ...(on ? { on } : {}),
    text: `Confirmed${by ? ` by ${by}` : ' (no name recorded: add conclusions.confirmedBy)'}${on ? ` on ${on.slice(0, 10)}` : ''}.`,
  };
}

function hoursText(minutes: number): string {
  return minutes >= 90 ? `${(minutes / 60).toFixed(1)} h` : `${Math.round(minutes)} min`;
}

interface EscalationInput {
  analysis: Pick<Analysis, 'incident' | 'collectedAt' | 'impact' | 'recommendation' | 'options' | 'hypotheses' | 'sources'>;
  rootCauseConfirmed: boolean;
  events: ReviewEvent[];
  conclusions: Conclusions;
}

/** The brief's four escalation criteria, each met, not met or unknown, with the values it was judged on. */
export function assessEscalation(input: EscalationInput): EscalationCriterion[] {
  const { analysis, events, conclusions } = input;
  const detectedEvent = events.find((event) => event.event === 'detected')?.time;
  const detection = detectedEvent ?? analysis.impact.firstError;
  const detectionBasis = detectedEvent ? 'detected (incident.yaml)' : 'the first error in the evidence (no "detected" event in incident.yaml)';
  const criteria: EscalationCriterion[] = [];

  const confirmedOn = conclusions.confirmedBy?.date ?? Object.values(conclusions.hypotheses).find((decision) => decision.status === 'confirmed')?.date;
  const deadline = `Root cause not identified within ${ROOT_CAUSE_DEADLINE_HOURS} hours of detection`;
  if (!detection) criteria.push({ id: 'root-cause-deadline', criterion: deadline, status: 'unknown', basis: 'no detection time: add a "detected" event to timeline in incident.yaml' });
  else if (input.rootCauseConfirmed && confirmedOn) {
    const minutes = minutesBetween(detection, confirmedOn) ?? 0;
    criteria.push({
      id: 'root-cause-deadline',
      criterion: deadline,
      status: minutes > ROOT_CAUSE_DEADLINE_HOURS * 60 ? 'met' : 'not-met',
      basis: `confirmed ${hoursText(minutes)} after ${detectionBasis}`,
    });
  } else {
    const minutes = minutesBetween(detection, analysis.collectedAt) ?? 0;
    const state = input.rootCauseConfirmed ? 'confirmed (no date recorded)' : 'not confirmed';
    criteria.push({
      id: 'root-cause-deadline',
      criterion: deadline,
      status: input.rootCauseConfirmed ? 'unknown' : minutes > ROOT_CAUSE_DEADLINE_HOURS * 60 ? 'met' : 'not-met',
      basis: `${state}; evidence collected ${hoursText(minutes)} after ${detectionBasis}`,
    });
  }

  const recommended = analysis.options.find((option) => option.letter === analysis.recommendation.letter);
  const infrastructure = analysis.recommendation.letter === 'C';
  criteria.push({
    id: 'infrastructure-fix',
    criterion: 'Fix requires significant infrastructure changes',
    status: infrastructure ? 'met' : 'not-met',
    basis: `${analysis.recommendation.confirmed ? 'chosen' : 'recommended (proposed)'}: option ${analysis.recommendation.letter}${recommended ? `, ${recommended.title}` : ''}`,
  });

  const production = /prod/i.test(analysis.incident.environment);
  const top = analysis.hypotheses[0];
  criteria.push({
    id: 'production-affected',
    criterion: 'Issue affects the production environment',
    status: production ? 'met' : 'unknown',
    basis: production
      ? `the incident environment is ${analysis.incident.environment}`
      : `every source describes ${analysis.incident.environment}; no production logs were collected${top ? `, so production has not been checked for the ${top.category} signature` : ''}`,
  });

  const rate = analysis.impact.failureRate;
  const critical = analysis.incident.severity === 'P0' || (rate !== undefined && rate >= CRITICAL_FAILURE_RATE);
  const numbers = [
    `severity ${analysis.incident.severity}`,
    rate !== undefined ? `${(rate * 100).toFixed(1)}% of ${analysis.impact.requests.toLocaleString('en-US')} requests failed` : 'no request logs',
    analysis.impact.jobsInEvidence ? `${analysis.impact.affectedJobs.toLocaleString('en-US')} affected job(s)` : 'no job in the evidence',
  ];
  criteria.push({
    id: 'critical-impact',
    criterion: 'User impact is critical',
    status: critical ? 'met' : 'not-met',
    basis: `${numbers.join(', ')} (critical: severity P0 or at least ${CRITICAL_FAILURE_RATE * 100}% of requests failing)`,
  });
  return criteria;
}

export interface ReviewInput {
  events: ReviewEvent[];
  actions: ActionItemSpec[];
  conclusions: Conclusions;
  rootCauseConfirmed: boolean;
  firstError?: string;
}

export function buildReview(input: ReviewInput): Omit<ReviewSection, 'escalation'> {
  return {
    status: documentStatus(input.rootCauseConfirmed, input.conclusions),
    durations: reviewDurations(input.events, input.firstError),
    actions: input.actions.map((action) => ({ ...action })),
    decisions: decisions(input.conclusions),
    events: reviewTimelineEntries(input.events),
  };
}
