// Tests for parsing configuration text: key-path lines, duplicates, parse errors, multi-document YAML, JSON, .env.
import { describe, expect, it } from 'vitest';
import { formatOf, parseConfigText } from '../../../src/collectors/config/parse.ts';
import { parseEnvText } from '../../../src/collectors/config/env-file.ts';

describe('parseConfigText', () => {
  it('records the line of every key path, including list items', () => {
    const parsed = parseConfigText('a: 1\nb:\n  c: 2\nlist:\n  - name: x\n    v: 1\n', 'x.yaml');
    expect(parsed.value).toEqual({ a: 1, b: { c: 2 }, list: [{ name: 'x', v: 1 }] });
    expect(parsed.lines.get('b.c')).toBe(3);
    expect(parsed.lines.get('list[0].v')).toBe(6);
    expect(parsed.errors).toEqual([]);
  });

  it('finds duplicate keys with both lines and keeps the last value', () => {
    const parsed = parseConfigText('r:\n  cpu: "0.5"\n  mem: 1\n  cpu: "1"\n', 'x.yaml');
    expect(parsed.duplicates).toEqual([{ path: 'r.cpu', line: 4, firstLine: 2 }]);
    expect(parsed.value).toEqual({ r: { cpu: '1', mem: 1 } });
  });

  it('reports YAML that does not parse with line and column', () => {
    const parsed = parseConfigText('webhook:\n  timeout: [30\n retries: 3\n', 'x.yaml');
    expect(parsed.errors.length).toBeGreaterThan(0);
    expect(parsed.errors[0]?.line).toBe(3);
    expect(parsed.errors[0]?.col).toBeGreaterThanOrEqual(1);
  });

  it('reads multi-document YAML as a list of documents', () => {
    const parsed = parseConfigText('a: 1\n---\nb: 2\n', 'x.yml');
    expect(parsed.value).toEqual([{ a: 1 }, { b: 2 }]);
    expect(parsed.lines.get('[1].b')).toBe(3);
  });

  it('parses JSON with lines and reports invalid JSON', () => {
    const parsed = parseConfigText('{"a": 1,\n "b": {"c": true}}', 'x.json');
    expect(parsed.format).toBe('json');
    expect(parsed.lines.get('b.c')).toBe(2);
    expect(parseConfigText('{"a": 1,,}', 'x.json').errors).toEqual([{ message: 'invalid JSON: unexpected ","', line: 1, col: 9 }]);
    const missing = parseConfigText('{"token": "sk-secret-value",\n "b": }', 'x.json').errors[0];
    expect(missing).toMatchObject({ line: 2, col: 7 });
    expect(missing?.message).not.toContain('sk-secret');
  });

  it('parses .env files with lines, quotes, export and comments', () => {
    const parsed = parseConfigText('# c\nexport A=1\nB="two words" \nC=x # note\nA=3\n', '.env.staging');
    expect(parsed.format).toBe('env');
    expect(parsed.value).toEqual({ A: '3', B: 'two words', C: 'x' });
    expect(parsed.lines.get('B')).toBe(3);
    expect(parsed.duplicates).toEqual([{ path: 'A', line: 5, firstLine: 2 }]);
    expect(parseEnvText('not a line\n').errors[0]?.line).toBe(1);
  });

  it('detects formats from file names', () => {
    expect(formatOf('config/staging.yaml')).toBe('yaml');
    expect(formatOf('a/b.json')).toBe('json');
    expect(formatOf('.env')).toBe('env');
    expect(formatOf('prod.env')).toBe('env');
  });
});
