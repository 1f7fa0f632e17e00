// Resolve a config-path reference against collected config files: the file, and the key path or line it names.
import type { ConfigEvidence, EvidenceRef } from '../../evidence/schema.ts';
import { configComparisons } from './comparisons.ts';

type ConfigRef = Extract<EvidenceRef, { kind: 'config-path' }>;

/**
 * The evidence a config reference points at: the collected file's key at that line (or the file, for whole-file
 * findings), or the missing side of a pair; undefined when the bundle holds no such file, line or finding.
 */
export function resolveConfigRef(evidence: ConfigEvidence, ref: ConfigRef): string | undefined {
  const file = evidence.files.find((candidate) => candidate.file === ref.file);
  if (file) {
    if (ref.line === undefined) return JSON.stringify({ file: file.file, label: file.label });
    const key = file.lines.find(([, line]) => line === ref.line);
    if (key) return JSON.stringify({ file: file.file, path: key[0], line: ref.line });
  }
  const missing = evidence.pairs.flatMap((pair) => [pair.left, pair.right]).find((side) => typeof side !== 'number' && side.file === ref.file);
  if (missing && typeof missing !== 'number') return JSON.stringify(missing);
  // Findings about a path (differences, anomalies) that the comparison of these files yields.
  for (const comparison of configComparisons(evidence)) {
    const hit = comparison.differences.find((difference) => difference.path === ref.path) ?? comparison.anomalies.find((anomaly) => anomaly.path === ref.path || anomaly.otherPath === ref.path);
    if (hit) return JSON.stringify(hit);
  }
  return undefined;
}
