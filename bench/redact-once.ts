// Child process of bench:redact: an incident's log collected, then redacted once as gather does (cold, as in a report run), the redaction's time in ms as JSON.
// dist/ as `npm run build` leaves it (the bench script builds first): the JavaScript a report runs.
import path from 'node:path';
import type { EvidenceBundle } from '../src/evidence/schema.ts';

const dist = async <T>(module: string): Promise<T> => (await import(new URL(`../dist/${module}.js`, import.meta.url).href)) as T;
const { collectLogs } = await dist<typeof import('../src/collectors/logs/index.ts')>('collectors/logs/index');
const { redactCollected } = await dist<typeof import('../src/collectors/gather.ts')>('collectors/gather');
const { createRedactor } = await dist<typeof import('../src/lib/secrets/redact.ts')>('lib/secrets/redact');
const [dir = '', file = '', start = '', end = ''] = process.argv.slice(2);
const logs = await collectLogs(
  { id: 'app-logs', kind: 'logs', paths: [file], format: 'auto' },
  {
    dir,
    resolve: (name) => path.resolve(dir, name),
    incident: { id: 'BENCH-REDACT', title: 'bench', severity: 'P2', environment: 'bench', service: 'api', window: { start, end } },
    env: {},
    progress: () => undefined,
  },
);
const started = process.hrtime.bigint();
const redactor = createRedactor();
const result = redactor.deep(logs);
redactCollected({ sources: [result] } as unknown as EvidenceBundle, redactor, new Map([[result, redactor.version()]]) as Map<never, number>);
console.log(JSON.stringify({ ms: Number(process.hrtime.bigint() - started) / 1e6 }));
