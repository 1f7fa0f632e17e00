// Ranked root-cause hypotheses: each category's best attributed cause (symptom-anchored features) blended with a noisy-OR of its signals.
import type { EvidenceRef } from '../evidence/schema.ts';
import type { Attribution, Candidate } from './attribution/index.ts';
import type { Finding, Hypothesis, HypothesisCategory, Signal } from './types.ts';

/** Weight of the attributed cause's score against the signal rule's, when attribution found a symptom. */
const ATTRIBUTION_WEIGHT = 0.7;
/** A family corroborated by a database condition of the same category gains this much. */
const CORROBORATION = 0.1;
/** How far an attributed cause found to be another candidate's consequence is scored below that candidate. */
const CONSEQUENCE_PENALTY = 0.15;

interface Weight {
  signal: Signal;
  weight: number;
  why: string;
  /** Only counts when every one of these signals is also present. */
  requires?: Signal[];
  /** Only config findings of these risk levels count. */
  risks?: ('high' | 'medium' | 'unknown' | 'low')[];
}

interface CategoryRule {
  category: HypothesisCategory;
  title: string;
  support: Weight[];
  /** Signals whose presence argues against the category (each subtracts its weight). */
  against: Weight[];
  summary(found: Map<Signal, Finding[]>): string;
}

const count = (found: Map<Signal, Finding[]>, signal: Signal): number => (found.get(signal) ?? []).reduce((total, finding) => total + finding.count, 0);

const CATEGORY_RULES: CategoryRule[] = [
  {
    category: 'code-defect',
    title: 'A defect in the application code',
    support: [
      { signal: 'code-stack-frame', weight: 0.4, why: 'exceptions whose stack frames resolve into the code named in the manifest' },
      { signal: 'constraint-violation', weight: 0.3, why: 'the application writes values the schema rejects', requires: ['code-stack-frame'] },
      { signal: 'code-error-handling', weight: 0.3, why: 'the failing code path leaves resources behind (idle transactions, leaked connections)' },
      { signal: 'errors-after-deploy', weight: 0.25, why: 'the errors first appear after a deploy in the window' },
      { signal: 'unhandled-exception', weight: 0.15, why: 'exceptions with tracebacks in the application logs' },
    ],
    against: [
      { signal: 'upstream-rate-limit', weight: 0.2, why: 'failures are explained by an upstream limit' },
      { signal: 'memory-limit', weight: 0.2, why: 'failures coincide with memory-limit restarts' },
    ],
    summary: (found) => `${count(found, 'code-stack-frame')} error record(s) with stack frames in the named code; ${count(found, 'constraint-violation')} constraint violation(s).`,
  },
  {
    category: 'db-constraint-violation',
    title: 'Writes rejected by a database constraint',
    support: [{ signal: 'constraint-violation', weight: 0.55, why: 'constraint violations are recorded' }],
    against: [{ signal: 'code-stack-frame', weight: 0.1, why: 'the violating statement comes from application code (a code defect is the deeper cause)' }],
    summary: (found) => `${count(found, 'constraint-violation')} constraint violation(s) across the sources.`,
  },
  {
    category: 'db-pool-exhaustion',
    title: 'Database connection pool or connection slots exhausted',
    support: [
      { signal: 'pool-exhaustion', weight: 0.55, why: 'a pool or connection limit was reached: a wait for a pooled connection timed out, or a pooler turned clients away' },
      { signal: 'connection-refused', weight: 0.45, why: 'the server refused connections (slots full)' },
      { signal: 'idle-in-transaction', weight: 0.2, why: 'sessions idle in transaction hold connections' },
      { signal: 'config-risky-difference', weight: 0.1, why: 'pool or worker sizes differ between environments', requires: ['pool-exhaustion'] },
    ],
    against: [],
    summary: (found) =>
      `${count(found, 'pool-exhaustion')} record(s) of a pool or connection limit reached, ${count(found, 'connection-refused')} refused connection(s), ${count(found, 'idle-in-transaction')} idle-in-transaction observation(s).`,
  },
  {
    category: 'db-lock-contention',
    title: 'Row or table locks block the workload',
    support: [
      { signal: 'lock-timeout', weight: 0.4, why: 'statements were cancelled by lock_timeout' },
      { signal: 'blocking-chain', weight: 0.4, why: 'sessions wait behind a blocker' },
      { signal: 'lock-wait', weight: 0.3, why: 'long lock waits are logged' },
      { signal: 'deadlock', weight: 0.3, why: 'deadlocks were detected' },
      { signal: 'long-transaction', weight: 0.15, why: 'long-running transactions hold locks', requires: ['lock-wait'] },
      { signal: 'idle-in-transaction', weight: 0.15, why: 'a session idle in transaction can hold row locks', requires: ['lock-wait'] },
    ],
    against: [],
    summary: (found) =>
      `${count(found, 'lock-timeout')} lock timeout(s), ${count(found, 'lock-wait')} logged lock wait(s), ${count(found, 'deadlock')} deadlock(s), ${count(found, 'blocking-chain')} blocked session(s).`,
  },
  {
    category: 'config-drift',
    title: 'Configuration differs between environments in a way that matters',
    support: [
      { signal: 'config-risky-difference', weight: 0.15, why: 'high-risk differences between the compared configurations', risks: ['high'] },
      { signal: 'config-structural-anomaly', weight: 0.15, why: 'structural mistakes (moved or mis-indented keys, duplicates)' },
      { signal: 'config-changed-in-window', weight: 0.3, why: 'configuration changed during the incident window' },
      { signal: 'pool-exhaustion', weight: 0.15, why: 'a resource sized by configuration ran out', requires: ['config-risky-difference'] },
    ],
    against: [],
    summary: (found) => `${count(found, 'config-risky-difference')} risky difference(s), ${count(found, 'config-structural-anomaly')} structural anomaly(ies).`,
  },
  {
    category: 'network-connectivity',
    title: 'Network connectivity between services',
    support: [{ signal: 'network-error', weight: 0.5, why: 'connection resets, refusals, DNS or TLS failures are logged' }],
    against: [],
    summary: (found) => `${count(found, 'network-error')} network error(s).`,
  },
  {
    category: 'upstream-dependency',
    title: 'An upstream dependency failing or limiting the service',
    support: [
      { signal: 'upstream-rate-limit', weight: 0.6, why: 'an upstream API answered 429 / rate limited' },
      { signal: 'upstream-error', weight: 0.4, why: 'an upstream API answered errors' },
      { signal: 'job-errors', weight: 0.15, why: 'jobs failed with the upstream errors', requires: ['upstream-rate-limit'] },
    ],
    against: [],
    summary: (found) => `${count(found, 'upstream-rate-limit')} rate-limit response(s), ${count(found, 'upstream-error')} upstream error(s).`,
  },
  {
    category: 'deploy-regression',
    title: 'A regression shipped by a deploy',
    support: [
      { signal: 'errors-after-deploy', weight: 0.35, why: 'error categories first appear after a deploy' },
      { signal: 'config-changed-in-window', weight: 0.15, why: 'configuration changed in the window' },
    ],
    against: [{ signal: 'code-stack-frame', weight: 0.1, why: 'the failing code is located precisely (see code-defect)' }],
    summary: (found) => `${count(found, 'errors-after-deploy')} error categor(ies) first seen after a deploy; ${count(found, 'deploy')} deploy(s) in the window.`,
  },
  {
    category: 'resource-exhaustion',
    title: 'Instances ran out of memory or other resources',
    support: [
      { signal: 'memory-limit', weight: 0.6, why: 'instances exceeded their memory limit' },
      { signal: 'restart', weight: 0.2, why: 'instances restarted during the window', requires: ['memory-limit'] },
      { signal: 'http-5xx', weight: 0.1, why: 'requests failed while instances restarted', requires: ['memory-limit'] },
    ],
    against: [],
    summary: (found) => `${count(found, 'memory-limit')} memory-limit event(s), ${count(found, 'restart')} restart(s).`,
  },
];

const MAX_REFS = 12;

function refsOf(findings: Finding[]): EvidenceRef[] {
  const refs: EvidenceRef[] = [];
  const perFinding = Math.max(2, Math.floor(MAX_REFS / Math.max(1, findings.length)));
  for (const finding of findings) refs.push(...finding.refs.slice(0, perFinding));
  return refs.slice(0, MAX_REFS);
}

function matching(found: Map<Signal, Finding[]>, weight: Weight): Finding[] {
  if (weight.requires?.some((signal) => !found.has(signal))) return [];
  const findings = found.get(weight.signal) ?? [];
  return weight.risks ? findings.filter((finding) => finding.risk !== undefined && weight.risks?.includes(finding.risk)) : findings;
}

export interface Decision {
  status: 'confirmed' | 'rejected';
  note?: string;
}

/** The best candidate of each category, with the corroboration bonus applied. */
function bestByCategory(attribution: Attribution | undefined): Map<HypothesisCategory, { candidate: Candidate; score: number; note?: string }> {
  const best = new Map<HypothesisCategory, { candidate: Candidate; score: number; note?: string }>();
  if (!attribution) return best;
  for (const candidate of attribution.candidates) {
    const known = best.get(candidate.category);
    if (!known || candidate.score > known.candidate.score) best.set(candidate.category, { candidate, score: candidate.score });
  }
  for (const [category, entry] of best) {
    const condition = attribution.candidates.find((candidate) => candidate.kind === 'resource-condition' && candidate.category === category && candidate !== entry.candidate);
    if (condition && entry.candidate.kind === 'error-family' && !entry.candidate.features.background) {
      entry.score = Math.min(1, entry.score + CORROBORATION);
      entry.note = `+${CORROBORATION} corroborated by ${condition.title}`;
    }
    // A cause the attribution found to be another's consequence (refusals while that process died) ranks below it.
    const explainer = entry.candidate.consequenceOf ? attribution.candidates.find((candidate) => candidate.id === entry.candidate.consequenceOf) : undefined;
    if (explainer) {
      entry.score = Math.max(0, Math.min(entry.score, explainer.score) - CONSEQUENCE_PENALTY);
      entry.note = `−${CONSEQUENCE_PENALTY}: a consequence of ${explainer.title}`;
    }
  }
  return best;
}

/**
 * Score every category from the findings and the attributed causes; drop those with no support; rank; apply the
 * investigator's decisions. With attribution, a category's score is ATTRIBUTION_WEIGHT × its best cause's score +
 * (1 − ATTRIBUTION_WEIGHT) × its signal rule's score; without it, the signal rule's score alone.
 */
export function rankHypotheses(findings: Finding[], decisions: Record<string, Decision> = {}, attribution?: Attribution): Hypothesis[] {
  const attributed = bestByCategory(attribution);
  const ruleScores = new Map<HypothesisCategory, number>();
  const anchored = attribution?.symptom !== undefined && attribution.candidates.some((candidate) => candidate.kind === 'error-family' && candidate.score > 0);
  const found = new Map<Signal, Finding[]>();
  for (const finding of findings) found.set(finding.signal, [...(found.get(finding.signal) ?? []), finding]);

  const hypotheses: Hypothesis[] = [];
  for (const rule of CATEGORY_RULES) {
    let disbelief = 1;
    const reasons: string[] = [];
    const supportingFindings: Finding[] = [];
    for (const weight of rule.support) {
      const hits = matching(found, weight);
      if (hits.length === 0) continue;
      disbelief *= 1 - weight.weight;
      reasons.push(`+${weight.weight} ${weight.why}`);
      supportingFindings.push(...hits);
    }
    const best = attributed.get(rule.category);
    if (supportingFindings.length === 0 && !best) continue;
    let score = supportingFindings.length === 0 ? 0 : 1 - disbelief;
    const contradictingFindings: Finding[] = [];
    for (const weight of rule.against) {
      const hits = matching(found, weight);
      if (hits.length === 0) continue;
      score -= weight.weight;
      reasons.push(`−${weight.weight} ${weight.why}`);
      contradictingFindings.push(...hits);
    }
    score = Math.max(0, Math.min(1, score));
    ruleScores.set(rule.category, score);
    const signalRule = `signal rule ${score.toFixed(2)} = 1 − ∏(1 − w) over the signals present${rule.against.length ? ', minus the weights of contrary signals' : ''}: ${reasons.join('; ') || 'none'}`;
    let text = signalRule;
    if (anchored) {
      const cause = best?.score ?? 0;
      text = `score = ${ATTRIBUTION_WEIGHT} × attributed cause ${cause.toFixed(2)} + ${(1 - ATTRIBUTION_WEIGHT).toFixed(1)} × ${signalRule}${best ? `. Attributed cause: ${best.candidate.rule}${best.note ? ` ${best.note}` : ''}` : ''}`;
      score = ATTRIBUTION_WEIGHT * cause + (1 - ATTRIBUTION_WEIGHT) * score;
    }
    score = Math.round(score * 100) / 100;
    const id = rule.category;
    const decision = decisions[id];
    const candidate = best?.candidate;
    const supporting = unique([...(candidate?.decisive ? [candidate.decisive] : []), ...(candidate?.refs ?? []), ...refsOf(unique(supportingFindings))].map((ref) => JSON.stringify(ref)))
      .map((ref) => JSON.parse(ref) as EvidenceRef)
      .slice(0, MAX_REFS);
    hypotheses.push({
      id,
      title: rule.title,
      category: rule.category,
      score,
      rule: text,
      summary: rule.summary(found),
      supporting,
      contradicting: refsOf(unique(contradictingFindings)),
      role: 'unlikely',
      status: decision?.status ?? 'proposed',
      findingIds: unique([...unique(supportingFindings).map((finding) => finding.id), ...(candidate?.findingIds ?? [])]),
      ...(candidate
        ? {
            statement: candidate.statement,
            ...(candidate.resource ? { resource: candidate.resource } : {}),
            ...(candidate.signatureId ? { signatureId: candidate.signatureId } : {}),
            ...(candidate.decisive ? { decisive: candidate.decisive } : {}),
            features: candidate.features,
            candidateId: candidate.id,
            remedies: candidate.remedies,
          }
        : {}),
    });
  }
  // A configuration difference that explains an error family carries that family's signal evidence too.
  if (anchored) {
    for (const hypothesis of hypotheses) {
      const best = attributed.get(hypothesis.category);
      const explains = best?.candidate.explains;
      if (!best || !explains) continue;
      const own = ruleScores.get(hypothesis.category) ?? 0;
      const inherited = ruleScores.get(explains) ?? 0;
      if (inherited <= own) continue;
      hypothesis.score = Math.round((ATTRIBUTION_WEIGHT * best.score + (1 - ATTRIBUTION_WEIGHT) * inherited) * 100) / 100;
      hypothesis.rule += `; the signal term uses the rule score of ${explains} (${inherited.toFixed(2)}), the errors this difference explains`;
    }
  }
  hypotheses.sort((left, right) => rankOf(left) - rankOf(right) || right.score - left.score || left.id.localeCompare(right.id));
  let rootAssigned = false;
  for (const hypothesis of hypotheses) {
    if (hypothesis.status === 'rejected') hypothesis.role = 'unlikely';
    else if (!rootAssigned && (hypothesis.status === 'confirmed' || hypothesis.score >= 0.3)) {
      hypothesis.role = 'root-cause';
      rootAssigned = true;
    } else hypothesis.role = hypothesis.score >= 0.3 || hypothesis.status === 'confirmed' ? 'contributing' : 'unlikely';
  }
  return hypotheses;
}

function rankOf(hypothesis: Hypothesis): number {
  return hypothesis.status === 'confirmed' ? 0 : hypothesis.status === 'rejected' ? 2 : 1;
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
