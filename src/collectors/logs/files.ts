// Expands the manifest's log paths and globs (picomatch) into sorted, de-duplicated absolute file paths.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';

export interface ExpandedPath {
  pattern: string;
  files: string[];
}

export async function expandPaths(patterns: string[], resolve: (relative: string) => string): Promise<ExpandedPath[]> {
  const expanded: ExpandedPath[] = [];
  for (const pattern of patterns) {
    const absolute = resolve(pattern);
    if (!picomatch.scan(pattern).isGlob) {
      expanded.push({ pattern, files: [absolute] });
      continue;
    }
    const { base } = picomatch.scan(absolute);
    const matcher = picomatch(absolute, { dot: false });
    const files: string[] = [];
    let entries: string[] = [];
    try {
      entries = (await readdir(base || '.', { recursive: true })) as string[];
    } catch {
      entries = [];
    }
    for (const entry of entries) {
      const full = path.join(base, entry);
      if (!matcher(full)) continue;
      try {
        if ((await stat(full)).isFile()) files.push(full);
      } catch {
        /* vanished */
      }
    }
    expanded.push({ pattern, files: files.sort() });
  }
  return expanded;
}
