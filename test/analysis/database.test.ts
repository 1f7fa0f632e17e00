// databaseFindings and valuesRejectedByConstraints on hand-built evidence: signals, severities, query-row refs and entities.
import { describe, expect, it } from 'vitest';
import { databaseFindings, jobErrorSignature, THRESHOLDS, valuesRejectedByConstraints } from '../../src/analysis/database.ts';
import type { CheckConstraint, DatabaseEvidence, DbRow, QueryCheck } from '../../src/evidence/schema.ts';

const check = (id: string, rows: DbRow[], status: QueryCheck['status'] = 'ok'): QueryCheck => ({ id, title: id, sql: 'SELECT 1', rows, rowCount: rows.length, truncated: false, status });

function evidence(checks: QueryCheck[], constraints: CheckConstraint[] = []): DatabaseEvidence {
  return {
    engine: 'postgres',
    serverVersion: '15.18',
    serverTime: '2026-11-20T12:00:00.000Z',
    jobTable: { table: 'upload_pipeline.upload_jobs', idColumn: 'job_id', stateColumn: 'state', statusColumn: 'status', inFlightStates: ['queued', 'working'], stuckAfterMinutes: 60 },
    checks,
    constraints,
    extras: { entityColumns: { document_id: 'document-id' }, updatedColumn: 'updated_at', asOf: '2026-11-20T12:00:00.000Z' },
  };
}

const constraints: CheckConstraint[] = [
  { table: 'upload_pipeline.upload_jobs', name: 'upload_jobs_state_check', definition: '...', column: 'state', allowedValues: ['queued', 'working', 'done'] },
  { table: 'upload_pipeline.upload_jobs', name: 'upload_jobs_status_check', definition: '...', column: 'status', allowedValues: ['parsing', 'parsed', 'failed'] },
  { table: 'upload_pipeline.upload_jobs', name: 'upload_jobs_retry_check', definition: 'CHECK ((retry_count >= 0))', column: 'retry_count' },
];

describe('valuesRejectedByConstraints', () => {
  it('flags a value outside the column set, with the constraint that rejects it', () => {
    expect(
      valuesRejectedByConstraints(constraints, [
        { column: 'status', value: 'parse_failed' },
        { column: 'status', value: 'parsed' },
      ]),
    ).toEqual([{ value: 'parse_failed', table: 'upload_pipeline.upload_jobs', column: 'status', constraint: 'upload_jobs_status_check', allowedValues: ['parsing', 'parsed', 'failed'] }]);
  });

  it('without a column: flags against every set only when no set accepts the value', () => {
    expect(valuesRejectedByConstraints(constraints, ['done', 'failed'])).toEqual([]);
    expect(valuesRejectedByConstraints(constraints, ['stuck']).map((item) => item.constraint)).toEqual(['upload_jobs_state_check', 'upload_jobs_status_check']);
  });

  it('ignores constraints without an allowed set and repeated values', () => {
    expect(valuesRejectedByConstraints([constraints[2]!], ['anything'])).toEqual([]);
    expect(
      valuesRejectedByConstraints(constraints, [
        { column: 'state', value: 'x' },
        { column: 'STATE', value: 'x' },
      ]),
    ).toHaveLength(1);
  });
});

describe('databaseFindings: jobs', () => {
  const stuckRows: DbRow[] = [
    { job_id: 'j-2', status: 'parsing', state: 'working', updated_at: '2026-11-20T09:30:00.000Z', document_id: 'd-2', minutes_since_update: 150 },
    { job_id: 'j-3', status: 'parse_queued', state: 'queued', updated_at: '2026-11-19T22:00:00.000Z', document_id: 'd-3', minutes_since_update: 840 },
  ];
  const ageRows: DbRow[] = [
    { state: 'working', jobs: 1, oldest_update: '2026-11-20T09:30:00.000Z', newest_update: '2026-11-20T09:30:00.000Z', max_minutes: 150, over_24h: 0 },
    { state: 'queued', jobs: 1, oldest_update: '2026-11-19T22:00:00.000Z', newest_update: '2026-11-19T22:00:00.000Z', max_minutes: 840, over_24h: 0 },
  ];

  it('reports stuck jobs with their ids, document ids, times and refs to the rows', () => {
    const [finding] = databaseFindings('db', evidence([check('stuck-jobs', stuckRows), check('stuck-job-age', ageRows)]));
    expect(finding).toMatchObject({
      id: 'db-stuck-jobs',
      signal: 'stuck-jobs',
      area: 'database',
      severity: 'high',
      count: 2,
      entities: { 'job-id': ['j-2', 'j-3'], 'document-id': ['d-2', 'd-3'] },
      firstSeen: '2026-11-19T22:00:00.000Z',
      lastSeen: '2026-11-20T09:30:00.000Z',
    });
    expect(finding!.refs).toContainEqual(expect.objectContaining({ kind: 'query-row', source: 'db', check: 'stuck-jobs', row: 1, excerpt: expect.stringContaining('job_id=j-3') }));
    expect(finding!.detail).toContain('queued 1 (oldest 840 min since update)');
  });

  it('is critical when a job has been stuck for over a day; silent when none are stuck; ignores failed checks', () => {
    const old = ageRows.map((row) => ({ ...row, over_24h: 1 }));
    expect(databaseFindings('db', evidence([check('stuck-jobs', stuckRows), check('stuck-job-age', old)]))[0]!.severity).toBe('critical');
    expect(databaseFindings('db', evidence([check('stuck-jobs', []), check('stuck-job-age', [])]))).toEqual([]);
    expect(databaseFindings('db', evidence([check('stuck-jobs', stuckRows, 'failed'), check('stuck-job-age', ageRows, 'failed')]))).toEqual([]);
  });

  it('turns error groups into findings whose signal says what the error is', () => {
    const rows: DbRow[] = [
      {
        normalized_error: 'webhook timeout after <n>s for job <uuid>',
        error_code: 'webhook_timeout',
        occurrences: 12,
        jobs: 12,
        first_seen: '2026-11-20T09:00:00.000Z',
        last_seen: '2026-11-20T10:00:00.000Z',
        sample_error: 'webhook timeout after 30s',
        states: ['retryable'],
        sample_ids: ['j-5', 'j-6'],
        sample_document_id: ['d-5'],
      },
      {
        normalized_error: 'new row for relation <value> violates check constraint <value>',
        error_code: '23514',
        occurrences: 1,
        jobs: 1,
        first_seen: '2026-11-20T11:00:00.000Z',
        last_seen: '2026-11-20T11:00:00.000Z',
        sample_error: 'violates check constraint',
        states: ['deadletter'],
        sample_ids: ['j-7'],
      },
      { normalized_error: 'boom', error_code: null, occurrences: 2, jobs: 2, first_seen: null, last_seen: null, sample_error: 'boom', states: [], sample_ids: [] },
    ];
    const findings = databaseFindings('db', evidence([check('recent-errors', rows)]));
    expect(findings.map((finding) => [finding.id, finding.signal, finding.severity])).toEqual([
      ['db-job-error-1', 'webhook-failures', 'high'],
      ['db-job-error-2', 'constraint-violation', 'high'],
      ['db-job-error-3', 'job-errors', 'medium'],
    ]);
    expect(findings[0]!.entities).toEqual({ 'job-id': ['j-5', 'j-6'], 'document-id': ['d-5'] });
    expect(findings[1]!.refs).toEqual([expect.objectContaining({ check: 'recent-errors', row: 1 })]);
    expect([findings[0]!.firstSeen, findings[0]!.lastSeen]).toEqual(['2026-11-20T09:00:00.000Z', '2026-11-20T10:00:00.000Z']);
  });

  it('gives an error group no times when its row holds values that are not times', () => {
    const row: DbRow = { normalized_error: 'boom', error_code: null, occurrences: 3, jobs: 3, first_seen: 1e308, last_seen: 'later', sample_error: 'boom', states: [], sample_ids: [] };
    const [finding] = databaseFindings('db', evidence([check('recent-errors', [row])]));
    expect(finding!.firstSeen).toBeUndefined();
    expect(finding!.lastSeen).toBeUndefined();
  });

  it('classifies job error texts with the error-signature catalogue', () => {
    const signal = (sample: string, code = ''): string | undefined => jobErrorSignature(sample, '', code)?.signature.signal;
    expect(signal('deadlock detected')).toBe('deadlock');
    expect(signal('QueuePool limit of size 5 overflow 10 reached, connection timed out')).toBe('pool-exhaustion');
    expect(signal('FATAL: remaining connection slots are reserved for non-replication superuser connections')).toBe('connection-refused');
    expect(signal('connect ECONNREFUSED 10.0.0.1:5432')).toBe('network-error');
    expect(jobErrorSignature('connect ECONNREFUSED 10.0.0.1:5432', '', '')?.resource).toBe('postgres');
    expect(signal('canceling statement due to statement timeout')).toBe('statement-timeout');
    expect(signal('LlamaParse returned 500')).toBe('upstream-error');
    expect(signal('job failed', '40P01')).toBe('deadlock');
    expect(signal('Document is password protected')).toBeUndefined();
  });

  it('flags stored values outside a constraint and heavy retries', () => {
    const distribution = check('state-distribution', [
      { state: 'working', status: 'parsing', jobs: 5 },
      { state: 'stuck', status: 'parsing', jobs: 2 },
    ]);
    const retries = check('retry-counts', [
      { retries: 0, jobs: 10 },
      { retries: THRESHOLDS.manyRetries, jobs: 4 },
      { retries: 7, jobs: 1 },
    ]);
    const findings = databaseFindings('db', evidence([distribution, retries], constraints));
    expect(findings.find((finding) => finding.signal === 'constraint-violation')).toMatchObject({ id: 'db-stored-state-outside-constraint', count: 2 });
    expect(findings.find((finding) => finding.id === 'db-many-retries')).toMatchObject({ count: 5, signal: 'job-errors' });
  });
});

describe('databaseFindings: health', () => {
  it('pool exhaustion from connection headroom', () => {
    const full = check('connection-headroom', [
      {
        max_connections: 100,
        superuser_reserved: 3,
        reserved: 0,
        available_to_ordinary_roles: 97,
        client_backends: 96,
        free_ordinary_slots: 1,
        used_pct: 99,
        active: 10,
        idle: 80,
        idle_in_transaction: 6,
      },
    ]);
    expect(databaseFindings('db', evidence([full]))[0]).toMatchObject({ signal: 'pool-exhaustion', severity: 'critical', count: 96 });
    const calm = check('connection-headroom', [{ available_to_ordinary_roles: 97, client_backends: 10, free_ordinary_slots: 87, used_pct: 10.3 }]);
    expect(databaseFindings('db', evidence([calm]))).toEqual([]);
  });

  it('idle in transaction: high when it blocks others, and says the timeout is off', () => {
    const idle = check('idle-in-transaction', [
      { pid: 101, application_name: 'webhook', state: 'idle in transaction', xact_age_s: 12, idle_s: 11, blocking_pids: [202], locked_tables: ['upload_pipeline.upload_jobs'] },
    ]);
    const settings = check('settings', [{ name: 'idle_in_transaction_session_timeout', setting: '0', unit: 'ms' }]);
    const [finding] = databaseFindings('db', evidence([idle, settings]));
    expect(finding).toMatchObject({ signal: 'idle-in-transaction', severity: 'high', count: 1 });
    expect(finding!.detail).toMatch(/upload_pipeline\.upload_jobs.*202.*disabled/);
    const harmless = check('idle-in-transaction', [{ pid: 1, idle_s: 2, blocking_pids: null }]);
    expect(databaseFindings('db', evidence([harmless]))[0]!.severity).toBe('low');
  });

  it('blocking chains grouped by root blocker; waiting locks; long and prepared transactions', () => {
    const chains = check('blocking-chains', [
      {
        pid: 202,
        blocked_by: [101],
        root_blockers: [101],
        depth: 1,
        wait_event: 'transactionid',
        waiting_s: 5,
        root_state: 'idle in transaction',
        root_application_name: 'webhook',
        root_xact_age_s: 12,
      },
      { pid: 203, blocked_by: [202], root_blockers: [101], depth: 2, wait_event: 'tuple', waiting_s: 4 },
    ]);
    const waiting = check('waiting-locks', [{ pid: 202, locktype: 'transactionid', transactionid: '738', mode: 'ShareLock', waiting_s: 5 }]);
    const oldest = check('oldest-transactions', [
      { pid: 101, xact_age_s: THRESHOLDS.longTransactionSeconds + 1, application_name: 'webhook', state: 'idle in transaction' },
      { pid: 300, xact_age_s: 3 },
    ]);
    const prepared = check('prepared-transactions', [{ gid: 'tx1', age_s: 5000 }]);
    const settings = check('settings', [{ name: 'log_lock_waits', setting: 'off' }]);
    const findings = databaseFindings('db', evidence([chains, waiting, oldest, prepared, settings]));
    const chain = findings.find((finding) => finding.signal === 'blocking-chain')!;
    expect(chain).toMatchObject({ id: 'db-blocking-chain-101', count: 2, severity: 'high' });
    expect(chain.title).toContain('chain depth 2');
    expect(chain.detail).toContain('idle in transaction, webhook');
    expect(findings.find((finding) => finding.signal === 'lock-wait')).toMatchObject({ count: 1, severity: 'medium', detail: expect.stringContaining('log_lock_waits is off') });
    expect(findings.filter((finding) => finding.signal === 'long-transaction').map((finding) => [finding.id, finding.count])).toEqual([
      ['db-long-transactions', 1],
      ['db-prepared-transactions', 1],
    ]);
  });

  it('deadlocks: the delta during collection wins over the cumulative counter', () => {
    const counters = (delta: number, total: number) =>
      check('database-counters', [
        { snapshot: 'before', database: 'app', deadlocks: total - delta, stats_reset: null },
        { snapshot: 'after', database: 'app', deadlocks: total, stats_reset: null },
        { snapshot: 'delta', database: 'app', deadlocks: delta, interval_s: 1 },
      ]);
    expect(databaseFindings('db', evidence([counters(2, 9)]))).toEqual([
      expect.objectContaining({ id: 'db-deadlocks-during-collection', count: 2, severity: 'high', refs: [expect.objectContaining({ row: 2 })] }),
    ]);
    expect(databaseFindings('db', evidence([counters(0, 9)]))).toEqual([
      expect.objectContaining({ id: 'db-deadlocks-since-reset', count: 9, severity: 'medium', refs: [expect.objectContaining({ row: 1 })] }),
    ]);
    expect(databaseFindings('db', evidence([counters(0, 0)]))).toEqual([]);
  });
});
