// One run per incident directory: a lock (proper-lockfile) held for the run, naming its holder to a second run.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';

/** A second run found the directory locked: a usage-class error (exit code 1) that names the holder. */
class IncidentLockedError extends Error {
  override name = 'UsageError';
  readonly code = 'ELOCKED';
}

const LOCK_NAME = '.fracas.lock';
/** A lock not refreshed for this long belongs to a run that was killed: it is taken over. */
const STALE_MS = 10_000;

interface Holder {
  pid: number;
  host: string;
  since: string;
  command: string;
}

/** Beside the lock directory, not in it: proper-lockfile removes a stale lock with rmdir, which needs it empty. */
const holderFile = (lockDir: string): string => `${lockDir}.holder.json`;

function readHolder(lockDir: string): Holder | undefined {
  try {
    return JSON.parse(readFileSync(holderFile(lockDir), 'utf8')) as Holder;
  } catch {
    return undefined;
  }
}

/** The holder ran on this machine and its process is gone (killed): its lock is taken over at once. */
function holderIsDead(lockDir: string): boolean {
  const holder = readHolder(lockDir);
  if (holder === undefined || holder.host !== os.hostname() || holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function describeHolder(lockDir: string): string {
  try {
    const holder = JSON.parse(readFileSync(holderFile(lockDir), 'utf8')) as Holder;
    return `process ${holder.pid} on ${holder.host} (${holder.command}, since ${holder.since})`;
  } catch {
    return 'another fracas run (its holder file is not readable yet)';
  }
}

/** Lock an incident directory for this run; returns the release function. Throws IncidentLockedError when held. */
export async function lockIncident(dir: string, command: string): Promise<() => Promise<void>> {
  const lockDir = path.join(dir, LOCK_NAME);
  let release: () => Promise<void>;
  const options = { lockfilePath: lockDir, stale: STALE_MS, update: STALE_MS / 2, realpath: false, retries: 0 };
  try {
    release = await lockfile.lock(dir, options).catch(async (error: unknown) => {
      if ((error as { code?: string }).code !== 'ELOCKED' || !holderIsDead(lockDir)) throw error;
      rmSync(lockDir, { recursive: true, force: true });
      rmSync(holderFile(lockDir), { force: true });
      return lockfile.lock(dir, options);
    });
  } catch (error) {
    if ((error as { code?: string }).code !== 'ELOCKED') throw error;
    throw new IncidentLockedError(`incident directory ${dir} is in use by ${describeHolder(lockDir)}: wait for that run to finish (the lock of a run that was killed is taken over)`);
  }
  const holder: Holder = { pid: process.pid, host: os.hostname(), since: new Date().toISOString(), command };
  try {
    writeFileSync(holderFile(lockDir), JSON.stringify(holder));
  } catch {
    // The lock holds without the holder file; a second run then says so.
  }
  return async () => {
    rmSync(holderFile(lockDir), { force: true });
    await release().catch(() => undefined);
  };
}
