// Cross-source correlation by job id: stuck jobs against webhook outcomes, error categories against job states.
// Joins read every id the evidence holds (the log sources' entity tables, the database's full stuck-id list), never a
// finding's capped id list, so the counts are exact.
import { evidenceOf, type EvidenceBundle } from '../evidence/schema.ts';
import { entityIds, jobStates } from './entities.ts';
import type { CorrelationSummary } from './model.ts';
import { FAILURE_SIGNALS, type Finding } from './types.ts';

export function correlate(bundle: EvidenceBundle, findings: Finding[]): CorrelationSummary | undefined {
  const stuck = entityIds(findings, 'job-id', ['stuck-jobs']);
  const states = jobStates(bundle);
  const logFindings = findings.filter((finding) => finding.area !== 'database');
  // Webhook outcomes per job id, from every log source's entity table (all ids, not a finding's capped list).
  const jobs = [...evidenceOf(bundle, 'logs'), ...evidenceOf(bundle, 'render-api')].flatMap(({ evidence }) => (evidence.entities ?? []).filter((entity) => entity.kind === 'job-id'));
  const anyRequests = jobs.some((entity) => (entity.webhook.requests ?? 0) > 0);
  const failedWebhook = new Set([
    ...entityIds(logFindings, 'job-id', ['webhook-failures']),
    ...jobs.filter((entity) => (anyRequests ? (entity.webhook.requestsFailed ?? 0) > 0 : entity.webhook.failed > 0)).map((entity) => entity.id),
  ]);
  const received = new Set(jobs.filter((entity) => (entity.webhook.requests ?? 0) > 0).map((entity) => entity.id));
  const noWebhook = new Set([...entityIds(logFindings, 'job-id', ['missing-webhooks']), ...(anyRequests ? jobs.filter((entity) => !received.has(entity.id)).map((entity) => entity.id) : [])]);
  const anyLogMention = new Set([...entityIds(logFindings, 'job-id'), ...jobs.map((entity) => entity.id)]);
  if (stuck.size === 0 && anyLogMention.size === 0) return undefined;

  const stateNames = [...new Set(states.values())].sort();
  const categoryByState: CorrelationSummary['categoryByState'] = [];
  for (const signal of FAILURE_SIGNALS) {
    const ids = signal === 'webhook-failures' ? failedWebhook : entityIds(logFindings, 'job-id', [signal]);
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
  const stuckTotal = findings.filter((finding) => finding.signal === 'stuck-jobs').reduce((sum, finding) => sum + finding.count, 0);
  if (stuckTotal > stuck.size) notes.push(`The evidence names ${stuck.size} of the ${stuckTotal} stuck job id(s); the join below covers those ${stuck.size} (collect again to list every id).`);
  if (stuck.size > 0) notes.push(`${withFailed} of ${stuck.size} stuck job(s) had a webhook that failed; ${without} never received one; ${unexplained} have no webhook evidence either way.`);
  if (stuck.size === 0) notes.push('No stuck job in the database evidence; the join uses job ids named in the logs only.');
  return { entity: 'job-id', stuck: stuck.size, stuckWithFailedWebhook: withFailed, stuckWithoutWebhook: without, stuckUnexplained: unexplained, categoryByState, states: allStates, notes };
}
