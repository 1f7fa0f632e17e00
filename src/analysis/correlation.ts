// Cross-source correlation by job id: stuck jobs against webhook outcomes, error categories against job states.
import type { EvidenceBundle } from '../evidence/schema.ts';
import { entityIds, jobStates } from './entities.ts';
import type { CorrelationSummary } from './model.ts';
import { FAILURE_SIGNALS, type Finding } from './types.ts';


export function correlate(bundle: EvidenceBundle, findings: Finding[]): CorrelationSummary | undefined {
  const stuck = entityIds(findings, 'job-id', ['stuck-jobs']);
  const states = jobStates(bundle);
  const logFindings = findings.filter((finding) => finding.area !== 'database');
  const failedWebhook = entityIds(logFindings, 'job-id', ['webhook-failures']);
  const noWebhook = entityIds(logFindings, 'job-id', ['missing-webhooks']);
  const anyLogMention = entityIds(logFindings, 'job-id');
  if (stuck.size === 0 && anyLogMention.size === 0) return undefined;

  const stateNames = [...new Set(states.values())].sort();
  const categoryByState: CorrelationSummary['categoryByState'] = [];
  for (const signal of FAILURE_SIGNALS) {
    const ids = entityIds(logFindings, 'job-id', [signal]);
    if (ids.size === 0) continue;
    const counts: Record<string, number> = {};
    for (const id of ids) {
      const state = states.get(id) ?? 'not in database evidence';
      counts[state] = (counts[state] ?? 0) + 1;
    }
    categoryByState.push({ category: signal, states: counts });
  }
  const allStates = [...new Set([...stateNames, ...categoryByState.flatMap((row) => Object.keys(row.states))])].sort();
  const withFailed = [...stuck].filter((id) => failedWebhook.has(id)).length;
  const without = [...stuck].filter((id) => noWebhook.has(id) && !failedWebhook.has(id)).length;
  const unexplained = [...stuck].filter((id) => !failedWebhook.has(id) && !noWebhook.has(id)).length;
  const notes: string[] = [];
  if (stuck.size > 0) notes.push(`${withFailed} of ${stuck.size} stuck job(s) had a webhook that failed; ${without} never received one; ${unexplained} have no webhook evidence either way.`);
  if (stuck.size === 0) notes.push('No stuck job in the database evidence; the join uses job ids named in the logs only.');
  return { entity: 'job-id', stuck: stuck.size, stuckWithFailedWebhook: withFailed, stuckWithoutWebhook: without, stuckUnexplained: unexplained, categoryByState, states: allStates, notes };
}
