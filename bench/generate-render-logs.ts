// Writes a synthetic Render logs API page ({hasMore, logs:[...]}), or the same records one per line, of N records (deterministic) for bench:logs.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

let seed = 42;
function random(): number {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 4294967296;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const hex = (length: number): string => Array.from({ length }, () => '0123456789abcdef'[Math.floor(random() * 16)]).join('');
const uuid = (): string => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;

const PATHS = ['/api/upload-pipeline/upload', '/api/documents', '/api/search', '/health', '/api/users/me'];
const APP = [
  (job: string) =>
    `2026-11-19 10:00:00,000 - api.upload_pipeline.webhooks - INFO - [webhook] received job_id=${job} request_id=${hex(12)} status=SUCCESS attempt=${1 + Math.floor(random() * 3)} inline=${random() < 0.5 ? 'True' : 'False'}`,
  (job: string) => `Processing job ${job} for document ${uuid()} (${Math.floor(random() * 900)} pages)`,
  (job: string) => `[webhook] job_id=${job} committed status=parse_complete in ${Math.floor(random() * 900)}ms`,
  () => `Cache miss for key user:${Math.floor(random() * 100000)}:profile`,
  () => `Connected to database pool (size=${5 + Math.floor(random() * 5)}, overflow=0)`,
  () => `GET https://api.openai.com/v1/embeddings took ${Math.floor(random() * 3000)} ms`,
];
const ERRORS = [
  (job: string) => `[webhook] job_id=${job} request_id=${hex(12)} processing failed: QueuePool limit of size 5 overflow 0 reached, connection timed out, timeout 10.00`,
  (job: string) => `Job ${job} failed: psycopg2.errors.CheckViolation: new row for relation "upload_jobs" violates check constraint "upload_jobs_status_check"`,
  () => `Error: connect ECONNRESET ${Math.floor(random() * 255)}.${Math.floor(random() * 255)}.0.${Math.floor(random() * 255)}:443`,
  () => `Upstream returned 429 Too Many Requests; retrying in ${Math.floor(random() * 60)}s`,
];

/** `lines`: one record object per line (Render's log stream as JSON lines) instead of one API page. */
export async function generate(file: string, records: number, lines = false): Promise<number> {
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  let bytes = 0;
  const write = async (text: string): Promise<void> => {
    bytes += text.length;
    if (!out.write(text)) await once(out, 'drain');
  };
  if (!lines) await write('{"hasMore":false,"nextStartTime":"2026-11-20T06:00:00Z","nextEndTime":"2026-11-20T06:00:00Z","logs":[');
  let time = Date.parse('2026-11-19T06:00:00Z');
  let chunk = '';
  for (let index = 0; index < records; index++) {
    time += Math.floor(random() * 170);
    const timestamp = new Date(time).toISOString();
    const job = uuid();
    const roll = random();
    let message: string;
    let labels: [string, string][] = [
      ['resource', 'srv-d1abc'],
      ['instance', `srv-d1abc-${pick(['5k2xq', '7f9c2'])}`],
    ];
    if (roll < 0.55) {
      const webhook = random() < 0.3;
      const path = webhook ? `/api/upload-pipeline/webhooks/llamaparse/${job}` : pick(PATHS);
      const status = webhook && random() < 0.2 ? pick([500, 504]) : pick([200, 200, 200, 201, 204, 404]);
      message = `${webhook ? 'POST' : 'GET'} ${path} ${status} ${Math.floor(random() * 2000)}ms`;
      labels = [
        ...labels,
        ['level', status >= 500 ? 'error' : 'info'],
        ['type', 'request'],
        ['host', 'fracas-api-staging.onrender.com'],
        ['method', webhook ? 'POST' : 'GET'],
        ['path', path],
        ['statusCode', String(status)],
      ];
    } else if (roll < 0.93) {
      message = pick(APP)(job);
      labels = [...labels, ['level', 'info'], ['type', 'app']];
    } else {
      message = pick(ERRORS)(job);
      labels = [...labels, ['level', 'error'], ['type', 'app']];
    }
    const entry = { id: uuid(), timestamp, message, labels: labels.map(([name, value]) => ({ name, value })) };
    chunk += lines ? `${JSON.stringify(entry)}\n` : (index === 0 ? '' : ',') + JSON.stringify(entry);
    if (chunk.length > 1 << 20) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(lines ? chunk : `${chunk}]}\n`);
  out.end();
  await once(out, 'finish');
  return bytes;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, records] = process.argv.slice(2);
  const bytes = await generate(file!, Number(records ?? 1_000_000));
  console.log(`${file}: ${bytes} bytes`);
}
