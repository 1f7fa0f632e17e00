// Tests for src/lib/atomic-write.ts: complete replacement, no torn files, and a writer killed mid-write leaves the old outputs.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recoverOutputs, writeFileAtomic, writeFileAtomicSync, writeOutputsAtomic } from '../../src/lib/atomic-write.ts';

const ROOT = mkdtempSync(path.join(tmpdir(), 'fracas-atomic-'));
const MODULE = path.resolve(import.meta.dirname, '..', '..', 'src', 'lib', 'atomic-write.ts');
const REPO = path.resolve(import.meta.dirname, '..', '..');
afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

let counter = 0;
function freshDir(): string {
  counter += 1;
  const dir = path.join(ROOT, `case-${counter}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Every file below `dir`, relative, sorted (hidden ones included). */
function listAll(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

/**
 * Run `body` in a child process that imports atomic-write.ts; it prints READY when it is in the middle of a
 * write and then waits. Resolves with the child's pid after it was killed with SIGKILL.
 */
async function killMidWrite(body: string): Promise<number> {
  const script = path.join(freshDir(), 'writer.mts');
  writeFileSync(
    script,
    [
      `import { writeFileAtomic, writeOutputsAtomic } from ${JSON.stringify(MODULE)};`,
      'void writeFileAtomic; void writeOutputsAtomic;',
      'setInterval(() => undefined, 1000);',
      'async function* stalled(first: string): AsyncGenerator<string> {',
      '  yield first;',
      '  process.stdout.write("READY\\n");',
      '  await new Promise(() => undefined);',
      '}',
      'void stalled;',
      body,
    ].join('\n'),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('READY')) resolve();
    });
    child.on('exit', () => reject(new Error(`writer exited before it was mid-write: ${stderr}`)));
  });
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return child.pid ?? -1;
}

describe('writeFileAtomic', () => {
  it('creates parent directories and writes the whole content', async () => {
    const file = path.join(freshDir(), 'a', 'b', 'report.md');
    await writeFileAtomic(file, '# Report\n');
    expect(readFileSync(file, 'utf8')).toBe('# Report\n');
    await writeFileAtomic(file, new TextEncoder().encode('second'));
    expect(readFileSync(file, 'utf8')).toBe('second');
    expect(listAll(path.dirname(file))).toEqual(['report.md']);
  });

  it('writes streams chunk by chunk', async () => {
    const file = path.join(freshDir(), 'evidence.json');
    async function* chunks(): AsyncGenerator<string | Uint8Array> {
      yield '{"a":';
      yield Buffer.from('1}');
    }
    await writeFileAtomic(file, chunks());
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ a: 1 });
  });

  it('leaves one complete version when many writers race', async () => {
    const file = path.join(freshDir(), 'race.txt');
    const versions = Array.from({ length: 20 }, (_, index) => `${String(index).padStart(2, '0')}:${'x'.repeat(50_000)}`);
    await Promise.all(versions.map((version) => writeFileAtomic(file, version)));
    expect(versions).toContain(readFileSync(file, 'utf8'));
    expect(listAll(path.dirname(file))).toEqual(['race.txt']);
  });

  it('removes its temp file and keeps the old content when the stream fails', async () => {
    const file = path.join(freshDir(), 'report.md');
    await writeFileAtomic(file, 'previous');
    async function* failing(): AsyncGenerator<string> {
      yield 'partial';
      throw new Error('renderer crashed');
    }
    await expect(writeFileAtomic(file, failing())).rejects.toThrow('renderer crashed');
    expect(readFileSync(file, 'utf8')).toBe('previous');
    expect(listAll(path.dirname(file))).toEqual(['report.md']);
  });

  it('has a synchronous variant', () => {
    const file = path.join(freshDir(), 'x', 'sync.txt');
    writeFileAtomicSync(file, 'sync');
    expect(readFileSync(file, 'utf8')).toBe('sync');
  });

  it('keeps the previous file intact when the writer is killed mid-write (SIGKILL)', async () => {
    const dir = freshDir();
    const file = path.join(dir, 'FM-028-fracas.md');
    await writeFileAtomic(file, '# previous complete report\n');
    await killMidWrite(`await writeFileAtomic(${JSON.stringify(file)}, stalled('# new report, first half'));`);
    expect(readFileSync(file, 'utf8')).toBe('# previous complete report\n');
    // The killed writer really was mid-write: its temp file holds the first half.
    const temps = readdirSync(dir).filter((name) => name.includes('.tmp-'));
    expect(temps).toHaveLength(1);
    expect(readFileSync(path.join(dir, temps[0] as string), 'utf8')).toBe('# new report, first half');
    // The next write cleans up after the dead writer.
    await writeFileAtomic(file, '# next report\n');
    expect(readFileSync(file, 'utf8')).toBe('# next report\n');
    expect(readdirSync(dir)).toEqual(['FM-028-fracas.md']);
  });
});

describe('writeOutputsAtomic', () => {
  it('writes a set of outputs into place and leaves nothing behind', async () => {
    const dir = freshDir();
    await writeOutputsAtomic(dir, [
      { path: 'evidence/evidence.json', data: '{}' },
      { path: 'FM-028-fracas.md', data: '# r' },
      { path: 'FM-028-fracas.pdf', data: new Uint8Array([37, 80, 68, 70]) },
    ]);
    expect(listAll(dir)).toEqual(['FM-028-fracas.md', 'FM-028-fracas.pdf', path.join('evidence', 'evidence.json')].sort());
    expect(readFileSync(path.join(dir, 'FM-028-fracas.pdf'), 'latin1')).toBe('%PDF');
  });

  it('removes stale outputs in the same commit, never before it', async () => {
    const dir = freshDir();
    await writeOutputsAtomic(dir, [
      { path: 'report.md', data: 'old' },
      { path: 'report.pdf', data: 'old pdf' },
    ]);
    await writeOutputsAtomic(dir, [{ path: 'report.md', data: 'new' }], { remove: ['report.pdf', 'never-existed.svg'] });
    expect(listAll(dir)).toEqual(['report.md']);
    expect(readFileSync(path.join(dir, 'report.md'), 'utf8')).toBe('new');
    await expect(writeOutputsAtomic(dir, [], { remove: ['../outside.md'] })).rejects.toThrow(/not inside/);
  });

  it('refuses paths outside the directory and duplicates', async () => {
    const dir = freshDir();
    await expect(writeOutputsAtomic(dir, [{ path: '../escape.md', data: 'x' }])).rejects.toThrow(/not inside/);
    await expect(writeOutputsAtomic(dir, [{ path: '/etc/passwd', data: 'x' }])).rejects.toThrow(/not inside/);
    await expect(
      writeOutputsAtomic(dir, [
        { path: 'a.md', data: 'x' },
        { path: './a.md', data: 'y' },
      ]),
    ).rejects.toThrow(/twice/);
    expect(existsSync(path.join(dir, '..', 'escape.md'))).toBe(false);
    expect(listAll(dir)).toEqual([]);
  });

  it('keeps all previous outputs when the run is killed while staging, and recovery discards the stage', async () => {
    const dir = freshDir();
    await writeOutputsAtomic(dir, [
      { path: 'report.md', data: 'old report' },
      { path: 'evidence/evidence.json', data: '{"old":true}' },
    ]);
    await killMidWrite(`await writeOutputsAtomic(${JSON.stringify(dir)}, [{ path: 'evidence/evidence.json', data: '{"new":true}' }, { path: 'report.md', data: stalled('new rep') }]);`);
    expect(readFileSync(path.join(dir, 'report.md'), 'utf8')).toBe('old report');
    expect(readFileSync(path.join(dir, 'evidence', 'evidence.json'), 'utf8')).toBe('{"old":true}');
    expect(readdirSync(dir).some((name) => name.startsWith('.fracas-staging-'))).toBe(true);
    expect(await recoverOutputs(dir)).toHaveLength(1);
    expect(listAll(dir)).toEqual(['report.md', path.join('evidence', 'evidence.json')].sort());
    expect(readFileSync(path.join(dir, 'evidence', 'evidence.json'), 'utf8')).toBe('{"old":true}');
  });

  it('finishes a committed stage of a run that was killed while renaming', async () => {
    const dir = freshDir();
    await writeOutputsAtomic(dir, [
      { path: 'report.md', data: 'old report' },
      { path: 'evidence/evidence.json', data: '{"old":true}' },
    ]);
    const deadPid = await killMidWrite('const gen = stalled("x"); await gen.next(); await gen.next();');
    // What a run killed after its commit record and one rename leaves behind:
    const staging = path.join(dir, `.fracas-staging-${deadPid}-0badcafe`);
    mkdirSync(path.join(staging, 'evidence'), { recursive: true });
    writeFileSync(path.join(staging, 'report.md'), 'new report');
    writeFileSync(path.join(dir, 'evidence', 'evidence.json'), '{"new":true}');
    writeFileSync(path.join(dir, 'stale.svg'), 'stale');
    writeFileSync(path.join(staging, 'COMMIT.json'), JSON.stringify({ pid: deadPid, files: ['evidence/evidence.json', 'report.md'], remove: ['stale.svg'] }));
    await writeOutputsAtomic(dir, [{ path: 'other.md', data: 'other' }]);
    expect(readFileSync(path.join(dir, 'report.md'), 'utf8')).toBe('new report');
    expect(readFileSync(path.join(dir, 'evidence', 'evidence.json'), 'utf8')).toBe('{"new":true}');
    expect(listAll(dir)).toEqual(['other.md', 'report.md', path.join('evidence', 'evidence.json')].sort());
  });

  it('leaves the staging directory of a live run alone', async () => {
    const dir = freshDir();
    const live = path.join(dir, `.fracas-staging-${process.ppid}-00000000`);
    mkdirSync(live);
    expect(await recoverOutputs(dir)).toEqual([]);
    expect(existsSync(live)).toBe(true);
  });
});
