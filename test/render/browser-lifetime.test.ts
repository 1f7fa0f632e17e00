// Chromium ends with fracas: SIGTERM, SIGINT, SIGHUP and an uncaught error leave no browser process, crash handler or profile behind and no half-written PDF; after kill -9 the next run removes the stale profile and renders.
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBrowser } from '../../src/render.ts';
import { PROFILE_PREFIX, removeStaleProfiles } from '../../src/render/browser-process.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SAMPLE = path.join(ROOT, 'docs/incidents/fm_028');
const BIN = path.join(ROOT, 'bin/fracas.js');

interface ProcessInfo {
  pid: number;
  pgid: number;
  state: string;
  args: string[];
}

const PF_EXITING = 0x4;
const SIGKILL_BIT = 1n << 8n;

/** SIGKILL is pending for the process (sent, not yet acted on). */
function killPending(pid: string): boolean {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return [...status.matchAll(/^(?:SigPnd|ShdPnd):\s*([0-9a-f]+)$/gm)].some((match) => (BigInt(`0x${match[1]}`) & SIGKILL_BIT) !== 0n);
}

/**
 * Every live process, read from /proc independently of the code under test. Ended ones do not count: zombies,
 * and processes already exiting or with SIGKILL pending (a killed process with a large address space takes a
 * moment to go; one that was not killed has neither).
 */
function processes(): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid pgrp session tty tpgid flags ...: comm may contain spaces and parentheses, so split after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const state = fields[0] ?? '';
      if (state === 'Z' || state === 'X') continue;
      if ((Number(fields[6]) & PF_EXITING) !== 0 || killPending(entry)) continue;
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      found.push({ pid: Number(entry), pgid: Number(fields[2]), state, args });
    } catch {
      // exited while being read
    }
  }
  return found;
}

/** Processes whose command line mentions `text` (Chromium's --user-data-dir, its crash handlers' --database). */
const mentioning = (text: string) => processes().filter((info) => info.args.some((arg) => arg.includes(text)));

/** Resolve when `condition` holds (checked every 50 ms); fail after `limitMs` so a broken run cannot hang the test. */
async function until<T>(what: string, condition: () => T | undefined, limitMs = 60_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = condition();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface Run {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

function startRender(incident: string, tmp: string, env: NodeJS.ProcessEnv = {}): Run {
  const child = spawn(process.execPath, [BIN, 'render', incident, '--format', 'pdf'], {
    cwd: ROOT,
    env: { ...process.env, TMPDIR: tmp, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
  return { child, exited };
}

/** The profile prefix of one fracas process inside the scratch temp dir. */
const profilePrefixOf = (tmp: string, pid: number) => path.join(tmp, `${PROFILE_PREFIX}${pid}-`);

/** Wait until the run's Chromium is up (a process with --user-data-dir in its profile); returns its process group. */
async function browserGroup(run: Run, tmp: string): Promise<number> {
  const prefix = `--user-data-dir=${profilePrefixOf(tmp, run.child.pid as number)}`;
  let exitedEarly = false;
  void run.exited.then(() => {
    exitedEarly = true;
  });
  return until('Chromium of the run to start', () => {
    if (exitedEarly) throw new Error('fracas exited before Chromium started');
    return processes().find((info) => info.args.some((arg) => arg.startsWith(prefix)))?.pgid;
  });
}

function profileDirs(tmp: string): string[] {
  return readdirSync(tmp).filter((name) => name.startsWith(PROFILE_PREFIX));
}

/** Every PDF in the report directory is complete, and no temporary or staging file of a write is left. */
function expectNoTornOutput(reportDir: string): void {
  if (!existsSync(reportDir)) return;
  const names = readdirSync(reportDir, { recursive: true }).map(String);
  expect(names.filter((name) => name.includes('.tmp-') || name.includes('.fracas-staging-'))).toEqual([]);
  for (const name of names.filter((entry) => entry.endsWith('.pdf'))) {
    const pdf = readFileSync(path.join(reportDir, name));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-1024).toString('latin1')).toContain('%%EOF');
  }
}

describe('Chromium lifetime', () => {
  let scratch: string;
  let incident: string;

  beforeAll(() => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'fracas-lifetime-'));
    incident = path.join(scratch, 'fm_028');
    cpSync(SAMPLE, incident, { recursive: true });
    rmSync(path.join(incident, 'report'), { recursive: true, force: true });
  });

  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    it(`${signal} to fracas mid-render ends Chromium's process group and crash handlers, removes the profile, writes no torn PDF`, async () => {
      const tmp = mkdtempSync(path.join(scratch, 'tmp-'));
      const run = startRender(incident, tmp);
      const group = await browserGroup(run, tmp);
      expect(group).toBeGreaterThan(1);
      run.child.kill(signal);
      const result = await run.exited;
      // The signal ends fracas (re-raised after the cleanup), not a normal exit that went on rendering.
      expect(result.signal).toBe(signal);
      // Checked at once: Chromium would also quit later by itself when its pipe closes, so only an immediate look
      // shows that fracas ended it.
      expect(processes().filter((info) => info.pgid === group)).toEqual([]);
      expect(mentioning(tmp)).toEqual([]);
      expect(profileDirs(tmp)).toEqual([]);
      expectNoTornOutput(path.join(incident, 'report'));
    }, 120_000);
  }

  it('PUPPETEER_EXECUTABLE_PATH is honoured, and a browser wrapper that does not exec is ended with its whole group', async () => {
    const tmp = mkdtempSync(path.join(scratch, 'tmp-'));
    const wrapper = path.join(scratch, 'chromium-wrapper.sh');
    // A shell that stays the group leader and runs Chromium as its child: killing the leader alone would leave Chromium.
    writeFileSync(wrapper, `#!/bin/sh\n${findBrowser()} "$@"\nexit $?\n`, { mode: 0o755 });
    const run = startRender(incident, tmp, { PUPPETEER_EXECUTABLE_PATH: wrapper });
    const group = await browserGroup(run, tmp);
    const leader = processes().find((info) => info.pid === group);
    expect(leader?.args.join(' ')).toContain(wrapper);
    run.child.kill('SIGTERM');
    await run.exited;
    expect(processes().filter((info) => info.pgid === group)).toEqual([]);
    expect(mentioning(tmp)).toEqual([]);
    expect(profileDirs(tmp)).toEqual([]);
  }, 120_000);

  it('kill -9 of fracas leaves its profile; the next run removes it and renders the PDF', async () => {
    const tmp = mkdtempSync(path.join(scratch, 'tmp-'));
    const killed = startRender(incident, tmp);
    await browserGroup(killed, tmp);
    killed.child.kill('SIGKILL');
    await killed.exited;
    const stale = profileDirs(tmp);
    expect(stale).toHaveLength(1);
    expect(stale[0]?.startsWith(`${PROFILE_PREFIX}${killed.child.pid}-`)).toBe(true);

    const second = startRender(incident, tmp);
    await browserGroup(second, tmp);
    // The second run swept the stale profile before starting its own browser.
    expect(existsSync(path.join(tmp, stale[0] as string))).toBe(false);
    const result = await second.exited;
    expect(result.signal).toBeNull();
    expect([0, 2]).toContain(result.code);
    const pdf = readFileSync(path.join(incident, 'report', 'FM-028.pdf'));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expectNoTornOutput(path.join(incident, 'report'));
    expect(profileDirs(tmp)).toEqual([]);
    expect(mentioning(tmp)).toEqual([]);
  }, 180_000);

  it('an uncaught error in fracas ends Chromium and removes the profile', async () => {
    const tmp = mkdtempSync(path.join(scratch, 'tmp-'));
    const script = path.join(scratch, 'throws.mts');
    writeFileSync(
      script,
      `import { launchPdfRenderer } from ${JSON.stringify(path.join(ROOT, 'src/render.ts'))};\n` + 'await launchPdfRenderer();\nprocess.stdin.once("data", () => { throw new Error("boom"); });\n',
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, env: { ...process.env, TMPDIR: tmp }, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const group = await browserGroup({ child, exited: exited.then((code) => ({ code, signal: null, stderr })) }, tmp);
    child.stdin?.write('throw\n');
    expect(await exited).toBe(1);
    expect(stderr).toContain('boom');
    expect(processes().filter((info) => info.pgid === group)).toEqual([]);
    expect(mentioning(tmp)).toEqual([]);
    expect(profileDirs(tmp)).toEqual([]);
  }, 120_000);

  it('the stale-profile sweep removes directories of dead owners only', async () => {
    const tmp = mkdtempSync(path.join(scratch, 'tmp-'));
    const gone = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => gone.on('exit', resolve));
    const dead = path.join(tmp, `${PROFILE_PREFIX}${gone.pid}-abc123`);
    const live = path.join(tmp, `${PROFILE_PREFIX}${process.ppid}-def456`);
    const other = path.join(tmp, 'fracas-chromium-notapid');
    for (const dir of [dead, live, other]) mkdirSync(path.join(dir, 'Default'), { recursive: true });
    expect(removeStaleProfiles(tmp)).toEqual([dead]);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(other)).toBe(true);
  });
});
