// The brief's two checklists, each item's status derived from the evidence collected and the manifest's conclusions.
import type { AnySourceResult, SourceKind } from '../evidence/schema.ts';
import type { ChecklistItem } from './model.ts';
import type { Hypothesis } from './types.ts';

interface ChecklistInput {
  sources: AnySourceResult[];
  hypotheses: Hypothesis[];
  rootCauseConfirmed: boolean;
  chosenOption?: string;
  done: string[];
  hasPatterns: boolean;
  /** The verdict of `fracas verify`, when it ran. */
  verification?: { verdict: 'verified' | 'not-verified' | 'inconclusive'; window: { start: string; end: string } };
}

function sourceState(sources: AnySourceResult[], kinds: SourceKind[]): 'none' | 'ok' | 'partial' | 'failed' {
  const matching = sources.filter((source) => kinds.includes(source.kind));
  if (matching.length === 0) return 'none';
  if (matching.every((source) => source.status === 'ok')) return 'ok';
  if (matching.some((source) => source.status === 'ok' || source.status === 'partial')) return 'partial';
  return 'failed';
}

function fromSources(id: string, text: string, state: ReturnType<typeof sourceState>, what: string, done: string[]): ChecklistItem {
  if (done.includes(id)) return { id, text, status: 'done', basis: 'signed off in incident.yaml' };
  if (state === 'ok') return { id, text, status: 'done', basis: `${what} collected and analysed` };
  if (state === 'partial') return { id, text, status: 'partial', basis: `${what}: some sources failed or were limited (see Evidence sources)` };
  if (state === 'failed') return { id, text, status: 'open', basis: `${what}: every source failed` };
  return { id, text, status: 'open', basis: `no ${what} source in the manifest` };
}

export function buildChecklists(input: ChecklistInput): { investigation: ChecklistItem[]; resolution: ChecklistItem[] } {
  const top = input.hypotheses[0];
  const rootCause: ChecklistItem =
    input.rootCauseConfirmed || input.done.includes('root-cause')
      ? { id: 'root-cause', text: 'Root cause of the failures identified', status: 'done', basis: 'confirmed in incident.yaml' }
      : top && top.score >= 0.5
        ? { id: 'root-cause', text: 'Root cause of the failures identified', status: 'partial', basis: `proposed: ${top.category} (score ${top.score.toFixed(2)}); confirm it in incident.yaml` }
        : { id: 'root-cause', text: 'Root cause of the failures identified', status: 'open', basis: 'no hypothesis scores 0.5 or more' };
  const logs = sourceState(input.sources, ['logs', 'render-api']);
  const patterns = fromSources('failure-patterns', 'Failure patterns documented with evidence', input.hasPatterns ? logs : logs === 'ok' ? 'partial' : logs, 'log evidence', input.done);
  const investigation = [
    rootCause,
    patterns,
    fromSources('database-analysis', 'Database transaction issues analysed', sourceState(input.sources, ['database']), 'database evidence', input.done),
    fromSources('code-review', 'Webhook handler code reviewed for issues', sourceState(input.sources, ['code']), 'code evidence', input.done),
    fromSources('config-differences', 'Environment configuration differences identified', sourceState(input.sources, ['config']), 'configuration evidence', input.done),
  ];
  const manual = (id: string, text: string, drafted?: string): ChecklistItem =>
    input.done.includes(id)
      ? { id, text, status: 'done', basis: 'signed off in incident.yaml' }
      : drafted
        ? { id, text, status: 'partial', basis: drafted }
        : { id, text, status: 'open', basis: `not yet signed off (add "${id}" to conclusions.done)` };
  const verified = (id: string, text: string): ChecklistItem => {
    const verification = input.verification;
    const window = verification ? `${verification.window.start} to ${verification.window.end}` : '';
    if (verification?.verdict === 'verified') return { id, text, status: 'done', basis: `fracas verify: verified over ${window} (see Verification)` };
    if (verification) return { id, text, status: 'open', basis: `fracas verify: ${verification.verdict} over ${window} (see Verification)` };
    if (input.done.includes(id)) return { id, text, status: 'partial', basis: 'signed off in incident.yaml, but no verification evidence: run `fracas verify` over a window after the fix' };
    return { id, text, status: 'open', basis: 'not verified: run `fracas verify` over a window after the fix' };
  };
  const resolution = [
    verified('fix-implemented', 'Fix implemented and tested'),
    manual('monitoring-improved', 'Monitoring and alerting improved', 'alert queries drafted in the implementation plan'),
    manual('documentation-updated', 'Documentation updated'),
    verified('staging-verified', 'Staging environment verified working'),
    manual('production-plan-ready', 'Production deployment plan ready', input.chosenOption ? `option ${input.chosenOption} chosen; plan drafted` : 'plan drafted; choose an option in incident.yaml'),
  ];
  return { investigation, resolution };
}
