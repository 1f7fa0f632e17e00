// Drafted solution options A (code), B (configuration), C (infrastructure) and the recommendation, from the hypotheses.
import type { EvidenceRef } from '../evidence/schema.ts';
import { risky, type Facts } from './facts.ts';
import type { Analysis, ProposedText, SolutionOption } from './model.ts';
import type { HypothesisCategory, Signal } from './types.ts';

const item = (text: string, refs: EvidenceRef[] = []): ProposedText => ({ text, refs });

function describeConstraints(facts: Facts): string {
  const violated = facts
    .findings('constraint-violation')
    .flatMap((finding) => finding.refs.map((ref) => ref.excerpt))
    .join(' ');
  const named = facts.constraints.filter((constraint) => violated.includes(constraint.name));
  const shown = (named.length > 0 ? named : facts.constraints).slice(0, 2);
  return shown.map((constraint) => `${constraint.name}${constraint.allowedValues ? ` (allows ${constraint.allowedValues.join(', ')})` : ''}`).join('; ');
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
        {
          kind: 'config-path',
          source: difference.source,
          file: difference.file,
          path: difference.path,
          ...(difference.leftLine ? { line: difference.leftLine } : {}),
          excerpt: `${difference.path}: ${difference.left ?? ''}`,
        },
      ]),
    );
}

/** Whether a category's attributed resource is PostgreSQL (or unknown): PostgreSQL settings fit only then. */
function postgresOrUnknown(facts: Facts, category: HypothesisCategory): boolean {
  const resource = facts.byCategory.get(category)?.resource;
  return resource === undefined || /postgres|pg\b|psql/i.test(resource);
}

/** The remedies of the root cause's error signature for one option letter, citing the decisive error. */
function signatureChanges(facts: Facts, rootCategory: HypothesisCategory | undefined, letter: 'A' | 'B' | 'C'): ProposedText[] {
  const root = rootCategory ? facts.byCategory.get(rootCategory) : undefined;
  if (!root?.remedies) return [];
  const refs = root.decisive ? [root.decisive] : root.supporting.slice(0, 1);
  return root.remedies
    .filter((remedy) => remedy.option === letter)
    .map((remedy) => item(`${remedy.action}${remedy.settings?.length ? ` (${remedy.settings.join(', ')})` : ''}${root.resource ? ` — for ${root.resource}` : ''}`, refs));
}

/** One remedy: when it applies, which hypothesis category it answers, and the changes it proposes. */
interface Remedy {
  category?: HypothesisCategory;
  applies(facts: Facts): boolean;
  changes(facts: Facts): ProposedText[];
}

const forCategory = (category: HypothesisCategory, changes: (facts: Facts) => ProposedText[]): Remedy => ({
  category,
  applies: (facts) => facts.byCategory.has(category),
  changes,
});
const text = (category: HypothesisCategory, words: string, ...signals: Signal[]): Remedy => forCategory(category, (facts) => [item(words, facts.refs(...signals))]);
const whenFound = (signals: Signal[], words: string): Remedy => ({
  applies: (facts) => signals.some((signal) => facts.findings(signal).length > 0),
  changes: (facts) => [item(words, facts.refs(...signals))],
});

interface OptionDefinition extends Omit<SolutionOption, 'changes' | 'addresses' | 'forRoot'> {
  remedies: Remedy[];
}

const OPTIONS: OptionDefinition[] = [
  {
    letter: 'A',
    title: 'Code fixes for error handling',
    effort: 'small to medium',
    risks: ['A code change needs a deploy; test the error paths (not only the happy path) against a real database before release.'],
    remedies: [
      forCategory('code-defect', (facts) => [
        item(
          `Fix the error path in ${codeLocation(facts)}: roll back the transaction and release the database session in every branch (a context manager or try/except/finally), so a failed write cannot leave a connection checked out or idle in transaction.`,
          facts.codeLines.slice(0, 3),
        ),
      ]),
      {
        category: 'db-constraint-violation',
        applies: (facts) => facts.byCategory.has('db-constraint-violation') || facts.findings('constraint-violation').length > 0,
        changes: (facts) => [
          item(
            `Write only values the database accepts: align the values the code writes with ${describeConstraints(facts) || 'the violated constraint'}, and add a test that runs each state transition against the real schema.`,
            facts.refs('constraint-violation'),
          ),
        ],
      },
      text(
        'db-lock-contention',
        'Keep transactions short: no network calls or user waits inside a transaction; claim jobs with SELECT … FOR UPDATE SKIP LOCKED; set lock_timeout per transaction so waits fail fast.',
        'lock-timeout',
        'lock-wait',
        'blocking-chain',
      ),
      text(
        'upstream-dependency',
        'Honour the upstream’s Retry-After and rate-limit headers: exponential backoff with jitter, a client-side token bucket below the provider’s quota, and no retry storms from parallel workers.',
        'upstream-rate-limit',
        'upstream-error',
      ),
      text('resource-exhaustion', 'Bound memory per request or job: stream large payloads instead of loading them whole, cap batch sizes, and release caches between jobs.', 'memory-limit'),
      text(
        'network-connectivity',
        'Make outbound calls resilient: explicit connect/read timeouts, bounded retries on resets and refused connections, and idempotent handlers so retries are safe.',
        'network-error',
      ),
      whenFound(
        ['webhook-failures', 'missing-webhooks'],
        'Make the webhook handler idempotent and acknowledge quickly (persist the payload, return 2xx, process asynchronously), and add a reconciliation job that polls the provider for jobs whose webhook never arrived.',
      ),
    ],
  },
  {
    letter: 'B',
    title: 'Configuration changes for reliability',
    effort: 'small (configuration and role settings; no code deploy)',
    risks: ['Configuration changes alone treat the symptom when the cause is in the code; larger pools also raise the load on the database.'],
    remedies: [
      forCategory('db-pool-exhaustion', (facts) => [
        ...configChanges(facts, ['pool-workers'], 'Align'),
        ...(postgresOrUnknown(facts, 'db-pool-exhaustion')
          ? [
              item(
                'Set idle_in_transaction_session_timeout for the application role (e.g. 60 s) so a leaked transaction is ended before it exhausts the pool, and give the pool a checkout timeout shorter than the caller’s request timeout.',
                facts.refs('idle-in-transaction', 'pool-exhaustion'),
              ),
            ]
          : [
              item(
                `Size the ${facts.byCategory.get('db-pool-exhaustion')?.resource ?? 'client'} connection pool for the worker concurrency and give it an acquire timeout shorter than the caller’s request timeout.`,
                facts.refs('pool-exhaustion'),
              ),
            ]),
      ]),
      forCategory('config-drift', (facts) => {
        const anomalies = facts.findings('config-structural-anomaly');
        return [
          ...configChanges(facts, ['timeouts', 'retries-backoff', 'urls-hosts', 'tls-auth', 'resource-limits'], 'Review', ['high']),
          ...(anomalies.length > 0
            ? [
                item(
                  `Repair the structural anomalies in the configuration (${anomalies
                    .map((finding) => finding.title)
                    .slice(0, 3)
                    .join('; ')}), and validate the files against a schema in CI.`,
                  facts.refs('config-structural-anomaly'),
                ),
              ]
            : []),
        ];
      }),
      text(
        'db-lock-contention',
        'Set lock_timeout and idle_in_transaction_session_timeout for application and human roles (ALTER ROLE … SET …) so a forgotten transaction cannot hold row locks for long.',
        'idle-in-transaction',
        'lock-timeout',
      ),
      forCategory('upstream-dependency', (facts) => [
        ...configChanges(facts, ['retries-backoff', 'pool-workers'], 'Tune'),
        item('Lower worker concurrency towards the upstream quota and lengthen the retry backoff.', facts.refs('upstream-rate-limit')),
      ]),
      forCategory('resource-exhaustion', (facts) => configChanges(facts, ['resource-limits', 'pool-workers'], 'Align')),
    ],
  },
  {
    letter: 'C',
    title: 'Infrastructure improvements',
    effort: 'medium to large (new components to run and monitor)',
    risks: ['New infrastructure adds moving parts and cost; it hides, rather than removes, defects in the code path.'],
    remedies: [
      {
        category: 'db-pool-exhaustion',
        applies: (facts) => facts.byCategory.has('db-pool-exhaustion') && postgresOrUnknown(facts, 'db-pool-exhaustion'),
        changes: (facts) => [
          item(
            'Put a transaction-mode pooler (Supavisor/PgBouncer) between the service and PostgreSQL and size server connections from max_connections minus reserved slots.',
            facts.refs('pool-exhaustion', 'connection-refused'),
          ),
        ],
      },
      text(
        'resource-exhaustion',
        'Move to an instance type with more memory or add instances with autoscaling on memory, with a health check that drains before a restart.',
        'memory-limit',
        'restart',
      ),
      text('upstream-dependency', 'Queue calls to the upstream behind a shared rate limiter (one budget for every worker) and raise the provider quota for this environment.', 'upstream-rate-limit'),
      text('network-connectivity', 'Route service-to-service traffic over private networking and add synthetic checks of the path.', 'network-error'),
      whenFound(['webhook-failures', 'stuck-jobs'], 'Add a durable queue between webhook receipt and processing, with a dead-letter queue and a sweeper that re-drives jobs stuck in flight.'),
    ],
  },
];

function draftOption(definition: OptionDefinition, facts: Facts, rootCategory?: HypothesisCategory): SolutionOption {
  const { remedies, ...option } = definition;
  // The root cause's own remedies (from its error signature) come first.
  const changes: ProposedText[] = signatureChanges(facts, rootCategory, definition.letter);
  const forRoot = [...changes];
  const addresses: HypothesisCategory[] = changes.length > 0 && rootCategory ? [rootCategory] : [];
  for (const remedy of remedies) {
    if (!remedy.applies(facts)) continue;
    // The root cause's signature already says what this option does about it.
    if (remedy.category !== undefined && remedy.category === rootCategory && addresses.includes(rootCategory)) continue;
    if (remedy.category && !addresses.includes(remedy.category)) addresses.push(remedy.category);
    const drafted = remedy.changes(facts);
    changes.push(...drafted);
    if (remedy.category !== undefined && remedy.category === rootCategory) forRoot.push(...drafted);
  }
  const effort = option.letter === 'A' && changes.length > 2 ? 'medium (several code paths, with tests)' : option.effort;
  return { ...option, effort, changes, forRoot, addresses };
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
  const options = OPTIONS.map((definition) => draftOption(definition, facts, rootCategory));
  // The option the root cause's signature remedies first, else the category's usual one.
  const signatureLetter = rootCategory ? facts.byCategory.get(rootCategory)?.remedies?.[0]?.option : undefined;
  const letter = chosen ?? signatureLetter ?? (rootCategory ? PRIMARY_OPTION[rootCategory] : 'A');
  const picked = options.find((option) => option.letter === letter) ?? options[0];
  const others = options.filter((option) => option.letter !== letter && option.changes.length > 0);
  const justification: ProposedText[] = [];
  if (rootCategory)
    justification.push(
      item(`The top-ranked hypothesis is ${rootCategory}; option ${letter} removes that cause rather than its symptoms.`, facts.byCategory.get(rootCategory)?.supporting.slice(0, 3) ?? []),
    );
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
