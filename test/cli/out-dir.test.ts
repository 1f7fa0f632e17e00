// `--out DIR` writes the outputs elsewhere, and `--json` carries the review: status, times to detect/acknowledge/mitigate/resolve, escalation, actions.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SAMPLE = path.join(ROOT, 'docs/incidents/fm_028');

describe('fracas render --out', () => {
  it('writes the deliverables, summary.md and charts to the named directory, and the review into --json', () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'fracas-out-'));
    const dir = path.join(work, 'fm_028');
    cpSync(SAMPLE, dir, { recursive: true, filter: (source) => !/[/\\]report$/.test(source) });
    appendFileSync(
      path.join(dir, 'incident.yaml'),
      [
        'timeline:',
        '  - { event: detected, time: 2026-11-19T07:05:18Z, who: Dana, note: pager }',
        '  - { event: acknowledged, time: 2026-11-19T07:15:18Z, who: Dana }',
        'actions:',
        '  - { title: Give the session back on errors, owner: Backend on-call, due: 2026-11-24, ticket: FM-031 }',
        '',
      ].join('\n'),
    );
    const out = path.join(work, 'elsewhere');
    const result = spawnSync(process.execPath, [path.join(ROOT, 'bin/fracas.js'), 'render', dir, '--out', out, '--format', 'md', '--json', '-q'], {
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: '' },
      timeout: 180_000,
    });
    expect(result.status, result.stderr).toBe(0);
    expect(existsSync(path.join(dir, 'report'))).toBe(false);
    const files = readdirSync(out);
    for (const name of ['root-cause-report.md', 'solution-design.md', 'implementation-plan.md', 'prevention-measures.md', 'FM-028.md', 'summary.md', 'charts']) expect(files).toContain(name);
    const summary = JSON.parse(result.stdout) as {
      outputs: string[];
      review: { durations: { detectMinutes: number; acknowledgeMinutes: number; onset: string }; status: { state: string }; escalation: { id: string }[]; actions: { ticket: string }[] };
    };
    expect(summary.outputs.every((output) => output.startsWith(out))).toBe(true);
    expect(summary.review.status.state).toBe('draft');
    expect(summary.review.durations.acknowledgeMinutes).toBe(10);
    expect(summary.review.durations.detectMinutes).toBeCloseTo((Date.parse('2026-11-19T07:05:18Z') - Date.parse(summary.review.durations.onset)) / 60_000, 6);
    expect(summary.review.escalation.map((criterion) => criterion.id)).toEqual(['root-cause-deadline', 'infrastructure-fix', 'production-affected', 'critical-impact']);
    expect(summary.review.actions[0]?.ticket).toBe('FM-031');
  }, 180_000);
});
