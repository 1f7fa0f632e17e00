// A scratch incident directory with a manifest, a summary and a PDF, plus a retry policy that records its waits.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RetryPolicy } from '../../../src/publish/retry.ts';

export const NOW = Date.parse('2026-12-01T12:00:00Z');

export interface ScratchIncident {
  dir: string;
  pdf: Buffer;
}

/** A real (tiny) PDF whose text pdftotext can read, with varying content so byte comparisons mean something. */
export function tinyPdf(text: string): Buffer {
  const stream = `BT /F1 10 Tf 10 100 Td (${text.replace(/[()\\]/g, '')}) Tj ET`;
  return Buffer.from(
    [
      '%PDF-1.4',
      '1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj',
      '2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj',
      '3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 600 200] /Contents 4 0 R /Resources <</Font <</F1 5 0 R>>>>>> endobj',
      `4 0 obj <</Length ${stream.length}>> stream`,
      stream,
      'endstream endobj',
      '5 0 obj <</Type /Font /Subtype /Type1 /BaseFont /Helvetica>> endobj',
      'trailer <</Root 1 0 R>>',
      '%%EOF',
      '',
    ].join('\n'),
  );
}

export function makeIncident(options: { id?: string; summary?: string; rootCause?: string; pdf?: boolean; pdfText?: string; tickets?: string } = {}): ScratchIncident {
  const id = options.id ?? 'INC-42';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fracas-publish-'));
  const tickets = options.tickets ? `\ntickets:\n${options.tickets}` : '';
  writeFileSync(
    path.join(dir, 'incident.yaml'),
    `id: ${id}\ntitle: Connection pool exhausted during failover\nseverity: P1\nenvironment: staging\nservice: api\nwindow: { start: 2026-11-19T06:00:00Z, end: 2026-11-20T06:00:00Z }\nsources: []${tickets}\n`,
  );
  mkdirSync(path.join(dir, 'report'), { recursive: true });
  if (options.summary !== undefined) writeFileSync(path.join(dir, 'report', 'summary.md'), options.summary);
  if (options.rootCause !== undefined) writeFileSync(path.join(dir, 'report', 'root-cause-report.md'), options.rootCause);
  const pdf = tinyPdf(options.pdfText ?? `${id} report, ${options.summary?.length ?? 0} characters of summary`);
  if (options.pdf !== false) writeFileSync(path.join(dir, 'report', `${id}.pdf`), pdf);
  return { dir, pdf };
}

export const SUMMARY = [
  '## INC-42: connection pool exhausted during failover',
  '',
  'The API ran out of database connections at **10:02 UTC** when the primary failed over ([runbook](https://runbooks.example/db-failover)).',
  '',
  '- failover started 10:02',
  '- `pool exhausted` errors until 10:19',
  '',
  '| Time | Event |',
  '| --- | --- |',
  '| 10:02 | failover |',
  '| 10:19 | recovered |',
  '',
  '```text',
  'ERROR pool exhausted (max 20)',
  '```',
  '',
].join('\n');

export function recordingPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy & { waits: number[] } {
  const waits: number[] = [];
  return {
    maxRetries: 3,
    maxWaitMs: 5 * 60_000,
    sleep: async (ms: number) => {
      waits.push(ms);
    },
    now: () => NOW,
    waits,
    ...overrides,
  };
}

/** Collects what a run writes to stdout and stderr. */
export { captureStreams as streams } from '../../helpers/cli.ts';
