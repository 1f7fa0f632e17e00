import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifestJsonSchemaText } from '../../src/cli/schema.ts';
import { interpolate, loadManifest, ManifestError, parseManifest } from '../../src/manifest/index.ts';

const minimal = `id: FM-1
title: Something broke
severity: P2
environment: staging
service: api
window: { start: 2026-11-19T06:00:00Z, end: 2026-11-20T06:00:00Z }
`;

function problems(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseManifest(text, 'incident.yaml', env);
  } catch (error) {
    if (error instanceof ManifestError) return error.problems;
    throw error;
  }
  return [];
}

describe('incident manifest', () => {
  it('accepts a minimal manifest and fills defaults', () => {
    const manifest = parseManifest(minimal, 'incident.yaml', {});
    expect(manifest.sources).toEqual([]);
    expect(manifest.conclusions.done).toEqual([]);
    expect(manifest.sample).toBe(false);
  });

  it('names the key path, the line and what was expected', () => {
    const text = `${minimal}sources:\n  - id: Render Logs\n    kind: logs\n    paths: []\n`;
    const found = problems(text);
    expect(found.some((problem) => problem.startsWith('sources[0].id (line 8)') && problem.includes('kebab-case'))).toBe(true);
    expect(found.some((problem) => problem.startsWith('sources[0].paths (line 10)'))).toBe(true);
  });

  it('rejects unknown keys, unknown source kinds and bad severities', () => {
    expect(problems(`${minimal}owner: me\n`).join('\n')).toMatch(/unknown key "owner"/);
    expect(problems(`${minimal}sources:\n  - { id: x, kind: kafka }\n`).join('\n')).toMatch(/sources\[0\]\.kind.*logs, render-api, database, config, code, git/);
    expect(problems(minimal.replace('P2', 'high')).join('\n')).toMatch(/^severity \(line 3\)/m);
  });

  it('reports YAML syntax errors with line and column', () => {
    expect(problems('id: [unclosed\ntitle: x\n')[0]).toMatch(/^line \d+, column \d+:/);
  });

  it('interpolates ${VAR} and ${VAR:-default} from the environment', () => {
    expect(interpolate('a ${X} b ${Y:-fallback} c ${Z:-}', { X: '1' })).toBe('a 1 b fallback c ');
    const manifest = parseManifest(`${minimal}sources:\n  - id: db\n    kind: database\n    url: \${DATABASE_URL:-}\n`, 'incident.yaml', {});
    expect(manifest.sources[0]).toMatchObject({ kind: 'database', url: '' });
    expect(problems(`${minimal}summary: \${MISSING_VAR}\n`).join('\n')).toMatch(/summary \(line \d+\): environment variable MISSING_VAR is not set/);
  });

  it('resolves paths relative to the manifest and explains a missing manifest', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fracas-manifest-'));
    writeFileSync(path.join(dir, 'incident.yaml'), minimal);
    const loaded = loadManifest(dir, {});
    expect(loaded.resolve('logs/a.log')).toBe(path.join(dir, 'logs/a.log'));
    expect(() => loadManifest(path.join(dir, 'nope'), {})).toThrow(/cannot read the manifest: no such file.*fracas init/);
  });

  it('publishes a JSON Schema that matches the zod schema', () => {
    const committed = readFileSync(new URL('../../schema/incident.schema.json', import.meta.url), 'utf8');
    expect(committed).toBe(manifestJsonSchemaText());
    const schema = JSON.parse(committed) as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['id', 'title', 'severity', 'window', 'sources', 'conclusions']));
    expect(schema.required).toEqual(expect.arrayContaining(['id', 'title', 'severity', 'environment', 'service', 'window']));
  });
});
