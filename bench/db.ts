// npm run bench:db — every database check on a 1,000,000-row job table in a scratch database, against the same SQL through psql.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { collectDatabase } from '../src/collectors/database/index.ts';
import { EXTENSION_SQL, SERVER_INFO_SQL } from '../src/collectors/database/health-checks.ts';
import { tableColumnsSql } from '../src/collectors/database/job-checks.ts';
import { transactionPreamble } from '../src/collectors/database/session.ts';
import type { CollectContext } from '../src/collectors/types.ts';
import { sourceSchema, type DatabaseSourceSpec } from '../src/manifest/index.ts';
import { admin, AS_OF, jobTableSql } from './job-table.ts';

const ADMIN_URL = process.env.FRACAS_BENCH_PG || process.env.FRACAS_TEST_PG || 'postgres://fracas:fracas@127.0.0.1:5432/fracas_test';
const ROWS = Number(process.env.BENCH_DB_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_DB_RUNS ?? 5);

function context(): CollectContext {
  return {
    dir: process.cwd(),
    resolve: (relative) => path.resolve(relative),
    incident: { id: 'BENCH', title: 'bench', severity: 'P3', environment: 'bench', service: 'bench', window: { start: AS_OF, end: AS_OF } },
    env: process.env,
    progress: () => undefined,
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const name = `fracas_bench_${process.pid}`;
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const benchUrl = url.toString();
  console.log(`creating ${name} with ${ROWS.toLocaleString('en-US')} jobs ...`);
  await admin(ADMIN_URL, `CREATE DATABASE ${name}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fracas-bench-db-'));
  try {
    let started = performance.now();
    await admin(benchUrl, jobTableSql(ROWS));
    console.log(`  loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    // The counters delay is a deliberate wait, not overhead: 0 on both sides.
    const spec = sourceSchema.parse({
      id: 'bench',
      kind: 'database',
      url: benchUrl,
      asOf: AS_OF,
      countersDelayMs: 0,
      jobs: { table: 'upload_pipeline.upload_jobs', inFlightStates: ['queued', 'working'] },
    }) as DatabaseSourceSpec;
    const first = await collectDatabase(spec, context());
    const failed = first.evidence.checks.filter((check) => check.status === 'failed');
    if (failed.length > 0) throw new Error(`checks failed: ${failed.map((check) => `${check.id}: ${check.note}`).join('; ')}`);

    // The same statements psql has to run: the info and column lookups, every check that ran, the counters twice.
    const ran = first.evidence.checks.filter((check) => check.sql && !/not installed|not applicable/.test(check.note ?? ''));
    const statements = [SERVER_INFO_SQL, tableColumnsSql(spec.jobs!.table!), EXTENSION_SQL, ...ran.map((check) => check.sql)];
    const counters = ran.find((check) => check.id === 'database-counters');
    if (counters) statements.push(counters.sql);
    const preamble = transactionPreamble({ statementTimeoutMs: spec.statementTimeoutMs, lockTimeoutMs: spec.lockTimeoutMs });
    const script = path.join(dir, 'checks.sql');
    writeFileSync(script, statements.map((sql) => `${preamble};\n${sql.replace(/[;\s]+$/, '')};\nCOMMIT;\n`).join('\n'));
    const env = { ...process.env, PGPASSWORD: decodeURIComponent(url.password) };
    const psqlArgs = ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username), '-d', name, '-f', script, '-o', '/dev/null'];

    const fracasMs: number[] = [];
    const psqlMs: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      started = performance.now();
      const result = spawnSync('psql', psqlArgs, { env, encoding: 'utf8' });
      psqlMs.push(performance.now() - started);
      if (result.status !== 0) throw new Error(`psql failed: ${result.stderr}`);
      started = performance.now();
      await collectDatabase(spec, context());
      fracasMs.push(performance.now() - started);
    }
    const fracas = median(fracasMs);
    const psql = median(psqlMs);
    console.log(`\n${statements.length} statements (${ran.length} checks) on ${ROWS.toLocaleString('en-US')} rows, median of ${RUNS} runs`);
    console.log(`  psql -f (baseline):  ${psql.toFixed(0)} ms   runs: ${psqlMs.map((ms) => ms.toFixed(0)).join(', ')}`);
    console.log(`  fracas collector:    ${fracas.toFixed(0)} ms   runs: ${fracasMs.map((ms) => ms.toFixed(0)).join(', ')}`);
    const ratio = fracas / psql;
    console.log(`  ratio fracas/psql:   ${ratio.toFixed(2)}x (target < 1.5x) ${ratio < 1.5 ? 'OK' : 'OVER TARGET'}`);
    process.exitCode = ratio < 1.5 ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await admin(ADMIN_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

await main();
