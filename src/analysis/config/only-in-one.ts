// Keys that exist in only one environment among several (three or more configuration files).
import type { ConfigAnomaly } from './types.ts';
import { childPath, isMapValue, lineOf, parentPath, type ConfigValue, type ParsedConfig } from '../../lib/config-tree.ts';

function keyPaths(value: ConfigValue, at = '', out = new Set<string>()): Set<string> {
  if (isMapValue(value)) {
    for (const [key, item] of Object.entries(value)) {
      const path = childPath(at, key);
      out.add(path);
      keyPaths(item, path, out);
    }
  }
  return out;
}

/** One anomaly per key path (the top of each unique block) that only one of the environments has. */
export function onlyInOneEnvironment(sides: { label: string; parsed: ParsedConfig }[]): ConfigAnomaly[] {
  if (sides.length < 3) return [];
  const sets = sides.map((side) => keyPaths(side.parsed.value));
  const anomalies: ConfigAnomaly[] = [];
  sides.forEach((side, index) => {
    const mine = sets[index] as Set<string>;
    for (const path of mine) {
      const elsewhere = sets.filter((set, other) => other !== index && set.has(path)).length;
      if (elsewhere > 0) continue;
      const parent = parentPath(path);
      if (parent && sets.filter((set, other) => other !== index && set.has(parent)).length === 0) continue;
      anomalies.push({
        kind: 'only-in-one',
        path,
        file: side.parsed.file,
        line: lineOf(side.parsed.lines, path),
        detail: `\`${path}\` exists only in ${side.label} (${side.parsed.file}), not in ${sides
          .filter((_, other) => other !== index)
          .map((other) => other.label)
          .join(', ')}`,
        risk: 'medium',
      });
    }
  });
  return anomalies;
}
