// A `fracas report` killed mid-run (SIGKILL while the PDF renders) leaves the previous complete report in place.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recoverOutputs } from '../../src/lib/atomic-write.ts';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const BIN = path.join(REPO, 'bin', 'fracas.js');
const ROOT = mkdtempSync(path.join(tmpdir(), 'fracas-interrupted-'));
const DIR = path.join(ROOT, 'incident');
const groups: number[] = [];

afterAll(() => {
  for (const group of groups) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(ROOT, { recursive: true, force: true });
});

function writeIncident(title: string): void {
  mkdirSync(path.join(DIR, 'logs'), { recursive: true });
  const lines = Array.from({ length: 60 }, (_, index) =>
    JSON.stringify({ timestamp: `2026-11-20T08:${String(index % 60).padStart(2, '0')}:00Z`, level: index % 4 === 0 ? 'error' : 'info', message: `job ${index} failed: ECONNRESET` }),
  );
  writeFileSync(path.join(DIR, 'logs', 'app.jsonl'), `${lines.join('\n')}\n`);
  writeFileSync(
    path.join(DIR, 'incident.yaml'),
    [
      `id: INT-1`,
      `title: ${JSON.stringify(title)}`,
      'severity: P3',
      'environment: staging',
      'service: api',
      'window: { start: 2026-11-20T08:00:00Z, end: 2026-11-20T09:00:00Z }',
      'sources:',
      '  - { id: app-logs, kind: logs, paths: [logs/app.jsonl], format: json-lines }',
      '',
    ].join('\n'),
  );
}

/** Run the CLI in its own process group; `killWhen` SIGKILLs the whole group (CLI and Chromium) when stderr matches. */
function fracas(args: string[], killWhen?: RegExp): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env: { ...process.env, DATABASE_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  if (child.pid) groups.push(child.pid);
  let stderr = '';
  child.stdout.resume();
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (killWhen?.test(stderr) && child.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // exited meanwhile
      }
    }
  });
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
}

function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry): [string, string] => {
        const file = path.join(entry.parentPath, entry.name);
        return [path.relative(dir, file), readFileSync(file).toString('base64')];
      })
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

describe('an interrupted report run', () => {
  it('keeps the previous complete report when killed while rendering the PDF, and the next run completes', async () => {
    writeIncident('First version of the report');
    const first = await fracas(['report', DIR]);
    expect(first.code, first.stderr).toBe(0);
    const reportDir = path.join(DIR, 'report');
    const before = snapshot(reportDir);
    expect(Object.keys(before).some((name) => name.endsWith('.pdf'))).toBe(true);
    expect(Object.keys(before).some((name) => name.endsWith('.md'))).toBe(true);

    writeIncident('Second version of the report');
    const killed = await fracas(['report', DIR], /rendering PDF/);
    expect(killed.signal).toBe('SIGKILL');
    await recoverOutputs(reportDir);
    expect(snapshot(reportDir)).toEqual(before);
    // The evidence written before the kill is a complete file.
    expect(() => JSON.parse(readFileSync(path.join(DIR, 'evidence', 'evidence.json'), 'utf8'))).not.toThrow();

    const third = await fracas(['report', DIR]);
    expect(third.code, third.stderr).toBe(0);
    const after = snapshot(reportDir);
    expect(Object.keys(after).filter((name) => name.startsWith('.'))).toEqual([]);
    expect(Buffer.from(after['root-cause-report.md'] ?? '', 'base64').toString()).toContain('Second version of the report');
  }, 300_000);
});
