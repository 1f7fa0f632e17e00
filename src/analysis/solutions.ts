// Drafted solution options A (code), B (configuration), C (infrastructure) and the recommendation, from the hypotheses.
import type { EvidenceRef } from '../evidence.ts';
import { risky, type Facts } from './facts.ts';
import type { Analysis, ProposedText, SolutionOption } from './model.ts';
import type { HypothesisCategory } from './types.ts';

const item = (text: string, refs: EvidenceRef[] = []): ProposedText => ({ text, refs });

function describeConstraints(facts: Facts): string {
  const violated = facts.findings('constraint-violation').flatMap((finding) => finding.refs.map((ref) => ref.excerpt)).join(' ');
  const named = facts.constraints.filter((constraint) => violated.includes(constraint.name));
  const shown = (named.length > 0 ? named : facts.constraints).slice(0, 2);
  return shown
    .map((constraint) => `${constraint.name}${constraint.allowedValues ? ` (allows ${constraint.allowedValues.join(', ')})` : ''}`)
    .join('; ');
}

function codeLocation(facts: Facts): string {
  const lines = new Map<string, number[]>();
  for (const ref of facts.codeLines) if (ref.kind === 'file-line') lines.set(ref.file, [...(lines.get(ref.file) ?? []), ref.line]);
  if (lines.size === 0) return 'the failing handler';
  return [...lines.entries()].map(([file, numbers]) => `${file} (line${numbers.length > 1 ? 's' : ''} ${numbers.join(', ')} in the stack traces)`).join(' and ');
}

function configChanges(facts: Facts, categories: string[], verb: string, risks: string[] = ['high', 'medium']): ProposedText[] {
  return risky(facts, categories)
    .filter((difference) => risks.includes(difference.risk))
    .slice(0, 6)
    .map((difference) =>
      item(`${verb} ${difference.path}: ${difference.reason}.`, [
        { kind: 'config-path', source: difference.source, file: difference.file, path: difference.path, ...(difference.leftLine ? { line: difference.leftLine } : {}), excerpt: `${difference.path}: ${difference.left ?? ''}` },
      ]),
    );
}

function optionA(facts: Facts): SolutionOption {
  const changes: ProposedText[] = [];
  const addresses: HypothesisCategory[] = [];
  if (facts.byCategory.has('code-defect')) {
    addresses.push('code-defect');
    changes.push(item(`Fix the error path at ${codeLocation(facts)}: roll back the transaction and release the database session in every branch (a context manager or try/except/finally), so a failed write cannot leave a connection checked out or idle in transaction.`, facts.codeLines.slice(0, 3)));
  }
  if (facts.byCategory.has('db-constraint-violation') || facts.findings('constraint-violation').length > 0) {
    addresses.push('db-constraint-violation');
    changes.push(item(`Write only values the database accepts: align the values the code writes with ${describeConstraints(facts) || 'the violated constraint'}, and add a test that runs each state transition against the real schema.`, facts.refs('constraint-violation')));
  }
  if (facts.byCategory.has('db-lock-contention')) {
    addresses.push('db-lock-contention');
    changes.push(item('Keep transactions short: no network calls or user waits inside a transaction; claim jobs with SELECT … FOR UPDATE SKIP LOCKED; set lock_timeout per transaction so waits fail fast.', facts.refs('lock-timeout', 'lock-wait', 'blocking-chain')));
  }
  if (facts.byCategory.has('upstream-dependency')) {
    addresses.push('upstream-dependency');
    changes.push(item('Honour the upstream’s Retry-After and rate-limit headers: exponential backoff with jitter, a client-side token bucket below the provider’s quota, and no retry storms from parallel workers.', facts.refs('upstream-rate-limit', 'upstream-error')));
  }
  if (facts.byCategory.has('resource-exhaustion')) {
    addresses.push('resource-exhaustion');
    changes.push(item('Bound memory per request or job: stream large payloads instead of loading them whole, cap batch sizes, and release caches between jobs.', facts.refs('memory-limit')));
  }
  if (facts.byCategory.has('network-connectivity')) {
    addresses.push('network-connectivity');
    changes.push(item('Make outbound calls resilient: explicit connect/read timeouts, bounded retries on resets and refused connections, and idempotent handlers so retries are safe.', facts.refs('network-error')));
  }
  if (facts.findings('webhook-failures').length > 0 || facts.findings('missing-webhooks').length > 0) {
    changes.push(item('Make the webhook handler idempotent and acknowledge quickly (persist the payload, return 2xx, process asynchronously), and add a reconciliation job that polls the provider for jobs whose webhook never arrived.', facts.refs('webhook-failures', 'missing-webhooks')));
  }
  return {
    letter: 'A',
    title: 'Code fixes for error handling',
    changes,
    effort: changes.length > 2 ? 'medium (several code paths, with tests)' : 'small to medium',
    risks: ['A code change needs a deploy; test the error paths (not only the happy path) against a real database before release.'],
    addresses,
  };
}

function optionB(facts: Facts): SolutionOption {
  const changes: ProposedText[] = [];
  const addresses: HypothesisCategory[] = [];
  if (facts.byCategory.has('db-pool-exhaustion')) {
    addresses.push('db-pool-exhaustion');
    changes.push(...configChanges(facts, ['pool-workers'], 'Align'));
    changes.push(item('Set idle_in_transaction_session_timeout for the application role (e.g. 60 s) so a leaked transaction is ended before it exhausts the pool, and give the pool a checkout timeout shorter than the caller’s request timeout.', facts.refs('idle-in-transaction', 'pool-exhaustion')));
  }
  if (facts.byCategory.has('config-drift')) {
    addresses.push('config-drift');
    changes.push(...configChanges(facts, ['timeouts', 'retries-backoff', 'urls-hosts', 'tls-auth', 'resource-limits'], 'Review', ['high']));
    const anomalies = facts.findings('config-structural-anomaly');
    if (anomalies.length > 0) changes.push(item(`Repair the structural anomalies in the configuration (${anomalies.map((finding) => finding.title).slice(0, 3).join('; ')}), and validate the files against a schema in CI.`, facts.refs('config-structural-anomaly')));
  }
  if (facts.byCategory.has('db-lock-contention')) {
    addresses.push('db-lock-contention');
    changes.push(item('Set lock_timeout and idle_in_transaction_session_timeout for application and human roles (ALTER ROLE … SET …) so a forgotten transaction cannot hold row locks for long.', facts.refs('idle-in-transaction', 'lock-timeout')));
  }
  if (facts.byCategory.has('upstream-dependency')) {
    addresses.push('upstream-dependency');
    changes.push(...configChanges(facts, ['retries-backoff', 'pool-workers'], 'Tune'));
    changes.push(item('Lower worker concurrency towards the upstream quota and lengthen the retry backoff.', facts.refs('upstream-rate-limit')));
  }
  if (facts.byCategory.has('resource-exhaustion')) {
    addresses.push('resource-exhaustion');
    changes.push(...configChanges(facts, ['resource-limits', 'pool-workers'], 'Align'));
  }
  return {
    letter: 'B',
    title: 'Configuration changes for reliability',
    changes,
    effort: 'small (configuration and role settings; no code deploy)',
    risks: ['Configuration changes alone treat the symptom when the cause is in the code; larger pools also raise the load on the database.'],
    addresses,
  };
}

function optionC(facts: Facts): SolutionOption {
  const changes: ProposedText[] = [];
  const addresses: HypothesisCategory[] = [];
  if (facts.byCategory.has('db-pool-exhaustion')) {
    addresses.push('db-pool-exhaustion');
    changes.push(item('Put a transaction-mode pooler (Supavisor/PgBouncer) between the service and PostgreSQL and size server connections from max_connections minus reserved slots.', facts.refs('pool-exhaustion', 'connection-refused')));
  }
  if (facts.byCategory.has('resource-exhaustion')) {
    addresses.push('resource-exhaustion');
    changes.push(item('Move to an instance type with more memory or add instances with autoscaling on memory, with a health check that drains before a restart.', facts.refs('memory-limit', 'restart')));
  }
  if (facts.byCategory.has('upstream-dependency')) {
    addresses.push('upstream-dependency');
    changes.push(item('Queue calls to the upstream behind a shared rate limiter (one budget for every worker) and raise the provider quota for this environment.', facts.refs('upstream-rate-limit')));
  }
  if (facts.byCategory.has('network-connectivity')) {
    addresses.push('network-connectivity');
    changes.push(item('Route service-to-service traffic over private networking and add synthetic checks of the path.', facts.refs('network-error')));
  }
  if (facts.findings('webhook-failures').length > 0 || facts.findings('stuck-jobs').length > 0) {
    changes.push(item('Add a durable queue between webhook receipt and processing, with a dead-letter queue and a sweeper that re-drives jobs stuck in flight.', facts.refs('webhook-failures', 'stuck-jobs')));
  }
  return {
    letter: 'C',
    title: 'Infrastructure improvements',
    changes,
    effort: 'medium to large (new components to run and monitor)',
    risks: ['New infrastructure adds moving parts and cost; it hides, rather than removes, defects in the code path.'],
    addresses,
  };
}

const PRIMARY_OPTION: Record<HypothesisCategory, 'A' | 'B' | 'C'> = {
  'code-defect': 'A',
  'db-constraint-violation': 'A',
  'deploy-regression': 'A',
  'db-lock-contention': 'A',
  'config-drift': 'B',
  'db-pool-exhaustion': 'B',
  'upstream-dependency': 'C',
  'resource-exhaustion': 'C',
  'network-connectivity': 'C',
};

export function draftSolutions(facts: Facts, rootCategory: HypothesisCategory | undefined, chosen: 'A' | 'B' | 'C' | undefined): Pick<Analysis, 'options' | 'recommendation'> {
  const options = [optionA(facts), optionB(facts), optionC(facts)];
  const letter = chosen ?? (rootCategory ? PRIMARY_OPTION[rootCategory] : 'A');
  const picked = options.find((option) => option.letter === letter) ?? options[0];
  const others = options.filter((option) => option.letter !== letter && option.changes.length > 0);
  const justification: ProposedText[] = [];
  if (rootCategory) justification.push(item(`The top-ranked hypothesis is ${rootCategory}; option ${letter} removes that cause rather than its symptoms.`, facts.byCategory.get(rootCategory)?.supporting.slice(0, 3) ?? []));
  else justification.push(item('No hypothesis reached the threshold; option A is the default because it changes the least infrastructure.'));
  for (const other of others) {
    const shared = other.addresses.filter((category) => category !== rootCategory);
    if (shared.length === 0) continue;
    justification.push(
      other.letter === 'B'
        ? item(`Apply option B’s configuration changes for ${shared.join(', ')} alongside: they are contributing factors and need no code deploy.`)
        : item(`Option ${other.letter} also addresses ${shared.join(', ')}; plan it if the failures continue after option ${letter}.`),
    );
  }
  return {
    options,
    recommendation: {
      letter,
      confirmed: chosen !== undefined,
      justification,
      risks: picked?.risks ?? [],
    },
  };
}
