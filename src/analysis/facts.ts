// Facts the drafted deliverables quote: constraint rules, failing code lines, risky config values, job-table SQL.
import { evidenceOf, logEvidenceOf, type CheckConstraint, type EvidenceBundle, type EvidenceRef } from '../evidence/schema.ts';
import { configComparisons } from './config/comparisons.ts';
import type { ConfigDifference } from './config/types.ts';
import type { Finding, Hypothesis, HypothesisCategory, Signal } from './types.ts';

export interface Facts {
  byCategory: Map<HypothesisCategory, Hypothesis>;
  findings(signal: Signal): Finding[];
  refs(...signals: Signal[]): EvidenceRef[];
  constraints: CheckConstraint[];
  /** Failing code lines (file-line refs from stack frames). */
  codeLines: EvidenceRef[];
  configDifferences: (ConfigDifference & { source: string; file: string })[];
  jobTable?: { table: string; idColumn: string; stateColumn: string; updatedColumn: string; inFlightStates: string[]; stuckAfterMinutes: number };
  hasDatabase: boolean;
  maxErrorsPerMinute: number;
  failureRate?: number;
}

export function gatherFacts(bundle: EvidenceBundle, findings: Finding[], hypotheses: Hypothesis[], failureRate?: number): Facts {
  const bySignal = new Map<Signal, Finding[]>();
  for (const finding of findings) bySignal.set(finding.signal, [...(bySignal.get(finding.signal) ?? []), finding]);
  const databases = evidenceOf(bundle, 'database');
  const jobTable = databases[0]?.evidence.jobTable;
  const configDifferences = evidenceOf(bundle, 'config').flatMap(({ source, evidence }) =>
    configComparisons(evidence).flatMap((comparison) => comparison.differences.map((difference) => ({ ...difference, source: source.id, file: comparison.left.path }))),
  );
  const maxErrorsPerMinute = Math.max(0, ...logEvidenceOf(bundle).flatMap(({ evidence }) => evidence.perMinute.map((minute) => minute.errors)));
  return {
    byCategory: new Map(hypotheses.filter((hypothesis) => hypothesis.status !== 'rejected' && hypothesis.role !== 'unlikely').map((hypothesis) => [hypothesis.category, hypothesis])),
    findings: (signal) => bySignal.get(signal) ?? [],
    refs: (...signals) => signals.flatMap((signal) => (bySignal.get(signal) ?? []).flatMap((finding) => finding.refs.slice(0, 2))).slice(0, 6),
    constraints: databases.flatMap(({ evidence }) => evidence.constraints),
    codeLines: (bySignal.get('code-stack-frame') ?? []).flatMap((finding) => finding.refs.filter((ref) => ref.kind === 'file-line')),
    configDifferences,
    ...(jobTable
      ? {
          jobTable: {
            table: jobTable.table,
            idColumn: jobTable.idColumn,
            stateColumn: jobTable.stateColumn,
            updatedColumn: jobTable.updatedColumn ?? 'updated_at',
            inFlightStates: jobTable.inFlightStates,
            stuckAfterMinutes: jobTable.stuckAfterMinutes,
          },
        }
      : {}),
    hasDatabase: databases.length > 0,
    maxErrorsPerMinute,
    ...(failureRate !== undefined ? { failureRate } : {}),
  };
}

function quoteSql(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function quoteIdentifierPath(name: string): string {
  return name
    .split('.')
    .map((part) => (/^[a-z_][a-z0-9_]*$/.test(part) ? part : `"${part.replace(/"/g, '""')}"`))
    .join('.');
}

export function stuckJobsSql(table: NonNullable<Facts['jobTable']>): string {
  return [
    `SELECT count(*) AS stuck_jobs, min(${quoteIdentifierPath(table.updatedColumn)}) AS oldest_update`,
    `FROM ${quoteIdentifierPath(table.table)}`,
    `WHERE ${quoteIdentifierPath(table.stateColumn)} IN (${table.inFlightStates.map(quoteSql).join(', ')})`,
    `  AND ${quoteIdentifierPath(table.updatedColumn)} < now() - interval '${table.stuckAfterMinutes} minutes';`,
  ].join('\n');
}

export function risky(facts: Facts, categories: string[]): (ConfigDifference & { source: string; file: string })[] {
  return facts.configDifferences.filter((difference) => categories.includes(difference.category) && difference.risk !== 'low');
}
