// An incident directory is locked for a run: a second run names the holder and exits 1; the lock is released after.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockIncident } from '../../src/cli/lock.ts';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const BIN = path.join(REPO, 'bin', 'fracas.js');
let root = '';
let dir = '';

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'fracas-lock-'));
  dir = path.join(root, 'incident');
  mkdirSync(dir);
  const yaml = [
    'id: LOCK-1',
    'title: lock',
    'severity: P3',
    'environment: test',
    'service: api',
    'window:',
    '  start: 2026-11-20T08:00:00Z',
    '  end: 2026-11-20T09:00:00Z',
    'sources:',
    '  - id: cfg',
    '    kind: config',
    '    left: { label: a, path: a.yaml }',
    '    right: { label: b, path: b.yaml }',
    '',
  ].join('\n');
  spawnSync('bash', ['-c', `printf '%s' "$1" > "$2/incident.yaml"; echo 'x: 1' > "$2/a.yaml"; echo 'x: 2' > "$2/b.yaml"`, '_', yaml, dir]);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('incident directory lock', () => {
  it('a second run says who holds the lock and exits 1; after release a run works', async () => {
    const release = await lockIncident(dir, 'test holder');
    try {
      const second = spawnSync(process.execPath, [BIN, 'collect', dir], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' } });
      expect(second.status).toBe(1);
      expect(second.stderr).toContain(`process ${process.pid}`);
      expect(second.stderr).toContain('test holder');
      expect(existsSync(path.join(dir, 'evidence', 'evidence.json'))).toBe(false);
    } finally {
      await release();
    }
    const third = spawnSync(process.execPath, [BIN, 'collect', dir], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' } });
    expect(third.status, third.stderr).toBe(0);
    expect(existsSync(path.join(dir, '.fracas.lock'))).toBe(false);
  }, 120_000);
});
