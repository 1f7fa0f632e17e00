// PostgreSQL server-log reader: prefixes, follow-up lines, TAB continuations, SQLSTATE and severities.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compilePrefix, parsePostgresLog, postgresRecords } from '../../../src/collectors/logs/postgres.ts';

const fixture = readFileSync(new URL('../../fixtures/logs/postgres-sqlstate.log', import.meta.url), 'utf8');
const reference = readFileSync(new URL('../../fixtures/logs/postgres15-sample.log', import.meta.url), 'utf8');

describe('postgres reader', () => {
  it('joins DETAIL/STATEMENT lines to the record of the same pid, even when interleaved', () => {
    const records = parsePostgresLog(fixture, { prefix: '%m [%p] %q%u@%d %e ', file: 'pg.log' });
    expect(records.map((record) => record.line)).toEqual([1, 2, 4, 7, 13]);
    const wait = records[1]!;
    expect(wait.fields).toMatchObject({ pid: '201', user: 'app', database: 'jobs', severity: 'LOG', sqlstate: '00000' });
    expect(wait.fields.detail).toBe('Process holding the lock: 202. Wait queue: 201.');
    expect(wait.fields.statement).toBe("UPDATE jobs SET state='working' WHERE id=6;");
    const check = records[2]!;
    expect(check.level).toBe('error');
    expect(check.fields.sqlstate).toBe('23514');
    expect(check.fields.detail).toBe('Failing row contains (8, stuck).');
    const deadlock = records[3]!;
    expect(deadlock.fields.sqlstate).toBe('40P01');
    expect(deadlock.message.split('\n')).toHaveLength(5);
    expect(deadlock.fields.detail).toContain('Process 201: UPDATE jobs');
    expect(deadlock.fields.hint).toBe('See server log for query details.');
    expect(records[4]!.level).toBe('fatal');
    expect(records[4]!.timestamp).toBe('2026-11-20T08:02:00.000Z');
    expect(records[0]!.fields.user).toBeUndefined();
  });

  it('detects the Debian prefix on the reference log and keeps the deadlock together', () => {
    const records = parsePostgresLog(reference);
    const deadlocks = records.filter((record) => record.message.startsWith('deadlock detected'));
    expect(deadlocks.length).toBeGreaterThanOrEqual(2);
    expect(deadlocks[0]!.fields).toMatchObject({ severity: 'ERROR', pid: '5814', user: 'diag_app', database: 'diag_scratch' });
    expect(deadlocks[0]!.fields.statement).toContain('UPDATE jobs');
    expect(records.some((record) => record.message.startsWith('DETAIL'))).toBe(false);
  });

  it('streams the same records as the whole-text parser', async () => {
    const chunks = [fixture.slice(0, 333), fixture.slice(333, 700), fixture.slice(700)];
    const streamed: unknown[] = [];
    for await (const record of postgresRecords(chunks, { prefix: '%m [%p] %q%u@%d %e ', file: 'pg.log' })) streamed.push(record);
    expect(streamed).toEqual(parsePostgresLog(fixture, { prefix: '%m [%p] %q%u@%d %e ', file: 'pg.log' }));
  });

  it('compiles pgBadger-style prefixes', () => {
    const compiled = compilePrefix('%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ');
    const match = compiled.regex.exec('2026-11-20 08:00:00 UTC [77]: [3-1] user=bob,db=main,app=psql,client=10.0.0.1 ERROR:  oops');
    expect(match).not.toBeNull();
    expect(match!.at(-2)).toBe('ERROR');
    expect(match!.at(-1)).toBe('oops');
  });
});

describe('postgres reader with a changed log_line_prefix', () => {
  it('reads lines written after a prefix change (app=%a,e=%e) with their SQLSTATE', () => {
    const text = [
      '2026-11-29 11:03:26.068 UTC [4863] LOG:  starting PostgreSQL 15.18',
      '2026-11-29 11:03:49.787 UTC [5814] diag_app@diag_scratch ERROR:  deadlock detected',
      '2026-11-29 11:07:32.880 UTC [15126] diag_app@diag_scratch app=psql,e=55P03 ERROR:  canceling statement due to lock timeout',
      '2026-11-29 11:07:32.880 UTC [15126] diag_app@diag_scratch app=psql,e=55P03 STATEMENT:  UPDATE jobs SET status=1',
    ].join('\n');
    const records = parsePostgresLog(text);
    expect(records).toHaveLength(3);
    expect(records[2]!.fields).toMatchObject({ pid: '15126', user: 'diag_app', database: 'diag_scratch', application: 'psql', sqlstate: '55P03', severity: 'ERROR' });
    expect(records[2]!.fields.statement).toBe('UPDATE jobs SET status=1');
  });
});
