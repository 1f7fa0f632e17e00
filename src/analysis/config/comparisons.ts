// Comparisons computed from collected config files: pairs diffed, third environments checked; computed once per evidence.
import type { ConfigEvidence, ConfigFile, ConfigMissingSide } from '../../evidence/schema.ts';
import type { ParsedConfig } from '../../lib/config-tree.ts';
import { diffConfigs, rankAnomalies, type ConfigSide, type Resolution } from '../config-diff.ts';
import { foreignValueAnomalies } from './foreign-values.ts';
import { onlyInOneEnvironment } from './only-in-one.ts';
import type { ConfigAnomaly, ConfigComparison } from './types.ts';

/** Kept per comparison, highest-ranked first: a table of two huge files stays readable. */
const MAX_DIFFERENCES = 10_000;
const MAX_ANOMALIES = 1_000;

/** The analysis view of one collected file. */
export function sideOf(file: ConfigFile): ConfigSide {
  const parsed: ParsedConfig = {
    file: file.file,
    format: file.format,
    value: file.tree,
    lines: new Map(file.lines),
    duplicates: file.duplicates,
    errors: file.errors,
    ...(file.documents !== undefined ? { documents: file.documents } : {}),
    ...(file.warnings ? { warnings: file.warnings } : {}),
    ...(file.template ? { template: file.template } : {}),
  };
  const side: ConfigSide = { label: file.label, parsed };
  if (file.resolved?.length) side.resolved = new Map(file.resolved.map(([path, shown, fingerprint]): [string, Resolution] => [path, { shown, fingerprint }]));
  return side;
}

function missingComparison(present: ConfigFile, absent: ConfigMissingSide, presentIsLeft: boolean): ConfigComparison {
  const anomaly: ConfigAnomaly = {
    kind: 'missing-file',
    path: '',
    file: absent.file,
    detail: `${present.file} (${present.label}) has no counterpart in ${absent.label}: ${absent.file} ${absent.problem}`,
    risk: 'high',
  };
  const presentSide = { label: present.label, path: present.file };
  const absentSide = { label: absent.label, path: absent.file };
  return presentIsLeft ? { left: presentSide, right: absentSide, differences: [], anomalies: [anomaly] } : { left: absentSide, right: presentSide, differences: [], anomalies: [anomaly] };
}

/** Cut a comparison of two huge files to the differences and anomalies ranked highest, saying so. */
function capped(comparison: ConfigComparison): ConfigComparison {
  const { differences, anomalies } = comparison;
  if (differences.length <= MAX_DIFFERENCES && anomalies.length <= MAX_ANOMALIES) return comparison;
  const note: ConfigAnomaly = {
    kind: 'truncated',
    path: '',
    file: comparison.left.path,
    detail: `${comparison.left.path} vs ${comparison.right.path}: ${differences.length} differences and ${anomalies.length} anomalies; the ${Math.min(MAX_DIFFERENCES, differences.length)} and ${Math.min(MAX_ANOMALIES, anomalies.length)} ranked highest are shown`,
    risk: 'low',
  };
  return { ...comparison, differences: differences.slice(0, MAX_DIFFERENCES), anomalies: [...anomalies.slice(0, MAX_ANOMALIES), note] };
}

function compare(evidence: ConfigEvidence): ConfigComparison[] {
  const sides = evidence.files.map(sideOf);
  return evidence.pairs.map((pair) => {
    if (typeof pair.left !== 'number' || typeof pair.right !== 'number') {
      const presentIsLeft = typeof pair.left === 'number';
      const present = evidence.files[(presentIsLeft ? pair.left : pair.right) as number] as ConfigFile;
      return missingComparison(present, (presentIsLeft ? pair.right : pair.left) as ConfigMissingSide, presentIsLeft);
    }
    const left = sides[pair.left] as ConfigSide;
    const right = sides[pair.right] as ConfigSide;
    const comparison = diffConfigs(left, right);
    const extra = pair.others.map((index) => sides[index] as ConfigSide).filter((side) => side.parsed.errors.length === 0);
    if (extra.length > 0 && left.parsed.errors.length === 0 && right.parsed.errors.length === 0) {
      const all = [left, right, ...extra];
      comparison.anomalies.push(...onlyInOneEnvironment(all));
      for (const side of extra)
        comparison.anomalies.push(
          ...foreignValueAnomalies(
            side,
            all.filter((other) => other !== side),
          ),
        );
      comparison.anomalies = rankAnomalies(comparison.anomalies);
    }
    return capped(comparison);
  });
}

const cache = new WeakMap<ConfigEvidence, ConfigComparison[]>();

/** The comparisons of a config source's evidence, computed on first use and shared (findings, table, facts, refs). */
export function configComparisons(evidence: ConfigEvidence): ConfigComparison[] {
  let found = cache.get(evidence);
  if (!found) {
    found = compare(evidence);
    cache.set(evidence, found);
  }
  return found;
}
