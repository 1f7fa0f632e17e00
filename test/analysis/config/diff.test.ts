// Tests for the semantic configuration diff: changes by key path, list matching, anomalies, classification and ranking.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffConfigs, type ConfigSide } from '../../../src/analysis/config-diff.ts';
import { parseEnvText } from '../../../src/collectors/config/env-file.ts';
import { side } from './sides.ts';

const fixture = (name: string): ConfigSide => {
  const dir = new URL('../../fixtures/config/env/', import.meta.url);
  return side(name, readFileSync(new URL(`${name}.yaml`, dir), 'utf8'), `${name}.yaml`, parseEnvText(readFileSync(new URL(`${name}.env`, dir), 'utf8')).values);
};

describe('diffConfigs', () => {
  it('reports added, removed, changed and type-changed keys by path with lines', () => {
    const result = diffConfigs(side('staging', 'a: 1\nb: x\nc: 3\nd: "5"\n'), side('production', 'a: 2\nc: 3\nd: 5\ne: true\n'));
    const byPath = Object.fromEntries(result.differences.map((diff) => [diff.path, diff]));
    expect(Object.keys(byPath).sort()).toEqual(['a', 'b', 'd', 'e']);
    expect(byPath.a).toMatchObject({ change: 'changed', left: '1', right: '2', leftLine: 1, rightLine: 1 });
    expect(byPath.b).toMatchObject({ change: 'removed', left: 'x' });
    expect(byPath.d).toMatchObject({ change: 'type-changed', left: '"5"', right: '5' });
    expect(byPath.e).toMatchObject({ change: 'added', right: 'true', rightLine: 4 });
  });

  it("compares a connection URL's query parameters one by one, apart from its host and credentials", () => {
    const url = (host: string, query: string) => `DATABASE_URL=postgresql://orders:pw@${host}:5432/orders?${query}\n`;
    const staging = side('staging', url('db.staging.internal', 'schema=public&connection_limit=5&pool_timeout=10'), 'staging.env');
    const production = side('production', url('db.prod.internal', 'schema=public&pool_timeout=10&connection_limit=25&sslmode=require'), 'production.env');
    const byPath = Object.fromEntries(diffConfigs(staging, production).differences.map((diff) => [diff.path, diff]));
    expect(Object.keys(byPath).sort()).toEqual(['DATABASE_URL', 'DATABASE_URL.connection_limit', 'DATABASE_URL.sslmode']);
    expect(byPath['DATABASE_URL.connection_limit']).toMatchObject({ change: 'changed', left: '5', right: '25', kind: 'count', leftLine: 1, rightLine: 1 });
    expect(byPath['DATABASE_URL.connection_limit']!.risk).not.toBe('low');
    expect(byPath['DATABASE_URL.sslmode']).toMatchObject({ change: 'added', right: 'require' });
    // The same host on both sides: only the parameter differs.
    const sameHost = diffConfigs(side('a', url('db.internal', 'connection_limit=5'), 'a.env'), side('b', url('db.internal', 'connection_limit=25'), 'b.env'));
    expect(sameHost.differences.map((diff) => diff.path)).toEqual(['DATABASE_URL.connection_limit']);
    // Parameters in another order are the same URL.
    expect(diffConfigs(side('a', url('db.internal', 'a=1&b=2'), 'a.env'), side('b', url('db.internal', 'b=2&a=1'), 'b.env')).differences).toEqual([]);
  });

  it('ignores key order and comments', () => {
    const result = diffConfigs(side('a', '# one\nx: 1\ny:\n  z: 2 # two\n'), side('b', 'y: {z: 2}\nx: 1\n'));
    expect(result.differences).toEqual([]);
  });

  it('matches lists of mappings by name, else by position', () => {
    const byName = diffConfigs(side('a', 'w:\n  - name: p\n    n: 1\n  - name: q\n    n: 2\n'), side('b', 'w:\n  - name: q\n    n: 2\n  - name: p\n    n: 3\n'));
    expect(byName.differences.map((diff) => diff.path)).toEqual(['w[name=p].n']);
    expect(byName.differences[0]).toMatchObject({ leftLine: 3, rightLine: 5 });
    const byPosition = diffConfigs(side('a', 'l:\n  - {x: 1}\n  - {x: 2}\n'), side('b', 'l:\n  - {x: 1}\n  - {x: 3}\n  - {x: 4}\n'));
    expect(byPosition.differences.map((diff) => `${diff.change} ${diff.path}`).sort()).toEqual(['added l[2]', 'changed l[1].x']);
  });

  it('matches multi-document YAML by kind and metadata.name', () => {
    const left = 'kind: Deployment\nmetadata: {name: api}\nspec: {replicas: 1}\n---\nkind: Service\nmetadata: {name: api}\nspec: {port: 80}\n';
    const right = 'kind: Service\nmetadata: {name: api}\nspec: {port: 80}\n---\nkind: Deployment\nmetadata: {name: api}\nspec: {replicas: 3}\n';
    const result = diffConfigs(side('staging', left), side('production', right));
    expect(result.differences).toEqual([expect.objectContaining({ path: '[Deployment/api].spec.replicas', left: '1', right: '3', leftLine: 3, rightLine: 7 })]);
  });

  it('diffs .env files and masks their secrets', () => {
    const result = diffConfigs(
      side('staging', 'OPENAI_API_KEY=sk-proj-aaaaaaaaaaaaaaaaaaaaaaaa\nDATABASE_URL=postgres://u:pw-one@db-staging:5432/x\nWEB_CONCURRENCY=2\n', '.env.staging'),
      side('production', 'OPENAI_API_KEY=sk-proj-bbbbbbbbbbbbbbbbbbbbbbbb\nDATABASE_URL=postgres://u:pw-two@db-production:5432/x\nWEB_CONCURRENCY=8\n', '.env.production'),
    );
    expect(result.differences.map((diff) => `${diff.path} ${diff.category}`).sort()).toEqual(['DATABASE_URL urls-hosts', 'OPENAI_API_KEY tls-auth', 'WEB_CONCURRENCY pool-workers']);
    expect(JSON.stringify(result)).not.toMatch(/aaaaaaaa|bbbbbbbb|pw-one|pw-two/);
  });

  it('compares lists of scalars as sets', () => {
    const result = diffConfigs(side('staging', 'origins:\n  - https://a.example\n  - http://localhost:3000\n'), side('production', 'origins:\n  - https://b.example\n  - https://a.example\n'));
    expect(result.differences.map((diff) => `${diff.change} ${diff.path} ${diff.left ?? diff.right} ${diff.leftLine ?? diff.rightLine}`).sort()).toEqual([
      'added origins[] https://b.example 2',
      'removed origins[] http://localhost:3000 3',
    ]);
    expect(diffConfigs(side('a', 'l: [x, y]\n'), side('b', 'l: [y, x]\n')).differences).toEqual([]);
  });

  it('ranks URLs that differ only in the environment they name as low risk', () => {
    const result = diffConfigs(
      side('staging', 'app:\n  base_url: https://api-staging.example.com\nstorage:\n  url: https://stg-files.other.dev\n'),
      side('production', 'app:\n  base_url: https://api.example.com\nstorage:\n  url: https://files.example.com\n'),
    );
    expect(result.differences.map((diff) => `${diff.path} ${diff.risk}`).sort()).toEqual(['app.base_url low', 'storage.url low']);
  });

  it('keeps placeholders as written and shows them resolved, secrets masked', () => {
    const result = diffConfigs(
      side('staging', 'db:\n  url: ${DATABASE_URL}\n  pool_size: ${POOL:-5}\n', 'staging.yaml', { DATABASE_URL: 'postgres://app:pw1@db-staging:5432/app' }),
      side('production', 'db:\n  url: ${DATABASE_URL}\n  pool_size: ${POOL:-20}\n', 'production.yaml', { DATABASE_URL: 'postgres://app:pw2@db-prod:5432/app' }),
    );
    const url = result.differences.find((diff) => diff.path === 'db.url');
    expect(url).toMatchObject({ left: '${DATABASE_URL}', right: '${DATABASE_URL}', leftResolved: 'postgres://app:****@db-staging:5432/app' });
    expect(JSON.stringify(result)).not.toMatch(/pw1|pw2/);
    const pool = result.differences.find((diff) => diff.path === 'db.pool_size');
    expect(pool).toMatchObject({ left: '${POOL:-5}', leftResolved: '5', rightResolved: '20', category: 'pool-workers', risk: 'high' });
  });

  it('masks values resolved from secret-named placeholders', () => {
    const result = diffConfigs(
      side('staging', 'db:\n  pw: ${DB_PASSWORD}\n  other: ${SIGNING_KEY}-x\n', 'staging.yaml', { DB_PASSWORD: 'hunter2', SIGNING_KEY: 'abc' }),
      side('production', 'db:\n  pw: ${DB_PASSWORD}\n  other: ${SIGNING_KEY}-x\n', 'production.yaml', { DB_PASSWORD: 'hunter3', SIGNING_KEY: 'abd' }),
    );
    expect(result.differences.map((diff) => diff.path).sort()).toEqual(['db.other', 'db.pw']);
    expect(JSON.stringify(result)).not.toMatch(/hunter|abc|abd/);
  });

  it('ranks a value left empty (null) in one environment as high risk', () => {
    const result = diffConfigs(side('staging', 'webhook:\n  timeout:\n'), side('production', 'webhook:\n  timeout: 30\n'));
    expect(result.differences).toEqual([expect.objectContaining({ path: 'webhook.timeout', change: 'type-changed', left: 'null', right: '30', risk: 'high' })]);
    expect(result.differences[0]?.reason).toMatch(/empty \(null\) in staging/);
  });

  it('never writes secret values into the comparison', () => {
    const result = diffConfigs(side('staging', 'webhook:\n  secret: whsec_stagingvalue\n'), side('production', 'webhook:\n  secret: whsec_productionvalue\n'));
    expect(result.differences).toHaveLength(1);
    expect(JSON.stringify(result)).not.toMatch(/stagingvalue|productionvalue/);
  });

  it('finds the mis-indented block, the production webhook URL in staging and the duplicate key (FM-028 fixture)', () => {
    const result = diffConfigs(fixture('staging'), fixture('production'));
    const moved = result.anomalies.find((anomaly) => anomaly.kind === 'moved-subtree');
    expect(moved).toMatchObject({ path: 'webhook.openai', file: 'staging.yaml', line: 23, otherPath: 'external_services.openai', otherFile: 'production.yaml', otherLine: 24, risk: 'high' });
    const foreign = result.anomalies.find((anomaly) => anomaly.kind === 'foreign-environment-value');
    expect(foreign).toMatchObject({ path: 'webhook.base_url', file: 'staging.yaml', line: 17, risk: 'high' });
    expect(result.anomalies.find((anomaly) => anomaly.kind === 'duplicate-key')).toMatchObject({ path: 'resources.cpu', line: 43, otherLine: 42 });
    const risks = result.differences.map((diff) => diff.risk);
    expect(risks).toEqual([...risks].sort((a, b) => ['high', 'medium', 'low'].indexOf(a) - ['high', 'medium', 'low'].indexOf(b)));
    const byPath = Object.fromEntries(result.differences.map((diff) => [diff.path, diff]));
    expect(byPath['webhook.max_retries']).toMatchObject({ category: 'retries-backoff', risk: 'high' });
    expect(byPath['webhook.timeout']).toMatchObject({ category: 'timeouts', risk: 'high' });
    expect(byPath['database.pool_size']).toMatchObject({ category: 'pool-workers', risk: 'high' });
    expect(byPath['resources.memory']).toMatchObject({ category: 'resource-limits', risk: 'high' });
    expect(byPath['app.debug']).toMatchObject({ category: 'feature-flags-debug' });
    expect(byPath['app.public_url']).toMatchObject({ category: 'urls-hosts', risk: 'low' });
    expect(byPath['webhook.secret']).toMatchObject({ category: 'tls-auth', risk: 'low' });
    expect(byPath['workers[name=parser].concurrency']).toMatchObject({ left: '2', right: '8' });
    expect(byPath['webhook.openai']?.reason).toMatch(/moved/);
  });

  it('does not call unrelated blocks with the same keys, or renamed blocks, moved', () => {
    const unrelated = diffConfigs(side('a', 'services:\n  one:\n    host: h1\n    port: 1\n    timeout: 10\n'), side('b', 'other:\n  two:\n    host: h2\n    port: 2\n    timeout: 20\n'));
    expect(unrelated.differences.map((diff) => diff.change).sort()).toEqual(['added', 'removed']);
    expect(unrelated.anomalies.filter((anomaly) => anomaly.kind === 'moved-subtree')).toEqual([]);
    const renamed = diffConfigs(side('a', 'openai:\n  key: k\n  model: m\n'), side('b', 'open_ai:\n  key: k\n  model: m\n'));
    expect(renamed.anomalies.filter((anomaly) => anomaly.kind === 'moved-subtree')).toEqual([]);
    const moved = diffConfigs(side('a', 'x:\n  openai:\n    key: k\n    model: m\n'), side('b', 'y:\n  openai:\n    key: k2\n    model: m2\n'));
    expect(moved.anomalies.map((anomaly) => `${anomaly.kind} ${anomaly.path} ${anomaly.otherPath}`)).toEqual(['moved-subtree x.openai y.openai']);
  });

  it('reads YAML merge keys', () => {
    const result = diffConfigs(side('a', 'base: &b\n  retries: 3\nsvc:\n  <<: *b\n  timeout: 5\n'), side('b', 'base: &b\n  retries: 3\nsvc:\n  <<: *b\n  retries: 4\n  timeout: 5\n'));
    expect(result.differences.map((diff) => `${diff.path} ${diff.left} ${diff.right}`)).toEqual(['svc.retries 3 4']);
  });

  it("flags localhost in a remote environment and another environment's host", () => {
    const result = diffConfigs(
      side('production', 'callback_url: http://localhost:8000/hooks\ncache:\n  host: redis-staging.internal\n'),
      side('staging', 'callback_url: https://api-staging.example.com/hooks\ncache:\n  host: redis-staging.internal\n'),
    );
    const anomalies = result.anomalies.filter((anomaly) => anomaly.kind === 'foreign-environment-value');
    expect(anomalies.map((anomaly) => `${anomaly.file} ${anomaly.path}`).sort()).toEqual(['production.yaml cache.host', 'production.yaml callback_url']);
  });

  it('flags a production host in staging when staging names its own hosts elsewhere on that domain', () => {
    const result = diffConfigs(
      side('staging', 'app:\n  url: https://staging.example.com\nqueue:\n  host: jobs.example.com\nopenai:\n  url: https://api.openai.com\n'),
      side('production', 'app:\n  url: https://www.example.com\nqueue:\n  host: jobs.example.com\nopenai:\n  url: https://api.openai.com\n'),
    );
    const foreign = result.anomalies.filter((anomaly) => anomaly.kind === 'foreign-environment-value');
    expect(foreign.map((anomaly) => `${anomaly.file} ${anomaly.path} ${anomaly.line} ${anomaly.risk}`)).toEqual(['staging.yaml queue.host 4 medium']);
  });

  it('reports parse errors as anomalies with line and column and no differences', () => {
    const result = diffConfigs(side('staging', 'a:\n  b: [1\n c: 2\n'), side('production', 'a:\n  b: 1\n'));
    expect(result.differences).toEqual([]);
    expect(result.anomalies[0]).toMatchObject({ kind: 'parse-error', file: 'staging.yaml', line: 3 });
    expect(result.anomalies[0]?.detail).toMatch(/line 3, column \d+/);
  });

  it('finds no differences between a configuration and a reordered copy of itself (property)', () => {
    const key = fc.stringMatching(/^[a-z_]{1,8}$/);
    const scalar = fc.oneof(fc.integer(), fc.boolean(), fc.stringMatching(/^[a-z0-9 ]{0,10}$/));
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, scalar, fc.dictionary(key, tie('node'), { maxKeys: 4 })),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(key, tree, { maxKeys: 5 }), (value) => {
        const reversed = Object.fromEntries(Object.entries(value).reverse());
        const result = diffConfigs(side('a', JSON.stringify(value), 'a.json'), side('b', JSON.stringify(reversed), 'b.json'));
        return result.differences.length === 0;
      }),
      { numRuns: 100 },
    );
  });

  it('reports every changed leaf exactly once (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), fc.integer({ min: 0, max: 5 }), { minKeys: 1, maxKeys: 8 }), fc.integer({ min: 1, max: 3 }), (value, bump) => {
        const keys = Object.keys(value);
        const changed = { ...value, [keys[0] as string]: (value[keys[0] as string] as number) + bump };
        const result = diffConfigs(side('a', JSON.stringify({ s: value }), 'a.json'), side('b', JSON.stringify({ s: changed }), 'b.json'));
        return result.differences.length === 1 && result.differences[0]?.path === `s.${keys[0]}`;
      }),
      { numRuns: 100 },
    );
  });
});
