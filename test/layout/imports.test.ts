// The folder rules of DEVELOPERS.md, read from the source: each stage imports only the stages before it and the shared mechanisms.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src');

const MAY_IMPORT: Record<string, string[]> = {
  lib: ['lib', 'evidence'],
  evidence: ['evidence', 'lib'],
  manifest: ['manifest', 'lib'],
  collectors: ['collectors', 'lib', 'evidence', 'manifest'],
  analysis: ['analysis', 'lib', 'evidence', 'manifest'],
  render: ['render', 'lib', 'evidence', 'analysis', 'templates'],
  publish: ['publish', 'lib', 'evidence', 'manifest', 'render'],
  cli: ['cli', 'lib', 'evidence', 'manifest', 'collectors', 'analysis', 'render', 'templates', 'publish'],
};

function areaOf(file: string): string {
  const relative = path.relative(SRC, file).split(path.sep);
  if (relative.length === 1) return relative[0]!.replace(/\.ts$/, '');
  return relative[0]!;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s*['"](\.[^'"]+)['"]|\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((match) => path.resolve(path.dirname(file), (match[1] ?? match[2])!));
}

describe('folder import rules (DEVELOPERS.md)', () => {
  const files = sourceFiles(SRC);

  it('finds the source files and their imports', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.flatMap(relativeImports).length).toBeGreaterThan(300);
  });

  it('every area is one DEVELOPERS.md names', () => {
    const areas = new Set(files.map(areaOf).filter((area) => area !== 'templates'));
    expect([...areas].filter((area) => !(area in MAY_IMPORT))).toEqual([]);
  });

  it('no module imports a later stage', () => {
    const broken: string[] = [];
    for (const file of files) {
      const from = areaOf(file);
      const allowed = MAY_IMPORT[from];
      if (!allowed) continue;
      for (const target of relativeImports(file)) {
        const to = areaOf(target);
        if (!allowed.includes(to)) broken.push(`${path.relative(SRC, file)} (${from}) imports ${path.relative(SRC, target)} (${to})`);
      }
    }
    expect(broken).toEqual([]);
  });
});
