// Tests for config findings (signals, refs) and the rows of the report's configuration table.
import { describe, expect, it } from 'vitest';
import type { ConfigEvidence } from '../../../src/evidence/schema.ts';
import { configFindings, configTableRows } from '../../../src/analysis/config.ts';
import { onlyInOneEnvironment } from '../../../src/analysis/config/only-in-one.ts';
import { comparisonTableRows } from '../../../src/analysis/config/table.ts';
import { configFile, pairEvidence, side } from './sides.ts';

function evidence(): ConfigEvidence {
  return pairEvidence(
    configFile('staging', 'webhook:\n  timeout: 5\n  max_retries: 0\n  openai:\n    model: m\n    timeout: 60\nname: a\n'),
    configFile('production', 'webhook:\n  timeout: 30\n  max_retries: 5\nexternal_services:\n  openai:\n    model: m\n    timeout: 60\nname: b\n'),
  );
}

describe('configFindings', () => {
  it('emits risky differences and structural anomalies with config-path refs', () => {
    const findings = configFindings('config-envs', evidence());
    const signals = new Set(findings.map((finding) => finding.signal));
    expect(signals).toEqual(new Set(['config-risky-difference', 'config-structural-anomaly']));
    expect(findings.every((finding) => finding.risk === 'high' || finding.risk === 'medium')).toBe(true);
    expect(findings.some((finding) => finding.title.startsWith('name '))).toBe(false);
    const retries = findings.find((finding) => finding.refs.some((ref) => ref.kind === 'config-path' && ref.path === 'webhook.max_retries'));
    expect(retries?.refs).toEqual([
      { kind: 'config-path', source: 'config-envs', file: 'staging.yaml', path: 'webhook.max_retries', line: 3, excerpt: 'webhook.max_retries: 0' },
      { kind: 'config-path', source: 'config-envs', file: 'production.yaml', path: 'webhook.max_retries', line: 3, excerpt: 'webhook.max_retries: 5' },
    ]);
    const moved = findings.find((finding) => finding.signal === 'config-structural-anomaly');
    expect(moved?.refs.map((ref) => ref.kind === 'config-path' && `${ref.file}:${ref.path}:${ref.line}`)).toEqual(['staging.yaml:webhook.openai:4', 'production.yaml:external_services.openai:5']);
    expect(new Set(findings.map((finding) => finding.id)).size).toBe(findings.length);
    expect(findings.every((finding) => /^[a-z0-9]+(-[a-z0-9]+)*$/.test(finding.id))).toBe(true);
  });
});

describe('configTableRows', () => {
  it('puts anomalies first, then differences by risk, with both values and locations', () => {
    const rows = configTableRows(evidence());
    const firstDifference = rows.findIndex((row) => row.type === 'difference');
    expect(rows.slice(0, firstDifference).every((row) => row.type === 'anomaly')).toBe(true);
    expect(rows.slice(firstDifference).every((row) => row.type === 'difference')).toBe(true);
    const order = rows.slice(firstDifference).map((row) => ['high', 'medium', 'unknown', 'low'].indexOf(row.risk));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(rows.find((row) => row.path === 'webhook.timeout')).toMatchObject({
      left: '5',
      right: '30',
      leftLocation: 'staging.yaml:2',
      rightLocation: 'production.yaml:2',
      comparison: 'staging ↔ production',
    });
    expect(rows.find((row) => row.kind === 'moved-subtree')).toMatchObject({ left: 'webhook.openai', right: 'external_services.openai' });
    expect(configTableRows(evidence(), { minRisk: 'medium' }).some((row) => row.path === 'name')).toBe(false);
  });

  it('puts an anomaly value in the column of its side, and none for a third environment', () => {
    const comparison = { left: { label: 'staging', path: 's.yaml' }, right: { label: 'production', path: 'p.yaml' }, differences: [] };
    const rows = comparisonTableRows([
      {
        ...comparison,
        anomalies: [
          { kind: 'foreign-environment-value', path: 'a', file: 'p.yaml', line: 3, detail: 'd', risk: 'high', value: 'https://x-staging' },
          { kind: 'duplicate-key', path: 'b', file: 's.yaml', line: 5, otherFile: 's.yaml', otherLine: 2, otherPath: 'b', detail: 'd', risk: 'medium' },
          { kind: 'only-in-one', path: 'c', file: 'qa.yaml', line: 7, detail: 'd', risk: 'medium' },
        ],
      },
    ]);
    expect(rows.map((row) => [row.path, row.left, row.right, row.leftLocation, row.rightLocation])).toEqual([
      ['a', '', 'https://x-staging', '', 'p.yaml:3'],
      ['b', 'b', '', 's.yaml:5', ''],
      ['c', '', '', 'qa.yaml:7', ''],
    ]);
  });
});

describe('onlyInOneEnvironment', () => {
  it('reports the top of each key that only one of three environments has', () => {
    const anomalies = onlyInOneEnvironment([side('staging', 'a: 1\nb:\n  c: 1\n'), side('production', 'a: 1\nb:\n  c: 1\n'), side('qa', 'a: 1\nb:\n  c: 1\n  d:\n    e: 1\nx: 2\n')]);
    expect(anomalies.map((anomaly) => `${anomaly.file} ${anomaly.path} ${anomaly.line}`).sort()).toEqual(['qa.yaml b.d 4', 'qa.yaml x 6']);
    expect(onlyInOneEnvironment([side('a', 'x: 1\n'), side('b', 'y: 1\n')])).toEqual([]);
  });
});
