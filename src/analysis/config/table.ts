// Rows of the report's configuration table: anomalies first, then differences by risk; both values side by side.
import type { ConfigEvidence } from '../../evidence/schema.ts';
import { configComparisons } from './comparisons.ts';
import { RISK_ORDER, type ConfigAnomaly, type ConfigComparison, type ConfigDifference, type Risk } from './types.ts';

export interface ConfigTableRow {
  /** `anomaly` rows come first. */
  type: 'anomaly' | 'difference';
  /** `staging ↔ production` */
  comparison: string;
  leftLabel: string;
  rightLabel: string;
  path: string;
  /** Anomaly kind (moved-subtree, ...) or change (added, removed, changed, type-changed). */
  kind: string;
  category: string;
  risk: Risk;
  left: string;
  right: string;
  /** `staging.yaml:23` */
  leftLocation: string;
  rightLocation: string;
  reason: string;
}

function location(file: string, line: number | undefined): string {
  return line ? `${file}:${line}` : file;
}

function withResolved(value: string | undefined, resolved: string | undefined): string {
  if (value === undefined) return '—';
  return resolved !== undefined && resolved !== value ? `${value} → ${resolved}` : value;
}

function anomalyRow(anomaly: ConfigAnomaly, labels: { left: string; right: string; leftFile: string; rightFile: string }): ConfigTableRow {
  const side = anomaly.file === labels.leftFile ? 'left' : anomaly.file === labels.rightFile ? 'right' : 'other';
  const here = location(anomaly.file, anomaly.line);
  const there = anomaly.otherFile && anomaly.otherFile !== anomaly.file ? location(anomaly.otherFile, anomaly.otherLine) : '';
  // What goes in the two value columns: the offending value, or the two paths of a moved block, or the path.
  const mine = anomaly.value ?? anomaly.path;
  const theirs = anomaly.value !== undefined || !there ? '' : (anomaly.otherPath ?? '');
  const columns =
    side === 'left'
      ? { left: mine, right: theirs, leftLocation: here, rightLocation: there }
      : side === 'right'
        ? { left: theirs, right: mine, leftLocation: there, rightLocation: here }
        : { left: '', right: '', leftLocation: here, rightLocation: there };
  return {
    type: 'anomaly',
    comparison: `${labels.left} ↔ ${labels.right}`,
    leftLabel: labels.left,
    rightLabel: labels.right,
    path: anomaly.path,
    kind: anomaly.kind,
    category: 'structure',
    risk: anomaly.risk,
    ...columns,
    reason: anomaly.detail,
  };
}

function differenceRow(difference: ConfigDifference, labels: { left: string; right: string; leftFile: string; rightFile: string }): ConfigTableRow {
  return {
    type: 'difference',
    comparison: `${labels.left} ↔ ${labels.right}`,
    leftLabel: labels.left,
    rightLabel: labels.right,
    path: difference.path,
    kind: difference.change,
    category: difference.category,
    risk: difference.risk,
    left: withResolved(difference.left, difference.leftResolved),
    right: withResolved(difference.right, difference.rightResolved),
    leftLocation: difference.left !== undefined ? location(labels.leftFile, difference.leftLine) : '',
    rightLocation: difference.right !== undefined ? location(labels.rightFile, difference.rightLine) : '',
    reason: difference.reason,
  };
}

/**
 * All rows of all comparisons, sorted: anomalies first, then differences; each by risk (high first), then by score.
 * `minRisk: 'medium'` drops low-risk differences (anomalies are always kept).
 */
export function configTableRows(evidence: ConfigEvidence, options: { minRisk?: Risk } = {}): ConfigTableRow[] {
  return comparisonTableRows(configComparisons(evidence), options);
}

/** The rows of given comparisons (see configTableRows). */
export function comparisonTableRows(comparisons: ConfigComparison[], options: { minRisk?: Risk } = {}): ConfigTableRow[] {
  const limit = RISK_ORDER[options.minRisk ?? 'low'];
  const rows: { row: ConfigTableRow; score: number }[] = [];
  for (const comparison of comparisons) {
    const labels = { left: comparison.left.label, right: comparison.right.label, leftFile: comparison.left.path, rightFile: comparison.right.path };
    for (const anomaly of comparison.anomalies) rows.push({ row: anomalyRow(anomaly, labels), score: 0 });
    for (const difference of comparison.differences) {
      if (RISK_ORDER[difference.risk] <= limit) rows.push({ row: differenceRow(difference, labels), score: difference.score ?? 0 });
    }
  }
  return rows
    .sort(
      (a, b) => (a.row.type === 'anomaly' ? 0 : 1) - (b.row.type === 'anomaly' ? 0 : 1) || RISK_ORDER[a.row.risk] - RISK_ORDER[b.row.risk] || b.score - a.score || a.row.path.localeCompare(b.row.path),
    )
    .map(({ row }) => row);
}
