// The registered analyzers, in order: each declares the evidence it reads; derived log patterns are computed once and shared.
import { evidenceOf, logEvidenceOf, type EvidenceBundle, type LogEvidence } from '../evidence/schema.ts';
import { codeFindings } from './code-findings.ts';
import { comparedConfigFiles, configChangeFindings, configComparisons, configFindings } from './config.ts';
import { databaseFindings } from './database.ts';
import { crossSourceLogFindings, logFindings, logPatterns, type LogPatterns } from './log-patterns.ts';
import { pgLogFindings } from './pg-log-events.ts';
import type { Analyzer, SharedDerivations } from './registry.ts';
import { attribute, type Attribution } from './attribution/index.ts';
import type { Finding } from './types.ts';

/** Log and Render API sources: both carry log evidence. */
export function logSources(bundle: EvidenceBundle): { id: string; evidence: LogEvidence }[] {
  return logEvidenceOf(bundle).map(({ source, evidence }) => ({ id: source.id, evidence }));
}

/** The failure patterns of one log source, computed once per analysis. */
export function sharedLogPatterns(shared: SharedDerivations, sourceId: string, evidence: LogEvidence): LogPatterns {
  return shared.get(`log-patterns:${sourceId}`, () => logPatterns(sourceId, evidence));
}

function postgresRecordsOf(evidence: LogEvidence): LogEvidence['records'] {
  return evidence.records.filter(
    (record) => record.fields.format === 'postgres' || evidence.files.some((file) => file.path === record.file && (file.format === 'postgres' || file.format === 'postgres-syslog')),
  );
}

/** A correlation finding: errors in the named code while connections are left idle in transaction. */
function errorHandlingFinding(findings: readonly Finding[]): Finding[] {
  const frames = findings.filter((finding) => finding.signal === 'code-stack-frame');
  const idle = findings.filter((finding) => finding.signal === 'idle-in-transaction' || finding.signal === 'pool-exhaustion');
  if (frames.length === 0 || idle.length === 0) return [];
  return [
    {
      id: 'correlation-error-path-leaks-connections',
      signal: 'code-error-handling',
      area: 'correlation',
      title: 'Errors in the named code coincide with leaked or exhausted connections',
      detail: `${frames.length} file(s) raise errors while ${idle
        .map((finding) => finding.title.toLowerCase())
        .slice(0, 2)
        .join(' and ')} are observed: the error path does not give its connection back.`,
      severity: 'high',
      count: Math.min(...[...frames, ...idle].map((finding) => finding.count)),
      refs: [...frames.flatMap((finding) => finding.refs.slice(0, 2)), ...idle.flatMap((finding) => finding.refs.slice(0, 2))],
    },
  ];
}

export const ANALYZERS: readonly Analyzer[] = [
  {
    id: 'log-patterns',
    requires: ['logs', 'render-api'],
    run: ({ bundle, shared }) =>
      logSources(bundle).flatMap(({ id, evidence }) => {
        const postgresRecords = postgresRecordsOf(evidence);
        return [...logFindings(id, evidence, sharedLogPatterns(shared, id, evidence)), ...(postgresRecords.length > 0 ? pgLogFindings(id, postgresRecords) : [])];
      }),
  },
  { id: 'cross-source-logs', requires: ['logs', 'render-api'], run: ({ bundle }) => crossSourceLogFindings(logSources(bundle)) },
  { id: 'database', requires: ['database'], run: ({ bundle }) => evidenceOf(bundle, 'database').flatMap(({ source, evidence }) => databaseFindings(source.id, evidence)) },
  { id: 'config', requires: ['config'], run: ({ bundle }) => evidenceOf(bundle, 'config').flatMap(({ source, evidence }) => configFindings(source.id, evidence)) },
  { id: 'code', requires: ['code'], run: ({ bundle }) => evidenceOf(bundle, 'code').flatMap(({ source, evidence }) => codeFindings(source.id, evidence)) },
  {
    id: 'config-changes',
    requires: ['git', 'code'],
    run: ({ bundle }) => {
      const configFiles = evidenceOf(bundle, 'config').flatMap(({ evidence }) => comparedConfigFiles(configComparisons(evidence)));
      return [...evidenceOf(bundle, 'git'), ...evidenceOf(bundle, 'code')].flatMap(({ source, evidence }) => configChangeFindings(source.id, evidence.commits, bundle.incident.window, configFiles));
    },
  },
  { id: 'error-path-leaks', requires: [], run: ({ findings }) => errorHandlingFinding(findings) },
  // Symptom-anchored attribution over everything found so far: no findings of its own, its result is shared.
  {
    id: 'attribution',
    requires: ['logs', 'render-api'],
    run: ({ bundle, findings, shared }) => {
      shared.get(ATTRIBUTION_KEY, () => attribute(bundle, findings));
      return [];
    },
  },
];

const ATTRIBUTION_KEY = 'attribution';

/** The attribution computed by the `attribution` analyzer, or undefined when it did not run or threw. */
export function sharedAttribution(shared: SharedDerivations): Attribution | undefined {
  return shared.get<Attribution | undefined>(ATTRIBUTION_KEY, () => undefined);
}
