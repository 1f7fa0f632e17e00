// npm run bench:logs [-- --records N | --size 1g] [--lines] [--workers N] [--no-jq]: full log analysis and `fracas templates` against `jq | sort | uniq -c | sort -rn` on the same file, with peak memory.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generate } from './generate-render-logs.ts';
import { flag, option } from './args.ts';
import { peakMegabytes, wallSeconds, wallText } from './time-v.ts';

const sizeArg = option('--size');
const targetBytes = sizeArg ? Number.parseFloat(sizeArg) * (/g/i.test(sizeArg) ? 1e9 : /m/i.test(sizeArg) ? 1e6 : 1) : undefined;
const BYTES_PER_RECORD = 430;
const records = Number(option('--records') ?? (targetBytes ? Math.ceil(targetBytes / BYTES_PER_RECORD) : 1_000_000));
const runJq = !flag('--no-jq') && (targetBytes === undefined || flag('--jq'));
const workers = option('--workers');
/** --lines: the records one JSON object per line (jq reads `.message` of each) instead of one API page (`.logs[].message`). */
const lines = flag('--lines');
const jqFilter = lines ? '.message' : '.logs[].message';
const env = workers === undefined ? process.env : { ...process.env, FRACAS_WORKERS: workers };

const dir = path.resolve(import.meta.dirname, '../.bench');
mkdirSync(dir, { recursive: true });
const file = path.join(dir, `render-${records}.${lines ? 'jsonl' : 'json'}`);
if (!existsSync(file)) {
  console.log(`generating ${file} (${records.toLocaleString('en-US')} records)...`);
  await generate(file, records, lines);
}
const bytes = statSync(file).size;
console.log(`input: ${file}, ${records.toLocaleString('en-US')} records, ${(bytes / 1e6).toFixed(0)} MB`);

// Every run below reads the file from the page cache: one read first, so the first timed run is not the one that waits for the disk.
spawnSync('cat', [file], { stdio: ['ignore', 'ignore', 'inherit'] });
const hasTime = existsSync('/usr/bin/time');
const tsx = path.resolve(import.meta.dirname, '../node_modules/.bin/tsx');
const child = spawnSync(hasTime ? '/usr/bin/time' : tsx, [...(hasTime ? ['-v', tsx] : []), path.join(import.meta.dirname, 'logs-run.ts'), file], { encoding: 'utf8', maxBuffer: 1 << 24, env });
if (child.status !== 0) {
  console.error(child.stderr);
  process.exit(1);
}
const result = JSON.parse(child.stdout.trim().split('\n').pop()!) as {
  seconds: number;
  collectSeconds: number;
  analysisSeconds: number;
  maxRssMB: number;
  records: number;
  templates: number;
  findings: number;
  evidenceJsonMB: number;
};
const timeRss = peakMegabytes(child.stderr);
const wall = wallText(child.stderr);
const peakMB = timeRss ?? result.maxRssMB;
console.log(
  `fracas: ${result.seconds.toFixed(2)} s in-process (collect ${result.collectSeconds.toFixed(2)} s, analysis ${result.analysisSeconds.toFixed(2)} s), ${wall ?? '?'} wall with tsx start-up; ${Math.round(result.records / result.collectSeconds).toLocaleString('en-US')} records/s, ${(bytes / 1e6 / result.collectSeconds).toFixed(0)} MB/s; ${result.templates} templates, ${result.findings} findings, evidence ${result.evidenceJsonMB.toFixed(1)} MB`,
);
console.log(`peak memory: ${peakMB.toFixed(0)} MB max RSS of the child process (${timeRss ? '/usr/bin/time -v' : 'process.resourceUsage().maxRSS'})`);

// The command users run: `fracas templates` through the package's bin (compiled dist/), output discarded.
const bin = path.resolve(import.meta.dirname, '../bin/fracas.js');
const templatesRun = spawnSync('/usr/bin/time', ['-v', process.execPath, bin, 'templates', file], { encoding: 'utf8', maxBuffer: 1 << 26, env });
if (templatesRun.status !== 0) {
  console.error(templatesRun.stderr.slice(-2000));
  process.exit(1);
}
const templatesSeconds = wallSeconds(templatesRun.stderr);
const templatesPeakMB = peakMegabytes(templatesRun.stderr) ?? 0;
console.log(`fracas templates (bin/fracas.js, compiled): ${templatesSeconds.toFixed(2)} s wall, peak ${templatesPeakMB.toFixed(0)} MB`);

// The whole `fracas report --format md` on an incident whose only source is this log (the measurement). It is alone
// in its folder: a report reads the incidents beside it as its history, and the other benches' incidents are not this one's.
const incidentDir = path.join(dir, `report-on-${records}`, 'incident');
mkdirSync(incidentDir, { recursive: true });
writeFileSync(
  path.join(incidentDir, 'incident.yaml'),
  [
    `id: BENCH-LOGS-${records}`,
    'title: bench:logs incident',
    'severity: P3',
    'environment: bench',
    'service: api',
    'window: { start: 2000-01-01T00:00:00Z, end: 2100-01-01T00:00:00Z }',
    'sources:',
    `  - { id: api-logs, kind: logs, paths: ["../../${path.basename(file)}"] }`,
    '',
  ].join('\n'),
);
const reportRun = spawnSync('/usr/bin/time', ['-v', process.execPath, bin, 'report', incidentDir, '--format', 'md', '--quiet'], { encoding: 'utf8', maxBuffer: 1 << 26, env });
// Only a complete run is measured: exit 2 (a source partly read, an analyzer failed) would time a broken report.
if (reportRun.status !== 0) {
  console.error(`fracas report exited ${reportRun.status}:\n${reportRun.stderr.slice(-2000)}`);
  process.exit(1);
}
const reportSeconds = wallSeconds(reportRun.stderr);
const reportPeakMB = peakMegabytes(reportRun.stderr) ?? 0;
console.log(`fracas report --format md (bin/fracas.js): ${reportSeconds.toFixed(2)} s wall, peak ${reportPeakMB.toFixed(0)} MB`);

console.log(
  `workers: ${workers ?? 'default (one per core, up to 4)'}; peak memory ${peakMB.toFixed(0)} MB (collect+analysis, tsx harness), ${templatesPeakMB.toFixed(0)} MB (templates), ${reportPeakMB.toFixed(0)} MB (report) on ${(bytes / 1e9).toFixed(2)} GB of input; target < 300 MB for 1 GB (--size 1g)`,
);

if (runJq) {
  const started = process.hrtime.bigint();
  const jq = spawnSync('bash', ['-c', `jq -r '${jqFilter}' '${file}' | sort | uniq -c | sort -rn > /dev/null`], { encoding: 'utf8' });
  const jqSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (jq.status !== 0) console.log(`jq pipeline failed: ${jq.stderr.slice(0, 200)}`);
  else {
    console.log(`baseline (named): jq -r '${jqFilter}' | sort | uniq -c | sort -rn: ${jqSeconds.toFixed(2)} s`);
    console.log('stage                      | fracas s | ratio to jq (target <= 0.5)');
    console.log(`collect + analysis         | ${result.seconds.toFixed(2).padStart(8)} | ${(result.seconds / jqSeconds).toFixed(2)}`);
    console.log(`fracas templates (wall)    | ${templatesSeconds.toFixed(2).padStart(8)} | ${(templatesSeconds / jqSeconds).toFixed(2)}`);
    console.log(`fracas report --format md  | ${reportSeconds.toFixed(2).padStart(8)} | ${(reportSeconds / jqSeconds).toFixed(2)}`);
  }
}
