// Fuzz tests for the manifest loader: hostile bytes and YAML end in a parsed manifest or a clear, bounded ManifestError.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadManifest, ManifestError, parseManifest, type Manifest } from '../../src/manifest/index.ts';

const VALID = [
  '# FM-028',
  'id: FM-028',
  'title: Upload jobs stuck in working',
  'severity: P1',
  'environment: production',
  'service: upload-api',
  'window:',
  '  start: 2026-11-20T08:00:00Z',
  '  end: 2026-11-20T09:00:00Z',
  'summary: >',
  '  Jobs stayed in working after LlamaCloud webhooks failed.',
  'sources:',
  '  - id: render-logs',
  '    kind: logs',
  '    paths: [logs/*.log, "logs/render-*.json"]',
  '  - id: prod-db',
  '    kind: database',
  '    url: ${FRACAS_DB_URL:-}',
  '    seed: [db/seed.sql]',
  '    jobs: { table: upload_pipeline.upload_jobs, stuckAfterMinutes: 60 }',
  '  - id: config-drift',
  '    kind: config',
  '    left: { label: staging, path: config/staging.yaml }',
  '    right: { label: production, path: config/production.yaml }',
  'conclusions:',
  '  hypotheses:',
  '    config-drift: { status: confirmed, note: "pool size" }',
  '',
].join('\n');

const FUZZ_TIMEOUT = 180_000;
const DIR = mkdtempSync(path.join(tmpdir(), 'fracas-manifest-fuzz-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

type Outcome = { manifest: Manifest } | { error: ManifestError };

/** Parse and check the contract: a manifest, or a ManifestError with a few short, readable problems. */
function outcome(run: () => Manifest): Outcome {
  try {
    return { manifest: run() };
  } catch (error) {
    if (!(error instanceof ManifestError)) throw new Error(`not a ManifestError: ${String(error)}`, { cause: error });
    expect(error.problems.length).toBeGreaterThan(0);
    expect(error.problems.length).toBeLessThanOrEqual(51);
    for (const problem of error.problems) {
      expect(problem.trim().length).toBeGreaterThan(0);
      expect(problem.length).toBeLessThanOrEqual(501);
      expect(problem).not.toMatch(/Maximum call stack|\[object Object\]|^undefined/);
    }
    expect(error.message.length).toBeLessThan(40_000);
    return { error };
  }
}

const parse = (text: string) => outcome(() => parseManifest(text, 'incident.yaml', {}));

function problemsOf(result: Outcome): string {
  return 'error' in result ? result.error.problems.join('\n') : '';
}

describe('manifest fuzz: the valid baseline', () => {
  it('parses the baseline manifest', () => {
    const result = parse(VALID);
    expect('manifest' in result && result.manifest.sources.map((source) => source.id)).toEqual(['render-logs', 'prod-db', 'config-drift']);
  });
});

describe('manifest fuzz: random input', () => {
  it(
    'random bytes (decoded as UTF-8, invalid sequences included)',
    () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
          parse(Buffer.from(bytes).toString('utf8'));
        }),
        { numRuns: 500 },
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    'random YAML-shaped text',
    () => {
      const yamlish = fc.string({
        unit: fc.oneof(
          fc.constantFrom(...'abcxyz019 :-_[]{},&*!|>\'"#%@`?\n\t\r\\$~.'.split('')),
          fc.constantFrom('id', 'sources', 'kind', 'window', '${X}', '<<', '---', '...', '\uFEFF', '&a', '*a', '!!str', '\u0000'),
        ),
        maxLength: 400,
      });
      fc.assert(
        fc.property(yamlish, (text) => {
          parse(text);
        }),
        { numRuns: 1500 },
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    'random edits of the valid manifest',
    () => {
      const edit = fc.record({ at: fc.nat(VALID.length), remove: fc.nat(20), insert: fc.string({ maxLength: 12 }) });
      fc.assert(
        fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
          let text = VALID;
          for (const { at, remove, insert } of edits) text = text.slice(0, at) + insert + text.slice(at + remove);
          parse(text);
        }),
        { numRuns: 1500 },
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    'the valid manifest truncated at every position',
    () => {
      for (let end = 0; end < VALID.length; end += 1) parse(VALID.slice(0, end));
    },
    FUZZ_TIMEOUT,
  );
});

describe('manifest fuzz: encodings and line endings', () => {
  it('accepts CRLF, CR-free and BOM-prefixed manifests with the same result', () => {
    const plain = parse(VALID);
    expect(parse(VALID.replaceAll('\n', '\r\n'))).toEqual(plain);
    expect(parse(`\uFEFF${VALID}`)).toEqual(plain);
    const file = path.join(DIR, 'bom-crlf.yaml');
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(VALID.replaceAll('\n', '\r\n'))]));
    expect(outcome(() => loadManifest(file, {}).manifest)).toEqual(plain);
  });

  it('rejects UTF-16 and invalid UTF-8 files with a ManifestError', () => {
    const utf16 = path.join(DIR, 'utf16.yaml');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(VALID, 'utf16le')]));
    expect('error' in outcome(() => loadManifest(utf16, {}).manifest)).toBe(true);
    const invalid = path.join(DIR, 'invalid-utf8.yaml');
    writeFileSync(invalid, Buffer.concat([Buffer.from(VALID.replace('Upload', '')), Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x28, 0x8c, 0xbc, 0xc0, 0xaf, 0xff])]));
    outcome(() => loadManifest(invalid, {}).manifest);
    const titled = path.join(DIR, 'invalid-utf8-title.yaml');
    writeFileSync(titled, Buffer.from(VALID.replace('Upload jobs', 'Upload \udc80 jobs')));
    const result = outcome(() => loadManifest(titled, {}).manifest);
    expect('manifest' in result && result.manifest.title).toContain('\ufffd');
  });

  it('refuses a FIFO instead of waiting for it forever', () => {
    const fifo = path.join(DIR, 'fifo.yaml');
    execFileSync('mkfifo', [fifo]);
    expect(problemsOf(outcome(() => loadManifest(fifo, {}).manifest))).toMatch(/not a regular file/);
    const dir = path.join(DIR, 'a-directory.yaml');
    mkdirSync(dir);
    expect(problemsOf(outcome(() => loadManifest(dir, {}).manifest))).toMatch(/is a directory/);
  });
});

describe('manifest fuzz: size and depth', () => {
  it(
    'a 10 MB title is parsed; 10 MB of garbage, ids and keys give short errors',
    () => {
      const long = 'x'.repeat(10 * 1024 * 1024);
      const titled = parse(VALID.replace('Upload jobs stuck in working', long));
      expect('manifest' in titled && titled.manifest.title.length).toBe(long.length);
      parse(long);
      parse(`title: "${long}`);
      expect(problemsOf(parse(VALID.replace('id: FM-028', `id: ${'!'.repeat(10 * 1024 * 1024)}`)))).not.toHaveLength(0);
      parse(`${VALID}${'k'.repeat(10 * 1024 * 1024)}: 1\n`);
      parse(`${VALID}extra: ${'y'.repeat(10 * 1024 * 1024)}\n`);
      parse(VALID.replace('Upload jobs stuck in working', '${NOT_SET}'.repeat(200_000)));
    },
    FUZZ_TIMEOUT,
  );

  it(
    'deep nesting in flow and block style ends in "nested too deeply" or a schema error',
    () => {
      for (const depth of [50, 500, 2_000, 20_000, 100_000]) {
        parse(`${VALID}extra: ${'['.repeat(depth)}${']'.repeat(depth)}\n`);
        parse(`${VALID}extra: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}\n`);
      }
      for (const depth of [50, 500, 3_000]) {
        parse(`${VALID}extra:\n${Array.from({ length: depth }, (_, index) => `${' '.repeat(index + 2)}a:`).join('\n')} 1\n`);
        parse(`${VALID}extra:\n${Array.from({ length: depth }, (_, index) => `${' '.repeat(index * 2 + 2)}-`).join('\n')} 1\n`);
      }
      expect(problemsOf(parse(`extra: ${'['.repeat(100_000)}${']'.repeat(100_000)}`))).toMatch(/nested too deeply/);
      // JSON-style keys: parsing this twice used to abort the process (V8 out of memory in its RegExp compiler).
      for (let round = 0; round < 3; round += 1) {
        for (const depth of [1_000, 1_500, 3_000]) expect(problemsOf(parse(`${VALID}extra: ${'{"a": '.repeat(depth)}1${'}'.repeat(depth)}\n`))).toMatch(/nested too deeply/);
      }
      expect(problemsOf(parse(`${VALID}extra:\n  ${'- '.repeat(5_000)}1\n`))).toMatch(/nested too deeply/);
      // Brackets inside quoted strings and comments are not nesting.
      const quoted = parse(VALID.replace('Upload jobs stuck in working', `"${'[{'.repeat(500)}"  # ${'['.repeat(500)}`));
      expect('manifest' in quoted && quoted.manifest.title).toBe('[{'.repeat(500));
    },
    FUZZ_TIMEOUT,
  );

  it(
    'YAML alias bombs ("billion laughs") are refused',
    () => {
      const levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
      for (let level = 1; level < 10; level += 1) {
        const name = String.fromCharCode(97 + level);
        const previous = String.fromCharCode(96 + level);
        levels.push(`${name}: &${name} [${Array.from({ length: 9 }, () => `*${previous}`).join(', ')}]`);
      }
      expect(problemsOf(parse(levels.join('\n')))).toMatch(/aliases/);
      expect(problemsOf(parse(`${VALID}bomb:\n${levels.map((line) => `  ${line}`).join('\n')}\n`))).toMatch(/aliases/);
      // One big anchor used many times stays within the alias limit and must not blow up either.
      const big = `${VALID.replace('title: Upload jobs stuck in working', `title: &t "${'z'.repeat(1_000_000)}"`)}extra: [${Array.from({ length: 99 }, () => '*t').join(', ')}]\n`;
      parse(big);
    },
    FUZZ_TIMEOUT,
  );

  it('does not let __proto__ or constructor keys pollute prototypes', () => {
    parse(`${VALID}__proto__: { polluted: true }\nconstructor: { prototype: { polluted: true } }\n`);
    parse(VALID.replace('  hypotheses:', '  hypotheses:\n    __proto__: { status: confirmed }'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('status');
  });
});
