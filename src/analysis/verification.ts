// Fix verification: the incident's failure signature against a window after the fix, metric by metric, with a Poisson rule and a verdict.
import type { FailureSignature } from './signature.ts';

type MetricOutcome = 'cleared' | 'reduced' | 'persists' | 'too-little-traffic' | 'absent-before';
type Verdict = 'verified' | 'not-verified' | 'inconclusive';

interface VerificationRow {
  /** kebab-case: `family:<key>`, `error-records`, `failed-requests`, `stuck-jobs`. */
  metric: string;
  title: string;
  /** Whether the metric is the root cause's own family (it decides the verdict). */
  decisive: boolean;
  before: number;
  after: number;
  /** The count the after window would show at the incident's rate, scaled by its traffic. */
  expected: number;
  /** P(X <= after) for X ~ Poisson(expected): small means the drop is not chance. */
  pValue: number;
  outcome: MetricOutcome;
}

export interface Verification {
  verdict: Verdict;
  /** The rule that produced the verdict, in words a reviewer can check. */
  rule: string;
  reasons: string[];
  before: FailureSignature['exposure'];
  after: FailureSignature['exposure'];
  rows: VerificationRow[];
}

/** Below this many expected occurrences the after window cannot show a drop: too little traffic to tell. */
const MIN_EXPECTED = 3;
/** A drop is significant when chance alone would give so few occurrences with at most this probability. */
const SIGNIFICANCE = 0.05;
/** Cleared: at most this share of the expected occurrences remain. */
const CLEARED_SHARE = 0.1;

/** P(X <= k) for X ~ Poisson(lambda), summed in log space so large lambdas do not underflow. */
export function poissonCdf(k: number, lambda: number): number {
  if (lambda <= 0) return 1;
  if (k < 0) return 0;
  let logTerm = -lambda;
  let logSum = logTerm;
  for (let i = 1; i <= k; i++) {
    logTerm += Math.log(lambda) - Math.log(i);
    const larger = Math.max(logSum, logTerm);
    logSum = larger + Math.log(Math.exp(logSum - larger) + Math.exp(logTerm - larger));
  }
  return Math.min(1, Math.exp(logSum));
}

/** How much the after window's traffic is of the incident's: requests when both have them, else records, else hours. */
function exposureRatio(before: FailureSignature['exposure'], after: FailureSignature['exposure']): { ratio: number; basis: string } {
  if (before.requests > 0 && after.requests > 0) return { ratio: after.requests / before.requests, basis: 'requests' };
  if (before.records > 0 && after.records > 0) return { ratio: after.records / before.records, basis: 'log records' };
  return { ratio: before.hours > 0 ? after.hours / before.hours : 0, basis: 'hours' };
}

function row(metric: string, title: string, decisive: boolean, before: number, after: number, ratio: number): VerificationRow {
  const expected = before * ratio;
  const pValue = poissonCdf(after, expected);
  const outcome: MetricOutcome =
    before === 0
      ? 'absent-before'
      : expected < MIN_EXPECTED
        ? after > 0
          ? 'persists'
          : 'too-little-traffic'
        : pValue >= SIGNIFICANCE
          ? 'persists'
          : after <= CLEARED_SHARE * expected
            ? 'cleared'
            : 'reduced';
  return { metric, title, decisive, before, after, expected: Math.round(expected * 100) / 100, pValue: Math.round(pValue * 1e6) / 1e6, outcome };
}

/** Compares the incident's signature with the after window's: `afterFamilies` counts the after window's findings by family key. */
export function verifyFix(incident: FailureSignature, after: FailureSignature, afterFamilies: ReadonlyMap<string, number>): Verification {
  const { ratio, basis } = exposureRatio(incident.exposure, after.exposure);
  const rows: VerificationRow[] = [
    ...incident.families.map((family, index) => row(`family:${family.key}`, family.title, index === 0, family.count, afterFamilies.get(family.key) ?? 0, ratio)),
    row('error-records', 'Error records', incident.families.length === 0, incident.symptom.errorRecords, after.symptom.errorRecords, ratio),
    row('failed-requests', 'Failed requests (status >= 400)', false, incident.symptom.failedRequests, after.symptom.failedRequests, ratio),
  ];
  const newStuck: VerificationRow = {
    metric: 'stuck-jobs',
    title: 'Jobs stuck with their last update in the window',
    decisive: false,
    before: incident.symptom.stuckJobs,
    after: after.symptom.stuckJobs,
    expected: 0,
    pValue: after.symptom.stuckJobs === 0 ? 1 : 0,
    outcome: after.symptom.stuckJobs === 0 ? (incident.symptom.stuckJobs > 0 ? 'cleared' : 'absent-before') : 'persists',
  };
  rows.push(newStuck);
  const decisive = rows.filter((candidate) => candidate.decisive);
  const reasons: string[] = [];
  let verdict: Verdict;
  const persisting = rows.filter((candidate) => candidate.outcome === 'persists' || (candidate.decisive && candidate.outcome === 'reduced'));
  if (persisting.length > 0) {
    verdict = 'not-verified';
    for (const failing of persisting) reasons.push(`${failing.title}: ${failing.after} in the after window against ${failing.expected} expected at the incident's rate (${failing.outcome})`);
  } else if (decisive.length === 0 || decisive.some((candidate) => candidate.outcome === 'too-little-traffic' || candidate.outcome === 'absent-before')) {
    verdict = 'inconclusive';
    reasons.push(
      decisive.length === 0
        ? 'the incident has no failure family to look for'
        : `too little traffic to tell: at the incident's rate the after window would show ${decisive.map((candidate) => candidate.expected).join(', ')} occurrence(s), fewer than ${MIN_EXPECTED}`,
    );
  } else {
    verdict = 'verified';
    for (const cleared of decisive) reasons.push(`${cleared.title}: ${cleared.after} against ${cleared.expected} expected (P = ${cleared.pValue.toPrecision(2)})`);
  }
  const rule =
    `Each metric's expected count is its incident count scaled by the after window's traffic (${basis}: ratio ${ratio.toFixed(3)}). ` +
    `Verified: the root cause's family is cleared (at most ${CLEARED_SHARE * 100}% of expected remains and P(X <= after) < ${SIGNIFICANCE} under Poisson(expected)), nothing persists and no job got stuck in the window. ` +
    `Not verified: a metric persists (not significantly lower) or the root family is only reduced, or a job got stuck. ` +
    `Inconclusive: fewer than ${MIN_EXPECTED} occurrences of the root family would be expected, so its absence proves nothing.`;
  return { verdict, rule, reasons, before: incident.exposure, after: after.exposure, rows };
}
