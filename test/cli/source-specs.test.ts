// `fracas render` after the manifest's sources changed: the bundle's fingerprints name what changed; secrets are not hashed.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashSourceSpecs } from '../../src/evidence/source-specs.ts';
import { runCli } from '../helpers/cli.ts';

const HEAD = `id: SPEC-1\ntitle: t\nseverity: P3\nenvironment: staging\nservice: api\nwindow: { start: 2026-05-01T00:00:00Z, end: 2026-05-02T00:00:00Z }\nsources:\n`;

describe('source specification fingerprints', () => {
  it('render warns, naming the source, when its specification changed since collect', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fracas-specs-'));
    mkdirSync(path.join(dir, 'logs'));
    writeFileSync(path.join(dir, 'logs', 'a.log'), '2026-05-01T10:00:00Z ERROR upstream timed out\n');
    writeFileSync(path.join(dir, 'logs', 'b.log'), '2026-05-01T11:00:00Z WARN retrying\n');
    const file = path.join(dir, 'incident.yaml');
    writeFileSync(file, `${HEAD}  - { id: api-logs, kind: logs, paths: [logs/a.log] }\n`);
    expect((await runCli('collect', dir, '--quiet')).code).toBe(0);
    const evidence = JSON.parse(readFileSync(path.join(dir, 'evidence', 'evidence.json'), 'utf8'));
    expect(evidence.sourceSpecs.sources['api-logs']).toMatch(/^[0-9a-f]{64}$/);

    const unchanged = await runCli('render', dir, '--format', 'md', '--quiet');
    expect(unchanged.code).toBe(0);
    expect(unchanged.err).not.toMatch(/warning/);

    writeFileSync(file, `${HEAD}  - { id: api-logs, kind: logs, paths: [logs/a.log, logs/b.log] }\n  - { id: more-logs, kind: logs, paths: [logs/b.log] }\n`);
    const changed = await runCli('render', dir, '--format', 'md', '--json', '--quiet');
    expect(changed.code).toBe(0);
    const summary = JSON.parse(changed.out) as { warnings: string[] };
    expect(summary.warnings).toEqual([
      expect.stringMatching(/^source api-logs changed in the manifest since the evidence was collected; run `fracas collect/),
      expect.stringMatching(/^source more-logs was added to the manifest after the evidence was collected/),
    ]);
    const text = await runCli('render', dir, '--format', 'md', '--quiet');
    expect(text.err).toMatch(/SPEC-1: warning: source api-logs changed/);
  });

  it('redacts secrets before hashing, and any other change changes the hash', () => {
    const spec = (url: string, statementTimeoutMs = 15000) => ({ id: 'db', kind: 'database', url, statementTimeoutMs });
    const a = hashSourceSpecs([spec('postgres://app:correct-horse-battery@db.example.com:6543/postgres')]);
    const b = hashSourceSpecs([spec('postgres://app:another-Secret-42@db.example.com:6543/postgres')]);
    expect(a.hash).toBe(b.hash);
    expect(hashSourceSpecs([spec('postgres://app:correct-horse-battery@db.example.com:5432/postgres')]).hash).not.toBe(a.hash);
    expect(hashSourceSpecs([spec('postgres://app:correct-horse-battery@db.example.com:6543/postgres', 20000)]).hash).not.toBe(a.hash);
  });
});
