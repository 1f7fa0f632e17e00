// `fracas verify` on generated incidents: the failures gone (verified), still there (not verified), too little traffic (inconclusive).
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCollect } from '../../src/cli/run.ts';
import { createReporter } from '../../src/cli/progress.ts';
import { runVerify, verificationPath } from '../../src/cli/verify.ts';
import { VERIFY_EXIT_CODES } from '../../src/cli/exit-codes.ts';
import { poissonCdf } from '../../src/analysis/verification.ts';
import { runCli } from '../helpers/cli.ts';
import { AFTER, incidentDir } from '../helpers/generated-incident.ts';

const quiet = createReporter({ quiet: true });

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

async function verifyScenario(name: string, after: { requests: number; failureShare: number }, seed: number) {
  const dir = incidentDir(name, after, seed);
  made.push(dir);
  await runCollect(dir, { formats: [], reporter: quiet });
  return { dir, result: await runVerify(dir, AFTER, quiet) };
}

describe('fracas verify', () => {
  for (const seed of [1, 2, 3]) {
    it(`verifies a fix when the failures are gone at full traffic (seed ${seed})`, async () => {
      const { dir, result } = await verifyScenario('fixed', { requests: 800, failureShare: 0 }, seed);
      expect(result.verification.verdict).toBe('verified');
      expect(result.exitCode).toBe(VERIFY_EXIT_CODES.verified);
      const root = result.verification.rows.find((row) => row.decisive);
      expect(root?.before).toBeGreaterThan(50);
      expect(root?.after).toBe(0);
      expect(root?.expected).toBeGreaterThan(20);
      const saved = JSON.parse(readFileSync(verificationPath(dir), 'utf8')) as { verdict: string; rule: string };
      expect(saved.verdict).toBe('verified');
      expect(saved.rule).toContain('Poisson');
    });

    it(`does not verify when the failures persist at the same rate (seed ${seed})`, async () => {
      const { result } = await verifyScenario('persists', { requests: 800, failureShare: 0.25 }, seed);
      expect(result.verification.verdict).toBe('not-verified');
      expect(result.exitCode).toBe(VERIFY_EXIT_CODES['not-verified']);
      expect(result.verification.reasons.join(' ')).toMatch(/persists|reduced/);
    });
  }

  it('is inconclusive when the after window has too little traffic to tell', async () => {
    const { result } = await verifyScenario('quiet', { requests: 4, failureShare: 0 }, 9);
    expect(result.verification.verdict).toBe('inconclusive');
    expect(result.exitCode).toBe(VERIFY_EXIT_CODES.inconclusive);
    expect(result.verification.reasons.join(' ')).toContain('too little traffic');
  });

  it('through the command line: the verdict, its exit code and the Verification section in the report', async () => {
    const dir = incidentDir('cli', { requests: 700, failureShare: 0 }, 5);
    made.push(dir);
    await runCollect(dir, { formats: [], reporter: quiet });
    const { code, out } = await runCli('verify', dir, '--window', `${AFTER.start}..${AFTER.end}`, '--format', 'md', '--json', '--quiet');
    expect(code).toBe(0);
    const printed = JSON.parse(out.slice(out.indexOf('{'))) as { verdict: string; outputs: string[] };
    expect(printed.verdict).toBe('verified');
    const report = readFileSync(path.join(dir, 'report', 'root-cause-report.md'), 'utf8');
    expect(report).toContain('**Verdict: verified**');
    const plan = readFileSync(path.join(dir, 'report', 'implementation-plan.md'), 'utf8');
    expect(plan).toMatch(/\| Staging environment verified working \| ✅ done \| fracas verify: verified over /);
    expect(plan).toMatch(/\| Fix implemented and tested \| ✅ done \| fracas verify: verified over /);
  });

  it('refuses to verify an incident whose evidence was never collected (exit 1)', async () => {
    const dir = incidentDir('uncollected', { requests: 10, failureShare: 0 }, 4);
    made.push(dir);
    const { code, err } = await runCli('verify', dir, '--quiet');
    expect(code).toBe(1);
    expect(err).toContain(`fracas report ${dir}`);
  });
});

describe('poissonCdf', () => {
  it('matches known values and stays finite for large means', () => {
    expect(poissonCdf(0, 3)).toBeCloseTo(Math.exp(-3), 10);
    expect(poissonCdf(2, 1)).toBeCloseTo(Math.exp(-1) * (1 + 1 + 0.5), 10);
    expect(poissonCdf(5000, 5000)).toBeGreaterThan(0.49);
    expect(poissonCdf(5000, 5000)).toBeLessThan(0.51);
    expect(poissonCdf(0, 10_000)).toBe(0);
    expect(poissonCdf(3, 0)).toBe(1);
  });
});
