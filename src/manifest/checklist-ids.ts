// The ids of the brief's checklist items, as a manifest's `conclusions.done` names them.
/** Every checklist item id, as `conclusions.done` names them (the brief's investigation and resolution lists). */
export const CHECKLIST_IDS = [
  'root-cause',
  'failure-patterns',
  'database-analysis',
  'code-review',
  'config-differences',
  'fix-implemented',
  'monitoring-improved',
  'documentation-updated',
  'staging-verified',
  'production-plan-ready',
] as const;
