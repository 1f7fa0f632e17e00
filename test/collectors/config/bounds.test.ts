// Tests for parsing hostile configuration text: nesting and size refused before the parser, long values as hashes.
import { describe, expect, it } from 'vitest';
import { diffConfigs } from '../../../src/analysis/config-diff.ts';
import { boundText, MAX_PROBLEMS } from '../../../src/collectors/config/bounds.ts';
import { hostsIn } from '../../../src/analysis/config/environments.ts';
import { MAX_ENTRIES, MAX_FLOW_DEPTH, tooDeepOrLarge } from '../../../src/lib/text-depth-guard.ts';
import { parseConfigText } from '../../../src/collectors/config/parse.ts';
import { envLookup, hasPlaceholder, placeholderNames, resolvePlaceholders } from '../../../src/collectors/config/placeholders.ts';

const deepJson = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const blockYaml = (depth: number) => `${Array.from({ length: depth }, (_, index) => `${' '.repeat(index)}a:`).join('\n')} 1\n`;

describe('tooDeepOrLarge', () => {
  it('finds flow nesting past the limit with its line and column', () => {
    expect(tooDeepOrLarge(deepJson(MAX_FLOW_DEPTH), true)).toBeUndefined();
    expect(tooDeepOrLarge(deepJson(MAX_FLOW_DEPTH + 1), true)).toEqual({ message: expect.stringMatching(/nested too deeply/), line: 1, col: MAX_FLOW_DEPTH * 5 + 1 });
    expect(tooDeepOrLarge(`x: 1\ny: ${'['.repeat(500)}`, false)).toMatchObject({ line: 2, col: MAX_FLOW_DEPTH + 4 });
  });

  it('finds block indentation past the limit', () => {
    expect(tooDeepOrLarge(blockYaml(300), false)).toBeUndefined();
    expect(tooDeepOrLarge(blockYaml(500), false)?.message).toMatch(/columns of indentation/);
  });

  it('does not count brackets in quotes and comments', () => {
    const brackets = '['.repeat(MAX_FLOW_DEPTH + 10);
    expect(tooDeepOrLarge(`a: "${brackets}"\nb: '${brackets}'\nc: 1 # ${brackets}\n`, false)).toBeUndefined();
    expect(tooDeepOrLarge(`{"a": "${brackets}\\"${brackets}"}`, true)).toBeUndefined();
    expect(tooDeepOrLarge(`a: don't ${brackets}\n`, false)).toBeDefined();
    expect(tooDeepOrLarge(`- '${brackets}'\n- key: "${brackets}"\n- [ '${brackets}', "${brackets}" ]\n`, false)).toBeUndefined();
  });

  it('takes a YAML quote for text where no scalar starts, so that it cannot hide nesting', () => {
    const brackets = '['.repeat(MAX_FLOW_DEPTH + 10);
    expect(tooDeepOrLarge(`a: [x 'y, ${brackets}\n`, false)?.message).toMatch(/nested too deeply/);
    expect(tooDeepOrLarge(`a: [b:'y, ${brackets}\n`, false)?.message).toMatch(/nested too deeply/);
    expect(tooDeepOrLarge(`a: ['y' 'z, ${brackets}\n`, false)?.message).toMatch(/nested too deeply/);
  });

  it('refuses more entries than the parser can hold in bounded memory', () => {
    expect(tooDeepOrLarge('a: 1\n'.repeat(MAX_ENTRIES - 1), false)).toBeUndefined();
    expect(tooDeepOrLarge('a: 1\n'.repeat(MAX_ENTRIES + 1), false)?.message).toMatch(/too large/);
    expect(tooDeepOrLarge(`[${'1,'.repeat(MAX_ENTRIES + 1)}1]`, true)?.message).toMatch(/too large/);
  });
});

describe('parseConfigText on hostile text', () => {
  it('reports deep JSON and YAML as parse problems instead of parsing them', () => {
    for (const [text, file] of [
      [deepJson(1_500), 'x.json'],
      [`a: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`, 'x.yaml'],
      [`b: ${'{c: '.repeat(3_000)}1${'}'.repeat(3_000)}\n`, 'x.yaml'],
      [blockYaml(3_000), 'x.yaml'],
    ] as const) {
      const parsed = parseConfigText(text, file);
      expect(parsed.value).toBeNull();
      expect(parsed.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/nested too deeply/), line: expect.any(Number), col: expect.any(Number) })]);
    }
  });

  it('replaces values and keys longer than the limit by length and hash, with a warning', () => {
    const long = 'z'.repeat(10 * 1024 * 1024);
    const parsed = parseConfigText(`a: ${long}\nb: 1\n? ${'k'.repeat(2_000)}\n: 2\n`, 'x.yaml');
    expect(parsed.errors).toEqual([]);
    expect(parsed.value).toEqual({ a: boundText(long), b: 1, [boundText('k'.repeat(2_000), 1024)]: 2 });
    expect(parseConfigText(JSON.stringify({ ['k'.repeat(2_000)]: 1 }), 'x.json').value).toEqual({ [boundText('k'.repeat(2_000), 1024)]: 1 });
    expect(boundText(long)).toMatch(/^<10485760 characters, sha256 [0-9a-f]{16}>$/);
    expect(boundText(long)).not.toBe(boundText(`${long.slice(1)}y`));
    expect(parsed.warnings?.[0]).toMatch(/2 value\(s\) or key\(s\).*`a`/);
    expect(parseConfigText(`A=${long}\n`, '.env').value).toEqual({ A: boundText(long) });
  });

  it('diffs two files with 10 MB values without throwing', () => {
    const side = (label: string, char: string) => ({ label, parsed: parseConfigText(`token_url: https://${char.repeat(10 * 1024 * 1024)}\nb: 1\n`, `${label}.yaml`) });
    const result = diffConfigs(side('staging', 'x'), side('production', 'y'));
    expect(result.differences.map((diff) => diff.path)).toEqual(['token_url']);
    expect((result.differences[0]?.reason.length ?? 0) < 2_000).toBe(true);
  });

  it('keeps at most MAX_PROBLEMS parse problems per file', () => {
    const parsed = parseConfigText('not a line\n'.repeat(500), '.env');
    expect(parsed.errors).toHaveLength(MAX_PROBLEMS);
    expect(parsed.errors.at(-1)?.message).toMatch(/and 481 more problems/);
  });
});

describe('placeholders and hosts in hostile values', () => {
  it('resolves to a hashed stand-in when the result would be longer than the value limit', () => {
    const long = 'v'.repeat(40_000);
    const lookup = envLookup([{ A: long }]);
    expect(resolvePlaceholders('${A}-${A}', lookup).value).toBe(boundText(`${long}-${long}`));
    expect(resolvePlaceholders('x ${A:-d} ${B:-d}', envLookup([{ A: 'a' }])).value).toBe('x a d');
  });

  it('ends a default before the next ${, so unclosed placeholders do not swallow the rest', () => {
    expect(resolvePlaceholders('${A:-x ${B}', envLookup([{ B: 'b' }]))).toEqual({ value: '${A:-x b', unset: [] });
    expect(placeholderNames('${A:-${A:-${A:-'.repeat(100))).toEqual([]);
  });

  it('finds placeholders right after hasPlaceholder matched one (no state left in the shared expression)', () => {
    expect(hasPlaceholder('${POOL:-5}')).toBe(true);
    expect(placeholderNames('${POOL:-5}')).toEqual(['POOL']);
    expect(hasPlaceholder('${POOL:-5}')).toBe(true);
    expect(resolvePlaceholders('${POOL:-5}', envLookup([{}])).value).toBe('5');
  });

  it('returns distinct hosts, at most 20 per value', () => {
    expect(hostsIn('http://a.example http://a.example https://b.example')).toEqual(['a.example', 'b.example']);
    expect(hostsIn(Array.from({ length: 30 }, (_, index) => `https://h${index}.example`).join(' '))).toHaveLength(20);
    expect(hostsIn(`${'a.'.repeat(200)}example.com`)).toEqual([]);
  });
});
