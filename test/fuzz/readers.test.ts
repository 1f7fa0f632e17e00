// Fuzz tests for the log and config readers, through their public collect functions, with hostile files.
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { collectConfig } from '../../src/collectors/config/index.ts';
import { collectLogs } from '../../src/collectors/logs/index.ts';
import { SourceFailure, type CollectContext, type CollectorOutput } from '../../src/collectors/types.ts';
import { sourceSchema, type ConfigSourceSpec, type LogSourceSpec } from '../../src/manifest/index.ts';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const ROOT = mkdtempSync(path.join(tmpdir(), 'fracas-readers-fuzz-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(ROOT, { recursive: true, force: true });
});

const TIMEOUT = 120_000;
const MB = 1024 * 1024;
const LOG_FORMATS = ['auto', 'render-json', 'json-lines', 'syslog', 'python', 'render-text', 'postgres', 'plain', '<Date> <Time> <Level> <Component>: <Content>'];

let counter = 0;
function caseDir(files: Record<string, string | Buffer> = {}): string {
  counter += 1;
  const dir = path.join(ROOT, `case-${counter}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, data] of Object.entries(files)) writeFileSync(path.join(dir, name), data);
  return dir;
}

function context(dir: string): CollectContext {
  return {
    dir,
    resolve: (relative) => path.resolve(dir, relative),
    incident: { id: 'FZ-1', title: 'fuzz', severity: 'P2', environment: 'test', service: 'svc', window: { start: '2000-01-01T00:00:00Z', end: '2099-01-01T00:00:00Z' } },
    env: {},
    progress: () => undefined,
  };
}

const logSpec = (paths: string[], format = 'auto') => sourceSchema.parse({ id: 'fuzz-logs', kind: 'logs', paths, format }) as LogSourceSpec;
const configSpec = (left: string, right: string) =>
  sourceSchema.parse({ id: 'fuzz-config', kind: 'config', left: { label: 'left', path: left }, right: { label: 'right', path: right } }) as ConfigSourceSpec;

type Outcome = { output: CollectorOutput<'logs'> | CollectorOutput<'config'> } | { failure: SourceFailure };

/** The contract: evidence (ok or partial, bounded in size), or a SourceFailure with a short message. Nothing else. */
async function outcome(run: () => Promise<CollectorOutput<'logs'> | CollectorOutput<'config'>>): Promise<Outcome> {
  let output: CollectorOutput<'logs'> | CollectorOutput<'config'>;
  try {
    output = await run();
  } catch (error) {
    if (!(error instanceof SourceFailure)) throw new Error(`not a SourceFailure: ${String(error)}`, { cause: error });
    expect(error.message.length).toBeGreaterThan(0);
    expect(error.message.length).toBeLessThan(4_000);
    return { failure: error };
  }
  expect(['ok', 'partial', undefined]).toContain(output.status);
  expect(JSON.stringify(output).length).toBeLessThan(30 * MB);
  for (const warning of output.warnings ?? []) expect(warning.length).toBeLessThan(4_000);
  return { output };
}

const logs = (dir: string, paths: string[], format = 'auto') => outcome(() => collectLogs(logSpec(paths, format), context(dir)));
const config = (dir: string, left: string, right: string) => outcome(() => collectConfig(configSpec(left, right), context(dir)));

const record = (index: number) => JSON.stringify({ timestamp: `2026-11-20T08:${String(index % 60).padStart(2, '0')}:00Z`, level: 'error', message: `job ${index} failed: ECONNRESET` });
const deepJson = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Run one collector call in a child process, for inputs that could hang the reader (FIFOs) or abort the
 * whole process (V8 fatal errors): a hang fails by the test timeout, an abort by the exit code.
 */
async function inChild(kind: 'logs' | 'config', dir: string, spec: LogSourceSpec | ConfigSourceSpec): Promise<ChildResult> {
  const script = path.join(dir, 'child.mts');
  writeFileSync(
    script,
    [
      `import { collectLogs } from ${JSON.stringify(path.join(REPO, 'src/collectors/logs/index.ts'))};`,
      `import { collectConfig } from ${JSON.stringify(path.join(REPO, 'src/collectors/config/index.ts'))};`,
      `import { SourceFailure } from ${JSON.stringify(path.join(REPO, 'src/collectors/types.ts'))};`,
      'import path from "node:path";',
      `const dir = ${JSON.stringify(dir)};`,
      `const spec = ${JSON.stringify(spec)};`,
      'const context = { dir, resolve: (p: string) => path.resolve(dir, p), incident: { id: "FZ-1", title: "f", severity: "P2", environment: "t", service: "s", window: { start: "2000-01-01T00:00:00Z", end: "2099-01-01T00:00:00Z" } }, env: {}, progress: () => undefined };',
      'try {',
      `  const output = await (${kind === 'logs' ? 'collectLogs' : 'collectConfig'} as (s: unknown, c: unknown) => Promise<{ status?: string; warnings?: string[] }>)(spec, context);`,
      '  console.log(JSON.stringify({ outcome: "output", status: output.status ?? "ok", warnings: output.warnings ?? [] }));',
      '} catch (error) {',
      '  console.log(JSON.stringify({ outcome: error instanceof SourceFailure ? "source-failure" : "error", message: String((error as Error).message).slice(0, 500) }));',
      '}',
    ].join('\n'),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2_000)));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

function expectCleanChild(result: ChildResult): { outcome: string; status?: string; message?: string } {
  expect(result.signal, result.stderr).toBeNull();
  expect(result.code, result.stderr).toBe(0);
  const parsed = JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as { outcome: string; status?: string; message?: string };
  expect(['output', 'source-failure'], JSON.stringify(parsed)).toContain(parsed.outcome);
  return parsed;
}

describe('log readers: random and broken input', () => {
  it(
    'random bytes in every format',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 32 * 1024 }), fc.constantFrom(...LOG_FORMATS), async (bytes, format) => {
          const dir = caseDir({ 'random.log': Buffer.from(bytes) });
          await logs(dir, ['random.log'], format);
        }),
        { numRuns: 60 },
      );
    },
    TIMEOUT,
  );

  it(
    'JSON lines truncated and spliced at random places, with invalid UTF-8, NULs, BOM and CRLF',
    async () => {
      const lines = Array.from({ length: 40 }, (_, index) => record(index));
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.nat(39), fc.nat(120), fc.constantFrom('\n', '\r\n', '\u0000\n', '\ufeff', '\n\n', '')), { minLength: 1, maxLength: 60 }),
          fc.constantFrom(...LOG_FORMATS),
          async (cuts, format) => {
            const text = cuts.map(([line, cut, end]) => (lines[line] ?? '').slice(0, cut) + end).join('');
            const bytes = Buffer.concat([Buffer.from('\ufeff'), Buffer.from(text), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0x0a, 0xe2, 0x82])]);
            const dir = caseDir({ 'cut.log': bytes });
            await logs(dir, ['cut.log'], format);
          },
        ),
        { numRuns: 60 },
      );
    },
    TIMEOUT,
  );

  it(
    '10 MB lines (plain, JSON, brackets) and deeply nested JSON records',
    async () => {
      const dir = caseDir({
        'plain.log': 'x'.repeat(10 * MB),
        'json.log': `${JSON.stringify({ timestamp: '2026-11-20T08:00:00Z', level: 'error', message: 'y'.repeat(10 * MB) })}\n${record(1)}\n`,
        'brackets.log': `${'['.repeat(5 * MB)}${']'.repeat(5 * MB)}\n`,
        'deep.log': `${JSON.stringify({ timestamp: '2026-11-20T08:00:00Z', level: 'error', message: 'deep' }).slice(0, -1)},"x":${deepJson(100_000)}}\n${record(2)}\n`,
      });
      for (const file of ['plain.log', 'json.log', 'brackets.log', 'deep.log']) {
        for (const format of ['auto', 'json-lines', 'render-json', 'plain']) await logs(dir, [file], format);
      }
      const json = await logs(dir, ['json.log'], 'auto');
      expect('output' in json && (json.output as CollectorOutput<'logs'>).evidence.totalRecords).toBeGreaterThanOrEqual(1);
    },
    TIMEOUT,
  );

  it(
    'a continuation record of 300,000 lines and 100,000 ordinary lines stay bounded',
    async () => {
      const dir = caseDir({
        'trace.log': `2026-11-20 08:00:00,000 ERROR worker: boom\nTraceback (most recent call last):\n${'  File "x.py", line 1, in f\n'.repeat(300_000)}`,
        'many.log': Array.from({ length: 100_000 }, (_, index) => record(index)).join('\n'),
      });
      await logs(dir, ['trace.log'], 'python');
      const many = await logs(dir, ['many.log']);
      expect('output' in many && (many.output as CollectorOutput<'logs'>).evidence.totalRecords).toBe(100_000);
    },
    TIMEOUT,
  );

  it(
    'gzip: garbage, truncated streams and a 100 MB decompression bomb',
    async () => {
      const valid = gzipSync(Array.from({ length: 5_000 }, (_, index) => record(index)).join('\n'));
      const dir = caseDir({
        'garbage.log.gz': Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.from('garbage'.repeat(100))]),
        'truncated.log.gz': valid.subarray(0, Math.floor(valid.length / 2)),
        'bomb.log.gz': gzipSync(Buffer.alloc(100 * MB, 0x61)),
        'empty.log.gz': Buffer.from([0x1f, 0x8b]),
      });
      for (const file of ['garbage.log.gz', 'truncated.log.gz', 'bomb.log.gz', 'empty.log.gz']) await logs(dir, [file]);
    },
    TIMEOUT,
  );

  it('empty files, directories, symlink loops and missing files', async () => {
    const dir = caseDir({ 'empty.log': '', 'newlines.log': '\n\n\r\n\n' });
    mkdirSync(path.join(dir, 'dir.log'));
    symlinkSync(path.join(dir, 'loop-b.log'), path.join(dir, 'loop-a.log'));
    symlinkSync(path.join(dir, 'loop-a.log'), path.join(dir, 'loop-b.log'));
    for (const file of ['empty.log', 'newlines.log', 'dir.log', 'loop-a.log', 'missing.log', '*.log', '**/*.gz']) await logs(dir, [file]);
    const mixed = await logs(dir, ['empty.log', 'dir.log', 'missing.log']);
    expect('output' in mixed && mixed.output.status).toBe('partial');
  });

  it('a FIFO named in paths is refused instead of blocking the run forever', async () => {
    const dir = caseDir();
    execFileSync('mkfifo', [path.join(dir, 'pipe.log')]);
    expectCleanChild(await inChild('logs', dir, logSpec(['pipe.log'])));
  }, 30_000);
});

describe('config readers: hostile files', () => {
  it(
    'random bytes as YAML, JSON and .env',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 16 * 1024 }), fc.constantFrom('yaml', 'json', 'env'), async (bytes, extension) => {
          const dir = caseDir({ [`left.${extension}`]: Buffer.from(bytes), [`right.${extension}`]: 'a: 1\n' });
          await config(dir, `left.${extension}`, `right.${extension}`);
        }),
        { numRuns: 80 },
      );
    },
    TIMEOUT,
  );

  it(
    'random YAML-shaped text and truncated JSON',
    async () => {
      const yamlish = fc.string({ unit: fc.constantFrom(...'ab01 :-[]{},&*!|>\'"#\n\t\\$.'.split(''), '<<', '&x', '*x', '---', '${A}', '__proto__'), maxLength: 300 });
      const json = JSON.stringify({ database: { host: 'db', pool_size: 20, password: '${DB_PASSWORD}' }, features: [1, 2, { deep: { x: null } }] }, null, 2);
      await fc.assert(
        fc.asyncProperty(yamlish, fc.nat(json.length), async (text, cut) => {
          const dir = caseDir({ 'left.yaml': text, 'right.yaml': 'a: 1\n', 'left.json': json.slice(0, cut), 'right.json': json });
          await config(dir, 'left.yaml', 'right.yaml');
          await config(dir, 'left.json', 'right.json');
        }),
        { numRuns: 150 },
      );
    },
    TIMEOUT,
  );

  it('BOM, CRLF, invalid UTF-8, duplicate keys and __proto__ keys', async () => {
    const dir = caseDir({
      'bom.yaml': '\ufeffa: 1\r\nb:\r\n  c: 2\r\n',
      'bom.env': '\ufeffA=1\r\nB="x\r\ny"\r\nexport C=3\r\n=novalue\r\n',
      'bad.yaml': Buffer.concat([Buffer.from('a: "'), Buffer.from([0xff, 0xc3, 0x28]), Buffer.from('"\n')]),
      'dup.yaml': 'a: 1\na: 2\n',
      'dup.json': '{"a":1,"a":2}',
      'proto.json': '{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 2}}}',
      'proto.yaml': '__proto__: {polluted: 3}\n',
    });
    await config(dir, 'bom.yaml', 'bad.yaml');
    await config(dir, 'bom.env', 'bom.yaml');
    await config(dir, 'dup.yaml', 'dup.json');
    await config(dir, 'proto.json', 'proto.yaml');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('YAML alias bombs end in a warning, not in memory exhaustion', async () => {
    const levels = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let level = 1; level < 10; level += 1) {
      const name = String.fromCharCode(97 + level);
      levels.push(`${name}: &${name} [${Array.from({ length: 9 }, () => `*${String.fromCharCode(96 + level)}`).join(', ')}]`);
    }
    const dir = caseDir({ 'bomb.yaml': levels.join('\n'), 'ok.yaml': 'a: 1\n' });
    const result = await config(dir, 'bomb.yaml', 'ok.yaml');
    expect('output' in result && result.output.status).toBe('partial');
  });

  it(
    'a 10 MB value and 20,000 keys',
    async () => {
      const dir = caseDir({
        'left.yaml': `a: ${'z'.repeat(10 * MB)}\nb: 1\n`,
        'right.yaml': `a: ${'q'.repeat(10 * MB)}\nb: 2\n`,
        'many-left.yaml': Array.from({ length: 20_000 }, (_, index) => `k${index}: ${index}`).join('\n'),
        'many-right.yaml': Array.from({ length: 20_000 }, (_, index) => `k${index}: ${index + 1}`).join('\n'),
      });
      await config(dir, 'left.yaml', 'right.yaml');
      await config(dir, 'many-left.yaml', 'many-right.yaml');
    },
    TIMEOUT,
  );

  it(
    'deep nesting (JSON and YAML, flow and block) ends in a warning, not in a crashed process',
    async () => {
      const blockYaml = (depth: number, value: string) => `${Array.from({ length: depth }, (_, index) => `${' '.repeat(index)}a:`).join('\n')} ${value}\n`;
      const dir = caseDir({
        'left.json': deepJson(1_500),
        'right.json': deepJson(1_500).replace('1', '2'),
        'left.yaml': `a: ${'['.repeat(100_000)}${']'.repeat(100_000)}\nb: ${'{c: '.repeat(3_000)}1${'}'.repeat(3_000)}\n`,
        'right.yaml': blockYaml(3_000, '2'),
      });
      expectCleanChild(await inChild('config', dir, configSpec('left.json', 'right.json')));
      expectCleanChild(await inChild('config', dir, configSpec('left.yaml', 'right.yaml')));
    },
    TIMEOUT,
  );

  it('a FIFO as a config side is refused instead of blocking the run forever', async () => {
    const dir = caseDir({ 'right.yaml': 'a: 1\n' });
    execFileSync('mkfifo', [path.join(dir, 'left.yaml')]);
    expectCleanChild(await inChild('config', dir, configSpec('left.yaml', 'right.yaml')));
  }, 30_000);
});
