// Tests for reading one configuration file into evidence: templates, YAML tags, anchors and merge keys, empties.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readConfigFile } from '../../../src/collectors/config/file-evidence.ts';
import { envLookup } from '../../../src/collectors/config/placeholders.ts';
import { templateEngines, withPlaceholders } from '../../../src/collectors/config/template.ts';
import { createRedactor } from '../../../src/lib/secrets/redact.ts';

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/config/templates/${name}`, import.meta.url), 'utf8');

describe('templates', () => {
  it('recognises Helm/Go, Jinja and ERB markers', () => {
    expect(templateEngines('a: {{ .Values.x }}\n')).toEqual(['helm-go']);
    expect(templateEngines('{% if x %}\na: {{ x }}\n{% endif %}\n')).toEqual(['jinja']);
    expect(templateEngines('pool: <%= ENV["X"] %>\n')).toEqual(['erb']);
    expect(templateEngines('a: b\nc: "${VAR}"\n')).toEqual([]);
  });

  it('reads a Helm template with its expressions as opaque values, lines kept, no parse errors', () => {
    const file = readConfigFile('staging', 'deployment.yaml', fixture('deployment-staging.yaml'));
    expect(file.errors).toEqual([]);
    expect(file.template).toEqual({ engine: 'helm-go', expressions: 22, mode: 'placeholders' });
    const tree = file.tree as { metadata: { name: string }; spec: { template: { spec: { containers: { image: string }[] } } } };
    expect(tree.metadata.name).toBe('{{ include "mychart.fullname" . }}');
    expect(tree.spec.template.spec.containers[0]?.image).toBe('{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}');
    expect(new Map(file.lines).get('spec.template.spec.containers[0].livenessProbe.timeoutSeconds')).toBe(44);
  });

  it('keeps line numbers when statements are blanked', () => {
    const held = withPlaceholders('a: 1\n{{- if .Values.x }}\nb: {{ .Values.b }}\n{{- end }}\n');
    expect(held.text.split('\n')).toEqual(['a: 1', '', 'b: fracas-template-0', '', '']);
    expect(held.expressions).toBe(3);
  });

  it('compares a template that does not parse even with placeholders as text, line by line', () => {
    const text = 'items:\n{{- range .Values.items }}\n  - {{ . }}: [\n{{- end }}\n';
    const file = readConfigFile('staging', 'list.yaml', text);
    expect(file.errors).toEqual([]);
    expect(file.template?.mode).toBe('text');
    expect(file.tree).toEqual({ text: ['items:', '{{- range .Values.items }}', '  - {{ . }}: [', '{{- end }}'] });
    expect(file.warnings?.[0]).toMatch(/compared line by line as text/);
  });

  it('reads ERB and the anchor and merge key of a Rails database.yml by resolved value', () => {
    const file = readConfigFile('production', 'database.yml', fixture('database-production.yml'));
    expect(file.errors).toEqual([]);
    expect((file.tree as Record<string, unknown>).staging).toEqual({
      adapter: 'postgresql',
      encoding: 'unicode',
      pool: 25,
      timeout: 5000,
      database: 'myapp_production',
      username: 'myapp',
      password: '<%= ENV["MYAPP_DATABASE_PASSWORD"] %>',
    });
  });
});

describe('YAML tags', () => {
  it('keeps !Ref, !Sub, !GetAtt and custom tags in the value, on scalars and collections', () => {
    const text = [
      'Bucket: !Ref SiteBucket',
      'Arn: !GetAtt Site.Arn',
      'Url: !Sub "https://${SiteBucket}.s3.amazonaws.com"',
      'Joined: !Join ["", [a, !Ref B]]',
      'Custom: !vault secret/data/app#token',
      'Set: !!set { a, b }',
      'Plain: !!str 10',
    ].join('\n');
    const file = readConfigFile('prod', 'stack.yaml', text);
    expect(file.errors).toEqual([]);
    expect(file.tree).toEqual({
      Bucket: '!Ref SiteBucket',
      Arn: '!GetAtt Site.Arn',
      Url: '!Sub https://${SiteBucket}.s3.amazonaws.com',
      Joined: { '!Join': ['', ['a', '!Ref B']] },
      Custom: '!vault secret/data/app#token',
      Set: ['a', 'b'],
      Plain: '10',
    });
    expect(new Map(file.lines).get('Joined')).toBe(4);
  });

  it('resolves aliases and merge keys before comparing', () => {
    const file = readConfigFile('x', 'x.yaml', 'base: &base\n  timeout: 5\n  retries: 2\napi:\n  <<: *base\n  timeout: 10\nworker: *base\n');
    expect(file.tree).toEqual({ base: { timeout: 5, retries: 2 }, api: { timeout: 10, retries: 2 }, worker: { timeout: 5, retries: 2 } });
  });
});

describe('empty, null and absent', () => {
  it('keeps "" and null apart, and the redactor replaces neither', () => {
    const file = readConfigFile('staging', 's.yaml', 'db:\n  password: ""\n  token:\n  api_key: sk-live-abcdefghijklmnop1234\n');
    const redacted = createRedactor().deep(file);
    expect(redacted.tree).toMatchObject({ db: { password: '', token: null } });
    expect(JSON.stringify(redacted)).not.toContain('abcdefghijklmnop');
  });

  it('records resolved placeholders with a fingerprint, never the secret itself', () => {
    const file = readConfigFile('staging', 's.yaml', 'db:\n  url: ${DATABASE_URL}\n', envLookup([{ DATABASE_URL: 'postgres://app:hunter22@db:5432/app' }]));
    expect(file.resolved?.[0]?.slice(0, 2)).toEqual(['db.url', 'postgres://app:****@db:5432/app']);
    expect(file.resolved?.[0]?.[2]).toMatch(/^[0-9a-f]{16}$/);
    expect(JSON.stringify(file)).not.toContain('hunter22');
  });
});
