// Tests for configuration changes in the incident window found in commit history.
import { describe, expect, it } from 'vitest';
import { comparedConfigFiles, configChangeFindings, isConfigFile } from '../../../src/analysis/config.ts';

const window = { start: '2026-11-20T00:00:00Z', end: '2026-11-21T00:00:00Z' };
const commit = (hash: string, authorTime: string, files: string[]) => ({ hash, authorTime, author: 'Dana', subject: `commit ${hash}`, files });

describe('configChangeFindings', () => {
  it('reports commits in the window that touch configuration files', () => {
    const findings = configChangeFindings(
      'history',
      [
        commit('aaaaaaaaaaaa1', '2026-11-20T10:00:00.000Z', ['config/environment/staging.yaml', 'api/app.py']),
        commit('bbbbbbbbbbbb2', '2026-11-20T11:00:00.000Z', ['api/app.py', 'package.json']),
        commit('cccccccccccc3', '2026-11-19T10:00:00.000Z', ['config/environment/staging.yaml']),
        commit('dddddddddddd4', '2026-11-20T12:00:00.000Z', ['deploy/app-settings.txt']),
      ],
      window,
      ['deploy/app-settings.txt'],
    );
    expect(findings.map((finding) => finding.id)).toEqual(['history-config-change-aaaaaaaaaa', 'history-config-change-dddddddddd']);
    expect(findings[0]).toMatchObject({ signal: 'config-changed-in-window', area: 'config', firstSeen: '2026-11-20T10:00:00.000Z', count: 1 });
    expect(findings[0]?.refs).toEqual([{ kind: 'file-line', source: 'history', file: 'config/environment/staging.yaml', line: 1, excerpt: 'aaaaaaaaaaaa commit aaaaaaaaaaaa1' }]);
  });

  it('recognises configuration files', () => {
    expect(isConfigFile('config/staging.yaml')).toBe(true);
    expect(isConfigFile('.env.production')).toBe(true);
    expect(isConfigFile('render.yaml')).toBe(true);
    expect(isConfigFile('package-lock.json')).toBe(false);
    expect(isConfigFile('src/app.ts')).toBe(false);
    expect(comparedConfigFiles([{ left: { path: 'HEAD~1:config/a.yaml' }, right: { path: '../../config/a.yaml' } }])).toEqual(['config/a.yaml']);
  });
});
