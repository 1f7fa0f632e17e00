// Read one side of a configuration comparison: a file, a directory of files, or either at a git revision.
import { statSync } from 'node:fs';
import path from 'node:path';
import { globSync } from 'tinyglobby';
import type { ConfigSideSpec } from '../../manifest/index.ts';
import { existingDir, type GitError, runGit } from '../git.ts';
import { checkRegularFile, readRegularFile } from '../read-file.ts';

export interface SideFile {
  /** Name used to pair files across sides: the path relative to the side's directory (or the file's base name). */
  name: string;
  /** Shown in the report: relative to the incident directory, `REV:path` for revisions. */
  display: string;
  read(): Promise<string>;
}

export interface SideListing {
  label: string;
  kind: 'file' | 'dir' | 'missing';
  /** Display path of the side itself. */
  display: string;
  files: SideFile[];
  /** Why the side is missing (no such file, unknown revision). */
  problem?: string;
  /** Something the comparison should warn about (e.g. files cut past MAX_SIDE_FILES). */
  note?: string;
}

const CONFIG_FILE = /\.(ya?ml|json|env)$|^\.env(\..+)?$/i;
const SKIP_DIRS = new Set(['.git', 'node_modules', '__pycache__', '.venv']);

/** Files compared per directory side; a larger tree is cut (sorted by name) with a note. */
export const MAX_SIDE_FILES = 1_000;

/** Configuration files under a directory (relative, `/`-separated), skipping SKIP_DIRS and never following links. */
function walk(dir: string): string[] {
  const found = globSync('**/*', {
    cwd: dir,
    dot: true,
    onlyFiles: true,
    followSymbolicLinks: false,
    expandDirectories: false,
    ignore: [...SKIP_DIRS].map((name) => `**/${name}/**`),
  });
  return found.filter((name) => CONFIG_FILE.test(path.posix.basename(name)));
}

/** At most MAX_SIDE_FILES names, sorted, and a note when there were more. */
function capped(names: string[], shown: string): { names: string[]; note?: string } {
  const sorted = [...names].sort();
  if (sorted.length <= MAX_SIDE_FILES) return { names: sorted };
  return { names: sorted.slice(0, MAX_SIDE_FILES), note: `${shown}: more than ${MAX_SIDE_FILES} configuration files; compared ${MAX_SIDE_FILES} of them` };
}

function display(incidentDir: string, absolute: string): string {
  return path.relative(incidentDir, absolute).split(path.sep).join('/') || '.';
}

async function listAtRevision(side: ConfigSideSpec, absolute: string, incidentDir: string): Promise<SideListing> {
  const rev = side.rev as string;
  const cwd = existingDir(absolute);
  const shown = `${rev}:${display(incidentDir, absolute)}`;
  // A revision is passed to git as an argument: never let it read as an option.
  if (!/^[^-\s][^\s]*$/.test(rev)) return { label: side.label, kind: 'missing', display: shown, files: [], problem: `"${rev}" is not a git revision` };
  let root: string;
  try {
    root = (await runGit(['rev-parse', '--show-toplevel'], cwd)).trim();
  } catch (error) {
    return { label: side.label, kind: 'missing', display: shown, files: [], problem: `not in a git repository (${(error as GitError).message})` };
  }
  const relative = path.relative(root, absolute).split(path.sep).join('/');
  let type: string;
  try {
    type = (await runGit(['cat-file', '-t', `${rev}:${relative}`], root)).trim();
  } catch (error) {
    return { label: side.label, kind: 'missing', display: shown, files: [], problem: `not found at revision ${rev} (${(error as GitError).message})` };
  }
  const show = (file: string) => () => runGit(['show', `${rev}:${file}`], root);
  if (type === 'blob') return { label: side.label, kind: 'file', display: shown, files: [{ name: path.posix.basename(relative), display: shown, read: show(relative) }] };
  const listed = (await runGit(['ls-tree', '-r', '--name-only', rev, '--', relative || '.'], root)).split('\n').filter((name) => name && CONFIG_FILE.test(path.posix.basename(name)));
  const { names, note } = capped(listed, shown);
  return {
    label: side.label,
    kind: 'dir',
    display: shown,
    ...(note ? { note } : {}),
    files: names.map((name) => {
      const inner = relative ? path.posix.relative(relative, name) : name;
      return { name: inner, display: `${rev}:${display(incidentDir, path.join(root, name))}`, read: show(name) };
    }),
  };
}

/** List the files of a side; a missing path is a listing of kind `missing`, never a throw. */
export async function listSide(side: ConfigSideSpec, incidentDir: string): Promise<SideListing> {
  const absolute = path.resolve(incidentDir, side.path);
  if (side.rev) return listAtRevision(side, absolute, incidentDir);
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(absolute);
  } catch (error) {
    return {
      label: side.label,
      kind: 'missing',
      display: display(incidentDir, absolute),
      files: [],
      problem: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message,
    };
  }
  const read = (file: string) => () => readRegularFile(file);
  if (stats.isDirectory()) {
    const { names, note } = capped(walk(absolute), display(incidentDir, absolute));
    return {
      label: side.label,
      kind: 'dir',
      display: display(incidentDir, absolute),
      ...(note ? { note } : {}),
      files: names.map((name) => ({ name, display: display(incidentDir, path.join(absolute, name)), read: read(path.join(absolute, name)) })),
    };
  }
  try {
    // A FIFO, socket or device would block (or never end) on read: refuse it by type, before opening it.
    checkRegularFile(stats);
  } catch (error) {
    return { label: side.label, kind: 'missing', display: display(incidentDir, absolute), files: [], problem: (error as Error).message };
  }
  return { label: side.label, kind: 'file', display: display(incidentDir, absolute), files: [{ name: path.basename(absolute), display: display(incidentDir, absolute), read: read(absolute) }] };
}
