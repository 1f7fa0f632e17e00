// The incident memory: `fracas history` lists incidents with their status and verification; a new report names similar past incidents and flags a fixed one's recurrence.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadHistory } from '../../src/cli/history.ts';
import { createReporter } from '../../src/cli/progress.ts';
import { runReport } from '../../src/cli/run.ts';
import { runVerify } from '../../src/cli/verify.ts';
import { runCli } from '../helpers/cli.ts';
import { AFTER, incidentDir } from '../helpers/generated-incident.ts';

const quiet = createReporter({ quiet: true });
const repository = mkdtempSync(path.join(tmpdir(), 'fracas-history-'));
execFileSync('git', ['init', '-q', repository]);
const incidents = path.join(repository, 'incidents');
mkdirSync(incidents);
afterAll(() => rmSync(repository, { recursive: true, force: true }));

describe('incident memory', () => {
  it('lists incidents, and a new incident with the same failure family names the fixed one as a recurrence', async () => {
    const first = incidentDir('first', { requests: 600, failureShare: 0 }, 21, [], incidents, 'INC-1');
    await runReport([first], { formats: ['md'], reporter: quiet, collect: true });
    expect((await runVerify(first, AFTER, quiet)).verification.verdict).toBe('verified');

    const unrelated = path.join(incidents, 'broken');
    mkdirSync(unrelated);
    writeFileSync(path.join(unrelated, 'incident.yaml'), 'id: [not, an, id]\n');

    const second = incidentDir('second', { requests: 10, failureShare: 0 }, 22, [], incidents, 'INC-2');
    const [summary] = await runReport([second], { formats: ['md'], reporter: quiet, collect: true });
    expect(summary?.exitCode).toBe(0);
    const report = readFileSync(path.join(second, 'report', 'root-cause-report.md'), 'utf8').replace(/\\/g, '');
    expect(report).toContain('## Similar past incidents');
    expect(report).toContain('**Recurrence.** INC-1 was closed as fixed (verified)');
    expect(report).toMatch(/\| INC-1: .* \| verified-fixed \| 1\.00 \| shares 1 failure family/);

    const history = loadHistory(incidents);
    expect(history.incidents.map((record) => [record.id, record.status])).toEqual(
      expect.arrayContaining([
        ['INC-1', 'verified-fixed'],
        ['INC-2', 'open'],
      ]),
    );
    expect(history.incidents.find((record) => record.id === 'INC-1')?.hoursToResolve).toBe((Date.parse(AFTER.end) - Date.parse('2026-11-10T00:00:00Z')) / 3_600_000);
    expect(history.skipped).toEqual([expect.objectContaining({ directory: 'broken' })]);

    const { code, out } = await runCli('history', incidents, '--json');
    expect(code).toBe(2);
    const printed = JSON.parse(out) as { incidents: { id: string; verification?: { verdict: string } }[]; skipped: unknown[] };
    expect(printed.incidents.find((record) => record.id === 'INC-1')?.verification?.verdict).toBe('verified');
    expect(printed.skipped).toHaveLength(1);
  });

  it('outside a repository a report looks at no other incident', async () => {
    const alone = incidentDir('alone', { requests: 10, failureShare: 0 }, 23);
    try {
      await runReport([alone], { formats: ['md'], reporter: quiet, collect: true });
      expect(readFileSync(path.join(alone, 'report', 'root-cause-report.md'), 'utf8')).toContain('*No past incident in the incident memory shares');
    } finally {
      rmSync(alone, { recursive: true, force: true });
    }
  });
});
