// Git history: commits in the incident window touching the configured paths, and commits touching a file's lines.
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Commit, GitEvidence } from '../evidence/schema.ts';
import type { GitSourceSpec, SourceSpec } from '../manifest/index.ts';
import { SourceFailure, type CollectContext, type CollectorOutput } from './types.ts';

export class GitError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'GitError';
  }
}

/** Run git with arguments (no shell); rejects with GitError (code `git-missing` when git is not installed). */
export function runGit(args: string[], cwd: string, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, maxBuffer: 64 * 1024 * 1024, signal, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const code = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'git-missing' : 'git-error';
      reject(
        new GitError(
          `git ${args[0] ?? ''}: ${
            String(stderr || error.message)
              .trim()
              .split('\n')[0]
          }`,
          code,
          String(stderr),
        ),
      );
    });
  });
}

/** The nearest existing directory at or above a path (git needs an existing cwd). */
export function existingDir(target: string): string {
  let current = path.resolve(target);
  while (!existsSync(current) || !statSync(current).isDirectory()) {
    const parent = path.dirname(current);
    if (parent === current) return current;
    current = parent;
  }
  return current;
}

/** Top level of the git work tree containing `dir`, or undefined when it is not in one (or git is missing). */
export async function repositoryRoot(dir: string): Promise<string | undefined> {
  try {
    return (await runGit(['rev-parse', '--show-toplevel'], existingDir(dir))).trim() || undefined;
  } catch {
    return undefined;
  }
}

const FORMAT = '--format=%x1e%H%x1f%aI%x1f%an%x1f%s';

/** Parse `git log` output written with FORMAT (and optionally --name-only). */
export function parseLog(text: string, defaultFiles: string[] = []): Commit[] {
  return text
    .split('\x1e')
    .filter((chunk) => chunk.trim())
    .map((chunk) => {
      const [header = '', ...rest] = chunk.split('\n');
      const [hash = '', time = '', author = '', subject = ''] = header.split('\x1f');
      const files = rest.map((line) => line.trim()).filter((line) => line && !line.startsWith('diff --git') && !/^[-+@ ]/.test(line));
      const parsed = Date.parse(time);
      return { hash, authorTime: Number.isNaN(parsed) ? time : new Date(parsed).toISOString(), author, subject, files: files.length > 0 ? files : defaultFiles };
    });
}

/**
 * Commits that touched a file (or lines startLine..endLine of it, via `git log -L`), newest first.
 * `file` is absolute or relative to repoDir. Returns [] when the file has no history or repoDir is not a repository.
 */
export async function commitsTouching(repoDir: string, file: string, startLine?: number, endLine?: number, limit = 10): Promise<Commit[]> {
  const root = await repositoryRoot(repoDir);
  if (!root) return [];
  const relative = path.relative(root, path.resolve(repoDir, file)).split(path.sep).join('/');
  try {
    if (startLine !== undefined) {
      const end = Math.max(startLine, endLine ?? startLine);
      const output = await runGit(['log', `-n${limit}`, '--no-patch', FORMAT, '-L', `${startLine},${end}:${relative}`], root);
      return parseLog(output, [relative]);
    }
    return parseLog(await runGit(['log', `-n${limit}`, FORMAT, '--name-only', '--', relative], root), [relative]);
  } catch {
    // -L fails when the range is past the end of the file at some revision; fall back to whole-file history.
    if (startLine === undefined) return [];
    try {
      return parseLog(await runGit(['log', `-n${limit}`, FORMAT, '--name-only', '--', relative], root), [relative]);
    } catch {
      return [];
    }
  }
}

/** Default look-back of a git source before the incident window: the deploy the day before shows up. */
export const DEFAULT_SINCE = '7d';

const DURATION = /^(\d+(?:\.\d+)?)\s*(m|h|d|w)$/i;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * The ISO time history starts at: `since` as an ISO time, or as a duration (7d, 36h, 2w, 90m) before the window
 * start; never later than the window start. Undefined when `since` is neither.
 */
export function sinceTime(since: string, windowStart: string): string | undefined {
  const start = Date.parse(windowStart);
  const duration = DURATION.exec(since.trim());
  const time = duration ? start - Number(duration[1]) * (UNIT_MS[(duration[2] ?? 'd').toLowerCase()] ?? 0) : Date.parse(since);
  if (Number.isNaN(time) || Number.isNaN(start)) return undefined;
  return new Date(Math.min(time, start)).toISOString();
}

/**
 * Commits authored in [since, end] touching `paths` (all when empty); paths relative to the repository directory.
 * `since` defaults to the window start; commits authored before the window start are marked `beforeWindow`.
 */
export async function commitsInWindow(repoDir: string, paths: string[], window: { start: string; end: string }, signal?: AbortSignal, max = 5000, since: string = window.start): Promise<Commit[]> {
  // Committer time >= author time, so --since on committer time never drops a commit authored in the range.
  const args = ['log', `--max-count=${max}`, `--since=${since}`, FORMAT, '--name-only', '--no-renames'];
  if (paths.length > 0) args.push('--', ...paths);
  const from = Math.min(Date.parse(since), Date.parse(window.start));
  const start = Date.parse(window.start);
  const end = Date.parse(window.end);
  return parseLog(await runGit(args, repoDir, signal))
    .filter((commit) => {
      const time = Date.parse(commit.authorTime);
      return time >= from && time <= end;
    })
    .map((commit) => (Date.parse(commit.authorTime) < start ? { ...commit, beforeWindow: true } : commit));
}

/**
 * Configuration and code files named in the manifest (config sides and env files, code files under their root),
 * relative to the repository directory; those outside it are dropped. Use as `paths` of a git source that names none,
 * so that the history shows what changed in the files the investigation looks at.
 */
export function manifestPaths(sources: SourceSpec[], incidentDir: string, repoDir: string): string[] {
  const absolute: string[] = [];
  for (const source of sources) {
    if (source.kind === 'config') {
      for (const side of [source.left, source.right, ...source.others]) absolute.push(path.resolve(incidentDir, side.path), ...side.envFiles.map((file) => path.resolve(incidentDir, file)));
    } else if (source.kind === 'code') {
      for (const file of source.files) absolute.push(path.resolve(incidentDir, source.root, file.path));
    }
  }
  const relative = absolute.map((file) => path.relative(path.resolve(incidentDir, repoDir), file).split(path.sep).join('/'));
  return [...new Set(relative.filter((file) => file && !file.startsWith('..') && !path.isAbsolute(file)))];
}

export async function collectGit(spec: GitSourceSpec, context: CollectContext): Promise<CollectorOutput<'git'>> {
  const dir = context.resolve(spec.repository);
  if (!existsSync(dir)) throw new SourceFailure(`${spec.repository}: no such directory`, 'ENOENT', 'Set `repository:` to a directory inside a git checkout (relative to incident.yaml).');
  let root: string;
  try {
    root = (await runGit(['rev-parse', '--show-toplevel'], existingDir(dir), context.signal)).trim();
  } catch (error) {
    if (error instanceof GitError && error.code === 'git-missing') throw new SourceFailure('git is not installed', 'git-missing', 'Install git (apt-get install git) or remove the git source.');
    if (error instanceof GitError && /dubious ownership/.test(error.stderr)) {
      throw new SourceFailure(`${spec.repository}: git refuses a repository owned by another user`, 'dubious-ownership', `Run \`git config --global --add safe.directory ${dir}\`.`);
    }
    throw new SourceFailure(`${spec.repository} is not a git repository`, 'not-a-repository', 'Point `repository:` at a git checkout of the service (or run `git init`), or remove the git source.');
  }
  const warnings: string[] = [];
  let since = sinceTime(spec.since ?? DEFAULT_SINCE, context.incident.window.start);
  if (since === undefined) {
    warnings.push(`since: "${spec.since ?? ''}" is neither an ISO time nor a duration such as 7d; using ${DEFAULT_SINCE} before the window`);
    since = sinceTime(DEFAULT_SINCE, context.incident.window.start) ?? context.incident.window.start;
  }
  context.progress(`git log ${spec.paths.join(' ') || '(all paths)'} in ${root} since ${since}`);
  let commits: Commit[];
  try {
    commits = await commitsInWindow(dir, spec.paths, context.incident.window, context.signal, 5000, since);
  } catch (error) {
    const message = (error as Error).message;
    if (/does not have any commits/.test(message)) commits = [];
    else throw new SourceFailure(message, 'git-error', 'Check that the repository is readable (git log works in it).');
  }
  const evidence: GitEvidence = { repository: path.relative(context.dir, root) || '.', commits };
  return {
    evidence,
    ...(warnings.length > 0 ? { status: 'partial' as const, warnings } : {}),
    provenance: {
      description: `git log ${since} .. ${context.incident.window.end} (window from ${context.incident.window.start})${spec.paths.length ? ` -- ${spec.paths.join(' ')}` : ''}`,
      paths: [path.relative(context.dir, root) || '.'],
    },
  };
}
