// npm run bench:pglog — our PostgreSQL server-log event counts next to pgbadger's on the same (enlarged) log, and both run times.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { classifyPgLog, summarizePgLogEvents, type PgEventKind } from '../src/lib/pg-log-events.ts';
import { parsePostgresLog } from '../src/collectors/logs/postgres.ts';

const PREFIX = '%m [%p] %q%u@%d ';
const copies = Number(process.argv[2] ?? process.env.BENCH_PGLOG_COPIES ?? 100);
const sample = process.argv[3] ?? 'test/fixtures/db/postgres15-sample.log';

/** One prefix for the whole file (the sample switches to app=%a,e=%e halfway), repeated with shifted times and pids. */
function enlarge(text: string, times: number): string {
  const lines = text
    .replace(/ app=[^ ]*,e=[0-9A-Z]{5} /g, ' ')
    .split('\n')
    .filter((line) => line.length > 0);
  const out: string[] = [];
  for (let copy = 0; copy < times; copy++) {
    const shiftMs = copy * 10 * 60_000;
    for (const line of lines) {
      out.push(
        line
          .replace(/^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) UTC/, (_all, time: string) => {
            const shifted = new Date(Date.parse(`${time.replace(' ', 'T')}Z`) + shiftMs).toISOString();
            return `${shifted.slice(0, 10)} ${shifted.slice(11, 23)} UTC`;
          })
          .replace(/ \[(\d+)\] /, (_all, pid: string) => ` [${Number(pid) + copy * 100_000}] `),
      );
    }
  }
  return `${out.join('\n')}\n`;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'fracas-pglog-'));
try {
  const logFile = path.join(dir, 'postgresql.log');
  const text = enlarge(readFileSync(sample, 'utf8'), copies);
  writeFileSync(logFile, text);
  const lineCount = text.split('\n').length - 1;

  let started = performance.now();
  const records = parsePostgresLog(text, { prefix: PREFIX, file: 'postgresql.log' });
  const summary = summarizePgLogEvents(classifyPgLog(records));
  const oursMs = performance.now() - started;
  const ours = new Map(summary.map((item) => [item.kind, item.count]));

  started = performance.now();
  execFileSync('pgbadger', ['-q', '-f', 'stderr', '-p', PREFIX, '-o', path.join(dir, 'out.json'), logFile], { stdio: 'inherit' });
  const badgerMs = performance.now() - started;
  const report = JSON.parse(readFileSync(path.join(dir, 'out.json'), 'utf8')) as Record<string, Record<string, unknown>>;
  const errors = (report.error_info?.postgres ?? {}) as Record<string, { count: number }>;
  const errorCount = (pattern: RegExp) => Object.entries(errors).reduce((sum, [key, value]) => sum + (pattern.test(key) ? value.count : 0), 0);
  const locks = (report.lock_info?.postgres ?? {}) as Record<string, { count: number }>;
  const overall = report.overall_stat as { postgres?: { queries_number?: number } };
  const temp = (report.tempfile_info?.postgres ?? {}) as { count?: number };

  const rows: [PgEventKind, number | undefined, string][] = [
    ['deadlock', errorCount(/deadlock detected/), 'error_info "deadlock detected"'],
    ['deadlock-wait', undefined, 'not counted by pgbadger'],
    ['lock-wait', errorCount(/still waiting for/), 'error_info "still waiting for ..."'],
    ['lock-acquired', Object.values(locks).reduce((sum, value) => sum + value.count, 0), 'lock_info (waits that succeeded)'],
    ['lock-timeout', errorCount(/due to lock timeout/), 'error_info'],
    ['lock-nowait', errorCount(/could not obtain lock/), 'error_info'],
    ['statement-timeout', errorCount(/due to statement timeout/), 'error_info'],
    ['user-cancel', errorCount(/due to user request/), 'error_info'],
    ['idle-in-transaction-timeout', errorCount(/idle-in-transaction timeout/), 'error_info'],
    ['idle-session-timeout', errorCount(/idle-session timeout/), 'error_info'],
    ['admin-terminate', errorCount(/administrator command/), 'error_info'],
    ['connection-slots-reserved', errorCount(/remaining connection slots/), 'error_info'],
    ['too-many-clients', errorCount(/too many clients/), 'error_info'],
    ['auth-failure', errorCount(/authentication failed|pg_hba\.conf entry/), 'error_info'],
    ['database-missing', errorCount(/database "[^"]*" does not exist/), 'error_info'],
    ['constraint-violation', errorCount(/violates/), 'error_info "... violates ..."'],
    ['unexpected-eof-open-transaction', undefined, 'ignored by pgbadger'],
    ['temp-file', temp.count ?? 0, 'tempfile_info'],
    ['slow-statement', overall.postgres?.queries_number ?? 0, 'overall_stat queries_number'],
  ];
  console.log(`log: ${lineCount.toLocaleString('en-US')} lines (${copies} copies of ${sample}), prefix '${PREFIX}'\n`);
  console.log(`${'event'.padEnd(32)}${'fracas'.padStart(8)}${'pgbadger'.padStart(10)}  match  pgbadger source`);
  let mismatches = 0;
  for (const [kind, badger, source] of rows) {
    const mine = ours.get(kind) ?? 0;
    const match = badger === undefined ? '  -  ' : mine === badger ? ' yes ' : ' NO  ';
    if (badger !== undefined && mine !== badger) mismatches++;
    console.log(`${kind.padEnd(32)}${String(mine).padStart(8)}${(badger === undefined ? '-' : String(badger)).padStart(10)}  ${match}  ${source}`);
  }
  console.log(`\nfracas (parse + classify): ${oursMs.toFixed(0)} ms; pgbadger: ${badgerMs.toFixed(0)} ms; ratio fracas/pgbadger ${(oursMs / badgerMs).toFixed(2)}`);
  console.log(mismatches === 0 ? 'all comparable counts match pgbadger' : `${mismatches} count(s) differ from pgbadger`);
  process.exitCode = mismatches === 0 ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
