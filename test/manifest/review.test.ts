// The review keys of the manifest: timeline milestones and free events, action items, decisions with author and date, and what validate rejects.
import { describe, expect, it } from 'vitest';
import { ManifestError, parseManifest } from '../../src/manifest/index.ts';

const head = `id: FM-1
title: Something broke
severity: P2
environment: staging
service: api
window: { start: 2026-11-19T06:00:00Z, end: 2026-11-20T06:00:00Z }
`;

function problems(text: string): string[] {
  try {
    parseManifest(text, 'incident.yaml', {});
  } catch (error) {
    if (error instanceof ManifestError) return error.problems;
    throw error;
  }
  return [];
}

describe('review keys in incident.yaml', () => {
  it('reads timeline events, action items and decisions with author and date', () => {
    const manifest = parseManifest(
      `${head}timeline:
  - { event: detected, time: 2026-11-19T07:05:00Z, who: Dana (on-call), note: pager for webhook 5xx }
  - { event: acknowledged, time: "2026-11-19T07:12:00+01:00", who: Dana }
  - { time: 2026-11-19T08:00:00Z, who: Lee, note: rolled back the worker }
actions:
  - { title: Roll back the session change, owner: Backend on-call, due: 2026-11-22, ticket: FM-031, status: in-progress }
  - { title: Alert on idle-in-transaction }
conclusions:
  hypotheses:
    code-defect: { status: confirmed, note: reproduced, author: Dana, date: 2026-11-19 }
  confirmedBy: { author: Dana, date: 2026-11-19T11:00:00Z }
`,
      'incident.yaml',
      {},
    );
    expect(manifest.timeline).toHaveLength(3);
    expect(manifest.timeline[2]).toEqual({ time: '2026-11-19T08:00:00Z', who: 'Lee', note: 'rolled back the worker' });
    expect(manifest.actions[0]).toMatchObject({ owner: 'Backend on-call', due: '2026-11-22', ticket: 'FM-031', status: 'in-progress' });
    expect(manifest.actions[1]?.status).toBe('open');
    expect(manifest.conclusions.hypotheses['code-defect']).toMatchObject({ author: 'Dana', date: '2026-11-19' });
    expect(manifest.conclusions.confirmedBy?.author).toBe('Dana');
  });

  it('rejects an unknown hypothesis id and suggests the nearest, with its line', () => {
    const found = problems(`${head}conclusions:\n  hypotheses:\n    db-pool-exhuastion: { status: rejected }\n`);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^conclusions\.hypotheses\.db-pool-exhuastion \(line 9\): unknown hypothesis id "db-pool-exhuastion"; did you mean "db-pool-exhaustion"\?/);
  });

  it('rejects an unknown checklist item and suggests the nearest', () => {
    const found = problems(`${head}conclusions:\n  done: [code-review, fix-implemneted]\n`);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('conclusions.done[1]');
    expect(found[0]).toContain('unknown checklist item "fix-implemneted"; did you mean "fix-implemented"?');
  });

  it('names the known ids without a guess when nothing is close', () => {
    const found = problems(`${head}conclusions:\n  hypotheses:\n    gremlins: { status: confirmed }\n`);
    expect(found[0]).toContain('unknown hypothesis id "gremlins" (ids: code-defect,');
    expect(found[0]).not.toContain('did you mean');
  });

  it('rejects a milestone given twice, a bad time and an unknown action status', () => {
    expect(problems(`${head}timeline:\n  - { event: detected, time: 2026-11-19T07:00:00Z }\n  - { event: detected, time: 2026-11-19T08:00:00Z }\n`)[0]).toMatch(
      /^timeline\[1\]\.event \(line \d+\): "detected" is given more than once/,
    );
    expect(problems(`${head}timeline:\n  - { event: resolved, time: yesterday }\n`)[0]).toMatch(/^timeline\[0\]\.time .*ISO 8601/);
    expect(problems(`${head}actions:\n  - { title: x, status: finished }\n`)[0]).toMatch(/^actions\[0\]\.status/);
    expect(problems(`${head}timeline:\n  - { event: fixed, time: 2026-11-19T07:00:00Z }\n`)[0]).toMatch(/^timeline\[0\]\.event/);
  });
});
