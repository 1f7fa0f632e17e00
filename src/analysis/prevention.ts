// Drafted prevention measures (process, tooling, documentation), chosen by the root cause's category and resource and what the evidence showed.
import { rootIs, rootOnPostgres, type Facts } from './facts.ts';
import type { Analysis, ProposedText } from './model.ts';

const item = (text: string, refs: ProposedText['refs'] = []): ProposedText => ({ text, refs });

export function draftPrevention(facts: Facts): Analysis['prevention'] {
  const process: ProposedText[] = [];
  const tooling: ProposedText[] = [];
  const documentation: ProposedText[] = [];
  if ((facts.findings('constraint-violation').length > 0 || facts.codeLines.length > 0) && rootIs(facts, 'db-constraint-violation', 'code-defect')) {
    process.push(
      item('Code review checklist for database writes: every new state or status value is checked against the schema’s constraints, and every transaction has an explicit rollback path.', [
        ...facts.refs('constraint-violation'),
        ...facts.codeLines.slice(0, 1),
      ]),
    );
  }
  if ((facts.findings('errors-after-deploy').length > 0 || facts.findings('deploy').length > 0) && rootIs(facts, 'deploy-regression', 'code-defect', 'config-drift')) {
    process.push(item('After each deploy, watch error rate and stuck jobs for 30 minutes before declaring it done; roll back on a new error category.', facts.refs('errors-after-deploy', 'deploy')));
  }
  if ((facts.configDifferences.some((difference) => difference.risk === 'high') || facts.findings('config-structural-anomaly').length > 0) && rootIs(facts, 'config-drift')) {
    process.push(
      item(
        'Environment configuration changes are reviewed as a diff against production, with intended differences listed in one place.',
        facts.refs('config-risky-difference', 'config-structural-anomaly'),
      ),
    );
    tooling.push(
      item(
        'Validate configuration files against a schema in CI (unknown keys and moved blocks fail the build) and run `fracas` config comparison on every change to config/.',
        facts.refs('config-structural-anomaly'),
      ),
    );
  }
  if (facts.jobTable && facts.findings('stuck-jobs').length > 0)
    tooling.push(item(`Scheduled stuck-job check on ${facts.jobTable.table} with an alert (see the implementation plan’s monitoring SQL).`, facts.refs('stuck-jobs')));
  if (facts.hasDatabase && rootOnPostgres(facts))
    tooling.push(
      item(
        'Dashboards for connection use (sessions by state against max_connections), idle-in-transaction age, lock waits and deadlocks from pg_stat_database, with alerts.',
        facts.refs('idle-in-transaction', 'pool-exhaustion', 'lock-wait'),
      ),
    );
  if (facts.findings('webhook-failures').length > 0)
    tooling.push(item('Per-endpoint error-rate alerting on webhook paths, and a reconciliation report of jobs whose webhook never arrived.', facts.refs('webhook-failures', 'missing-webhooks')));
  if (rootIs(facts, 'upstream-dependency'))
    tooling.push(
      item(
        `Track the responses of ${facts.root?.resource ?? 'the upstream'} by status (429, 5xx) and remaining quota; alert before the quota runs out.`,
        facts.refs('upstream-rate-limit', 'upstream-error'),
      ),
    );
  if (rootIs(facts, 'resource-exhaustion'))
    tooling.push(item('Memory usage per instance with an alert below the limit, and restart reasons kept in the incident timeline.', facts.refs('memory-limit')));
  tooling.push(item('Keep `fracas collect` runnable against staging so the next investigation starts from evidence in minutes.'));
  documentation.push(
    item(
      rootOnPostgres(facts)
        ? 'Runbook: how to find stuck jobs, sessions idle in transaction and blocked sessions, with the queries from this report.'
        : `Runbook: how to recognise this failure (${facts.root?.title ?? 'the root cause'}) from its evidence, with the searches and queries from this report.`,
    ),
  );
  if (facts.configDifferences.length > 0 && rootIs(facts, 'config-drift'))
    documentation.push(item('Document the intended differences between staging and production configuration, and why each exists.'));
  documentation.push(item('Link this report from the ticket and record the confirmed root cause and chosen option in incident.yaml so the drafts become final.'));
  if (process.length === 0) process.push(item('Hold the postmortem review with this report; record decisions in incident.yaml.'));
  return { process, tooling, documentation };
}
