// Findings from configuration evidence: risky differences and structural anomalies, with config-path refs.
import type { ConfigEvidence, EvidenceRef } from '../evidence/schema.ts';
import { configComparisons } from './config/comparisons.ts';
import type { ConfigAnomaly, ConfigComparison, ConfigDifference, Risk } from './config/types.ts';
import type { Finding, Severity } from './types.ts';

export { configComparisons } from './config/comparisons.ts';
export { configTableRows } from './config/table.ts';
export { comparedConfigFiles, configChangeFindings, isConfigFile } from './config/history.ts';

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'root'
  );
}

function differenceRefs(sourceId: string, comparison: ConfigComparison, difference: ConfigDifference): EvidenceRef[] {
  const refs: EvidenceRef[] = [];
  if (difference.left !== undefined) {
    refs.push({
      kind: 'config-path',
      source: sourceId,
      file: comparison.left.path,
      path: difference.path,
      line: difference.leftLine,
      excerpt: `${difference.path}: ${difference.leftResolved ?? difference.left}`,
    });
  }
  if (difference.right !== undefined) {
    refs.push({
      kind: 'config-path',
      source: sourceId,
      file: comparison.right.path,
      path: difference.path,
      line: difference.rightLine,
      excerpt: `${difference.path}: ${difference.rightResolved ?? difference.right}`,
    });
  }
  return refs;
}

function anomalyRefs(sourceId: string, anomaly: ConfigAnomaly): EvidenceRef[] {
  const refs: EvidenceRef[] = [{ kind: 'config-path', source: sourceId, file: anomaly.file, path: anomaly.path, line: anomaly.line, excerpt: anomaly.detail }];
  if (anomaly.otherFile && (anomaly.otherFile !== anomaly.file || anomaly.otherLine !== anomaly.line)) {
    refs.push({ kind: 'config-path', source: sourceId, file: anomaly.otherFile, path: anomaly.otherPath ?? anomaly.path, line: anomaly.otherLine, excerpt: anomaly.detail });
  }
  return refs;
}

const SEVERITY: Record<Risk, Severity> = { high: 'high', medium: 'medium', unknown: 'info', low: 'low' };

/** One finding per high/medium-risk difference ('config-risky-difference') and per anomaly ('config-structural-anomaly'). */
export function configFindings(sourceId: string, evidence: ConfigEvidence): Finding[] {
  const findings: Finding[] = [];
  const ids = new Set<string>();
  const uniqueId = (base: string): string => {
    let id = base;
    for (let n = 2; ids.has(id); n += 1) id = `${base}-${n}`;
    ids.add(id);
    return id;
  };
  for (const comparison of configComparisons(evidence)) {
    const between = `${comparison.left.label} vs ${comparison.right.label}`;
    for (const anomaly of comparison.anomalies) {
      findings.push({
        id: uniqueId(`${sourceId}-${anomaly.kind}-${slug(anomaly.path || anomaly.file)}`),
        signal: 'config-structural-anomaly',
        area: 'config',
        title: `${anomaly.kind.replace(/-/g, ' ')}: ${anomaly.path || anomaly.file}`,
        detail: anomaly.detail,
        severity: SEVERITY[anomaly.risk],
        count: 1,
        refs: anomalyRefs(sourceId, anomaly),
        risk: anomaly.risk,
      });
    }
    for (const difference of comparison.differences) {
      if (difference.risk === 'low') continue;
      findings.push({
        id: uniqueId(`${sourceId}-diff-${slug(difference.path)}`),
        signal: 'config-risky-difference',
        area: 'config',
        title: `${difference.path} ${difference.change} (${between}, ${difference.category})`,
        detail: difference.reason,
        severity: SEVERITY[difference.risk],
        count: 1,
        refs: differenceRefs(sourceId, comparison, difference),
        risk: difference.risk,
      });
    }
  }
  return findings;
}
