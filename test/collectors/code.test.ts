// Tests for the code collector: line-range excerpts, missing files, commits, stack-frame parsing and resolution.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectCode, extractStackFrames, matchFrameFile, parseLineRange, resolveStackFrames } from '../../src/collectors/code.ts';
import { SourceFailure } from '../../src/collectors/types.ts';
import { testContext } from './config/context.ts';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/code');
const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe('collectCode', () => {
  it('excerpts named line ranges relative to root and warns about missing files', async () => {
    const output = await collectCode(
      {
        id: 'code',
        kind: 'code',
        root: 'app',
        contextLines: 5,
        files: [{ path: 'api/upload_pipeline/webhooks.py', lines: '186-188', why: 'webhook handler' }, { path: 'api/upload_pipeline/database.py' }],
      },
      testContext(fixtures),
    );
    expect(output.status).toBe('partial');
    expect(output.warnings?.[0]).toMatch(/database\.py: no such file/);
    expect(output.evidence.root).toBe('app');
    expect(output.evidence.excerpts).toEqual([
      {
        path: 'api/upload_pipeline/webhooks.py',
        startLine: 186,
        endLine: 188,
        lines: ['async def handler(request):', '    payload = json.loads(await request.body())  # line 187', '    return payload'],
        reason: 'webhook handler',
      },
    ]);
  });

  it('fails when the root does not exist', async () => {
    await expect(collectCode({ id: 'code', kind: 'code', root: 'nope', contextLines: 5, files: [] }, testContext(fixtures))).rejects.toBeInstanceOf(SourceFailure);
  });

  it('adds the commits that touched the excerpted lines when root is in a git repository', async () => {
    const repo = mkdtempSync(path.join(os.tmpdir(), 'fracas-code-'));
    temps.push(repo);
    cpSync(path.join(fixtures, 'app'), repo, { recursive: true });
    const env = { ...process.env, GIT_AUTHOR_DATE: '2026-11-19T12:00:00Z', GIT_COMMITTER_DATE: '2026-11-19T12:00:00Z' };
    execFileSync('git', ['init', '-q'], { cwd: repo });
    execFileSync('git', ['add', '.'], { cwd: repo, env });
    execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', 'commit', '-qm', 'import handler'], { cwd: repo, env });
    const output = await collectCode(
      { id: 'code', kind: 'code', root: '.', contextLines: 5, files: [{ path: 'src/parse.js', lines: '1-2' }, { path: 'api/upload_pipeline/webhooks.py' }] },
      testContext(repo),
    );
    expect(output.status).toBe('ok');
    expect(output.evidence.commits).toEqual([
      expect.objectContaining({ subject: 'import handler', authorTime: '2026-11-19T12:00:00.000Z', files: ['src/parse.js', 'api/upload_pipeline/webhooks.py'] }),
    ]);
  });
});

describe('stack frames', () => {
  const python = [
    'Traceback (most recent call last):',
    '  File "/usr/lib/python3.11/site-packages/starlette/routing.py", line 74, in app',
    '  File "/app/api/upload_pipeline/webhooks.py", line 187, in handler',
    '    payload = json.loads(await request.body())',
    'json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)',
  ].join('\n');
  const node = [
    'SyntaxError: Unexpected token',
    '    at JSON.parse (<anonymous>)',
    '    at parse (/app/src/parse.js:2:15)',
    '    at node:internal/process/task_queues:95:5',
    '    at /app/src/index.js:10:3',
  ].join('\n');

  it('extracts Python and Node.js frames', () => {
    expect(extractStackFrames(python)).toEqual([
      { file: '/usr/lib/python3.11/site-packages/starlette/routing.py', line: 74, function: 'app', language: 'python' },
      { file: '/app/api/upload_pipeline/webhooks.py', line: 187, function: 'handler', language: 'python' },
    ]);
    expect(extractStackFrames(node)).toEqual([
      { file: '/app/src/parse.js', line: 2, column: 15, function: 'parse', language: 'node' },
      { file: '/app/src/index.js', line: 10, column: 3, function: undefined, language: 'node' },
    ]);
    expect(extractStackFrames('no frames here')).toEqual([]);
  });

  it('maps frames to files by longest path suffix and excerpts context lines', () => {
    const root = path.join(fixtures, 'app');
    expect(matchFrameFile('/app/api/upload_pipeline/webhooks.py', ['other/upload_pipeline/webhooks.py', 'api/upload_pipeline/webhooks.py'])).toBe('api/upload_pipeline/webhooks.py');
    const excerpts = resolveStackFrames(extractStackFrames(python), root, 2);
    expect(excerpts).toHaveLength(1);
    expect(excerpts[0]).toMatchObject({ path: 'api/upload_pipeline/webhooks.py', startLine: 185, endLine: 189 });
    expect(excerpts[0]?.lines[2]).toContain('json.loads');
    expect(
      resolveStackFrames(
        [
          { file: '/app/src/parse.js', line: 2 },
          { file: '/app/src/parse.js', line: 2 },
        ],
        root,
        5,
      ),
    ).toEqual([
      { path: 'src/parse.js', startLine: 1, endLine: 4, lines: ['function parse(x) {', '  return JSON.parse(x);', '}', 'module.exports = { parse };'], reason: 'stack frame /app/src/parse.js:2' },
    ]);
  });

  it('parses line ranges', () => {
    expect(parseLineRange('40-310')).toEqual([40, 310]);
    expect(parseLineRange('12')).toEqual([12, 12]);
    expect(parseLineRange(undefined)).toBeUndefined();
  });
});
