// The line formats whose readers carry state from line to line (PostgreSQL, its syslog form, BSD syslog, CRI, Heroku, Render text), and timestamped text whose untimed lines join the record before, read in pieces, on the main thread and on worker threads, give byte-identical evidence to one pass.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runTemplates } from '../../../src/cli/templates.ts';
import { collectLogs, type CollectLogsOptions } from '../../../src/collectors/logs/index.ts';
import { PieceCutter, pieceParts } from '../../../src/collectors/logs/pieces.ts';
import { createReader, type ReaderStart } from '../../../src/collectors/logs/read-file.ts';
import type { CollectContext } from '../../../src/collectors/types.ts';
import type { LogEvidence, LogRecord } from '../../../src/evidence/schema.ts';
import { criLog, herokuLog, postgresLog, postgresSyslogLog, renderTextLog, syslogLog, timestampedLog } from '../../helpers/format-logs.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'fracas-pieces-formats-'));

function context(): CollectContext {
  return {
    dir,
    resolve: (relative) => path.resolve(dir, relative),
    incident: { id: 'P-1', title: 't', severity: 'P2', environment: 'prod', service: 'api', window: { start: '2025-01-01T00:00:00Z', end: '2027-01-01T00:00:00Z' } },
    env: {},
    progress: () => undefined,
  };
}

async function evidenceText(file: string, format: string, options: CollectLogsOptions): Promise<string> {
  const output = await collectLogs({ id: 'logs', kind: 'logs', paths: [file], format }, context(), { window: null, ...options });
  return JSON.stringify(output.evidence);
}

/** How many pieces a cutter makes of the text (the test is empty unless the file is cut). */
function pieceCount(format: string, text: string, pieceBytes: number, year?: number): number {
  const cutter = new PieceCutter('log', { format, year }, pieceBytes);
  return [...cutter.push(Buffer.from(text)), ...cutter.end()].length;
}

/** The records of one pass over the text, or over a piece from its start (every record, where the evidence keeps a sample). */
function onePass(format: string, text: string, year?: number, start?: ReaderStart): LogRecord[] {
  const records: LogRecord[] = [];
  const reader = createReader('log', { format, year, ...(start ? { start } : {}) }, { record: (record) => records.push(record), unparsed: () => undefined });
  reader.push(text);
  reader.end();
  return records;
}

const cases: { format: string; write: (seed: number) => string; joined: RegExp; year?: number }[] = [
  { format: 'postgres', write: (seed) => postgresLog(seed, 2500), joined: /\nSTATEMENT: {2}|\nDETAIL: {2}/ },
  { format: 'postgres-syslog', write: (seed) => postgresSyslogLog(seed, 2500), joined: /\nSTATEMENT: {2}/, year: 2025 },
  { format: 'syslog', write: (seed) => syslogLog(seed, 6000), joined: /^Traceback[\s\S]*\n {2}File/m, year: 2025 },
  { format: 'cri', write: (seed) => criLog(seed, 5000), joined: /\n\tat com\.zaxxer/ },
  { format: 'heroku', write: (seed) => herokuLog(seed, 5000), joined: /Traceback[\s\S]*\n {2}File/ },
  { format: 'render-text', write: (seed) => renderTextLog(seed, 6000), joined: /Traceback[\s\S]*\nFile "/ },
  { format: 'timestamped', write: (seed) => timestampedLog(seed, 6000), joined: /\n\(Background on this error at: |\n\d+ seconds\. {2}\[orig: / },
];

describe('line formats whose reader carries state, read in pieces', () => {
  for (const { format, write, joined, year } of cases) {
    it(`${format}: pieces of 4 and 16 KB on the main thread and on two worker threads give the evidence of one pass`, async () => {
      for (const seed of [5, 19]) {
        const file = `${seed}-${format}.log`;
        const text = write(seed);
        writeFileSync(path.join(dir, file), text);
        expect(pieceCount(format, text, 4 << 10, year)).toBeGreaterThan(20);
        const whole = await evidenceText(file, format, { workers: 0, pieceBytes: Number.MAX_SAFE_INTEGER });
        const evidence = JSON.parse(whole) as LogEvidence;
        expect(evidence.totalRecords).toBeGreaterThan(1000);
        expect(evidence.files[0]!.unparsed).toBe(0);
        expect(onePass(format, text, year).filter((record) => joined.test(record.message)).length).toBeGreaterThan(10);
        expect(await evidenceText(file, format, { workers: 0, pieceBytes: 4 << 10 })).toBe(whole);
        expect(await evidenceText(file, format, { workers: 0, pieceBytes: 16 << 10 })).toBe(whole);
        expect(await evidenceText(file, format, { workers: 2, pieceBytes: 16 << 10 })).toBe(whole);
      }
    }, 120_000);
  }

  it("every piece's reader gives, in order, the records one pass gives (the evidence does not show every change of order)", () => {
    for (const { format, write, year } of cases) {
      const text = write(47);
      const cutter = new PieceCutter('log', { format, year }, 4 << 10);
      const pieces = [...cutter.push(Buffer.from(text)), ...cutter.end()];
      expect(pieces.length, format).toBeGreaterThan(20);
      const inPieces = pieces.flatMap((piece) => onePass(format, pieceParts(piece.bytes, piece.offset).join(''), year, piece.start));
      expect(JSON.stringify(inPieces), format).toBe(JSON.stringify(onePass(format, text, year)));
    }
  });

  it('stays exact past every cap (where the order of records shows): entities, kept records, templates, events, requests, minutes', async () => {
    const limits = { maxEntities: 40, maxRecords: 150, maxRecordsPerTemplate: 4, maxEvents: 15, maxRequestKeys: 3, maxMinutes: 10, maxErrorTimes: 60, maxUnparsedSamples: 2 };
    for (const { format, write } of cases) {
      const file = `caps-${format}.log`;
      writeFileSync(path.join(dir, file), write(41));
      const whole = await evidenceText(file, format, { workers: 0, pieceBytes: Number.MAX_SAFE_INTEGER, limits });
      expect((JSON.parse(whole) as LogEvidence).recordsTruncated).toBe(true);
      expect(await evidenceText(file, format, { workers: 0, pieceBytes: 4 << 10, limits }), format).toBe(whole);
      expect(await evidenceText(file, format, { workers: 2, pieceBytes: 16 << 10, limits }), format).toBe(whole);
    }
  }, 120_000);

  it('syslog: the year in force crosses each cut (records after the year end are dated in the new year)', async () => {
    const file = 'year-end.log';
    writeFileSync(path.join(dir, file), syslogLog(7, 6000));
    const whole = JSON.parse(await evidenceText(file, 'syslog', { workers: 0, pieceBytes: Number.MAX_SAFE_INTEGER })) as LogEvidence;
    expect(whole.files[0]!.firstSeen).toMatch(/^2025-12-31T/);
    expect(whole.files[0]!.lastSeen).toMatch(/^2026-01-01T/);
    expect(await evidenceText(file, 'syslog', { workers: 0, pieceBytes: 4 << 10 })).toBe(JSON.stringify(whole));
  }, 60_000);

  it('postgres and postgres-syslog: every piece reads with the prefix chosen from the file head, also after the prefix changed at a reload', async () => {
    const file = 'reloaded.log';
    writeFileSync(path.join(dir, file), postgresLog(23, 3000));
    const whole = JSON.parse(await evidenceText(file, 'postgres', { workers: 0, pieceBytes: Number.MAX_SAFE_INTEGER })) as LogEvidence;
    expect(whole.files[0]!.postgresPrefix).toMatch(/^%m \[%p\] /);
    expect(whole.records.some((record) => record.fields.application === 'worker')).toBe(true);
    expect(await evidenceText(file, 'postgres', { workers: 2, pieceBytes: 4 << 10 })).toBe(JSON.stringify(whole));
    const syslogFile = 'reloaded-syslog.log';
    writeFileSync(path.join(dir, syslogFile), postgresSyslogLog(23, 3000));
    const wholeSyslog = await evidenceText(syslogFile, 'postgres-syslog', { workers: 0, pieceBytes: Number.MAX_SAFE_INTEGER });
    expect((JSON.parse(wholeSyslog) as LogEvidence).files[0]!.postgresPrefix).toBe('%m [%p] %q%u@%d %e ');
    expect(await evidenceText(syslogFile, 'postgres-syslog', { workers: 2, pieceBytes: 4 << 10 })).toBe(wholeSyslog);
  }, 60_000);
});

async function templatesText(file: string, workers: number, pieceBytes: number): Promise<string> {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  await runTemplates(path.join(dir, file), { workers, pieceBytes, jsonl: true }, out, new PassThrough());
  return chunks.join('');
}

describe('fracas templates on these formats in pieces', () => {
  it('prints the same per-record lines with pieces and worker threads as in one pass', async () => {
    for (const [file, text] of [
      ['templates-postgres.log', postgresLog(31, 2500)],
      ['templates-cri.log', criLog(31, 4000)],
    ] as const) {
      writeFileSync(path.join(dir, file), text);
      const whole = await templatesText(file, 0, Number.MAX_SAFE_INTEGER);
      expect(whole.length).toBeGreaterThan(1000);
      expect(await templatesText(file, 0, 4 << 10)).toBe(whole);
      expect(await templatesText(file, 2, 8 << 10)).toBe(whole);
    }
  }, 60_000);
});
