// Reading a log in pieces (on the main thread or in worker threads) gives byte-identical evidence to one pass over the whole file, for seeded inputs of several formats.
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../docs/incidents/sample-random.ts';
import { PassThrough } from 'node:stream';
import { runTemplates } from '../../../src/cli/templates.ts';
import { collectLogs, type CollectLogsOptions } from '../../../src/collectors/logs/index.ts';
import { PIECE_BYTES, PieceCutter, pieceParts, type Piece } from '../../../src/collectors/logs/pieces.ts';
import { readInPieces } from '../../../src/collectors/logs/read-in-pieces.ts';
import { readFileInto } from '../../../src/collectors/logs/read-into.ts';
import { LogMerger } from '../../../src/collectors/logs/merge.ts';
import { PiecePool } from '../../../src/collectors/logs/piece-pool.ts';
import { cutPieceLimits, DEFAULT_LIMITS } from '../../../src/collectors/logs/aggregate.ts';
import { readTemplatePiece } from '../../../src/collectors/logs/template-piece.ts';
import { runCliProcess } from '../../helpers/cli.ts';
import type { CollectContext } from '../../../src/collectors/types.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'fracas-pieces-'));
const START = Date.parse('2026-11-20T07:00:00Z');

function context(): CollectContext {
  return {
    dir,
    resolve: (relative) => path.resolve(dir, relative),
    incident: { id: 'P-1', title: 't', severity: 'P2', environment: 'prod', service: 'api', window: { start: '2026-11-20T07:00:00Z', end: '2026-11-20T19:00:00Z' } },
    env: {},
    progress: () => undefined,
  };
}

/** Messages as the libraries print them, with ids, users, timings and tracebacks that vary with the seed. */
function generator(seed: number, ids: number) {
  const random = seededRandom(seed);
  const { int, pick, hex, uuid, rand } = random;
  const pool = Array.from({ length: ids }, () => uuid());
  const id = (): string => (rand() < 0.5 ? pick(pool) : uuid());
  const messages = [
    () => `Processing job ${id()} for document ${id()} (${int(1, 900)} pages)`,
    () => `[webhook] job_id=${id()} request_id=${hex(12)} processing failed: QueuePool limit of size 5 overflow 0 reached, connection timed out, timeout 10.00`,
    () => `sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) could not connect to server: Connection refused`,
    () => `Cache miss for key user:${int(1, 99_999)}:profile`,
    () => `HTTP Request: POST https://api.cloud.llamaindex.ai/api/v1/parsing/upload "HTTP/1.1 ${pick(['200 OK', '429 Too Many Requests', '500 Internal Server Error'])}"`,
    () => `user ${pick(['alice', 'bob', 'carol'])}@example.com logged in from 10.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`,
    () => `Upstream returned 429 Too Many Requests; retrying in ${int(1, 60)}s`,
    () => `worker ${int(1, 4)} ${pick(['started', 'exited with code 1', 'restarting'])}`,
    () => `${pick(['GET', 'POST'])} /api/${pick(['jobs', 'documents', 'users'])}/${id()} ${pick([200, 200, 201, 404, 500, 504])} ${int(1, 3000)}ms`,
  ];
  const traceback = (): string[] => [
    'Traceback (most recent call last):',
    `  File "/app/api/webhooks.py", line ${int(100, 200)}, in handle`,
    '    await session.commit()',
    `psycopg2.errors.CheckViolation: new row for relation "upload_jobs" violates check constraint "upload_jobs_status_check"`,
  ];
  return { random, message: () => pick(messages)(), traceback, level: () => pick(['info', 'info', 'info', 'warning', 'error']) };
}

function renderPage(seed: number, records: number, ids: number): string {
  const g = generator(seed, ids);
  const logs: unknown[] = [];
  let time = START;
  while (logs.length < records) {
    time += g.random.int(0, 900);
    const timestamp = new Date(time).toISOString();
    const instance = `srv-${g.random.pick(['5k2xq', '7f9c2'])}`;
    const labels = (level: string, extra: [string, string][] = []) => [{ name: 'instance', value: instance }, { name: 'level', value: level }, ...extra.map(([name, value]) => ({ name, value }))];
    if (g.random.rand() < 0.1) {
      // A traceback printed one Render entry per line, all at the same time: the reader joins them back into one record.
      for (const line of g.traceback()) logs.push({ id: g.random.uuid(), timestamp, message: line, labels: labels('error') });
      continue;
    }
    if (g.random.rand() < 0.4) {
      const status = g.random.pick([200, 200, 204, 404, 500]);
      const route = g.random.rand() < 0.3 ? `/api/webhooks/llamaparse/${g.random.uuid()}` : '/health';
      logs.push({
        id: g.random.uuid(),
        timestamp,
        message: `POST ${route} ${status} ${g.random.int(1, 2000)}ms`,
        labels: labels(status >= 500 ? 'error' : 'info', [
          ['type', 'request'],
          ['path', route],
          ['statusCode', String(status)],
          ['method', 'POST'],
        ]),
      });
      continue;
    }
    logs.push({ id: g.random.uuid(), timestamp, message: g.message(), labels: labels(g.level()) });
  }
  return JSON.stringify({ hasMore: false, logs }, null, g.random.rand() < 0.5 ? 0 : 1);
}

/**
 * Render-like records that carry arrays of objects whose first key is the records' own first key (separators inside them
 * look like record separators), and tracebacks printed one entry per line at one time.
 */
function spansPage(seed: number, records: number): string {
  const g = generator(seed, 20);
  const spans = () => Array.from({ length: g.random.int(0, 40) }, () => ({ id: g.random.hex(8), ms: g.random.int(1, 900) }));
  const logs: unknown[] = [];
  for (let index = 0; logs.length < records; index++) {
    const timestamp = new Date(START + index * 250).toISOString();
    const messages = g.random.rand() < 0.3 ? g.traceback() : [g.message()];
    for (const message of messages) logs.push({ id: g.random.uuid(), timestamp, message, spans: spans() });
  }
  return JSON.stringify({ hasMore: false, logs: logs.slice(0, records) });
}

function jsonLines(seed: number, records: number, ids: number, untimed = 0.1, crashes = 0.1): string {
  const g = generator(seed, ids);
  const lines: string[] = [];
  let time = START;
  for (let index = 0; index < records; index++) {
    time += g.random.int(0, 900);
    if (g.random.rand() < crashes) lines.push('FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory', ' 1: 0xb7a4e0 node::Abort() [node]');
    // Some records carry no time: text after them takes the time of the last record that had one.
    const timed = g.random.rand() < 1 - untimed ? { time } : {};
    lines.push(JSON.stringify({ level: g.random.pick([30, 30, 40, 50]), ...timed, pid: 7, hostname: 'api-1', msg: g.message() }));
  }
  return `${lines.join('\n')}\n`;
}

function pythonText(seed: number, records: number, ids: number): string {
  const g = generator(seed, ids);
  const lines: string[] = [];
  let time = START;
  for (let index = 0; index < records; index++) {
    time += g.random.int(0, 900);
    const stamp = new Date(time).toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
    lines.push(`${stamp} - api.webhooks - ${g.random.pick(['INFO', 'WARNING', 'ERROR'])} - ${g.message()}`);
    if (g.random.rand() < 0.08) lines.push(...g.traceback());
  }
  return `${lines.join('\n')}\n`;
}

/** Docker's json-file driver: one entry per line of output, so a stack trace arrives as many entries (joined back by the reader). */
function dockerLines(seed: number, records: number, ids: number): string {
  const g = generator(seed, ids);
  const lines: string[] = [];
  let time = START;
  const entry = (log: string, stream = 'stdout'): string => JSON.stringify({ log: `${log}\n`, stream, time: new Date(time).toISOString().replace('Z', `${g.random.int(100_000, 999_999)}Z`) });
  for (let index = 0; index < records; index++) {
    time += g.random.int(0, 900);
    lines.push(entry(`${new Date(time).toISOString()} ${g.random.pick(['INFO', 'WARN', 'ERROR'])} ${g.message()}`));
    if (g.random.rand() < 0.08) {
      lines.push(entry('java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.', 'stderr'));
      lines.push(entry('\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)', 'stderr'));
      lines.push(entry('\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:181)', 'stderr'));
      lines.push(entry('Caused by: org.postgresql.util.PSQLException: Connection to db:5432 refused.', 'stderr'));
      lines.push(entry('\t... 12 more', 'stderr'));
    }
  }
  return `${lines.join('\n')}\n`;
}

async function evidenceText(file: string, options: CollectLogsOptions, format = 'auto'): Promise<string> {
  const output = await collectLogs({ id: 'app-logs', kind: 'logs', paths: [file], format }, context(), options);
  return JSON.stringify(output.evidence);
}

describe('reading a log in pieces', () => {
  const cases: [string, (seed: number, records: number, ids: number) => string][] = [
    ['render.json', renderPage],
    ['app.jsonl', jsonLines],
    ['app.log', pythonText],
    ['docker.log', dockerLines],
  ];
  for (const [name, write] of cases) {
    it(`${name}: pieces on the main thread and on two worker threads give the same evidence as one pass`, async () => {
      for (const seed of [3, 11]) {
        const file = `${seed}-${name}`;
        writeFileSync(path.join(dir, file), write(seed, 3000, 400));
        const whole = await evidenceText(file, { workers: 0, pieceBytes: Number.MAX_SAFE_INTEGER });
        const pieces = await evidenceText(file, { workers: 0, pieceBytes: 16 << 10 });
        const threads = await evidenceText(file, { workers: 2, pieceBytes: 16 << 10 });
        expect(JSON.parse(whole).totalRecords).toBeGreaterThan(2000);
        expect(pieces).toBe(whole);
        expect(threads).toBe(whole);
      }
    }, 60_000);
  }

  it('never cuts before a line the splitter reports unparsed (a NUL, invalid UTF-8): the line after it still joins the record before, as in one pass', async () => {
    const random = seededRandom(29);
    const lines = pythonText(29, 3000, 400).trimEnd().split('\n');
    const parts: Buffer[] = [];
    for (const line of lines) {
      parts.push(Buffer.from(`${line}\n`));
      if (random.rand() < 0.06) {
        // A header line the splitter drops (binary or not UTF-8), then a continuation line that belongs to the record before it.
        const fault = random.rand() < 0.5 ? Buffer.from('\u0000') : Buffer.from([0xff, 0xfe]);
        parts.push(Buffer.concat([Buffer.from(`${line.slice(0, 23)} - api.webhooks - ERROR - frame `), fault, Buffer.from(' lost\n')]));
        parts.push(Buffer.from('    while handling the webhook for job 42\n'));
      }
    }
    writeFileSync(path.join(dir, 'faults.log'), Buffer.concat(parts));
    const whole = await evidenceText('faults.log', { workers: 0, pieceBytes: Number.MAX_SAFE_INTEGER }, 'python');
    expect((JSON.parse(whole) as { files: { unparsed: number }[] }).files[0]!.unparsed).toBeGreaterThan(100);
    for (const pieceBytes of [1 << 10, 3 << 10, 16 << 10]) expect(await evidenceText('faults.log', { workers: 0, pieceBytes }, 'python')).toBe(whole);
    expect(await evidenceText('faults.log', { workers: 2, pieceBytes: 1 << 10 }, 'python')).toBe(whole);
  }, 60_000);

  it('stays exact past every cap: entities, kept records, templates, events, requests, minutes, error times', async () => {
    const limits = { maxEntities: 40, maxRecords: 150, maxRecordsPerTemplate: 4, maxEvents: 15, maxRequestKeys: 3, maxMinutes: 10, maxErrorTimes: 60, maxUnparsedSamples: 2 };
    for (const [name, write] of cases) {
      const file = `caps-${name}`;
      writeFileSync(path.join(dir, file), write(17, 3000, 200));
      const whole = await evidenceText(file, { workers: 0, pieceBytes: Number.MAX_SAFE_INTEGER, limits });
      const parsed = JSON.parse(whole) as { entitiesTruncated?: boolean; recordsTruncated: boolean; entities: unknown[]; perMinute: unknown[] };
      expect(parsed.entitiesTruncated).toBe(true);
      expect(parsed.recordsTruncated).toBe(true);
      expect(parsed.entities).toHaveLength(40);
      expect(parsed.perMinute).toHaveLength(10);
      // Pieces large enough to pass the entity cap on their own, so the merge must read some again counting only the entities it holds.
      expect(await evidenceText(file, { workers: 0, pieceBytes: 48 << 10, limits })).toBe(whole);
      expect(await evidenceText(file, { workers: 2, pieceBytes: 48 << 10, limits })).toBe(whole);
      expect(await evidenceText(file, { workers: 2, pieceBytes: 4 << 10, limits })).toBe(whole);
    }
  }, 120_000);
});

describe('records without a time of their own', () => {
  it('text after an untimed JSON record keeps the time of the last timed one, however the file is cut', async () => {
    const file = 'untimed.jsonl';
    writeFileSync(path.join(dir, file), jsonLines(43, 3000, 100, 0.5, 0.4));
    const whole = await evidenceText(file, { workers: 0, pieceBytes: Number.MAX_SAFE_INTEGER }, 'json-lines');
    expect((JSON.parse(whole) as { files: { textRecords: number }[] }).files[0]!.textRecords).toBeGreaterThan(500);
    expect(await evidenceText(file, { workers: 0, pieceBytes: 2 << 10 }, 'json-lines')).toBe(whole);
    expect(await evidenceText(file, { workers: 2, pieceBytes: 2 << 10 }, 'json-lines')).toBe(whole);
  }, 60_000);
});

describe('input with no boundary', () => {
  it('a JSON document with no records array, or a line longer than many pieces, reads the same as one pass', async () => {
    const files: [string, string][] = [
      ['no-records.json', JSON.stringify({ config: { blob: 'x'.repeat(3 << 20) }, version: 1 })],
      ['one-record.json', JSON.stringify({ logs: [{ timestamp: '2026-11-20T08:00:00Z', message: `Traceback ${'y'.repeat(3 << 20)}` }] })],
      ['long-line.jsonl', `${JSON.stringify({ time: START, msg: 'z'.repeat(3 << 20) })}\n${jsonLines(41, 500, 50)}`],
    ];
    for (const [file, text] of files) {
      writeFileSync(path.join(dir, file), text);
      const whole = await evidenceText(file, { workers: 0, pieceBytes: Number.MAX_SAFE_INTEGER });
      expect(await evidenceText(file, { workers: 0, pieceBytes: 16 << 10 })).toBe(whole);
      expect(await evidenceText(file, { workers: 2, pieceBytes: 16 << 10 })).toBe(whole);
    }
  }, 60_000);
});

/** A pool of real threads that keeps what it was asked to read. */
class ReadsSeen extends PiecePool {
  readonly reads: Promise<unknown>[] = [];
  override run<R>(...args: Parameters<PiecePool['run']>): Promise<R> {
    const read = super.run<R>(...args);
    this.reads.push(read);
    return read;
  }
}

describe('a source of many files (rotated logs)', () => {
  it('reads the next file while the last pieces of one are on the threads, and merges file by file: output, warnings and caps as one pass', async () => {
    const rotated = path.join(dir, 'rotated');
    mkdirSync(rotated, { recursive: true });
    const writers = [jsonLines, pythonText, renderPage, dockerLines, jsonLines, pythonText];
    for (const [index, write] of writers.entries()) writeFileSync(path.join(rotated, `app.${index}.log`), write(41 + index, 1200, 150));
    // A rotated file whose gzip stream breaks part way: its warning and its partial counts keep their place among the others.
    const zipped = gzipSync(pythonText(47, 4000, 150));
    zipped.fill(0x5a, zipped.length >> 1, (zipped.length >> 1) + 64);
    writeFileSync(path.join(rotated, 'app.3b.log'), zipped);
    const limits = { maxEntities: 60, maxRecords: 200, maxRecordsPerTemplate: 5, maxEvents: 20, maxRequestKeys: 4, maxMinutes: 40, maxErrorTimes: 80 };
    const source = { id: 'app-logs', kind: 'logs' as const, paths: ['rotated/app.*.log'], format: 'auto' };
    const outputText = async (options: CollectLogsOptions): Promise<string> => JSON.stringify(await collectLogs(source, context(), { limits, ...options }));
    const whole = await outputText({ workers: 0, pieceBytes: Number.MAX_SAFE_INTEGER });
    const parsed = JSON.parse(whole) as { evidence: { files: { path: string }[]; entitiesTruncated?: boolean }; warnings: string[] };
    expect(parsed.evidence.files.map((file) => file.path)).toEqual(['0', '1', '2', '3', '3b', '4', '5'].map((index) => `rotated/app.${index}.log`));
    expect(parsed.evidence.entitiesTruncated).toBe(true);
    expect(parsed.warnings.findIndex((warning) => warning.startsWith('rotated/app.3b.log: cannot read'))).toBeGreaterThanOrEqual(0);
    for (const pieceBytes of [4 << 10, 16 << 10]) {
      expect(await outputText({ workers: 2, pieceBytes })).toBe(whole);
      expect(await outputText({ workers: 0, pieceBytes })).toBe(whole);
    }
  }, 120_000);

  it("cuts and reads a file's pieces before the files before it are merged, and merges none of them until then", async () => {
    // Fewer pieces than the threads are given ahead, so all are handed over before the first is merged.
    writeFileSync(path.join(dir, 'turn.log'), pythonText(43, 100, 50));
    const pool = new ReadsSeen(2);
    const merger = new LogMerger(null, DEFAULT_LIMITS);
    const summary = merger.beginFile('turn.log', 'python');
    let mergeBefore!: () => void;
    const turn = new Promise<void>((resolve) => {
      mergeBefore = resolve;
    });
    let handedOver!: () => void;
    const submitted = new Promise<void>((resolve) => {
      handedOver = resolve;
    });
    const reading = readFileInto(merger, summary, {
      file: path.join(dir, 'turn.log'),
      display: 'turn.log',
      setup: { format: 'python' },
      window: null,
      filter: null,
      limits: cutPieceLimits(DEFAULT_LIMITS),
      pieceBytes: 4 << 10,
      progress: () => undefined,
      threads: async () => pool,
      turn,
      submitted: handedOver,
    });
    await submitted;
    // Every piece has been read by the threads, and none merged.
    await Promise.allSettled(pool.reads);
    expect(pool.reads.length).toBeGreaterThan(1);
    expect(summary.records).toBe(0);
    mergeBefore();
    await reading;
    await pool.close();
    expect(summary.records).toBe(100);
  }, 60_000);
});

describe('worker threads that fail', () => {
  it('leave their pieces to the main thread: the evidence is the same as one pass', async () => {
    const file = 'failing-workers.json';
    writeFileSync(path.join(dir, file), renderPage(29, 2000, 200));
    const whole = await evidenceText(file, { workers: 0, pieceBytes: Number.MAX_SAFE_INTEGER });
    // A 2 MB heap: the threads run out of memory starting or on their first piece.
    const output = await collectLogs({ id: 'app-logs', kind: 'logs', paths: [file], format: 'auto' }, context(), { workers: 2, pieceBytes: 16 << 10, workerHeapMb: 2 });
    expect(JSON.stringify(output.evidence)).toBe(whole);
    expect((output.warnings ?? []).some((warning) => /piece\(s\) read on the main thread after a log reading thread failed/.test(warning))).toBe(true);
  }, 60_000);
});

describe('the fracas command with worker threads', () => {
  it('reads a log on the threads it is given (no piece left to the main thread), with the output of one thread', async () => {
    const file = path.join(dir, 'cli-threads.json');
    writeFileSync(file, renderPage(31, 6000, 500));
    expect(statSync(file).size).toBeGreaterThan(2 * PIECE_BYTES);
    const threads = await runCliProcess(['templates', file], { FRACAS_WORKERS: '2' });
    const one = await runCliProcess(['templates', file], { FRACAS_WORKERS: '0' });
    expect(threads.code).toBe(0);
    expect(threads.stderr).not.toMatch(/read on the main thread/);
    expect(threads.stdout).toBe(one.stdout);
    expect(threads.stdout).toMatch(/record\(s\), \d+ template\(s\)/);
  }, 60_000);
});

async function templatesText(file: string, options: { workers: number; pieceBytes: number; jsonl: boolean }): Promise<string> {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  await runTemplates(path.join(dir, file), options, out, new PassThrough());
  return chunks.join('');
}

describe('fracas templates in pieces', () => {
  it('prints the same table and the same per-record lines with pieces and worker threads as in one pass', async () => {
    for (const [file, write] of [
      ['templates-render.json', renderPage],
      ['templates-app.log', pythonText],
    ] as const) {
      writeFileSync(path.join(dir, file), write(23, 3000, 300));
      for (const jsonl of [false, true]) {
        const whole = await templatesText(file, { workers: 0, pieceBytes: Number.MAX_SAFE_INTEGER, jsonl });
        expect(whole.length).toBeGreaterThan(500);
        expect(await templatesText(file, { workers: 0, pieceBytes: 8 << 10, jsonl })).toBe(whole);
        expect(await templatesText(file, { workers: 2, pieceBytes: 8 << 10, jsonl })).toBe(whole);
      }
    }
  }, 60_000);
});

describe('guessed cuts', () => {
  it("a guess that lands inside a record is caught by the pieces' edges, and the file is cut again by scanning from the last piece that held", async () => {
    const file = path.join(dir, 'spans.json');
    writeFileSync(file, spansPage(5, 6000));
    const whole = await evidenceText(file, { workers: 0, pieceBytes: Number.MAX_SAFE_INTEGER });
    expect(await evidenceText(file, { workers: 0, pieceBytes: 16 << 10 })).toBe(whole);
    expect(await evidenceText(file, { workers: 2, pieceBytes: 16 << 10 })).toBe(whole);
    // The same file read through readInPieces directly: the guesses failed at least once, and every record came through once, in order.
    const recuts: number[] = [];
    const lines: number[] = [];
    const setup = { format: 'render-json' };
    const read = (piece: Piece) => readTemplatePiece({ file: 'spans.json', setup: { ...setup, start: piece.start } }, pieceParts(piece.bytes, piece.offset));
    const done = await readInPieces(
      { file, display: 'spans.json', format: 'render-json', year: undefined, pieceBytes: 16 << 10, recut: (offset) => recuts.push(offset) },
      { ahead: 2, read: async (piece) => read(piece), absorb: (_piece, result) => void lines.push(...result.recordLines) },
    );
    expect(done).toBe(true);
    expect(recuts.length).toBe(1);
    const oneRead = readTemplatePiece({ file: 'spans.json', setup }, [readFileSync(file, 'utf8')]);
    expect(lines.length).toBe(oneRead.recordLines.length);
    expect(lines).toEqual(Array.from(oneRead.recordLines));
    expect(lines.length).toBeGreaterThan(2500);
  });

  it('after the first scanned cut, cuts are guessed at the record separator; with guessing off, every cut is scanned', () => {
    const text = Buffer.from(renderPage(4, 3000, 50));
    const guessed = [...new PieceCutter('r.json', { format: 'render-json' }, 4 << 10).push(text)];
    const scanned = [...new PieceCutter('r.json', { format: 'render-json' }, 4 << 10, undefined, false).push(text)];
    expect(guessed.length).toBeGreaterThan(20);
    expect(guessed[0]!.guessed).toBeUndefined();
    expect(guessed[1]!.guessed).toBeUndefined();
    expect(guessed.slice(2).every((piece) => piece.guessed)).toBe(true);
    expect(scanned.some((piece) => piece.guessed)).toBe(false);
    for (const piece of guessed.slice(1)) expect(pieceParts(piece.bytes, piece.offset).join('')).toMatch(/^,\s*\{\s*"id"/);
  });
});

describe('PieceCutter', () => {
  const textOf = (piece: Piece): string => pieceParts(piece.bytes, piece.offset).join('');
  const pushAll = (cutter: PieceCutter, bytes: Buffer, block: number): Piece[] => {
    const pieces: Piece[] = [];
    for (let at = 0; at < bytes.length; at += block) pieces.push(...cutter.push(bytes.subarray(at, at + block)));
    return [...pieces, ...cutter.end()];
  };

  it('cuts only between records, loses no text and counts the lines before each piece', () => {
    const text = pythonText(7, 2000, 100);
    const pieces = pushAll(new PieceCutter('app.log', { format: 'python' }, 8 << 10), Buffer.from(text), 5000);
    expect(pieces.length).toBeGreaterThan(10);
    expect(pieces.map(textOf).join('')).toBe(text);
    let line = 0;
    for (const piece of pieces) {
      const body = textOf(piece);
      expect(piece.start.line).toBe(line);
      expect(body.startsWith('  ') || body.startsWith('Traceback') || body.startsWith('psycopg2')).toBe(false);
      line += body.split('\n').length - 1;
    }
  });

  it('never cuts a Render traceback whose lines arrived as separate entries at one time', () => {
    const text = renderPage(9, 3000, 100);
    const pieces = pushAll(new PieceCutter('render.json', { format: 'render-json' }, 4 << 10), Buffer.from(text), 1 << 20);
    expect(pieces.length).toBeGreaterThan(20);
    expect(pieces.map(textOf).join('')).toBe(text);
    for (const piece of pieces.slice(1)) expect(textOf(piece)).not.toMatch(/^,?\s*\{"id":"[^"]+","timestamp":"[^"]+","message":"(?: {2}File| {4}|psycopg2)/);
  });

  it('decodes each piece as the whole file decodes: characters split between read blocks, a BOM only at the start', () => {
    const words = ['café', '日本語のログ', 'naïve 🚀 deploy', 'zero-width \uFEFF inside a line', 'Ünïcödé'];
    const lines = Array.from(
      { length: 3000 },
      (_, index) => `2026-11-19 06:${String(Math.floor(index / 60) % 60).padStart(2, '0')}:${String(index % 60).padStart(2, '0')},000 INFO app: ${words[index % words.length]} ${index}`,
    );
    const text = `${lines.join('\n')}\n`;
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    for (const format of ['python', 'render-json']) {
      const input =
        format === 'python'
          ? bytes
          : Buffer.from(JSON.stringify({ logs: lines.map((message, index) => ({ id: String(index), timestamp: new Date(Date.UTC(2026, 10, 19, 6, 0, index)).toISOString(), message })) }));
      // Blocks of 7 bytes split most multi-byte characters between two blocks.
      const pieces = pushAll(new PieceCutter('app.log', { format }, 2 << 10), input, 7);
      expect(pieces.length).toBeGreaterThan(20);
      expect(pieces.map(textOf).join('')).toBe(new TextDecoder().decode(input));
    }
  });
});
