// The What, When and Failure-patterns statements, each drafted from findings and carrying their refs.
import type { EvidenceBundle } from '../evidence/schema.ts';
import type { Impact, ProposedText } from './model.ts';
import type { Finding, Severity, Signal, TimelineEntry } from './types.ts';

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
const WHAT_SIGNALS: Signal[] = [
  'stuck-jobs',
  'webhook-failures',
  'missing-webhooks',
  'http-5xx',
  'constraint-violation',
  'pool-exhaustion',
  'connection-refused',
  'lock-timeout',
  'deadlock',
  'statement-timeout',
  'idle-in-transaction',
  'blocking-chain',
  'network-error',
  'upstream-rate-limit',
  'upstream-error',
  'memory-limit',
  'unhandled-exception',
  'job-errors',
  'code-stack-frame',
];
const PATTERN_SIGNALS: Signal[] = ['burst', 'periodic-failures', 'errors-after-deploy', 'restart'];
const MAX_WHAT = 8;

const statement = (finding: Finding): ProposedText => ({ text: `${finding.title}: ${finding.detail}`, refs: finding.refs.slice(0, 4) });

export function describeWhat(findings: Finding[], impact: Impact): ProposedText[] {
  const chosen = findings
    .filter((finding) => WHAT_SIGNALS.includes(finding.signal))
    .sort((left, right) => SEVERITY_ORDER[left.severity] - SEVERITY_ORDER[right.severity] || right.count - left.count || left.id.localeCompare(right.id))
    .slice(0, MAX_WHAT)
    .map(statement);
  if (impact.requests > 0) {
    chosen.push({
      text: `${impact.failedRequests} of ${impact.requests} requests in the logs failed with a 5xx status.`,
      refs: findings.filter((finding) => finding.signal === 'http-5xx').flatMap((finding) => finding.refs.slice(0, 2)),
    });
  }
  return chosen;
}

export function describeWhen(findings: Finding[], impact: Impact, timeline: TimelineEntry[]): ProposedText[] {
  const when: ProposedText[] = [];
  if (impact.firstError && impact.lastError) {
    const first = timeline.find((entry) => entry.kind === 'first-error');
    when.push({ text: `Errors from ${impact.firstError} to ${impact.lastError} (${Math.round(impact.durationMinutes ?? 0)} minutes).`, refs: first?.ref ? [first.ref] : [] });
  }
  const deploys = timeline.filter((entry) => entry.kind === 'deploy');
  if (deploys.length > 0)
    when.push({ text: `${deploys.length} deploy event(s) in the window, the first at ${deploys[0]?.time}.`, refs: deploys.flatMap((entry) => (entry.ref ? [entry.ref] : [])).slice(0, 3) });
  for (const finding of findings.filter((candidate) => PATTERN_SIGNALS.includes(candidate.signal))) when.push(statement(finding));
  const peak = timeline.find((entry) => entry.kind === 'peak');
  if (peak) when.push({ text: `${peak.label} at ${peak.time}.`, refs: peak.ref ? [peak.ref] : [] });
  return when;
}

export function describePatterns(_bundle: EvidenceBundle, findings: Finding[]): ProposedText[] {
  return findings.filter((finding) => PATTERN_SIGNALS.includes(finding.signal) || finding.signal === 'missing-webhooks' || finding.signal === 'webhook-failures').map(statement);
}
