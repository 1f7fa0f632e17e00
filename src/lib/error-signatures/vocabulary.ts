// The vocabulary of diagnosis: the nine root-cause categories and the signals findings carry; the catalogue and analysis share it.
export const HYPOTHESIS_CATEGORIES = [
  'code-defect',
  'config-drift',
  'db-pool-exhaustion',
  'db-lock-contention',
  'db-constraint-violation',
  'network-connectivity',
  'upstream-dependency',
  'deploy-regression',
  'resource-exhaustion',
] as const;
export type HypothesisCategory = (typeof HYPOTHESIS_CATEGORIES)[number];

/**
 * What a finding is evidence of. Analyzers emit findings with one of these signals; the hypothesis rules
 * combine signals, never message texts.
 */
export type Signal =
  | 'stuck-jobs'
  | 'job-errors'
  | 'constraint-violation'
  | 'pool-exhaustion'
  | 'connection-refused'
  | 'auth-failure'
  | 'lock-wait'
  | 'lock-timeout'
  | 'deadlock'
  | 'statement-timeout'
  | 'idle-in-transaction'
  | 'long-transaction'
  | 'blocking-chain'
  | 'network-error'
  | 'upstream-error'
  | 'upstream-rate-limit'
  | 'http-5xx'
  | 'webhook-failures'
  | 'missing-webhooks'
  | 'memory-limit'
  | 'restart'
  | 'deploy'
  | 'errors-after-deploy'
  | 'config-risky-difference'
  | 'config-structural-anomaly'
  | 'config-changed-in-window'
  | 'code-error-handling'
  | 'code-stack-frame'
  | 'unhandled-exception'
  | 'periodic-failures'
  | 'burst'
  // Added with the error-signature catalogue (issue 14):
  | 'disk-full'
  | 'resource-limit'
  | 'config-error'
  | 'schema-mismatch';
