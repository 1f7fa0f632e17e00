// Failure patterns and log findings over evidence built from synthetic records (general rules, no sample-specific text).
import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../src/evidence/schema.ts';
import { EvidenceBuilder } from '../../src/collectors/logs/merge.ts';
import { crossSourceLogFindings, logFindings, logPatterns } from '../../src/analysis/log-patterns.ts';
import { periodicity, pearson } from '../../src/lib/log-templates/time-stats.ts';

let line = 0;
function record(time: string, message: string, level?: LogRecord['level'], fields: Record<string, string> = {}): LogRecord {
  return { file: 'app.json', line: ++line, timestamp: new Date(time).toISOString(), message, fields, ...(level ? { level } : {}) };
}

function build(records: LogRecord[]) {
  const builder = new EvidenceBuilder(null);
  builder.beginFile('app.json', 'render-json');
  for (const entry of records) builder.add(entry);
  return builder.finish();
}

const at = (base: string, minutes: number): string => new Date(Date.parse(base) + minutes * 60_000).toISOString();

function incident(): LogRecord[] {
  line = 0;
  const records: LogRecord[] = [];
  const start = '2026-11-19T06:00:00Z';
  for (let minute = 0; minute < 600; minute += 5) {
    records.push(record(at(start, minute), `GET /health 200 ${minute % 7}ms`, 'info', { statusCode: '200', method: 'GET', path: '/health' }));
  }
  records.push(record(at(start, 60), 'Upstream search API returned 429 Too Many Requests', 'warn'));
  records.push(record(at(start, 120), '==> Deploying...', 'info', { type: 'build' }));
  records.push(record(at(start, 123), '==> Your service is live', 'info', { type: 'build' }));
  // Bursts after the deploy: pool timeouts and failed webhook deliveries, three episodes.
  for (const episode of [180, 300, 420]) {
    for (let index = 0; index < 4; index++) {
      const job = `job-${episode}-${index}`;
      const minute = episode + index;
      records.push(record(at(start, minute), `Processing job_id=${job}`, 'info'));
      records.push(record(at(start, minute), `TimeoutError: QueuePool limit of size 5 overflow 0 reached, connection timed out, timeout 10 (job_id=${job})`, 'error'));
      records.push(record(at(start, minute), `POST /webhooks/jobs/${job} 500`, undefined, { statusCode: '500', method: 'POST', path: `/webhooks/jobs/${job}` }));
    }
  }
  // A job whose webhook succeeded, and one that never got one.
  records.push(record(at(start, 500), 'Processing job_id=job-ok-1', 'info'));
  records.push(record(at(start, 501), 'POST /webhooks/jobs/job-ok-1 200', undefined, { statusCode: '200', method: 'POST', path: '/webhooks/jobs/job-ok-1' }));
  records.push(record(at(start, 510), 'Processing job_id=job-silent-9', 'info'));
  records.push(record(at(start, 520), 'Worker exited with code 137, restarting', 'error'));
  return records.sort((a, b) => a.timestamp!.localeCompare(b.timestamp!));
}

describe('logPatterns', () => {
  const evidence = build(incident());
  const patterns = logPatterns('app', evidence);

  it('builds the timeline, markers, load correlation and histograms', () => {
    expect(patterns.deploys).toHaveLength(1);
    expect(patterns.deploys[0]!.start).toBe('2026-11-19T08:00:00.000Z');
    expect(patterns.markers.map((marker) => marker.kind)).toEqual(['deploy', 'deploy', 'restart']);
    expect(patterns.load!.failedRequests).toBe(12);
    expect(patterns.load!.requests).toBe(120 + 13);
    expect(patterns.load!.correlation).not.toBeNull();
    expect(patterns.hourOfDay.reduce((sum, count) => sum + count, 0)).toBe(patterns.errorRecords);
    expect(patterns.weekday.find((day) => day.day === 'Thu')!.errors).toBe(patterns.errorRecords);
    expect(patterns.bursts.map((burst) => burst.start)).toEqual(['2026-11-19T09:00:00.000Z', '2026-11-19T11:00:00.000Z', '2026-11-19T13:00:00.000Z']);
    expect(patterns.interArrival!.maxSeconds).toBeGreaterThan(3600);
  });

  it('dates error categories against the deploy', () => {
    const pool = patterns.categories.find((category) => category.signal === 'pool-exhaustion')!;
    expect(pool.newAfterDeploy).toBe(true);
    expect(pool.afterDeploy!.minutesAfter).toBe(60);
    const rate = patterns.categories.find((category) => category.signal === 'upstream-rate-limit')!;
    expect(rate.newAfterDeploy).toBe(false);
    expect(rate.afterDeploy).toBeUndefined();
  });

  it('splits webhook outcomes by status and by job', () => {
    expect(patterns.webhooks!.byStatus.map((row) => [row.statusCode, row.count])).toEqual([
      [200, 1],
      [500, 12],
    ]);
    expect(patterns.webhooks!.failedOnly).toHaveLength(12);
    expect(patterns.webhooks!.none).toEqual(['job-silent-9']);
  });
});

describe('logFindings', () => {
  const findings = logFindings('app', build(incident()));
  const bySignal = new Map(findings.map((finding) => [finding.signal, finding]));

  it('emits findings by generic signal with refs to real records', () => {
    for (const signal of ['pool-exhaustion', 'http-5xx', 'webhook-failures', 'missing-webhooks', 'deploy', 'errors-after-deploy', 'restart', 'burst', 'upstream-rate-limit'] as const) {
      expect(bySignal.has(signal), signal).toBe(true);
    }
    const records = incident();
    for (const finding of findings) {
      expect(finding.refs.length, finding.id).toBeGreaterThan(0);
      for (const ref of finding.refs) {
        expect(ref.kind).toBe('log-record');
        if (ref.kind !== 'log-record') continue;
        const source = records.find((entry) => entry.line === ref.line)!;
        expect(source.message.startsWith(ref.excerpt.replace(/…$/, '')), `${finding.id}: ${ref.excerpt}`).toBe(true);
      }
    }
    expect(bySignal.get('pool-exhaustion')!.count).toBe(12);
    expect(bySignal.get('http-5xx')!.count).toBe(12);
    expect(bySignal.get('webhook-failures')!.entities!['job-id']).toHaveLength(12);
    expect(bySignal.get('missing-webhooks')!.entities!['job-id']).toEqual(['job-silent-9']);
    expect(bySignal.get('errors-after-deploy')!.severity).toBe('high');
    expect(new Set(findings.map((finding) => finding.id)).size).toBe(findings.length);
  });

  it('names the error signature and resource on each error finding, one finding per signature', () => {
    line = 0;
    const start = '2026-11-19T06:00:00Z';
    const records: LogRecord[] = [];
    for (let index = 0; index < 6; index++) {
      records.push(record(at(start, index), `redis.exceptions.ConnectionError: Too many connections (job ${index})`, 'error'));
      records.push(record(at(start, index), `sqlalchemy.exc.TimeoutError: QueuePool limit of size 5 overflow 10 reached, connection timed out, timeout 30.00 (job ${index})`, 'error'));
      records.push(
        record(
          at(start, index),
          `2026/11/19 06:0${index}:11 [error] 31#31: *45${index} connect() failed (111: Connection refused) while connecting to upstream, client: 203.0.113.7, server: app.example.com, request: "GET /api/jobs HTTP/1.1", upstream: "http://10.0.2.14:8000/api/jobs", host: "app.example.com"`,
          'error',
        ),
      );
      records.push(record(at(start, index), 'request failed', 'error', { 'err.type': 'Error', 'err.code': 'ECONNREFUSED', 'err.address': '10.0.0.9', 'err.port': '6379' }));
    }
    const found = logFindings('app', build(records.sort((a, b) => a.timestamp!.localeCompare(b.timestamp!))));
    const bySignature = new Map(found.filter((finding) => finding.signatureId).map((finding) => [finding.signatureId!, finding]));
    expect(bySignature.get('redis-py-too-many-connections')).toMatchObject({ signal: 'pool-exhaustion', resource: 'redis', count: 6 });
    expect(bySignature.get('sqlalchemy-queuepool-timeout')).toMatchObject({ signal: 'pool-exhaustion', resource: 'postgres', count: 6 });
    expect(bySignature.get('nginx-upstream-connection-refused')).toMatchObject({ signal: 'upstream-error', resource: 'http-upstream', resourceName: '10.0.2.14:8000' });
    expect(bySignature.get('node-econnrefused')).toMatchObject({ signal: 'network-error', resource: 'redis', resourceName: '10.0.0.9:6379' });
    expect(found.some((finding) => finding.signal === 'connection-refused')).toBe(false);
    expect(new Set(found.map((finding) => finding.id)).size).toBe(found.length);
  });

  it('finds jobs named in one source that no source received a webhook for', () => {
    line = 0;
    const api = build([record('2026-11-19T06:00:00Z', 'POST /api/hooks/webhook/job-1 200', undefined, { statusCode: '200', path: '/api/hooks/webhook/job-1' })]);
    const worker = build([record('2026-11-19T05:59:00Z', 'Submitting job job-1', 'info'), record('2026-11-19T05:59:30Z', 'Submitting job job-2', 'info')]);
    const cross = crossSourceLogFindings([
      { id: 'api', evidence: api },
      { id: 'worker', evidence: worker },
    ]);
    expect(cross).toHaveLength(1);
    expect(cross[0]!.signal).toBe('missing-webhooks');
    expect(cross[0]!.entities!['job-id']).toEqual(['job-2']);
    expect(cross[0]!.refs[0]).toMatchObject({ kind: 'log-record', source: 'worker', line: 3 });
  });
});

describe('time statistics', () => {
  it('recognises a regular interval and a fixed minute of the hour', () => {
    const sixHours = [0, 1, 2, 3, 4].map((index) => Date.parse('2026-11-19T00:07:00Z') + index * 6 * 3_600_000);
    expect(periodicity(sixHours)).toMatchObject({ kind: 'interval', periodMinutes: 360 });
    const onTheHour = [0, 1, 3, 4, 7, 8].map((hour) => Date.parse('2026-11-19T00:00:00Z') + hour * 3_600_000 + (hour % 2) * 60_000);
    expect(periodicity(onTheHour)).toMatchObject({ kind: 'minute-of-hour', minute: 0 });
    expect(periodicity([0, 5, 200, 260, 1000].map((minute) => minute * 60_000 + 13 * 60_000))).toBeNull();
  });

  it('computes Pearson correlation', () => {
    expect(pearson([1, 2, 3, 4], [2, 4, 6, 8])).toBeCloseTo(1);
    expect(pearson([1, 2, 3, 4], [8, 6, 4, 2])).toBeCloseTo(-1);
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNull();
  });
});

describe('restarts', () => {
  it('counts start-ups outside deploys as restarts, but not the deploy boot or the start of the log', () => {
    line = 0;
    const start = '2026-11-19T06:00:00Z';
    const records = [
      record(at(start, 0), 'Listening on port 10000', 'info'),
      record(at(start, 0), 'Booting worker with pid: 7', 'info'),
      ...Array.from({ length: 60 }, (_, minute) => record(at(start, minute), 'GET /health 200', 'info', { statusCode: '200', path: '/health' })),
      record(at(start, 10), '==> Deploying...', 'info', { type: 'build' }),
      record(at(start, 12), 'Listening on port 10000', 'info'),
      record(at(start, 40), 'Listening on port 10000', 'info'),
      record(at(start, 40), 'Booting worker with pid: 9', 'info'),
    ].sort((a, b) => a.timestamp!.localeCompare(b.timestamp!));
    const restart = logFindings('web', build(records)).find((finding) => finding.signal === 'restart')!;
    expect(restart.count).toBe(1);
    expect(restart.refs[0]).toMatchObject({ timestamp: '2026-11-19T06:40:00.000Z' });
    expect(restart.detail).toContain('outside any deploy');
    expect(logPatterns('web', build(records)).restarts.map((marker) => marker.time)).toEqual(['2026-11-19T06:40:00.000Z']);
  });
});
