// PostgreSQL server-log records -> incident events, counts and findings (the reference PG15 log plus hand-built records).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pgLogFindings } from '../../src/analysis/pg-log-events.ts';
import { classifyPgLog, classifyPgLogRecord, isPgIncidentRecord, summarizePgLogEvents, writtenValues } from '../../src/lib/pg-log-events.ts';
import { parsePostgresLog } from '../../src/collectors/logs/postgres.ts';
import type { LogRecord } from '../../src/evidence/schema.ts';

const SAMPLE = 'test/fixtures/db/postgres15-sample.log';

/** The sample switches log_line_prefix halfway (adding app= and e=%e); read each part with its own prefix. */
function sampleRecords(): LogRecord[] {
  const lines = readFileSync(SAMPLE, 'utf8').split('\n');
  const switchAt = lines.findIndex((line) => line.includes('parameter "log_line_prefix" changed'));
  const first = parsePostgresLog(lines.slice(0, switchAt + 1).join('\n'), { prefix: '%m [%p] %q%u@%d ', file: SAMPLE });
  const second = parsePostgresLog(lines.slice(switchAt + 1).join('\n'), { prefix: '%m [%p] %q%u@%d app=%a,e=%e ', file: SAMPLE }).map((record) => ({
    ...record,
    line: record.line + switchAt + 1,
  }));
  return [...first, ...second];
}

const record = (message: string, fields: Record<string, string> = {}, line = 1): LogRecord => ({
  file: 'pg.log',
  line,
  timestamp: `2026-11-20T10:00:0${line % 10}.000Z`,
  message,
  fields: { pid: '42', user: 'app', database: 'jobs', ...fields },
});

describe('the reference PostgreSQL 15 log', () => {
  const records = sampleRecords();
  const events = classifyPgLog(records);
  const counts = Object.fromEntries(summarizePgLogEvents(events).map((summary) => [summary.kind, summary.count]));

  it('counts every kind of event as often as it occurs', () => {
    expect(counts).toEqual({
      deadlock: 3,
      'deadlock-wait': 3,
      'lock-wait': 9,
      'lock-acquired': 7,
      'lock-timeout': 2,
      'lock-nowait': 1,
      'statement-timeout': 3,
      'user-cancel': 1,
      'idle-in-transaction-timeout': 1,
      'admin-terminate': 1,
      'connection-slots-reserved': 2,
      'too-many-clients': 2,
      'auth-failure': 1,
      'database-missing': 1,
      'constraint-violation': 8,
      'unexpected-eof-open-transaction': 1,
      'temp-file': 2,
      'slow-statement': 37,
    });
  });

  it('keeps the SQLSTATE from %e, the constraint name and the written value', () => {
    const checks = events.filter((event) => event.constraintKind === 'check');
    expect(checks).toHaveLength(4);
    const withPrefixCode = checks.filter((event) => event.application === 'check_viol');
    expect(withPrefixCode.map((event) => event.sqlstate)).toEqual(['23514', '23514']);
    expect(checks.flatMap((event) => event.values ?? [])).toEqual([
      { column: 'status', value: 'stuck' },
      { column: 'status', value: 'cancelled' },
      { column: 'status', value: 'stuck' },
      { column: 'status', value: 'cancelled' },
    ]);
    expect(checks[0]).toMatchObject({ constraint: 'jobs_status_check', relation: 'jobs', detail: expect.stringContaining('Failing row contains') });
    const unique = events.find((event) => event.constraintKind === 'unique');
    expect(unique).toMatchObject({ constraint: 'jobs_pkey', sqlstate: '23505' });
  });

  it('reads lock waits: mode, target, wait time and holders; deadlocks: the other process', () => {
    const wait = events.find((event) => event.kind === 'lock-wait')!;
    expect(wait).toMatchObject({ pid: '9099', lockMode: 'ShareLock', lockTarget: 'transaction 738', waitMs: 1000.101, otherPids: ['9065'] });
    const deadlock = events.find((event) => event.kind === 'deadlock')!;
    expect(deadlock).toMatchObject({ pid: '5814', otherPids: ['5820'], sqlstate: '40P01', timestamp: '2026-11-29T11:03:49.787Z' });
    expect(deadlock.detail).toContain('Process 5820: UPDATE jobs');
  });

  it('places events in time and turns them into findings with log-record refs', () => {
    const deadlocks = summarizePgLogEvents(events).find((summary) => summary.kind === 'deadlock')!;
    expect(deadlocks).toMatchObject({ first: '2026-11-29T11:03:49.787Z', last: '2026-11-29T11:07:34.987Z' });
    const findings = pgLogFindings('pg', records);
    const bySignal = (signal: string) => findings.filter((finding) => finding.signal === signal);
    expect(bySignal('deadlock')[0]).toMatchObject({ id: 'pg-pg-deadlocks', count: 3, severity: 'high', firstSeen: '2026-11-29T11:03:49.787Z' });
    expect(bySignal('connection-refused')[0]).toMatchObject({ count: 4, severity: 'critical' });
    expect(bySignal('auth-failure')[0]).toMatchObject({ count: 1 });
    expect(bySignal('pool-exhaustion')).toEqual([]);
    expect(bySignal('lock-timeout')[0]!.count).toBe(3);
    expect(
      bySignal('constraint-violation')
        .map((finding) => finding.id)
        .sort(),
    ).toEqual(['pg-pg-violates-jobs-pkey', 'pg-pg-violates-jobs-status-check', 'pg-pg-violates-jobs-status-not-null']);
    const ref = bySignal('deadlock')[0]!.refs[0]!;
    expect(ref).toMatchObject({ kind: 'log-record', source: 'pg', file: SAMPLE, excerpt: 'deadlock detected' });
    expect(readFileSync(SAMPLE, 'utf8').split('\n')[(ref as { line: number }).line - 1]).toContain('ERROR:  deadlock detected');
  });
});

describe('classifyPgLogRecord on hand-built records', () => {
  it('matches both wordings of the reserved-slots refusal and "too many clients"', () => {
    for (const message of [
      'remaining connection slots are reserved for non-replication superuser connections',
      'remaining connection slots are reserved for roles with the SUPERUSER attribute',
      'remaining connection slots are reserved for roles with privileges of the "pg_use_reserved_connections" role',
    ]) {
      expect(classifyPgLogRecord(record(message, { severity: 'FATAL' }))).toMatchObject({ kind: 'connection-slots-reserved', sqlstate: '53300' });
    }
    expect(classifyPgLogRecord(record('sorry, too many clients already'))).toMatchObject({ kind: 'too-many-clients' });
  });

  it('reads records whose message still carries the severity and inline DETAIL/STATEMENT lines', () => {
    const event = classifyPgLogRecord(
      record(
        'ERROR:  insert or update on table "upload_jobs" violates foreign key constraint "upload_jobs_document_id_fkey"\nDETAIL:  Key (document_id)=(x) is not present in table "documents".\nSTATEMENT:  INSERT INTO upload_jobs (job_id, document_id, state) VALUES (\'j-1\', \'x\', \'queued\')',
      ),
    );
    expect(event).toMatchObject({
      kind: 'constraint-violation',
      constraintKind: 'foreign-key',
      constraint: 'upload_jobs_document_id_fkey',
      relation: 'upload_jobs',
      sqlstate: '23503',
      severity: 'ERROR',
    });
    expect(event?.values).toEqual([
      { column: 'job_id', value: 'j-1' },
      { column: 'document_id', value: 'x' },
      { column: 'state', value: 'queued' },
    ]);
  });

  it('marks LOG-level incident lines as worth keeping, routine ones not', () => {
    expect(isPgIncidentRecord(record('process 9099 still waiting for ShareLock on transaction 738 after 1000.101 ms', { severity: 'LOG' }))).toBe(true);
    expect(isPgIncidentRecord(record('unexpected EOF on client connection with an open transaction', { severity: 'LOG' }))).toBe(true);
    expect(isPgIncidentRecord(record('duration: 1001.317 ms  statement: SELECT pg_sleep(1);', { severity: 'LOG' }))).toBe(false);
    expect(isPgIncidentRecord(record('checkpoint starting: time', { severity: 'LOG' }))).toBe(false);
  });

  it('ignores ordinary lines and keeps a prefix SQLSTATE over the default', () => {
    expect(classifyPgLogRecord(record('connection authorized: user=app database=jobs'))).toBeUndefined();
    expect(classifyPgLogRecord(record('checkpoint complete: wrote 3 buffers'))).toBeUndefined();
    expect(classifyPgLogRecord(record('canceling statement due to statement timeout', { sqlstate: '57014' }))?.sqlstate).toBe('57014');
    expect(classifyPgLogRecord(record('no pg_hba.conf entry for host "10.0.0.9", user "app", database "jobs", no encryption'))).toMatchObject({ kind: 'auth-failure', sqlstate: '28000' });
  });

  it('names job and document ids from the failing statements in findings', () => {
    const records = [
      record(
        'new row for relation "upload_jobs" violates check constraint "upload_jobs_status_check"',
        { statement: "UPDATE upload_jobs SET status = 'parse_failed' WHERE job_id = 'j-7' AND document_id = 'd-3'" },
        1,
      ),
      record('new row for relation "upload_jobs" violates check constraint "upload_jobs_status_check"', { statement: "UPDATE upload_jobs SET status = 'parse_failed' WHERE job_id = 'j-8'" }, 2),
    ];
    const [finding] = pgLogFindings('logs', records);
    expect(finding).toMatchObject({ signal: 'constraint-violation', count: 2, entities: { 'job-id': ['j-7', 'j-8'], 'document-id': ['d-3'] } });
    expect(finding!.detail).toContain("status='parse_failed'");
  });
});

describe('writtenValues', () => {
  it('reads UPDATE SET and INSERT VALUES literals, with escaped quotes and numbers', () => {
    expect(writtenValues("UPDATE t SET a = 'it''s', b=2, c = now() WHERE id = 'x'")).toEqual([
      { column: 'a', value: "it's" },
      { column: 'b', value: '2' },
    ]);
    expect(writtenValues('INSERT INTO t(a, "B", c) VALUES (\'x, y\', 3, now())')).toEqual([
      { column: 'a', value: 'x, y' },
      { column: 'b', value: '3' },
    ]);
  });
});

describe('server life: checkpoints, autovacuum, crashes and crash recovery (a real PG 15.18 log, two crashes)', () => {
  const CRASH = 'test/fixtures/logs/postgres15-crash-recovery.log';
  const records = parsePostgresLog(readFileSync(CRASH, 'utf8'), { file: CRASH });
  const events = classifyPgLog(records);
  const counts = Object.fromEntries(summarizePgLogEvents(events).map((summary) => [summary.kind, summary.count]));
  const text = readFileSync(CRASH, 'utf8');
  const occurrences = (needle: string) => text.split('\n').filter((line) => line.includes(needle)).length;

  it('counts checkpoints, checkpoint pressure, autovacuum/autoanalyze, crashes and recoveries as often as the log has them', () => {
    expect(counts.checkpoint).toBe(occurrences('LOG:  checkpoint complete:'));
    expect(counts['checkpoints-too-frequent']).toBe(occurrences('checkpoints are occurring too frequently'));
    expect(counts.autovacuum).toBe(occurrences('LOG:  automatic vacuum of table') + occurrences('LOG:  automatic aggressive vacuum of table'));
    expect(counts.autoanalyze).toBe(occurrences('LOG:  automatic analyze of table'));
    expect(counts['unclean-shutdown']).toBe(2);
    expect(counts['crash-recovery']).toBe(2);
    expect(counts['crash-restart']).toBe(1);
    expect(counts['server-process-crash']).toBe(2);
    const killed = events.find((event) => event.kind === 'server-process-crash' && event.exitSignal !== undefined)!;
    expect(killed).toMatchObject({ processKind: 'server process', exitSignal: 9 });
    const checkpoint = events.find((event) => event.kind === 'checkpoint')!;
    expect(checkpoint.totalSeconds).toBeGreaterThan(0);
  });

  it('repeated crash recovery is a high finding that names the logged cause; routine lines are not incident records', () => {
    const findings = pgLogFindings('pg', records);
    const recovery = findings.find((finding) => finding.id === 'pg-pg-crash-recovery')!;
    expect(recovery).toMatchObject({ signal: 'restart', severity: 'high' });
    expect(recovery.title).toContain('crash recovery 2 times');
    expect(recovery.detail).toContain('server process killed by signal 9');
    expect(recovery.detail).not.toContain('logical replication launcher');
    for (const ref of recovery.refs) expect(text.split('\n')[(ref as { line: number }).line - 1]).toMatch(/not properly shut down|was terminated by signal/);
    expect(findings.some((finding) => finding.id === 'pg-pg-checkpoints-too-frequent')).toBe(true);
    const routine = records.filter((entry) => /^(?:checkpoint complete|automatic (?:aggressive )?(?:vacuum|analyze))/.test(entry.message));
    expect(routine.length).toBeGreaterThan(10);
    for (const entry of routine) expect(isPgIncidentRecord(entry)).toBe(false);
  });

  it('a single unclean shutdown with no crashed process is a medium finding saying the server was stopped from outside', () => {
    const findings = pgLogFindings('pg', [record('database system was not properly shut down; automatic recovery in progress', { severity: 'LOG' })]);
    const recovery = findings.find((finding) => finding.signal === 'restart')!;
    expect(recovery.severity).toBe('medium');
    expect(recovery.detail).toContain('No crashed server process is logged');
  });
});
