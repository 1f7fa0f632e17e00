// Manifest problems through `fracas validate`: lines of missing keys, did-you-mean for keys and values, --json as data.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { editDistance, nearest } from '../../src/manifest/problems.ts';
import { runCli } from '../helpers/cli.ts';

function manifest(text: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fracas-validate-'));
  writeFileSync(path.join(dir, 'incident.yaml'), text);
  return dir;
}

const BROKEN = `id: INC-7
title: Orders stuck in pending
severity: p1
enviroment: production
service: orders
sources:
  - id: api-logs
    kind: logs
    paths: [logs/api.log]
    formt: auto
  - id: orders-db
    kind: databse
    url: postgres://localhost/orders
  - id: web
    kind: render-api
    resources: [srv-1]
`;

interface Problem {
  path: string;
  line?: number;
  message: string;
  suggestion?: string;
}

describe('fracas validate', () => {
  it('--json prints each problem with its path, line and suggestion, and exits 1', async () => {
    const result = await runCli('validate', manifest(BROKEN), '--json');
    expect(result.code).toBe(1);
    const body = JSON.parse(result.out) as { valid: boolean; problems: Problem[] };
    expect(body.valid).toBe(false);
    const byPath = (wanted: string) => body.problems.filter((problem) => problem.path === wanted);
    expect(byPath('severity')).toEqual([expect.objectContaining({ line: 3, suggestion: 'P1' })]);
    expect(byPath('enviroment')).toEqual([expect.objectContaining({ line: 4, suggestion: 'environment', message: 'unknown key "enviroment"' })]);
    expect(byPath('sources[0].formt')).toEqual([expect.objectContaining({ line: 10, suggestion: 'format' })]);
    expect(byPath('sources[1].kind')).toEqual([expect.objectContaining({ line: 12, suggestion: 'database' })]);
    // Missing keys are reported at the mapping that lacks them: the top level has no line, sources[2] starts at line 14.
    expect(body.problems).toContainEqual(expect.objectContaining({ path: '', message: expect.stringMatching(/missing required key "window"/) }));
    expect(body.problems).toContainEqual({ path: 'sources[2]', line: 14, message: expect.stringMatching(/missing required key "ownerId"/) });
    expect(body.problems.some((problem) => problem.message.includes('"window"') && problem.line === 1)).toBe(false);
  });

  it('prints the same problems as text, one per line, with "did you mean"', async () => {
    const result = await runCli('validate', manifest(BROKEN));
    expect(result.code).toBe(1);
    expect(result.err).toContain('enviroment (line 4): unknown key "enviroment" (did you mean "environment"?)');
    expect(result.err).toContain('sources[1].kind (line 12): expected kind to be one of logs, render-api, database, config, code, git, not "databse" (did you mean "database"?)');
  });

  it('a missing key in a nested mapping points at that mapping', async () => {
    const result = await runCli('validate', manifest(`id: INC-8\ntitle: t\nseverity: P2\nenvironment: e\nservice: s\nwindow:\n  start: 2026-05-01T00:00:00Z\nsources: []\n`), '--json');
    const body = JSON.parse(result.out) as { problems: Problem[] };
    expect(body.problems).toEqual([{ path: 'window', line: 6, message: expect.stringMatching(/missing required key "end": the mapping window has none/) }]);
  });

  it('a duplicate source id and a window that ends before it starts are problems with lines', async () => {
    const head = `id: INC-9\ntitle: t\nseverity: P2\nenvironment: e\nservice: s\n`;
    const duplicate = JSON.parse(
      (
        await runCli(
          'validate',
          manifest(`${head}window: { start: 2026-05-01T00:00:00Z, end: 2026-05-02T00:00:00Z }\nsources:\n  - { id: a, kind: logs, paths: [x] }\n  - { id: a, kind: logs, paths: [y] }\n`),
          '--json',
        )
      ).out,
    ) as { problems: Problem[] };
    expect(duplicate.problems).toEqual([{ path: 'sources[1].id', line: 9, message: expect.stringMatching(/duplicate source id "a"/) }]);
    const backwards = JSON.parse((await runCli('validate', manifest(`${head}window:\n  start: 2026-05-02T00:00:00Z\n  end: 2026-05-01T00:00:00Z\n`), '--json')).out) as { problems: Problem[] };
    expect(backwards.problems).toEqual([{ path: 'window', line: 7, message: expect.stringMatching(/is after end/) }]);
  });

  it('column keys in a jobs: block need its table', async () => {
    const text = `id: INC-11\ntitle: t\nseverity: P2\nenvironment: e\nservice: s\nwindow: { start: 2026-05-01T00:00:00Z, end: 2026-05-02T00:00:00Z }\nsources:\n  - id: db\n    kind: database\n    jobs: { stateColumn: phase, stuckAfterMinutes: 30 }\n`;
    const body = JSON.parse((await runCli('validate', manifest(text), '--json')).out) as { problems: Problem[] };
    expect(body.problems).toEqual([expect.objectContaining({ path: 'sources[0].jobs.table', message: 'stateColumn name columns of one table: give jobs.table too' })]);
    const thresholdsOnly = await runCli('validate', manifest(text.replace('stateColumn: phase, ', '')));
    expect(thresholdsOnly.code).toBe(0);
  });

  it('--json on a valid manifest says valid with its sources', async () => {
    const result = await runCli('validate', path.resolve('docs/incidents/fm_028'), '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ valid: true, id: 'FM-028', problems: [] });
  });

  it('suggests only near names', () => {
    expect(editDistance('statusColum', 'statusColumn')).toBe(1);
    expect(editDistance('tabel', 'table')).toBe(1);
    expect(nearest('pahts', ['paths', 'format'])).toBe('paths');
    expect(nearest('zzz', ['paths', 'format'])).toBeUndefined();
  });
});
