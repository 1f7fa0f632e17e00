// npm run bench:redact [-- --seed N --lines 49000 --rows 1400]: redaction time (as gather runs it) against reading and JSON-parsing the same files, and its share of collect and of a whole `fracas report`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { collectLogs } from '../src/collectors/logs/index.ts';
import { redactCollected } from '../src/collectors/gather.ts';
import { createRedactor } from '../src/lib/secrets/redact.ts';
import type { EvidenceBundle } from '../src/evidence/schema.ts';
import { numberOption } from './args.ts';
import { peakMegabytes, wallSeconds } from './time-v.ts';

const seedArg = numberOption('--seed', 7);
const lines = numberOption('--lines', 49_000);
const rows = numberOption('--rows', 1_400);

let seed = seedArg >>> 0 || 1;
const random = (): number => {
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed / 4294967296;
};
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const chars = (alphabet: string, length: number): string => Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
const hex = (length: number): string => chars('0123456789abcdef', length);
const b64 = (length: number): string => chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', length);
const uuid = (): string => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
const services = ['api', 'worker', 'scheduler', 'billing', 'ingest', 'search'];
const verbs = ['processing', 'handling', 'dispatching', 'retrying', 'completing', 'enqueueing'];

/** One log record: JSON with a message; ~2% multi-line tracebacks, ~0.5% with a planted credential. */
function record(time: number): Record<string, unknown> {
  const roll = random();
  const job = uuid();
  let message: string;
  if (roll < 0.4) message = `${pick(['GET', 'POST', 'PUT'])} /api/${pick(['jobs', 'documents', 'users', 'search'])}/${job} ${pick([200, 200, 201, 404, 500, 502])} ${Math.floor(random() * 3000)}ms`;
  else if (roll < 0.8) message = `${pick(verbs)} job_id=${job} attempt=${1 + Math.floor(random() * 4)} queue=${pick(services)} request_id=${hex(16)} took ${Math.floor(random() * 900)} ms`;
  else if (roll < 0.97)
    message = `${pick(['ERROR', 'WARN'])} ${pick(services)}: ${pick(['connection reset by peer', 'QueuePool limit of size 5 overflow 10 reached, connection timed out, timeout 30.00', 'deadlock detected', 'upstream returned 503 Service Unavailable'])} (job ${job})`;
  else if (roll < 0.99)
    message = `Traceback (most recent call last):\n  File "/app/${pick(services)}/tasks.py", line ${Math.floor(random() * 400)}, in run\n    result = client.fetch(job_id="${job}")\n  File "/usr/lib/python3.11/site-packages/httpx/_client.py", line 1014, in send\n    raise exc\nhttpx.ReadTimeout: timed out`;
  else
    message = pick([
      `connecting with password=${b64(18)} to primary`,
      `auth header Bearer ${b64(40)}`,
      `aws secret key ${b64(40)} loaded`,
      `DefaultEndpointsProtocol=https;AccountName=store${hex(4)};AccountKey=${b64(86)}==;EndpointSuffix=core.windows.net`,
    ]);
  return { timestamp: new Date(time).toISOString(), level: roll >= 0.8 ? 'error' : 'info', service: pick(services), message };
}

const dir = path.resolve(import.meta.dirname, '../.bench', `redact-${seedArg}-${lines}-${rows}`);
mkdirSync(dir, { recursive: true });
const logFile = path.join(dir, 'app.jsonl');
const tableFile = path.join(dir, 'jobs.json');
let time = Date.parse('2026-11-19T06:00:00Z');
const out: string[] = [];
for (let index = 0; index < lines; index++) {
  time += Math.floor(random() * 800);
  out.push(JSON.stringify(record(time)));
}
writeFileSync(logFile, `${out.join('\n')}\n`);
const table = Array.from({ length: rows }, (_unused, index) => ({
  job_id: uuid(),
  document_id: uuid(),
  state: pick(['queued', 'working', 'done', 'failed']),
  retry_count: Math.floor(random() * 5),
  last_error: random() < 0.3 ? `${pick(['Timeout after', 'Connection refused after'])} ${Math.floor(random() * 60)} s on host 10.0.${Math.floor(random() * 255)}.${Math.floor(random() * 255)}` : null,
  payload: JSON.stringify({ pages: Math.floor(random() * 900), checksum: hex(64), webhook: `https://hooks.example.com/${hex(8)}` }),
  created_at: new Date(time - index * 60_000).toISOString(),
  updated_at: new Date(time - index * 30_000).toISOString(),
}));
writeFileSync(tableFile, JSON.stringify(table));

const seconds = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;
const best = async (runs: number, work: () => Promise<void> | void): Promise<number> => {
  let fastest = Infinity;
  for (let run = 0; run < runs; run++) {
    const start = process.hrtime.bigint();
    await work();
    fastest = Math.min(fastest, seconds(start));
  }
  return fastest;
};

// Baseline: read both files and JSON-parse every record and the table.
const parseSeconds = await best(3, () => {
  let count = 0;
  for (const line of readFileSync(logFile, 'utf8').split('\n')) if (line !== '') count += JSON.parse(line) ? 1 : 0;
  count += (JSON.parse(readFileSync(tableFile, 'utf8')) as unknown[]).length;
  if (count !== lines + rows) throw new Error('parse mismatch');
});

// The evidence collect produces: the real log collector's output and the table as database rows.
const collectStart = process.hrtime.bigint();
const logs = await collectLogs(
  { id: 'app', kind: 'logs', paths: [path.basename(logFile)], format: 'auto' },
  {
    dir,
    resolve: (file) => path.resolve(dir, file),
    incident: { id: 'BENCH', title: 'bench', severity: 'P2', environment: 'bench', service: 'bench', window: { start: '2000-01-01T00:00:00Z', end: '2100-01-01T00:00:00Z' } },
    env: {},
    progress: () => undefined,
  },
);
const collectSeconds = seconds(collectStart);
const database = {
  evidence: {
    engine: 'postgres',
    serverVersion: '15',
    jobTable: {},
    constraints: [],
    checks: [{ id: 'jobs', title: 'jobs', sql: 'SELECT *', rows: JSON.parse(readFileSync(tableFile, 'utf8')), rowCount: rows, truncated: false, status: 'ok' }],
  },
  status: 'ok',
  warnings: [],
  provenance: { description: 'bench' },
};

// Redaction exactly as gather runs it: each collector's output, then the bundle (redactCollected).
let redacted: unknown;
const redactSeconds = await best(3, () => {
  const redactor = createRedactor();
  const redactedAt = new Map<unknown, number>();
  const outputs = [logs, database].map((output) => {
    const result = redactor.deep(output);
    redactedAt.set(result, redactor.version());
    return result;
  });
  redacted = redactCollected({ sources: outputs } as unknown as EvidenceBundle, redactor, redactedAt as Map<never, number>);
});
const evidenceMB = JSON.stringify(redacted).length / 1e6;
const planted = (readFileSync(logFile, 'utf8').match(/AccountKey=|aws secret key|Bearer |password=/g) ?? []).length;

console.log(
  `input: ${lines.toLocaleString('en-US')} log lines (${(readFileSync(logFile).length / 1e6).toFixed(1)} MB, seed ${seedArg}, ${planted} with planted credentials) + ${rows.toLocaleString('en-US')} table rows; evidence ${evidenceMB.toFixed(1)} MB`,
);
console.log(`baseline: read + JSON.parse both files: ${(parseSeconds * 1000).toFixed(0)} ms`);
console.log(`log collector (collect without redaction): ${(collectSeconds * 1000).toFixed(0)} ms`);
console.log(`redaction (deep per source + whole bundle, best of 3): ${(redactSeconds * 1000).toFixed(0)} ms`);
console.log(`ratio redaction / read+parse: ${(redactSeconds / parseSeconds).toFixed(2)}`);
const share = redactSeconds / (redactSeconds + collectSeconds);
console.log(`redaction share of collect (collector + redaction): ${(share * 100).toFixed(1)}% (target <= 10%: ${share <= 0.1 ? 'met' : 'NOT met'})`);

// The requirement as written: redaction's share of a whole `fracas report --format md` (collect, analyse, render) on an
// incident with the same log, alone in its folder (a report reads the incidents beside it as its history).
const incidentDir = path.join(dir, 'report', 'incident');
const window = { start: '2026-11-19T00:00:00Z', end: '2026-11-21T00:00:00Z' };
rmSync(path.join(dir, 'report'), { recursive: true, force: true });
mkdirSync(incidentDir, { recursive: true });
writeFileSync(path.join(incidentDir, path.basename(logFile)), readFileSync(logFile));
writeFileSync(
  path.join(incidentDir, 'incident.yaml'),
  [
    'id: BENCH-REDACT',
    'title: bench:redact incident',
    'severity: P2',
    'environment: bench',
    'service: api',
    `window: { start: ${window.start}, end: ${window.end} }`,
    'sources:',
    `  - { id: app-logs, kind: logs, paths: [${path.basename(logFile)}] }`,
    '',
  ].join('\n'),
);
const fracas = path.resolve(import.meta.dirname, '../bin/fracas.js');
const report = spawnSync('/usr/bin/time', ['-v', process.execPath, fracas, 'report', '--format', 'md', '--quiet', incidentDir], { encoding: 'utf8', maxBuffer: 1 << 24 });
// Only a complete run is measured: exit 2 (a source partly read, an analyzer failed) would time a broken report.
if (report.status !== 0) throw new Error(`fracas report exited ${report.status}: ${report.stderr.slice(-2000)}`);
const reportSeconds = wallSeconds(report.stderr);
// A report redacts once, cold (compiled as it goes): so does each child, after collecting the log; the median of three.
const once = (): number => {
  const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'redact-once.ts'), incidentDir, path.basename(logFile), window.start, window.end], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`redact-once failed: ${child.stderr.slice(-2000)}`);
  return (JSON.parse(child.stdout.trim().split('\n').pop()!) as { ms: number }).ms / 1000;
};
const onceSeconds = [once(), once(), once()].sort((a, b) => a - b);
const reportRedactSeconds = onceSeconds[1]!;
console.log(`fracas report --format md on the log alone (bin/fracas.js, /usr/bin/time -v): ${reportSeconds.toFixed(2)} s wall, ${(peakMegabytes(report.stderr) ?? 0).toFixed(0)} MB peak`);
console.log(`redaction of that incident's evidence, once in a fresh process as a report runs it (dist/, median of 3): ${onceSeconds.map((value) => (value * 1000).toFixed(0)).join(' / ')} ms`);
const reportShare = reportRedactSeconds / reportSeconds;
console.log(`redaction share of report (redaction / report wall time): ${(reportShare * 100).toFixed(1)}% (target <= 10%: ${reportShare <= 0.1 ? 'met' : 'NOT met'})`);
