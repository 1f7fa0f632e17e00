// Tests for multi-document YAML diffs: documents paired by identity or position, also when the counts differ.
import { describe, expect, it } from 'vitest';
import { diffConfigs, type ConfigSide } from '../../../src/analysis/config-diff.ts';
import { documentIdentity, documentPairs } from '../../../src/analysis/config/documents.ts';
import { parseConfigText } from '../../../src/collectors/config/parse.ts';
import { side as readSide } from './sides.ts';

const side = (label: string, text: string, env?: Record<string, string>): ConfigSide => readSide(label, text, `${label}.yaml`, env);
const summary = (left: string, right: string) =>
  diffConfigs(side('staging', left), side('production', right))
    .differences.map((diff) => `${diff.change} ${diff.path}`)
    .sort();

const deployment = (replicas: number) => `kind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: ${replicas}\n`;
const service = 'kind: Service\nmetadata:\n  name: api\nspec:\n  port: 80\n';

describe('multi-document YAML with different numbers of documents', () => {
  it('diffs a single document against the matching document of a multi-document file, not as a root type change', () => {
    const result = diffConfigs(side('staging', deployment(1)), side('production', `${service}---\n${deployment(3)}`));
    expect(result.differences.map((diff) => `${diff.change} ${diff.path}`).sort()).toEqual(['added [Service/api]', 'changed [Deployment/api].spec.replicas']);
    const replicas = result.differences.find((diff) => diff.path === '[Deployment/api].spec.replicas');
    expect(replicas).toMatchObject({ left: '1', right: '3', leftLine: 5, rightLine: 11 });
    expect(result.differences.find((diff) => diff.path === '[Service/api]')).toMatchObject({ rightLine: 1 });
    expect(result.differences.some((diff) => diff.change === 'type-changed')).toBe(false);
  });

  it('pairs documents without identity by position and reports the extra ones whole', () => {
    expect(summary('a: 1\n---\nb: 2\n', 'a: 1\n---\nb: 3\n---\nc: 4\n')).toEqual(['added [2]', 'changed [1].b']);
    expect(summary('a: 1\nb: 2\n', 'a: 1\nb: 2\n---\nc: 3\n')).toEqual(['added [1]']);
    expect(summary('a: 1\n---\nc: 3\n', 'a: 2\n')).toEqual(['changed [0].a', 'removed [1]']);
  });

  it('pairs by identity first and the rest in order, never two documents with different identities', () => {
    const left = `${deployment(1)}---\nkind: ConfigMap\nmetadata:\n  name: old\n---\nlog_level: info\n`;
    const right = `log_level: debug\n---\n${deployment(2)}---\nkind: ConfigMap\nmetadata:\n  name: new\n`;
    expect(summary(left, right)).toEqual(['added [ConfigMap/new]', 'changed [Deployment/api].spec.replicas', 'changed [2].log_level', 'removed [ConfigMap/old]'].sort());
  });

  it('ignores empty documents (a trailing ---)', () => {
    expect(summary('a: 1\n', 'a: 1\n---\n')).toEqual([]);
    expect(summary('', 'a: 1\n---\nb: 2\n')).toEqual(['added [0]', 'added [1]']);
  });

  it('resolves placeholders document by document', () => {
    const result = diffConfigs(side('staging', 'url: ${HOST}\n', { HOST: 'a.example' }), side('production', 'url: ${HOST}\n---\nx: 1\n', { HOST: 'b.example' }));
    expect(result.differences.map((diff) => `${diff.change} ${diff.path} ${diff.leftResolved ?? ''}`).sort()).toEqual(['added [1] ', 'changed [0].url a.example']);
  });
});

describe('documentIdentity and documentPairs', () => {
  it('names documents by kind and metadata.name, name or kind', () => {
    expect(documentIdentity({ kind: 'Service', metadata: { name: 'api' } })).toBe('Service/api');
    expect(documentIdentity({ kind: 'Service', name: 'api' })).toBe('Service/api');
    expect(documentIdentity({ name: 'worker' })).toBe('name=worker');
    expect(documentIdentity({ kind: 'Config' })).toBe('kind=Config');
    expect(documentIdentity({ a: 1 })).toBeUndefined();
    expect(documentIdentity(['x'])).toBeUndefined();
  });

  it('keeps single-document files at the root', () => {
    const pairs = documentPairs(parseConfigText('a: 1\n', 'a.yaml'), parseConfigText('a: 2\n', 'b.yaml'));
    expect(pairs).toEqual([{ path: '', leftPos: '', rightPos: '', left: { a: 1 }, right: { a: 2 } }]);
  });

  it('does not use an identity that two documents of one file share', () => {
    const pairs = documentPairs(parseConfigText('name: x\nv: 1\n---\nname: x\nv: 2\n', 'a.yaml'), parseConfigText('name: x\nv: 1\n', 'b.yaml'));
    expect(pairs.map((pair) => `${pair.path} ${pair.leftPos} ${pair.rightPos}`)).toEqual(['[name=x] [0] ', '[1] [1] ']);
  });
});
