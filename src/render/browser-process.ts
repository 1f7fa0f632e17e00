// Chromium's lifetime tied to fracas: a profile directory named with the owner's pid, the browser's process group and crash handlers killed on any exit or signal, profiles of killed runs removed by the next run.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onExit } from 'signal-exit';

/** `<os temp dir>/fracas-chromium-<owner pid>-<random>`: the owner is in the name, so the next run knows whose it is. */
export const PROFILE_PREFIX = 'fracas-chromium-';

/** The pid a profile directory name records, or undefined for a name that is not one of ours. */
function profileOwner(name: string): number | undefined {
  if (!name.startsWith(PROFILE_PREFIX)) return undefined;
  const pid = Number(name.slice(PROFILE_PREFIX.length).split('-')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** True when a process with this id is running (or exists and may not be signalled). */
function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Processes whose command line names `dir` (Chromium and its children carry `--user-data-dir=<dir>`, its crash
 * handlers `--database=<dir>/...`). Crash handlers leave Chromium's process group (they start their own
 * session), so a group kill alone misses them. Read from /proc; where there is none, the list is empty.
 */
function processesUsing(dir: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // gone meanwhile, or not ours to read
    }
    if (args.some((arg) => arg.startsWith('--') && namesDir(arg, dir))) found.push(pid);
  }
  return found;
}

function namesDir(arg: string, dir: string): boolean {
  const at = arg.indexOf(dir);
  if (at < 0) return false;
  const next = arg[at + dir.length];
  return next === undefined || next === path.sep;
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone, or not ours
  }
}

/** Scans of /proc before giving up on processes that keep appearing, and the pause between two (a process mid-exec, such as Debian's chromium wrapper, shows no command line for a moment). */
const KILL_ROUNDS = 5;
const KILL_PAUSE_MS = 20;

/** Kill every process naming `dir`, scanning again until a scan finds none: one launched or exec'd during a scan is caught by the next. */
function killEveryUser(dir: string): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let round = 0; round < KILL_ROUNDS; round++) {
    if (round > 0) Atomics.wait(pause, 0, 0, KILL_PAUSE_MS);
    const found = processesUsing(dir);
    if (found.length === 0 && round > 0) return;
    for (const pid of found) kill(pid);
  }
}

function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
}

/**
 * Remove the profile directories of fracas runs that are no longer running (killed with SIGKILL, so nothing
 * of theirs ran on exit), first killing any process still using one. Directories of live owners stay.
 * Returns the directories removed.
 */
export function removeStaleProfiles(tmp: string = os.tmpdir()): string[] {
  let names: string[];
  try {
    names = readdirSync(tmp);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const owner = profileOwner(name);
    if (owner === undefined || processAlive(owner)) continue;
    const dir = path.join(tmp, name);
    for (const pid of processesUsing(dir)) kill(pid);
    try {
      removeDir(dir);
      removed.push(dir);
    } catch {
      // another run is removing it too, or it is not ours to remove: the next run tries again
    }
  }
  return removed;
}

export interface BrowserGuard {
  /** The profile directory Chromium is to use (`--user-data-dir`). */
  readonly profileDir: string;
  /** Chromium's pid, once launched: it leads its own process group (puppeteer spawns it detached). */
  setBrowserPid(pid: number | undefined): void;
  /** Kill what is left of the browser and remove its profile; runs once (also on exit or a signal). */
  release(): void;
}

/**
 * Make a fresh profile directory (after removing stale ones) and arrange that, however fracas ends (normal
 * exit, uncaught error, SIGINT, SIGTERM, SIGHUP ...; signal-exit hooks them and then lets the signal end the
 * process), the browser's process group and every process naming the profile are killed with SIGKILL and the
 * profile is removed. Only SIGKILL of fracas itself escapes this: then Chromium exits when its pipe to fracas
 * closes, and the next run removes the profile.
 */
export function guardBrowser(tmp: string = os.tmpdir()): BrowserGuard {
  removeStaleProfiles(tmp);
  const profileDir = mkdtempSync(path.join(tmp, `${PROFILE_PREFIX}${process.pid}-`));
  let browserPid: number | undefined;
  let released = false;
  const end = (): void => {
    if (released) return;
    released = true;
    if (browserPid !== undefined) {
      try {
        process.kill(-browserPid, 'SIGKILL');
      } catch {
        kill(browserPid); // not a group leader (or the group is gone): the process itself
      }
    }
    killEveryUser(profileDir);
    try {
      removeDir(profileDir);
    } catch {
      // left for the next run's stale-profile sweep
    }
  };
  const removeHook = onExit(() => {
    end();
  });
  return {
    profileDir,
    setBrowserPid(pid) {
      browserPid = pid;
    },
    release() {
      removeHook();
      end();
    },
  };
}
