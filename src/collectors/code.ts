// Code evidence: excerpts of named files and of stack-trace frames, plus the commits that touched them.
import { statSync } from 'node:fs';
import { globSync } from 'tinyglobby';
import path from 'node:path';
import type { CodeEvidence, CodeExcerpt, Commit } from '../evidence/schema.ts';
import type { CodeSourceSpec } from '../manifest/index.ts';
import { readRegularFileSync } from './read-file.ts';
import { commitsTouching, repositoryRoot } from './git.ts';
import { SourceFailure, type CollectContext, type CollectorOutput } from './types.ts';

/** Whole files named without a line range are cut at this many lines. */
const MAX_WHOLE_FILE_LINES = 400;

export interface StackFrame {
  file: string;
  line: number;
  column?: number;
  function?: string;
  language: 'python' | 'node';
}

const PYTHON_FRAME = /File "([^"]+)", line (\d+)(?:, in ([^\s]+))?/g;
const NODE_FRAME = /^\s*at (?:(?:async )?(.+?) \()?((?:file:\/\/)?(?:[A-Za-z]:)?[^\s():]+):(\d+):(\d+)\)?\s*$/gm;

/** Stack frames of Python tracebacks and Node.js stacks in a log message, in the order they appear. */
export function extractStackFrames(message: string): StackFrame[] {
  const frames: { index: number; frame: StackFrame }[] = [];
  for (const match of message.matchAll(PYTHON_FRAME)) {
    frames.push({ index: match.index ?? 0, frame: { file: match[1] ?? '', line: Number(match[2]), function: match[3], language: 'python' } });
  }
  for (const match of message.matchAll(NODE_FRAME)) {
    const file = (match[2] ?? '').replace(/^file:\/\//, '');
    if (file.startsWith('node:') || file.includes('node_modules/') || file === 'native' || file.startsWith('<')) continue;
    frames.push({ index: match.index ?? 0, frame: { file, line: Number(match[3]), column: Number(match[4]), function: match[1], language: 'node' } });
  }
  return frames.sort((a, b) => a.index - b.index).map(({ frame }) => frame);
}

const SKIP_DIRS = new Set(['.git', 'node_modules', '__pycache__', '.venv', 'venv', 'dist', 'build', '.tox', '.mypy_cache']);

/** Files under root (relative, `/`-separated, sorted), skipping VCS, dependency and build directories and never following links; capped. */
export function listFiles(root: string, max = 50_000): string[] {
  let found: string[];
  try {
    found = globSync('**/*', { cwd: root, dot: true, onlyFiles: true, followSymbolicLinks: false, expandDirectories: false, ignore: [...SKIP_DIRS].map((name) => `**/${name}/**`) });
  } catch {
    return [];
  }
  return found.sort().slice(0, max);
}

/** The file under root whose path shares the longest suffix (whole segments) with the frame's path. */
export function matchFrameFile(frameFile: string, files: string[]): string | undefined {
  const frameParts = frameFile.replace(/\\/g, '/').split('/').filter(Boolean);
  let best: { file: string; score: number } | undefined;
  for (const file of files) {
    const parts = file.split('/');
    let score = 0;
    while (score < parts.length && score < frameParts.length && parts[parts.length - 1 - score] === frameParts[frameParts.length - 1 - score]) score += 1;
    if (score > 0 && (!best || score > best.score || (score === best.score && file.length < best.file.length))) best = { file, score };
  }
  return best?.file;
}

/** Lines of a regular file (FIFOs, devices and huge files are refused, never opened blocking). */
function readLines(file: string): string[] {
  return readRegularFileSync(file).replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
}

/**
 * Map stack frames to files under root (longest matching path suffix) and excerpt `contextLines` lines around each
 * failing line. Frames that match no file are skipped; duplicate frames give one excerpt.
 */
export function resolveStackFrames(frames: { file: string; line: number }[], root: string, contextLines = 5, files: string[] = listFiles(root)): CodeExcerpt[] {
  const excerpts: CodeExcerpt[] = [];
  const seen = new Set<string>();
  for (const frame of frames) {
    const match = matchFrameFile(frame.file, files);
    if (!match) continue;
    const key = `${match}:${frame.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    let lines: string[];
    try {
      lines = readLines(path.join(root, match));
    } catch {
      continue;
    }
    if (frame.line < 1 || frame.line > lines.length) continue;
    const startLine = Math.max(1, frame.line - contextLines);
    const endLine = Math.min(lines.length, frame.line + contextLines);
    excerpts.push({ path: match, startLine, endLine, lines: lines.slice(startLine - 1, endLine), reason: `stack frame ${frame.file}:${frame.line}` });
  }
  return excerpts;
}

/** "40-310" -> [40, 310]; "12" -> [12, 12]; undefined -> whole file. */
export function parseLineRange(range: string | undefined): [number, number] | undefined {
  if (!range) return undefined;
  const [start, end] = range.split('-').map(Number);
  if (start === undefined || Number.isNaN(start)) return undefined;
  return [start, end === undefined || Number.isNaN(end) ? start : end];
}

export async function collectCode(spec: CodeSourceSpec, context: CollectContext): Promise<CollectorOutput<'code'>> {
  const root = context.resolve(spec.root);
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new SourceFailure(`${spec.root}: no such directory`, 'ENOENT', 'Set `root:` to the checkout of the service (relative to incident.yaml).');
  const warnings: string[] = [];
  let missing = 0;
  const excerpts: CodeExcerpt[] = [];
  const read: { file: string; range?: [number, number] }[] = [];
  for (const file of spec.files) {
    context.progress(`reading ${file.path}`);
    let lines: string[];
    try {
      lines = readLines(path.resolve(root, file.path));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      warnings.push(`${file.path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message} (under ${spec.root})`);
      missing += 1;
      continue;
    }
    const range = parseLineRange(file.lines);
    let [start, end] = range ?? [1, Math.min(lines.length, MAX_WHOLE_FILE_LINES)];
    if (!range && lines.length > MAX_WHOLE_FILE_LINES) warnings.push(`${file.path}: ${lines.length} lines, excerpted 1-${MAX_WHOLE_FILE_LINES} (give \`lines:\` to choose)`);
    if (start > lines.length) {
      warnings.push(`${file.path}: lines ${file.lines} are past the end of the file (${lines.length} lines)`);
      missing += 1;
      continue;
    }
    if (end > lines.length) {
      warnings.push(`${file.path}: lines ${file.lines} cut at the end of the file (${lines.length} lines)`);
      end = lines.length;
    }
    start = Math.max(1, start);
    excerpts.push({ path: file.path, startLine: start, endLine: end, lines: lines.slice(start - 1, end), reason: file.why ?? 'named in the manifest' });
    read.push({ file: file.path, range: range ? [start, end] : undefined });
  }
  const commits: Commit[] = [];
  if (read.length > 0 && (await repositoryRoot(root))) {
    const byHash = new Map<string, Commit>();
    for (const item of read) {
      for (const commit of await commitsTouching(root, item.file, item.range?.[0], item.range?.[1], 10)) {
        const known = byHash.get(commit.hash);
        if (known) known.files = [...new Set([...known.files, ...commit.files])];
        else {
          byHash.set(commit.hash, commit);
          commits.push(commit);
        }
      }
    }
    commits.sort((a, b) => b.authorTime.localeCompare(a.authorTime));
  }
  const evidence: CodeEvidence = { root: path.relative(context.dir, root) || '.', excerpts, commits };
  return {
    evidence,
    status: missing > 0 ? 'partial' : 'ok',
    warnings,
    provenance: {
      description: `code under ${spec.root}: ${spec.files.map((file) => `${file.path}${file.lines ? `:${file.lines}` : ''}`).join(', ') || '(stack frames only)'}`,
      paths: spec.files.map((file) => path.relative(context.dir, path.resolve(root, file.path))),
    },
  };
}
