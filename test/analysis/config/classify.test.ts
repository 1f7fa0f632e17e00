// Tests for classifying configuration differences and ranking their risk.
import { describe, expect, it } from 'vitest';
import { assess, categorize } from '../../../src/analysis/config/classify.ts';

const labels = { leftLabel: 'staging', rightLabel: 'production' };

describe('categorize', () => {
  it('classifies by the last key, then its parents, then the value', () => {
    const cases: [string, string][] = [
      ['webhook.callback_url', 'urls-hosts'],
      ['database.port', 'urls-hosts'],
      ['database.echo', 'other'],
      ['app.report_dir', 'other'],
      ['webhook.timeout_seconds', 'timeouts'],
      ['retry.max', 'retries-backoff'],
      ['retry.enabled', 'retries-backoff'],
      ['features.enabled', 'feature-flags-debug'],
      ['database.pool.size', 'pool-workers'],
      ['server.max_body_bytes', 'resource-limits'],
      ['database.max_overflow', 'pool-workers'],
      ['WEB_CONCURRENCY', 'pool-workers'],
      ['resources.memory_mb', 'resource-limits'],
      ['features.inline_parse_results', 'feature-flags-debug'],
      ['database.sslmode', 'tls-auth'],
      ['webhook.secret', 'tls-auth'],
    ];
    for (const [path, category] of cases) expect(categorize(path), path).toBe(category);
    expect(categorize('upstream', 'https://a.example', 'https://b.example')).toBe('urls-hosts');
  });
});

describe('assess', () => {
  it('a connection URL whose only difference is its redacted password is expected per environment; one whose host differs too is not', () => {
    const url = (password: number, host = 'pgbouncer') => `postgresql://app:[REDACTED:db-password:${password}]@${host}:6432/ingest`;
    expect(assess({ path: 'DATABASE_URL', change: 'changed', left: url(1), right: url(2), ...labels })).toMatchObject({ risk: 'low', reason: expect.stringMatching(/only in its secret part/) });
    expect(assess({ path: 'DATABASE_URL', change: 'changed', left: url(1), right: url(2, 'db-replica'), ...labels })).toMatchObject({ risk: 'medium' });
  });

  it('ranks by the size of the difference and by disabled settings', () => {
    expect(assess({ path: 'webhook.timeout', change: 'changed', left: '5s', right: '30s', ...labels })).toMatchObject({ category: 'timeouts', risk: 'high' });
    expect(assess({ path: 'webhook.timeout', change: 'changed', left: 25, right: 30, ...labels })).toMatchObject({ risk: 'low' });
    expect(assess({ path: 'webhook.max_retries', change: 'changed', left: 0, right: 3, ...labels })).toMatchObject({ risk: 'high' });
    expect(assess({ path: 'resources.memory', change: 'changed', left: '512Mi', right: '2Gi', ...labels }).reason).toMatch(/4\.0x/);
    expect(assess({ path: 'http.verify_ssl', change: 'changed', left: false, right: true, ...labels })).toMatchObject({ category: 'tls-auth', risk: 'high' });
    expect(assess({ path: 'debug', change: 'changed', left: false, right: true, ...labels })).toMatchObject({ risk: 'high' });
    expect(assess({ path: 'log_level', change: 'changed', left: 'DEBUG', right: 'INFO', ...labels })).toMatchObject({ risk: 'low' });
    expect(assess({ path: 'webhook.callback_url', change: 'removed', left: 'https://x', ...labels })).toMatchObject({ risk: 'high' });
    expect(assess({ path: 'webhook.callback_url', change: 'changed', left: 'http://hooks.example.com', right: 'https://hooks.example.com', ...labels }).reason).toMatch(/scheme/);
  });

  it('never puts a secret value in the reason', () => {
    const result = assess({ path: 'webhook.secret', change: 'changed', left: 'whsec_aaaaaaaa', right: '', ...labels });
    expect(result.risk).toBe('high');
    expect(result.reason).not.toContain('whsec_aaaaaaaa');
  });
});
