// Test helpers: run the fracas command line in-process or as a child process, with captured stdout and stderr.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { main } from '../../src/cli.ts';

export interface RunResult {
  code: number;
  out: string;
  err: string;
}

/** Output sinks that collect what a run writes to stdout and stderr (stderr is not a terminal). */
export function captureStreams() {
  let out = '';
  let err = '';
  return {
    out: {
      write: (text: string) => {
        out += text;
        return true;
      },
    } as unknown as NodeJS.WritableStream,
    err: {
      write: (text: string) => {
        err += text;
        return true;
      },
      isTTY: false,
    } as unknown as NodeJS.WriteStream,
    stdout: () => out,
    stderr: () => err,
  };
}

export async function runCli(...args: string[]): Promise<RunResult> {
  const io = captureStreams();
  const code = await main(['node', 'fracas', ...args], io);
  return { code, out: io.stdout(), err: io.stderr() };
}

const REPO = path.resolve(import.meta.dirname, '..', '..');
const BIN = path.join(REPO, 'bin', 'fracas.js');

/**
 * Runs `bin/fracas.js` as a child process from the repository root, without a database URL unless `env` gives one.
 * Asynchronous, so that local servers the test runs keep answering while the CLI works.
 */
export function runCliProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env: { ...process.env, DATABASE_URL: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

/** Writes an incident directory from a map of relative paths to contents. */
export function writeIncidentFiles(dir: string, files: Record<string, string>): void {
  for (const [relative, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
    writeFileSync(path.join(dir, relative), text);
  }
}
