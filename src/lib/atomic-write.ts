// Crash-safe writes: one file via temp file + fsync + rename, a set of outputs via a committed staging directory.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';

export type WriteData = string | Uint8Array | AsyncIterable<string | Uint8Array>;

const TEMP_MARK = '.tmp-';
const STAGING_PREFIX = '.fracas-staging-';
const COMMIT_FILE = 'COMMIT.json';

function tempName(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}${TEMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** True when a process with this id is running (or we may not signal it); false when it is gone. */
function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function fsyncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Not supported everywhere (some filesystems refuse fsync on a directory); the rename is still atomic.
  }
}

/** Remove temp files of `file` left by writers that are no longer running (killed mid-write). */
async function removeStaleTemps(file: string): Promise<void> {
  const dir = path.dirname(file);
  const prefix = `.${path.basename(file)}${TEMP_MARK}`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (!processAlive(pid)) await rm(path.join(dir, name), { force: true });
  }
}

/**
 * Write `data` to `file` so that readers see either the old complete file or the new complete file, never a
 * torn one: creates parent directories, writes a temp file in the same directory, fsyncs it, renames it over
 * the target and fsyncs the directory. Streams (AsyncIterable) are written chunk by chunk.
 */
export async function writeFileAtomic(file: string, data: WriteData): Promise<void> {
  const target = path.resolve(file);
  await mkdir(path.dirname(target), { recursive: true });
  await removeStaleTemps(target);
  const temp = tempName(target);
  const handle = await open(temp, 'wx', 0o644);
  try {
    try {
      if (typeof data === 'string' || data instanceof Uint8Array) {
        await handle.writeFile(data);
      } else {
        for await (const chunk of data) await handle.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await fsyncDirectory(path.dirname(target));
}

/** Synchronous writeFileAtomic for exit paths (no streams). */
export function writeFileAtomicSync(file: string, data: string | Uint8Array): void {
  const target = path.resolve(file);
  mkdirSync(path.dirname(target), { recursive: true });
  const temp = tempName(target);
  const fd = openSync(temp, 'wx', 0o644);
  try {
    try {
      const buffer = typeof data === 'string' ? Buffer.from(data) : data;
      let offset = 0;
      while (offset < buffer.length) offset += writeSync(fd, buffer, offset, buffer.length - offset);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // already gone
    }
    throw error;
  }
}

export interface OutputFile {
  /** Path relative to the output directory, e.g. `evidence/evidence.json` or `FM-028-fracas.md`. */
  path: string;
  data: WriteData;
}

interface CommitRecord {
  pid: number;
  files: string[];
  /** Outputs of an earlier run to delete as part of the same commit (e.g. a PDF this run could not render). */
  remove?: string[];
}

export interface WriteOutputsOptions {
  /** Paths (relative to the directory) to delete when the new outputs are committed, e.g. a stale PDF. */
  remove?: string[];
}

function checkRelative(dir: string, relative: string): string {
  const target = path.resolve(dir, relative);
  const inside = path.relative(dir, target);
  if (relative === '' || path.isAbsolute(relative) || inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) {
    throw new Error(`output path ${JSON.stringify(relative)} is not inside ${dir}`);
  }
  if (inside.split(path.sep)[0]?.startsWith(STAGING_PREFIX)) throw new Error(`output path ${JSON.stringify(relative)} uses a reserved name`);
  return inside;
}

/** Move every staged file of a committed staging directory into place, then remove the directory. */
async function rollForward(dir: string, staging: string, record: CommitRecord): Promise<void> {
  for (const relative of record.files) {
    const inside = checkRelative(dir, relative);
    const from = path.join(staging, inside);
    const exists = await stat(from).then(
      () => true,
      () => false,
    );
    if (!exists) continue; // already moved before the interruption
    const to = path.join(dir, inside);
    await mkdir(path.dirname(to), { recursive: true });
    await rename(from, to);
  }
  for (const relative of record.remove ?? []) {
    if (record.files.includes(relative)) continue;
    await rm(path.join(dir, checkRelative(dir, relative)), { force: true });
  }
  await fsyncDirectory(dir);
  await rm(staging, { recursive: true, force: true });
}

/**
 * Finish or discard what an interrupted writeOutputsAtomic left in `dir`: a staging directory with a commit
 * record is moved into place (all its files were complete), one without is deleted (the previous outputs are
 * untouched). Staging directories of running processes are left alone. Returns the directories handled.
 */
export async function recoverOutputs(dir: string): Promise<string[]> {
  const root = path.resolve(dir);
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return [];
  }
  const handled: string[] = [];
  for (const name of names.filter((entry) => entry.startsWith(STAGING_PREFIX)).sort()) {
    const pid = Number(name.slice(STAGING_PREFIX.length).split('-')[0]);
    if (pid !== process.pid && processAlive(pid)) continue;
    const staging = path.join(root, name);
    let record: CommitRecord | undefined;
    try {
      const parsed = JSON.parse(await readFile(path.join(staging, COMMIT_FILE), 'utf8')) as Partial<CommitRecord>;
      const remove = Array.isArray(parsed.remove) ? parsed.remove.filter((file): file is string => typeof file === 'string') : [];
      if (Array.isArray(parsed.files) && parsed.files.every((file) => typeof file === 'string')) record = { pid, files: parsed.files, remove };
    } catch {
      record = undefined;
    }
    if (record) await rollForward(root, staging, record);
    else await rm(staging, { recursive: true, force: true });
    handled.push(name);
  }
  return handled;
}

/**
 * Replace a set of outputs all-or-nothing: every file is written and fsynced into
 * `<dir>/.fracas-staging-<pid>-<random>/`, then a commit record is written, then each file is renamed into
 * place. Killed before the commit record: the previous outputs stay as they were (the next call deletes the
 * staging directory). Killed after it: the next call (or `recoverOutputs`) finishes the renames, so the
 * outputs are never a mix of two runs once recovered. `remove` deletes earlier outputs in the same commit
 * (instead of before it), so a stale file disappears exactly when the new set is in place.
 */
export async function writeOutputsAtomic(dir: string, files: OutputFile[], options: WriteOutputsOptions = {}): Promise<void> {
  const root = path.resolve(dir);
  await mkdir(root, { recursive: true });
  await recoverOutputs(root);
  const relatives = files.map((file) => checkRelative(root, file.path));
  const remove = (options.remove ?? []).map((file) => checkRelative(root, file));
  if (new Set(relatives).size !== relatives.length) throw new Error('writeOutputsAtomic: the same output path is given twice');
  const staging = path.join(root, `${STAGING_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(staging);
  try {
    for (const [index, file] of files.entries()) {
      await writeFileAtomic(path.join(staging, relatives[index] as string), file.data);
    }
    const record: CommitRecord = { pid: process.pid, files: relatives, remove };
    await writeFileAtomic(path.join(staging, COMMIT_FILE), JSON.stringify(record));
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  await rollForward(root, staging, { pid: process.pid, files: relatives, remove });
}
