// Tests for hostile configuration sides: FIFOs and devices refused by type, env-file and code FIFOs, oversized files.
import { configComparisons } from '../../../src/analysis/config/comparisons.ts';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectCode } from '../../../src/collectors/code.ts';
import { collectConfig } from '../../../src/collectors/config/index.ts';
import { readRegularFile, readRegularFileSync } from '../../../src/collectors/read-file.ts';
import { listSide, MAX_SIDE_FILES } from '../../../src/collectors/config/sides.ts';
import type { ConfigSourceSpec } from '../../../src/manifest/index.ts';
import { testContext } from './context.ts';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function tempDir(files: Record<string, string> = {}, fifos: string[] = []): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fracas-config-hostile-'));
  temps.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  for (const name of fifos) execFileSync('mkfifo', [path.join(dir, name)]);
  return dir;
}

const side = (label: string, sidePath: string, envFiles: string[] = []) => ({ label, path: sidePath, envFiles });
const spec = (left: ReturnType<typeof side>, right: ReturnType<typeof side>): ConfigSourceSpec => ({ id: 'config-envs', kind: 'config', left, right, others: [] });

describe('hostile config sides', () => {
  it('lists a FIFO side as missing, by its type, without opening it', async () => {
    const dir = tempDir({}, ['pipe.yaml']);
    const listing = await listSide(side('staging', 'pipe.yaml'), dir);
    expect(listing.kind).toBe('missing');
    expect(listing.problem).toMatch(/FIFO/);
  });

  it('refuses FIFOs in the file readers (stat, then a non-blocking open)', async () => {
    const dir = tempDir({ 'ok.yaml': 'a: 1\n' }, ['pipe.yaml']);
    await expect(readRegularFile(path.join(dir, 'pipe.yaml'))).rejects.toThrow(/FIFO/);
    expect(() => readRegularFileSync(path.join(dir, 'pipe.yaml'))).toThrow(/FIFO/);
    expect(() => readRegularFileSync(dir)).toThrow(/directory/);
    expect(() => readRegularFileSync(path.join(dir, 'ok.yaml'), 3)).toThrow(/larger than/);
    expect(readRegularFileSync(path.join(dir, 'ok.yaml'))).toBe('a: 1\n');
  });

  it('compares the other side and reports the FIFO side as a missing file (partial)', async () => {
    const dir = tempDir({ 'production.yaml': 'a: 1\n' }, ['staging.yaml']);
    const output = await collectConfig(spec(side('staging', 'staging.yaml'), side('production', 'production.yaml')), testContext(dir));
    expect(output.status).toBe('partial');
    expect(configComparisons(output.evidence)[0]?.anomalies[0]).toMatchObject({ kind: 'missing-file', file: 'staging.yaml' });
    expect((output.warnings ?? []).join('\n')).toMatch(/staging\.yaml: a FIFO/);
  });

  it('warns about a FIFO env file and leaves placeholders unresolved', async () => {
    const dir = tempDir({ 'a.yaml': 'url: ${HOST}\n', 'b.yaml': 'url: ${HOST}\n' }, ['a.env']);
    const output = await collectConfig(spec(side('staging', 'a.yaml', ['a.env']), side('production', 'b.yaml')), testContext(dir));
    expect(output.status).toBe('partial');
    expect((output.warnings ?? []).join('\n')).toMatch(/env file a\.env cannot be read .*FIFO/);
  });

  it('warns about a long value and still reports the difference, compared by hash', async () => {
    const dir = tempDir({ 'a.yaml': `cert: ${'a'.repeat(200_000)}\nb: 1\n`, 'b.yaml': `cert: ${'b'.repeat(200_000)}\nb: 2\n` });
    const output = await collectConfig(spec(side('staging', 'a.yaml'), side('production', 'b.yaml')), testContext(dir));
    expect(output.status).toBe('partial');
    expect((output.warnings ?? []).join('\n')).toMatch(/`cert`.*SHA-256/);
    const cert = configComparisons(output.evidence)[0]?.differences.find((diff) => diff.path === 'cert');
    expect(cert?.left).toMatch(/^<200000 characters, sha256 [0-9a-f]{16}>$/);
    expect(cert?.left).not.toBe(cert?.right);
    expect(
      configComparisons(output.evidence)[0]
        ?.differences.map((diff) => diff.path)
        .sort(),
    ).toEqual(['b', 'cert']);
  });

  it('code collector: a FIFO named as a file is a warning, not a hang', async () => {
    const dir = tempDir({ 'ok.py': 'print(1)\n' }, ['pipe.py']);
    const output = await collectCode({ id: 'code', kind: 'code', root: '.', contextLines: 5, files: [{ path: 'pipe.py' }, { path: 'ok.py' }] }, testContext(dir));
    expect(output.status).toBe('partial');
    expect((output.warnings ?? []).join('\n')).toMatch(/pipe\.py: a FIFO/);
    expect(output.evidence.excerpts.map((excerpt) => excerpt.path)).toEqual(['ok.py']);
  });

  it('stores two huge files whole; analysis keeps the 10,000 highest-ranked differences, saying so', async () => {
    const lines = (bump: number) => Array.from({ length: 10_050 }, (_, index) => `k${index}: ${index + bump}`).join('\n');
    const dir = tempDir({ 'a.yaml': `${lines(0)}\nwebhook_timeout: 30\n`, 'b.yaml': `${lines(1)}\nwebhook_timeout: 1\n` });
    const output = await collectConfig(spec(side('staging', 'a.yaml'), side('production', 'b.yaml')), testContext(dir));
    expect(output.status).toBe('ok');
    expect(output.evidence.files.map((file) => file.lines.length)).toEqual([10_051, 10_051]);
    const [comparison] = configComparisons(output.evidence);
    expect(comparison?.differences).toHaveLength(10_000);
    expect(comparison?.differences[0]).toMatchObject({ path: 'webhook_timeout', risk: 'high' });
    expect(comparison?.anomalies.find((anomaly) => anomaly.kind === 'truncated')?.detail).toMatch(/10051 differences and 0 anomalies; the 10000 and 0 ranked highest are shown/);
  });

  it('refuses an .env file with more lines than the parser bound, as a parse problem', async () => {
    const dir = tempDir({ 'a.env': 'A=1\n'.repeat(100_001), 'b.env': 'A=1\n' });
    const output = await collectConfig(spec(side('staging', 'a.env'), side('production', 'b.env')), testContext(dir));
    expect(output.status).toBe('partial');
    expect(configComparisons(output.evidence)[0]?.anomalies[0]).toMatchObject({ kind: 'parse-error', file: 'a.env' });
    expect((output.warnings ?? []).join('\n')).toMatch(/too large to compare/);
  });

  it('compares at most MAX_SIDE_FILES files of a directory side, with a warning', async () => {
    const dir = tempDir();
    for (const name of ['a', 'b']) {
      mkdirSync(path.join(dir, name));
      for (let index = 0; index <= MAX_SIDE_FILES; index += 1) writeFileSync(path.join(dir, name, `f${index}.env`), `A=${index}\n`);
    }
    const output = await collectConfig(spec(side('staging', 'a'), side('production', 'b')), testContext(dir));
    expect(configComparisons(output.evidence)).toHaveLength(MAX_SIDE_FILES);
    expect((output.warnings ?? []).join('\n')).toMatch(/more than 1000 configuration files/);
  });
});
