// The drafted implementation plan: steps from the chosen option only, testing for the root cause, rollback, and alerts that would have fired.
import { rootIs, rootOnPostgres, stuckJobsSql, type Facts } from './facts.ts';
import type { PlanSection, ProposedText, SolutionOption } from './model.ts';

const item = (text: string, refs: ProposedText['refs'] = []): ProposedText => ({ text, refs });

function monitoring(facts: Facts): PlanSection['monitoring'] {
  const alerts: PlanSection['monitoring'] = [];
  const stuck = facts.findings('stuck-jobs');
  if (facts.jobTable) {
    const total = stuck.reduce((sum, finding) => sum + finding.count, 0);
    alerts.push({
      name: 'Jobs stuck in flight',
      why: total > 0 ? `The stuck-jobs check found ${total} job(s) in flight longer than ${facts.jobTable.stuckAfterMinutes} minutes.` : 'Catches jobs that stop moving, whatever the cause.',
      condition: `stuck_jobs > 0 for 15 minutes (checked every 5 minutes)`,
      sql: stuckJobsSql(facts.jobTable),
    });
  }
  if (facts.findings('idle-in-transaction').length > 0 || facts.findings('pool-exhaustion').length > 0 || facts.findings('code-error-handling').length > 0) {
    alerts.push({
      name: 'Sessions idle in transaction',
      why: 'Leaked transactions hold pooled connections and row locks; the evidence shows them.',
      condition: 'any session idle in transaction for more than 60 seconds',
      sql: [
        'SELECT count(*) AS idle_in_tx, max(now() - state_change) AS longest',
        'FROM pg_stat_activity',
        "WHERE state IN ('idle in transaction', 'idle in transaction (aborted)')",
        "  AND now() - state_change > interval '60 seconds';",
      ].join('\n'),
    });
  }
  if (facts.findings('lock-timeout').length > 0 || facts.findings('lock-wait').length > 0 || facts.findings('blocking-chain').length > 0) {
    alerts.push({
      name: 'Sessions blocked by locks',
      why: 'Lock waits and lock timeouts appear in the evidence.',
      condition: 'any session waiting on a lock for more than 30 seconds',
      sql: [
        'SELECT pid, pg_blocking_pids(pid) AS blocked_by, now() - query_start AS waiting, left(query, 80) AS query',
        'FROM pg_stat_activity',
        "WHERE wait_event_type = 'Lock' AND now() - query_start > interval '30 seconds';",
      ].join('\n'),
    });
  }
  if (facts.findings('constraint-violation').length > 0) {
    alerts.push({
      name: 'Constraint violations',
      why: 'Rejected writes (SQLSTATE 23xxx) were logged; each one is a job that failed to move.',
      condition: 'more than 0 errors with SQLSTATE class 23 in 10 minutes (PostgreSQL or Supabase postgres_logs, or the application’s IntegrityError count)',
    });
  }
  if (facts.failureRate !== undefined && facts.findings('http-5xx').length > 0) {
    alerts.push({
      name: 'Server error rate',
      why: `Over the window ${(facts.failureRate * 100).toFixed(1)}% of requests failed with 5xx.`,
      condition: '5xx responses above 2% of requests over 5 minutes, or any 5xx on webhook paths for 3 consecutive minutes',
    });
  }
  if (facts.findings('upstream-rate-limit').length > 0) {
    alerts.push({ name: 'Upstream rate limiting', why: 'The upstream answered 429 during the window.', condition: 'more than 5 responses with status 429 from an upstream in 5 minutes' });
  }
  if (facts.findings('memory-limit').length > 0) {
    alerts.push({
      name: 'Memory near the limit',
      why: 'Instances exceeded their memory limit and restarted.',
      condition: 'memory above 85% of the instance limit for 5 minutes, or any restart caused by the memory limit',
    });
  }
  return alerts;
}

/**
 * Steps come from the chosen (or recommended) option alone, and only its changes that answer the root cause (its
 * signature's remedies, the option's remedy for its category); no other option's change is added, so the plan never
 * contradicts the choice. Without a root cause, the option's changes. Tests follow the root cause.
 */
export function draftPlan(facts: Facts, recommended: SolutionOption | undefined): PlanSection {
  const steps: ProposedText[] = [...(recommended?.forRoot ?? [])];
  if (steps.length > 0) {
    steps.push(item('Deploy to staging, replay the failing cases, and watch the monitoring queries below for one full failure cycle before promoting to production.'));
  } else if (recommended && facts.root) {
    // The chosen option's other changes answer other hypotheses (other resources): they are not this plan's steps.
    steps.push(
      item(
        `Option ${recommended.letter} drafts no change for the root cause (${facts.root.title}); write the steps that remove it here, or choose the option whose changes answer it (see the solution design).`,
        facts.root.decisive ? [facts.root.decisive] : [],
      ),
    );
  } else steps.push(...(recommended?.changes ?? []));
  const testing: ProposedText[] = [];
  if (facts.findings('constraint-violation').length > 0 && rootIs(facts, 'db-constraint-violation', 'code-defect'))
    testing.push(
      item(
        'A test that performs every state transition the code can make against the real schema (a PostgreSQL in CI), so a value rejected by a CHECK constraint fails the build.',
        facts.refs('constraint-violation'),
      ),
    );
  if (facts.codeLines.length > 0 && rootIs(facts, 'code-defect', 'db-pool-exhaustion') && (rootOnPostgres(facts) || facts.root?.category === 'code-defect'))
    testing.push(
      item(
        'A test that forces the failing statement to raise and asserts that the transaction is rolled back and the connection returned to the pool (pool checked-out count back to zero).',
        facts.codeLines.slice(0, 2),
      ),
    );
  if (rootIs(facts, 'db-pool-exhaustion') || (rootIs(facts, 'code-defect') && facts.findings('idle-in-transaction').length > 0))
    testing.push(
      item(
        `A load test sending more concurrent requests than the ${rootIs(facts, 'db-pool-exhaustion') && facts.root?.resource ? `${facts.root.resource} ` : ''}pool size, with failures injected, checking that later requests still get a connection.`,
        facts.refs('pool-exhaustion', 'idle-in-transaction'),
      ),
    );
  if (facts.findings('webhook-failures').length > 0)
    testing.push(item('Replay recorded webhook payloads (success and error variants) against staging and check every job reaches a terminal state.', facts.refs('webhook-failures')));
  if (rootIs(facts, 'upstream-dependency'))
    testing.push(
      item(
        `A test against a stub of ${facts.root?.resource ?? 'the upstream'} that answers 429 or 5xx (with Retry-After), checking backoff and that jobs are retried, not failed.`,
        facts.refs('upstream-rate-limit', 'upstream-error'),
      ),
    );
  if (rootIs(facts, 'resource-exhaustion')) testing.push(item('A soak test with the largest inputs seen, measuring peak memory against the instance limit.', facts.refs('memory-limit')));
  if (rootIs(facts, 'db-lock-contention'))
    testing.push(item('A test that holds a row lock in a second session and checks the worker times out quickly and moves on.', facts.refs('lock-timeout', 'lock-wait', 'blocking-chain')));
  if (facts.jobTable && facts.findings('stuck-jobs').length > 0) testing.push(item(`After the fix, the stuck-jobs query returns 0 rows for ${facts.jobTable.table} for 24 hours.`));
  const rollback: ProposedText[] = [
    item(
      'Code: redeploy the previous release (Render: Manual Deploy → the last good commit, or Rollback in the dashboard); the change must not include a schema migration that the old code cannot run against.',
    ),
    item('Configuration: revert the changed keys to the values recorded in this report’s configuration comparison, and restart the service.'),
  ];
  if (facts.jobTable)
    rollback.push(
      item(
        `Data: jobs left in flight by the failure can be re-driven by resetting them to a retryable state in ${facts.jobTable.table} (one reviewed UPDATE, in a transaction, after the fix is live).`,
      ),
    );
  return { steps, testing, rollback, monitoring: monitoring(facts) };
}
