// `fracas templates <file> [--format '<...>'] [filters] [--jsonl]`: mine a log file's templates; a table, or one JSON object per record.
import { access } from 'node:fs/promises';
import path from 'node:path';
import { EXIT_CODES } from './exit-codes.ts';
import { checkFormat, formatLabel, readerYear, resolveFormat, type ReaderStart } from '../collectors/logs/read-file.ts';
import { TemplateMiner } from '../lib/log-templates/miner.ts';
import { createRedactor } from '../lib/secrets/redact.ts';
import { terminalSafe } from '../lib/terminal-text.ts';
import type { Level, LogFileSummary } from '../evidence/schema.ts';
import { logFilter, type LogFilterSpec } from '../manifest/index.ts';
import { compileFilter } from '../collectors/logs/filter.ts';
import { fileWarnings } from '../collectors/logs/file-warnings.ts';
import { detectFormat } from '../collectors/logs/detect.ts';
import { headText, textChunks } from '../collectors/logs/source.ts';
import { stat } from 'node:fs/promises';
import { cuttable, PIECE_BYTES, pieceParts, type Piece } from '../collectors/logs/pieces.ts';
import { PiecePool, workersFor } from '../collectors/logs/piece-pool.ts';
import { readInPieces } from '../collectors/logs/read-in-pieces.ts';
import type { ReadFallbacks } from '../collectors/logs/read-into.ts';
import { IntColumn, readTemplatePiece, templatePieceReader, type TemplatePieceResult, type TemplateTask } from '../collectors/logs/template-piece.ts';

/** C0 (except tab and newline) and C1 control characters, replaced before text from a file reaches a terminal. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** The manifest's log filter from command-line flags (--service, --level, --text, --regex, --field key=value). */
export function filterFromFlags(flags: { service?: string[]; level?: string; text?: string; regex?: string; field?: string[] }): LogFilterSpec | undefined {
  const spec: Record<string, unknown> = {};
  if (flags.service?.length) spec.service = flags.service;
  if (flags.level) spec.level = flags.level.includes(',') ? flags.level.split(',') : flags.level;
  if (flags.text) spec.text = flags.text;
  if (flags.regex) spec.regex = flags.regex;
  if (flags.field?.length) {
    const fields: Record<string, string> = {};
    for (const pair of flags.field) {
      const equals = pair.indexOf('=');
      if (equals <= 0) throw new Error(`--field ${JSON.stringify(pair)}: expected key=value`);
      fields[pair.slice(0, equals)] = pair.slice(equals + 1);
    }
    spec.fields = fields;
  }
  if (Object.keys(spec).length === 0) return undefined;
  const parsed = logFilter.safeParse(spec);
  if (!parsed.success) throw new Error(parsed.error.issues.map((issue) => `--${String(issue.path[0] ?? 'filter')}: ${issue.message}`).join('; '));
  return parsed.data;
}

/** Write with back-pressure; a closed reader (EPIPE, e.g. `| head`) ends the output quietly. */
function write(out: NodeJS.WritableStream, text: string, state: { closed: boolean }): Promise<void> {
  return new Promise((resolve) => {
    if (state.closed) return resolve();
    if (out.write(terminalSafe(text))) resolve();
    else {
      const done = (): void => {
        out.removeListener('drain', done);
        out.removeListener('error', done);
        resolve();
      };
      out.once('drain', done);
      out.once('error', done);
    }
  });
}

export async function runTemplates(
  file: string,
  options: { format?: string; jsonl?: boolean; filter?: LogFilterSpec; workers?: number; pieceBytes?: number },
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  const format = options.format ?? 'auto';
  try {
    checkFormat(format);
  } catch (error) {
    err.write(`fracas templates: ${(error as Error).message}\n`);
    return EXIT_CODES.usage;
  }
  let filter: ReturnType<typeof compileFilter>;
  try {
    filter = compileFilter(options.filter);
  } catch (error) {
    err.write(`fracas templates: ${(error as Error).message}\n`);
    return EXIT_CODES.usage;
  }
  const absolute = path.resolve(file);
  try {
    await access(absolute);
  } catch (error) {
    err.write(`fracas templates: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})\n`);
    return EXIT_CODES.failed;
  }
  const miner = new TemplateMiner();
  const lines = new IntColumn();
  const groups = new IntColumn();
  const levels: Partial<Record<Level, number>>[] = [];
  let unparsed = 0;
  let filteredOut = 0;
  const summary: LogFileSummary = { path: file, format, records: 0, unparsed: 0, unparsedSamples: [] };
  const head = await headText(absolute).catch(() => '');
  const absorb = (piece: TemplatePieceResult): void => {
    summary.records += piece.records;
    if (piece.untimed) summary.untimed = (summary.untimed ?? 0) + piece.untimed;
    if (piece.textRecords) summary.textRecords = (summary.textRecords ?? 0) + piece.textRecords;
    if (piece.firstSeen && (!summary.firstSeen || piece.firstSeen < summary.firstSeen)) summary.firstSeen = piece.firstSeen;
    if (piece.lastSeen && (!summary.lastSeen || piece.lastSeen > summary.lastSeen)) summary.lastSeen = piece.lastSeen;
    unparsed += piece.unparsed;
    filteredOut += piece.filteredOut;
    summary.lines = (summary.lines ?? 0) + piece.lines;
    const groupOf = piece.groups.map((group) => miner.addGroup(group));
    for (let index = 0; index < piece.recordLines.length; index++) {
      lines.push(piece.recordLines[index]!);
      groups.push(groupOf[piece.recordGroups[index]!]!);
    }
    for (const [local, counts] of piece.levels.entries()) {
      if (!counts) continue;
      const group = groupOf[local]!;
      levels[group] ??= {};
      const into = levels[group];
      for (const [level, count] of Object.entries(counts) as [Level, number][]) into[level] = (into[level] ?? 0) + count;
    }
  };
  let result: { format: string };
  let pool: PiecePool | null = null;
  const fallbacks: ReadFallbacks = { pieces: 0 };
  try {
    const resolved = resolveFormat(format, head);
    result = { format: formatLabel(resolved) };
    const setup = { format: resolved, year: await readerYear(resolved, head, absolute) };
    const task = (start?: ReaderStart): TemplateTask => ({ file, setup: start ? { ...setup, start } : setup, filter: options.filter });
    const readWhole = async (): Promise<void> => {
      const reader = templatePieceReader(task(), filter);
      for await (const chunk of textChunks(absolute)) reader.push(chunk);
      absorb(reader.end());
    };
    if (!cuttable(resolved)) await readWhole();
    else {
      const workers = workersFor((await stat(absolute)).size, options.workers);
      const pieceBytes = options.pieceBytes ?? PIECE_BYTES;
      if (workers > 0) pool = new PiecePool(workers);
      const threads = pool;
      const readHere = (piece: Piece): TemplatePieceResult => readTemplatePiece(task(piece.start), pieceParts(piece.bytes, piece.offset), filter);
      const inPieces = await readInPieces(
        { file: absolute, display: file, format: resolved, year: setup.year, pieceBytes },
        {
          ahead: threads ? threads.ahead : 0,
          read: (piece) =>
            threads
              ? threads
                  .run<TemplatePieceResult>('templates', piece, () => task(piece.start))
                  .catch((error: Error) => {
                    fallbacks.pieces++;
                    fallbacks.reason ??= error.message;
                    return readHere(piece);
                  })
              : Promise.resolve(readHere(piece)),
          absorb: (_piece, output) => absorb(output),
        },
      );
      if (!inPieces) await readWhole();
    }
    summary.format = result.format;
    summary.unparsed = unparsed;
  } catch (error) {
    err.write(`fracas templates: cannot read ${file}: ${(error as Error).message}\n`);
    return EXIT_CODES.failed;
  } finally {
    await pool?.close();
  }
  // The same warnings a log source gets (empty file, no times, a format that barely parses), on stderr.
  const warnings = fileWarnings(summary, null, detectFormat(head));
  for (const warning of warnings) err.write(`fracas templates: warning: ${warning.text.replace(CONTROL, '?')}\n`);
  if (fallbacks.pieces > 0)
    err.write(`fracas templates: warning: ${fallbacks.pieces} piece(s) read on the main thread after a log reading thread failed (${fallbacks.reason?.replace(CONTROL, '?')})\n`);
  if (filteredOut > 0) err.write(`fracas templates: ${filteredOut} record(s) left out by the filter\n`);
  // Mining needs no times: only an empty file or a format that did not parse make the output partial.
  const partial = warnings.some((warning) => warning.partial && warning.kind !== 'untimed');
  const { clusters: mined, clusterOf } = miner.finish();
  const redactor = createRedactor();
  const clusters = mined.map((cluster) => ({ ...cluster, template: redactor.text(cluster.template) }));
  const state = { closed: false };
  const onError = (): void => {
    state.closed = true;
  };
  out.on('error', onError);
  if (options.jsonl) {
    const encoded = clusters.map((cluster) => `,"templateId":${JSON.stringify(cluster.id)},"template":${JSON.stringify(cluster.template)}}\n`);
    let buffer = '';
    for (let index = 0; index < lines.length; index++) {
      buffer += `{"line":${lines.data[index]}${encoded[clusterOf[groups.data[index]!]!]}`;
      if (buffer.length > 1 << 16) {
        await write(out, buffer, state);
        buffer = '';
        if (state.closed) break;
      }
    }
    if (buffer) await write(out, buffer, state);
    return partial ? EXIT_CODES.partial : EXIT_CODES.complete;
  }
  const rows = clusters
    .map((cluster) => {
      const counts: Partial<Record<Level, number>> = {};
      for (const group of cluster.groups) for (const [level, count] of Object.entries(levels[group] ?? {}) as [Level, number][]) counts[level] = (counts[level] ?? 0) + count;
      return { ...cluster, levels: counts };
    })
    .sort((a, b) => b.count - a.count || a.template.localeCompare(b.template));
  const width = Math.max(5, ...rows.map((row) => String(row.count).length));
  let text = `${file}: ${lines.length} record(s), ${rows.length} template(s), format ${result.format}${unparsed ? `, ${unparsed} unparsed line(s)` : ''}${filteredOut ? `, ${filteredOut} left out by the filter` : ''}\n\n`;
  text += `${'count'.padStart(width)}  ${'id'.padEnd(10)}  ${'levels'.padEnd(18)}  template\n`;
  for (const row of rows) {
    const levelText = (['fatal', 'error', 'warn', 'info', 'debug'] as Level[])
      .filter((level) => row.levels[level])
      .map((level) => `${level}:${row.levels[level]}`)
      .join(' ');
    text += `${String(row.count).padStart(width)}  ${row.id}  ${levelText.padEnd(18)}  ${row.template}\n`;
  }
  await write(out, text, state);
  return partial ? EXIT_CODES.partial : EXIT_CODES.complete;
}
