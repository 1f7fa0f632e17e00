// Tests for the git collector: commits in the incident window, path filters, line history, not-a-repository.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectGit, commitsTouching, manifestPaths, parseLog, sinceTime } from '../../src/collectors/git.ts';
import { SourceFailure } from '../../src/collectors/types.ts';
import { sourceSchema } from '../../src/manifest/index.ts';
import { testContext } from './config/context.ts';

let repo = '';
const window = { start: '2026-11-20T00:00:00Z', end: '2026-11-21T00:00:00Z' };

function commit(file: string, text: string, subject: string, date: string): void {
  writeFileSync(path.join(repo, file), text);
  const env = { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
  execFileSync('git', ['add', file], { cwd: repo, env });
  execFileSync('git', ['-c', 'user.name=Dana Dev', '-c', 'user.email=dana@example.com', 'commit', '-qm', subject], { cwd: repo, env });
}

beforeAll(() => {
  repo = mkdtempSync(path.join(os.tmpdir(), 'fracas-git-'));
  execFileSync('git', ['init', '-q'], { cwd: repo });
  commit('staging.yaml', 'timeout: 30\n', 'initial config', '2026-11-10T09:00:00Z');
  commit('deploy.yaml', 'replicas: 2\n', 'deploy the day before', '2026-11-19T18:00:00Z');
  commit('app.py', 'a = 1\nb = 2\nc = 3\n', 'add app', '2026-11-20T08:30:00+01:00');
  commit('staging.yaml', 'timeout: 5\n', 'shorten webhook timeout', '2026-11-20T10:15:00Z');
  commit('app.py', 'a = 1\nb = 20\nc = 3\n', 'change b', '2026-11-22T10:00:00Z');
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe('collectGit', () => {
  it('lists commits authored in the incident window with author time in UTC, author, subject and files', async () => {
    const output = await collectGit({ id: 'history', kind: 'git', repository: '.', paths: [] }, testContext(repo, {}, window));
    expect(output.evidence.repository).toBe('.');
    expect(output.evidence.commits.map((commit) => ({ ...commit, hash: commit.hash.length }))).toEqual([
      { hash: 40, authorTime: '2026-11-20T10:15:00.000Z', author: 'Dana Dev', subject: 'shorten webhook timeout', files: ['staging.yaml'] },
      { hash: 40, authorTime: '2026-11-20T07:30:00.000Z', author: 'Dana Dev', subject: 'add app', files: ['app.py'] },
      { hash: 40, authorTime: '2026-11-19T18:00:00.000Z', author: 'Dana Dev', subject: 'deploy the day before', files: ['deploy.yaml'], beforeWindow: true },
    ]);
    expect(output.provenance.description).toMatch(/^git log 2026-11-13T00:00:00\.000Z \.\. 2026-11-21T00:00:00Z/);
  });

  it('lists history from `since` (a duration before the window or an ISO time), never starting after the window', async () => {
    const subjects = async (since: string) =>
      (await collectGit({ id: 'history', kind: 'git', repository: '.', paths: [], since }, testContext(repo, {}, window))).evidence.commits.map(
        (commit) => `${commit.subject}${commit.beforeWindow ? ' (before)' : ''}`,
      );
    const all = ['shorten webhook timeout', 'add app', 'deploy the day before (before)', 'initial config (before)'];
    expect(await subjects('14d')).toEqual(all);
    expect(await subjects('2026-11-10T09:00:00Z')).toEqual(all);
    expect(await subjects('12h')).toEqual(all.slice(0, 3));
    expect(await subjects('1h')).toEqual(all.slice(0, 2));
    expect(await subjects('2026-11-20T09:00:00Z')).toEqual(all.slice(0, 2));
  });

  it('reads `since` as a duration or an ISO time, and the manifest refuses anything else', () => {
    expect(sinceTime('7d', window.start)).toBe('2026-11-13T00:00:00.000Z');
    expect(sinceTime('36h', window.start)).toBe('2026-11-18T12:00:00.000Z');
    expect(sinceTime('2w', window.start)).toBe('2026-11-06T00:00:00.000Z');
    expect(sinceTime('90m', window.start)).toBe('2026-11-19T22:30:00.000Z');
    expect(sinceTime('2026-11-21T05:00:00Z', window.start)).toBe('2026-11-20T00:00:00.000Z');
    expect(sinceTime('last week', window.start)).toBeUndefined();
    expect(sourceSchema.safeParse({ id: 'history', kind: 'git', since: '7d' }).success).toBe(true);
    expect(sourceSchema.safeParse({ id: 'history', kind: 'git', since: '2026-11-19T00:00:00Z' }).success).toBe(true);
    expect(sourceSchema.safeParse({ id: 'history', kind: 'git', since: 'last week' }).success).toBe(false);
  });

  it('filters by path', async () => {
    const output = await collectGit({ id: 'history', kind: 'git', repository: '.', paths: ['app.py'] }, testContext(repo, {}, window));
    expect(output.evidence.commits.map((commit) => commit.subject)).toEqual(['add app']);
  });

  it('fails with a hint outside a repository', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fracas-nogit-'));
    try {
      const failure = await collectGit({ id: 'history', kind: 'git', repository: '.', paths: [] }, testContext(dir, {}, window)).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(SourceFailure);
      expect(failure).toMatchObject({ code: 'not-a-repository' });
      expect((failure as SourceFailure).hint).toMatch(/repository/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('commitsTouching', () => {
  it('follows the history of a line range, or of the whole file', async () => {
    expect((await commitsTouching(repo, 'app.py', 2, 2, 10)).map((commit) => commit.subject)).toEqual(['change b', 'add app']);
    expect((await commitsTouching(repo, 'app.py', 3, 3, 10)).map((commit) => commit.subject)).toEqual(['add app']);
    expect((await commitsTouching(repo, path.join(repo, 'staging.yaml'), undefined, undefined, 1)).map((commit) => commit.subject)).toEqual(['shorten webhook timeout']);
    expect(await commitsTouching(os.tmpdir(), 'nothing.py')).toEqual([]);
  });

  it('parses git log output', () => {
    expect(parseLog('\x1eabc\x1f2026-11-20T10:00:00+02:00\x1fA\x1fsubj\n\nx.py\ny.py\n')).toEqual([
      { hash: 'abc', authorTime: '2026-11-20T08:00:00.000Z', author: 'A', subject: 'subj', files: ['x.py', 'y.py'] },
    ]);
  });
});

describe('manifestPaths', () => {
  it('lists config and code files named in the manifest, relative to the repository', () => {
    const paths = manifestPaths(
      [
        {
          id: 'cfg',
          kind: 'config',
          left: { label: 's', path: '../../config/staging.yaml', envFiles: ['staging.env'] },
          right: { label: 'p', path: '../../config/production.yaml', envFiles: [] },
          others: [],
        },
        { id: 'code', kind: 'code', root: '../..', contextLines: 5, files: [{ path: 'api/upload_pipeline/webhooks.py', lines: '40-310' }] },
        { id: 'outside', kind: 'config', left: { label: 'a', path: '/etc/a.yaml', envFiles: [] }, right: { label: 'b', path: '../../config/staging.yaml', envFiles: [] }, others: [] },
      ],
      '/repo/docs/incidents',
      '../..',
    );
    expect(paths).toEqual(['config/staging.yaml', 'docs/incidents/staging.env', 'config/production.yaml', 'api/upload_pipeline/webhooks.py']);
  });
});
