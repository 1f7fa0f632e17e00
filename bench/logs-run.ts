// Child process of bench:logs: the full log analysis of one file (collect, mine, patterns, findings) with the compiled modules fracas ships; prints timings and max RSS as JSON.
import path from 'node:path';

// dist/ as `npm run build` leaves it (the bench script builds first): the JavaScript users run, worker threads included.
const { collectLogs } = (await import(new URL('../dist/collectors/logs/index.js', import.meta.url).href)) as typeof import('../src/collectors/logs/index.ts');
const { logFindings, logPatterns } = (await import(new URL('../dist/analysis/log-patterns.js', import.meta.url).href)) as typeof import('../src/analysis/log-patterns.ts');

const file = path.resolve(process.argv[2]!);
const started = process.hrtime.bigint();
const output = await collectLogs(
  { id: 'bench', kind: 'logs', paths: [path.basename(file)], format: 'auto' },
  {
    dir: path.dirname(file),
    resolve: (relative) => path.resolve(path.dirname(file), relative),
    incident: { id: 'BENCH', title: 'bench', severity: 'P3', environment: 'bench', service: 'bench', window: { start: '2000-01-01T00:00:00Z', end: '2100-01-01T00:00:00Z' } },
    env: {},
    progress: () => undefined,
  },
);
const collected = process.hrtime.bigint();
const patterns = logPatterns('bench', output.evidence);
const findings = logFindings('bench', output.evidence);
const finished = process.hrtime.bigint();
console.log(
  JSON.stringify({
    records: output.evidence.totalRecords,
    templates: output.evidence.templates.length,
    bursts: patterns.bursts.length,
    findings: findings.length,
    collectSeconds: Number(collected - started) / 1e9,
    analysisSeconds: Number(finished - collected) / 1e9,
    seconds: Number(finished - started) / 1e9,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    evidenceJsonMB: JSON.stringify(output.evidence).length / 1e6,
  }),
);
