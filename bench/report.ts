// npm run bench:report [-- --records N --rows N]: a whole incident (two log files, a job table in PostgreSQL, configs) through collect, analyse and render, against jq + psql doing the same reading.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generate } from './generate-render-logs.ts';
import { admin, AS_OF, jobTableSql } from './job-table.ts';
import { flag, numberOption } from './args.ts';
import { peakMegabytes } from './time-v.ts';

const RECORDS = numberOption('--records', 1_000_000);
const ROWS = numberOption('--rows', 1_000_000);
const ADMIN_URL = process.env.FRACAS_BENCH_PG || process.env.FRACAS_TEST_PG || 'postgres://fracas:fracas@127.0.0.1:5432/fracas_test';

const root = path.resolve(import.meta.dirname, '../.bench');
// Alone in its folder: a report reads the incidents beside it as its history, and the other benches' incidents are not this one's.
const dir = path.join(root, `report-${RECORDS}`, 'incident');
const logs = path.join(dir, 'logs');
mkdirSync(logs, { recursive: true });
mkdirSync(path.join(dir, 'config'), { recursive: true });
const files = [path.join(logs, 'api-1.json'), path.join(logs, 'api-2.json')];
for (const [index, file] of files.entries()) {
  if (!existsSync(file)) {
    console.log(`generating ${file} (${Math.ceil(RECORDS / 2).toLocaleString('en-US')} records) ...`);
    await generate(file, index === 0 ? Math.ceil(RECORDS / 2) : Math.floor(RECORDS / 2));
  }
}
const bytes = files.reduce((total, file) => total + statSync(file).size, 0);
// fracas and the baseline both read the logs from the page cache: one read first.
spawnSync('cat', files, { stdio: ['ignore', 'ignore', 'inherit'] });

const name = `fracas_bench_report_${process.pid}`;
const url = new URL(ADMIN_URL);
url.pathname = `/${name}`;
console.log(`creating ${name} with ${ROWS.toLocaleString('en-US')} jobs ...`);
await admin(ADMIN_URL, `CREATE DATABASE ${name}`);
try {
  await admin(url.toString(), jobTableSql(ROWS));
  writeFileSync(path.join(dir, 'config', 'staging.yaml'), 'database:\n  pool_size: 5\n  max_overflow: 0\nwebhook:\n  timeout_s: 10\n  retries: 0\n');
  writeFileSync(path.join(dir, 'config', 'production.yaml'), 'database:\n  pool_size: 20\n  max_overflow: 10\nwebhook:\n  timeout_s: 30\n  retries: 3\n');
  writeFileSync(
    path.join(dir, 'incident.yaml'),
    [
      'id: BENCH-REPORT',
      'title: bench:report incident',
      'severity: P2',
      'environment: staging',
      'service: api',
      'window: { start: 2026-11-19T00:00:00Z, end: 2026-11-21T00:00:00Z }',
      'sources:',
      '  - { id: api-logs, kind: logs, paths: [logs/api-1.json, logs/api-2.json] }',
      `  - { id: jobs-db, kind: database, url: "${url.toString()}", asOf: ${AS_OF}, countersDelayMs: 0 }`,
      '  - id: env-config',
      '    kind: config',
      '    left: { label: staging, path: config/staging.yaml }',
      '    right: { label: production, path: config/production.yaml }',
      '',
    ].join('\n'),
  );

  const tsx = path.resolve(import.meta.dirname, '../node_modules/.bin/tsx');
  const child = spawnSync('/usr/bin/time', ['-v', tsx, path.join(import.meta.dirname, 'report-run.ts'), dir], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (child.status !== 0) throw new Error(`fracas failed: ${child.stderr.slice(-2000)}`);
  const result = JSON.parse(child.stdout.trim().split('\n').pop()!) as {
    collect: number;
    analyse: number;
    render: number;
    sources: { id: string; status: string; ms: number }[];
    records: number;
    top?: string;
  };
  const peakMB = peakMegabytes(child.stderr) ?? 0;

  // The baseline does the same reading: every log message counted by text, and the database checks' SQL through psql.
  let started = performance.now();
  const jq = spawnSync('bash', ['-c', `jq -r '.logs[].message' ${files.map((file) => `'${file}'`).join(' ')} | sort | uniq -c | sort -rn > /dev/null`], { encoding: 'utf8' });
  const jqSeconds = (performance.now() - started) / 1000;
  if (jq.status !== 0) throw new Error(`jq pipeline failed: ${jq.stderr.slice(0, 300)}`);
  const evidence = JSON.parse((await import('node:fs')).readFileSync(path.join(dir, 'evidence', 'evidence.json'), 'utf8')) as {
    sources: { kind: string; evidence?: { checks: { sql: string; status: string }[] } }[];
  };
  const checks = evidence.sources.find((source) => source.kind === 'database')?.evidence?.checks.filter((check) => check.status === 'ok' && check.sql) ?? [];
  const script = path.join(dir, 'checks.sql');
  writeFileSync(script, checks.map((check) => `BEGIN READ ONLY;\n${check.sql.replace(/[;\s]+$/, '')};\nCOMMIT;\n`).join('\n'));
  started = performance.now();
  const psql = spawnSync(
    'psql',
    ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username), '-d', name, '-f', script, '-o', '/dev/null'],
    { env: { ...process.env, PGPASSWORD: decodeURIComponent(url.password) }, encoding: 'utf8' },
  );
  const psqlSeconds = (performance.now() - started) / 1000;
  if (psql.status !== 0) throw new Error(`psql failed: ${psql.stderr.slice(0, 300)}`);

  const baseline = jqSeconds + psqlSeconds;
  console.log(
    `\ninput: ${RECORDS.toLocaleString('en-US')} log records in 2 files (${(bytes / 1e6).toFixed(0)} MB), ${ROWS.toLocaleString('en-US')} job rows, 2 config files; top hypothesis ${result.top ?? 'none'}`,
  );
  console.log(`sources: ${result.sources.map((source) => `${source.id} ${source.status} ${(source.ms / 1000).toFixed(1)} s`).join(', ')}`);
  console.log(
    `baseline (named): jq -r '.logs[].message' | sort | uniq -c | sort -rn ${jqSeconds.toFixed(2)} s + psql -f (${checks.length} checks) ${psqlSeconds.toFixed(2)} s = ${baseline.toFixed(2)} s`,
  );
  console.log(`stage    | fracas s | ratio to baseline`);
  console.log(`collect  | ${result.collect.toFixed(2).padStart(8)} | ${(result.collect / baseline).toFixed(2)}`);
  console.log(`analyse  | ${result.analyse.toFixed(2).padStart(8)} | ${(result.analyse / baseline).toFixed(2)}`);
  console.log(`render   | ${result.render.toFixed(2).padStart(8)} | ${(result.render / baseline).toFixed(2)}`);
  const total = result.collect + result.analyse + result.render;
  console.log(`total    | ${total.toFixed(2).padStart(8)} | ${(total / baseline).toFixed(2)} (target <= 0.5 for the log part, issue 19)`);
  console.log(`peak memory: ${peakMB.toFixed(0)} MB max RSS (/usr/bin/time -v; target < 300 MB per GB of input)`);
} finally {
  await admin(ADMIN_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  if (flag('--clean')) rmSync(dir, { recursive: true, force: true });
}
