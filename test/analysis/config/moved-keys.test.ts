// Tests for single keys moved between parents: reported when unambiguous, not for common name=value pairs.
import { describe, expect, it } from 'vitest';
import { diffConfigs, type ConfigSide } from '../../../src/analysis/config-diff.ts';
import { findMovedKeys } from '../../../src/analysis/config/moved-keys.ts';
import { parseConfigText } from '../../../src/collectors/config/parse.ts';

const side = (label: string, text: string): ConfigSide => ({ label, parsed: parseConfigText(text, `${label}.yaml`) });
const moves = (left: string, right: string) =>
  diffConfigs(side('staging', left), side('production', right))
    .anomalies.filter((anomaly) => anomaly.kind === 'moved-subtree')
    .map((anomaly) => `${anomaly.path} -> ${anomaly.otherPath}`);

describe('moved single keys', () => {
  it('reports one key moved to a different parent, with both lines, and ranks its differences high', () => {
    const left = 'webhook:\n  url: https://x.example\n  timeout_seconds: 45\nexternal_services:\n  host: h\n';
    const right = 'webhook:\n  url: https://x.example\nexternal_services:\n  host: h\n  timeout_seconds: 45\n';
    const result = diffConfigs(side('staging', left), side('production', right));
    expect(result.anomalies).toEqual([
      expect.objectContaining({
        kind: 'moved-subtree',
        path: 'webhook.timeout_seconds',
        file: 'staging.yaml',
        line: 3,
        otherPath: 'external_services.timeout_seconds',
        otherFile: 'production.yaml',
        otherLine: 5,
        risk: 'high',
      }),
    ]);
    expect(result.anomalies[0]?.detail).toMatch(/moved or mis-indented key: `webhook\.timeout_seconds` in staging .* is `external_services\.timeout_seconds` in production/);
    expect(result.differences.map((diff) => `${diff.change} ${diff.path} ${diff.risk}`).sort()).toEqual(['added external_services.timeout_seconds high', 'removed webhook.timeout_seconds high']);
    expect(result.differences[0]?.reason).toMatch(/^a key that moved between parents/);
  });

  it('reports a key moved to or from the top level', () => {
    expect(moves('app:\n  name: a\n  region: eu-west-1\n', 'app:\n  name: a\nregion: eu-west-1\n')).toEqual(['app.region -> region']);
  });

  it('does not pair a common name=value that several places lost or gained', () => {
    const twoOld = 'a:\n  enabled: true\n  x: 1\nb:\n  enabled: true\n  y: 1\nc:\n  z: 1\n';
    const oneNew = 'a:\n  x: 1\nb:\n  y: 1\nc:\n  z: 1\n  enabled: true\n';
    expect(moves(twoOld, oneNew)).toEqual([]);
    const oneOld = 'a:\n  enabled: true\n  x: 1\nb:\n  y: 1\nc:\n  z: 1\n';
    const twoNew = 'a:\n  x: 1\nb:\n  y: 1\n  enabled: true\nc:\n  z: 1\n  enabled: true\n';
    expect(moves(oneOld, twoNew)).toEqual([]);
    const unchangedElsewhere = 'a:\n  timeout: 30\n  x: 1\nb:\n  timeout: 30\nc:\n  z: 1\n';
    expect(moves(unchangedElsewhere, 'a:\n  x: 1\nb:\n  timeout: 30\nc:\n  z: 1\n')).toEqual([]);
  });

  it('does not call a changed value a move, nor keys with different values or names', () => {
    expect(moves('a:\n  timeout: 30\n  x: 1\nb:\n  timeout: 10\n', 'a:\n  x: 1\nb:\n  timeout: 30\n')).toEqual([]);
    expect(moves('a:\n  timeout: 30\n  x: 1\nb:\n  y: 1\n', 'a:\n  x: 1\nb:\n  y: 1\n  timeout: 31\n')).toEqual([]);
    expect(moves('a:\n  timeout: 30\n  x: 1\nb:\n  y: 1\n', 'a:\n  x: 1\nb:\n  y: 1\n  timeout_s: 30\n')).toEqual([]);
  });

  it('does not pair keys whose whole parent was removed or added, or null values', () => {
    expect(moves('cache:\n  enabled: true\n  host: c\nqueue:\n  host: q\n', 'queue:\n  host: q\n  enabled: true\n')).toEqual([]);
    expect(moves('a:\n  x: 1\n  v: null\nb:\n  y: 1\n', 'a:\n  x: 1\nb:\n  y: 1\n  v: null\n')).toEqual([]);
  });

  it('reports a moved block once, not once more per key', () => {
    expect(moves('x:\n  openai:\n    key: k\n    model: m\n  keep: 1\ny:\n  keep: 2\n', 'x:\n  keep: 1\ny:\n  keep: 2\n  openai:\n    key: k\n    model: m\n')).toEqual(['x.openai -> y.openai']);
  });

  it('findMovedKeys pairs only places removed and added by themselves', () => {
    const place = (path: string, origin: 'key' | 'block' | 'changed', value: string | number = 5) => ({ path, posPath: path, value, origin });
    expect(findMovedKeys([place('a.retries', 'key')], [place('b.retries', 'key')])).toEqual([
      { left: { path: 'a.retries', posPath: 'a.retries' }, right: { path: 'b.retries', posPath: 'b.retries' }, key: 'retries' },
    ]);
    expect(findMovedKeys([place('a.retries', 'key')], [place('b.retries', 'block')])).toEqual([]);
    expect(findMovedKeys([place('a.retries', 'key')], [place('a.retries', 'changed')])).toEqual([]);
    expect(findMovedKeys([place('a.retries', 'key')], [place('b.retries', 'key')], (path) => path.startsWith('b'))).toEqual([]);
  });
});
