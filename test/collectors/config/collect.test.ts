// Tests for the config collector: file pairs, directories, git revisions, env files, parse errors and missing sides.
import { configComparisons } from '../../../src/analysis/config/comparisons.ts';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectConfig } from '../../../src/collectors/config/index.ts';
import { SourceFailure } from '../../../src/collectors/types.ts';
import type { ConfigSourceSpec } from '../../../src/manifest/index.ts';
import { testContext } from './context.ts';

const fixtures = path.resolve(import.meta.dirname, '../../fixtures/config');
const side = (label: string, sidePath: string, extra: { rev?: string; envFiles?: string[] } = {}) => ({
  label,
  path: sidePath,
  envFiles: extra.envFiles ?? [],
  ...(extra.rev ? { rev: extra.rev } : {}),
});
const spec = (left: ReturnType<typeof side>, right: ReturnType<typeof side>, others: ReturnType<typeof side>[] = []): ConfigSourceSpec => ({ id: 'config-envs', kind: 'config', left, right, others });

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe('collectConfig', () => {
  it('compares two files with env files, masking secrets', async () => {
    const output = await collectConfig(
      spec(side('staging', 'env/staging.yaml', { envFiles: ['env/staging.env'] }), side('production', 'env/production.yaml', { envFiles: ['env/production.env'] })),
      testContext(fixtures),
    );
    expect(output.status).toBe('ok');
    const [comparison] = configComparisons(output.evidence);
    expect(comparison?.left).toEqual({ label: 'staging', path: 'env/staging.yaml' });
    expect(comparison?.anomalies.map((anomaly) => anomaly.kind)).toEqual(expect.arrayContaining(['moved-subtree', 'foreign-environment-value', 'duplicate-key']));
    expect(comparison?.differences.find((diff) => diff.path === 'database.url')?.leftResolved).toBe('postgresql://app:****@db-staging.internal:5432/app');
    const text = JSON.stringify(output);
    expect(text).not.toMatch(/s3cr3t|pr0d-pass|stagingSECRET|abcdefghijklmnop/);
    expect(output.provenance.paths).toEqual(['env/production.env', 'env/production.yaml', 'env/staging.env', 'env/staging.yaml']);
  });

  it('pairs directories by file name and reports a file missing on one side as an anomaly', async () => {
    const output = await collectConfig(spec(side('staging', 'dirs/staging'), side('production', 'dirs/production')), testContext(fixtures));
    expect(output.status).toBe('partial');
    const byFile = Object.fromEntries(configComparisons(output.evidence).map((comparison) => [comparison.right.path, comparison]));
    expect(Object.keys(byFile).sort()).toEqual(['dirs/production/.env', 'dirs/production/app.yaml', 'dirs/production/worker.json']);
    expect(byFile['dirs/production/.env']?.anomalies[0]).toMatchObject({ kind: 'missing-file', file: 'dirs/staging/.env' });
    expect(byFile['dirs/production/app.yaml']?.differences.map((diff) => diff.path)).toEqual(['server.workers']);
    const worker = byFile['dirs/production/worker.json'];
    expect(worker?.differences.map((diff) => diff.path)).toEqual(['callback_url']);
    expect(worker?.anomalies).toContainEqual(expect.objectContaining({ kind: 'foreign-environment-value', path: 'callback_url', file: 'dirs/staging/worker.json', line: 3 }));
  });

  it('reports YAML that does not parse with line and column, status partial', async () => {
    const output = await collectConfig(spec(side('staging', 'broken/staging.yaml'), side('production', 'broken/production.yaml')), testContext(fixtures));
    expect(output.status).toBe('partial');
    expect(output.warnings?.[0]).toMatch(/broken\/staging\.yaml line 4, column \d+/);
    expect(configComparisons(output.evidence)[0]?.anomalies[0]).toMatchObject({ kind: 'parse-error', file: 'broken/staging.yaml', line: 4 });
  });

  it('reports a missing side as an anomaly and fails only when both sides are missing', async () => {
    const output = await collectConfig(spec(side('staging', 'env/staging.yaml'), side('production', 'env/nope.yaml')), testContext(fixtures));
    expect(output.status).toBe('partial');
    expect(configComparisons(output.evidence)[0]?.anomalies[0]).toMatchObject({ kind: 'missing-file', file: 'env/nope.yaml' });
    await expect(collectConfig(spec(side('a', 'nope-a.yaml'), side('b', 'nope-b.yaml')), testContext(fixtures))).rejects.toBeInstanceOf(SourceFailure);
  });

  it('finds keys that exist in only one of several environments', async () => {
    const output = await collectConfig(spec(side('staging', 'env/staging.yaml'), side('production', 'env/production.yaml'), [side('qa', 'env/qa.yaml')]), testContext(fixtures));
    const anomalies = configComparisons(output.evidence)[0]?.anomalies ?? [];
    expect(anomalies).toContainEqual(expect.objectContaining({ kind: 'only-in-one', path: 'database.echo_sql', file: 'env/qa.yaml', line: 8 }));
    expect(anomalies).toContainEqual(expect.objectContaining({ kind: 'foreign-environment-value', path: 'webhook.base_url', file: 'env/qa.yaml' }));
  });

  it('compares a file with itself at an earlier git revision', async () => {
    const repo = mkdtempSync(path.join(os.tmpdir(), 'fracas-config-'));
    temps.push(repo);
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', ...args], {
        cwd: repo,
        env: { ...process.env, GIT_AUTHOR_DATE: '2026-11-20T08:00:00Z', GIT_COMMITTER_DATE: '2026-11-20T08:00:00Z' },
      });
    git('init', '-q');
    mkdirSync(path.join(repo, 'config'));
    writeFileSync(path.join(repo, 'config/staging.yaml'), 'webhook:\n  timeout: 30\n');
    git('add', '.');
    git('commit', '-qm', 'first');
    writeFileSync(path.join(repo, 'config/staging.yaml'), 'webhook:\n  timeout: 5\n');
    git('commit', '-qam', 'shorter timeout');
    const output = await collectConfig(spec(side('before', 'config/staging.yaml', { rev: 'HEAD~1' }), side('now', 'config/staging.yaml')), testContext(repo));
    const [comparison] = configComparisons(output.evidence);
    expect(comparison?.left.path).toBe('HEAD~1:config/staging.yaml');
    expect(comparison?.differences).toEqual([expect.objectContaining({ path: 'webhook.timeout', left: '30', right: '5', category: 'timeouts', risk: 'high' })]);
    const dirs = await collectConfig(spec(side('before', 'config', { rev: 'HEAD~1' }), side('now', 'config')), testContext(repo));
    expect(configComparisons(dirs.evidence).map((comparison) => `${comparison.left.path} ${comparison.right.path} ${comparison.differences.length}`)).toEqual([
      'HEAD~1:config/staging.yaml config/staging.yaml 1',
    ]);
    const missing = await collectConfig(spec(side('before', 'config/staging.yaml', { rev: 'no-such-rev' }), side('now', 'config/staging.yaml')), testContext(repo));
    expect(missing.status).toBe('partial');
    expect(configComparisons(missing.evidence)[0]?.anomalies[0]?.kind).toBe('missing-file');
    const option = await collectConfig(spec(side('before', 'config/staging.yaml', { rev: '--output=/tmp/x' }), side('now', 'config/staging.yaml')), testContext(repo));
    expect(option.warnings?.[0]).toMatch(/is not a git revision/);
  });
});
