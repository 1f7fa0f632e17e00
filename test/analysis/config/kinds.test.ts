// One small rule per kind of setting: the kind read from key and values, its risk, and a reason that names it.
import { describe, expect, it } from 'vitest';
import { assess, kindOf } from '../../../src/analysis/config/classify.ts';
import { configComparisons } from '../../../src/analysis/config/comparisons.ts';
import { configFindings, configTableRows } from '../../../src/analysis/config.ts';
import { diffConfigs } from '../../../src/analysis/config-diff.ts';
import { configFile, pairEvidence, side } from './sides.ts';

const labels = { leftLabel: 'staging', rightLabel: 'production' };
const changed = (path: string, left: unknown, right: unknown) => assess({ path, change: 'changed', left: left as never, right: right as never, ...labels });

describe('kindOf', () => {
  it('reads the kind from the key, its parent for generic keys, then the values', () => {
    const cases: [string, unknown, unknown, string][] = [
      ['replication.enabled', false, true, 'durability'],
      ['postgresql.synchronousCommit', 'off', 'on', 'durability'],
      ['redis.architecture', 'standalone', 'replication', 'durability'],
      ['persistence.enabled', true, false, 'durability'],
      ['persistence.size', '1Gi', '10Gi', 'size'],
      ['resources.limits.memory', '128Mi', '4Gi', 'size'],
      ['replicaCount', 1, 2, 'count'],
      ['database.pool_size', 4, 10, 'count'],
      ['max_retries', 0, 3, 'count'],
      ['http.timeout', '5s', '30s', 'timeout'],
      ['livenessProbe.timeoutSeconds', 1, 10, 'timeout'],
      ['webhook.callback_url', 'https://a', 'https://b', 'url-host'],
      ['db_host', 'stage01', 'web01', 'url-host'],
      ['auth.password', 'a', 'b', 'credential'],
      ['http.verify_ssl', true, false, 'credential'],
      ['features.new_checkout', true, false, 'feature-flag'],
      ['debug', false, true, 'feature-flag'],
      ['metrics.enabled', true, false, 'boolean-switch'],
      ['image.tag', '1.0.0', '2.0.0', 'version'],
      ['chart.version', '>=1.0.0', '>=2.0.0', 'version'],
      ['config.name', 'api-staging', 'api-production', 'environment-name'],
      ['storageClass', 'ebs-sc', 'gp3', 'other'],
      ['nodeSelector', undefined, { type: 'reserved' }, 'block'],
    ];
    for (const [path, left, right, kind] of cases) expect(kindOf(path, left as never, right as never), path).toBe(kind);
  });
});

describe('risk rules', () => {
  it('ranks sizes and counts by how many times larger, zero against anything as high', () => {
    expect(changed('replicaCount', 1, 2)).toMatchObject({ kind: 'count', risk: 'medium' });
    expect(changed('replicaCount', 2, 3)).toMatchObject({ kind: 'count', risk: 'medium' });
    expect(changed('replicaCount', 10, 11)).toMatchObject({ kind: 'count', risk: 'low' });
    expect(changed('replicaCount', 0, 2)).toMatchObject({ kind: 'count', risk: 'high' });
    expect(changed('resources.limits.memory', '512Mi', '4Gi')).toMatchObject({ kind: 'size', risk: 'high' });
  });

  it('gives the same change the same risk and score under any path', () => {
    const a = changed('pgbouncer.pool.max', 4, 16);
    const b = changed('workers.max', 4, 16);
    expect([a.kind, a.risk, a.score]).toEqual([b.kind, b.risk, b.score]);
    const presence = assess({ path: 'database.pool_size', change: 'added', right: 4, ...labels });
    expect(presence).toMatchObject({ kind: 'count', risk: 'medium' });
  });

  it('calls a replication or durability switch high, in either direction', () => {
    expect(changed('replication.enabled', false, true)).toMatchObject({ kind: 'durability', risk: 'high' });
    expect(changed('synchronous_commit', 'on', 'off')).toMatchObject({ kind: 'durability', risk: 'high' });
  });

  it('names the kind in every reason', () => {
    expect(changed('replicaCount', 1, 2).reason).toMatch(/^count: /);
    expect(changed('http.timeout', 5, 50).reason).toMatch(/^timeout: /);
    expect(changed('metrics.enabled', true, false).reason).toMatch(/^boolean switch: /);
    expect(changed('image.tag', '1.2.0', '2.0.0')).toMatchObject({ kind: 'version', risk: 'medium', reason: expect.stringMatching(/^version: major version differs/) });
    expect(changed('image.tag', '1.2.0', '1.2.1')).toMatchObject({ risk: 'low' });
    expect(changed('replication.enabled', false, true).reason).toMatch(/^replication\/durability switch: /);
  });
});

describe('empty, null and absent', () => {
  it('calls "" against null low, shows both as they are, and no secret is invented', () => {
    const result = diffConfigs(side('staging', 'auth:\n  password: ""\n'), side('production', 'auth:\n  password:\n'));
    expect(result.differences).toEqual([expect.objectContaining({ path: 'auth.password', change: 'type-changed', left: '""', right: 'null', risk: 'low' })]);
    expect(result.differences[0]?.reason).toMatch(/empty in both/);
    expect(JSON.stringify(result)).not.toMatch(/REDACTED|\*\*\*\*/);
  });

  it('keeps absent apart from empty: a key missing on one side is added or removed', () => {
    const result = diffConfigs(side('staging', 'auth:\n  password: ""\n'), side('production', 'auth: {}\n'));
    expect(result.differences.map((difference) => `${difference.change} ${difference.path} ${difference.left}`)).toEqual(['removed auth.password ""']);
  });

  it('still calls a credential set in one environment and empty in the other high', () => {
    const result = diffConfigs(side('staging', 'auth:\n  password: ""\n'), side('production', 'auth:\n  password: s3cr3t-value\n'));
    expect(result.differences[0]).toMatchObject({ risk: 'high', kind: 'credential', left: '""' });
    expect(JSON.stringify(result)).not.toContain('s3cr3t-value');
  });
});

describe('parse failures and templates', () => {
  it('reports a file that does not parse as one finding with its line and unknown risk', () => {
    const broken = 'a: 1\nb: [1, 2\nc: {x: 1\nd: "open\n';
    const evidence = pairEvidence(configFile('staging', broken), configFile('production', 'a: 1\n'));
    const anomalies = configComparisons(evidence)[0]?.anomalies ?? [];
    expect(anomalies.filter((anomaly) => anomaly.kind === 'parse-error')).toHaveLength(1);
    expect(anomalies[0]).toMatchObject({ kind: 'parse-error', risk: 'unknown', file: 'staging.yaml' });
    expect(anomalies[0]?.line).toBeGreaterThan(0);
    expect(anomalies[0]?.detail).toMatch(/more problem/);
    const findings = configFindings('config', evidence);
    expect(findings.map((finding) => [finding.signal, finding.severity])).toEqual([['config-structural-anomaly', 'info']]);
  });

  it('reads a Helm template as one low note, not a parse error per line, and compares its values', () => {
    const template = (timeout: number) =>
      `spec:\n  {{- if .Values.enabled }}\n  replicas: {{ .Values.replicaCount }}\n  {{- end }}\n  timeoutSeconds: ${timeout}\n  labels:\n    {{- include "x.labels" . | nindent 4 }}\n`;
    const evidence = pairEvidence(configFile('staging', template(1)), configFile('production', template(30)));
    const [comparison] = configComparisons(evidence);
    expect(comparison?.anomalies.map((anomaly) => `${anomaly.kind} ${anomaly.risk}`)).toEqual(['template low', 'template low']);
    expect(comparison?.differences.map((difference) => `${difference.path} ${difference.kind} ${difference.risk}`)).toEqual(['spec.timeoutSeconds timeout high']);
  });
});

describe('YAML tags in a comparison', () => {
  it('compares tagged values by value and shows the tag', () => {
    const left = 'Outputs:\n  Name:\n    Value: !Ref Bucket\n  Arn:\n    Value: arn:aws:s3:::site\nRole: !Sub "arn:aws:iam::${AWS::AccountId}:role/ci"\n';
    const right = 'Outputs:\n  Name:\n    Value: !Ref Bucket\n  Arn:\n    Value: !GetAtt Bucket.Arn\nRole: !Join ["", ["arn:aws:iam::", !Ref "AWS::AccountId", ":role/ci"]]\n';
    const result = diffConfigs(side('staging', left), side('production', right));
    expect(result.differences.map((difference) => [difference.path, difference.left, difference.right])).toEqual(
      expect.arrayContaining([
        ['Outputs.Arn.Value', 'arn:aws:s3:::site', '!GetAtt Bucket.Arn'],
        ['Role', '!Sub arn:aws:iam::${AWS::AccountId}:role/ci', '!Join ["",["arn:aws:iam::","!Ref AWS::AccountId",":role/ci"]]'],
      ]),
    );
    expect(result.differences).toHaveLength(2);
  });
});

describe('analysis from saved evidence', () => {
  it('recomputes the same table and findings from evidence read back from JSON', () => {
    const evidence = pairEvidence(configFile('staging', 'a:\n  timeout: 5\n  url: https://x-staging.example.com\n'), configFile('production', 'a:\n  timeout: 60\n  url: https://x.example.com\n'));
    const saved = JSON.parse(JSON.stringify(evidence));
    expect(configTableRows(saved)).toEqual(configTableRows(evidence));
    expect(configFindings('c', saved)).toEqual(configFindings('c', evidence));
  });
});

describe('values that contradict the key name', () => {
  it('reads true/false under an address-like or size-like name as a switch, and bare resource numbers as sizes', () => {
    expect(kindOf('features.webhook_debug_endpoint', true, false)).toBe('feature-flag');
    expect(kindOf('ingress.host_port_enabled', true, false)).toBe('boolean-switch');
    expect(kindOf('resources.cpu', 0.5, 1)).toBe('size');
    expect(kindOf('resources.memory_mb', 1024, 2048)).toBe('size');
    expect(kindOf('database.pool_size', 5, 20)).toBe('count');
  });
});
