// The `logs` collector: reads log files and globs in any supported format into LogEvidence (streaming, bounded memory).
import path from 'node:path';
import type { LogSourceSpec } from '../../manifest/index.ts';
import { SourceFailure, type CollectContext, type CollectorOutput } from '../types.ts';
import { stat } from 'node:fs/promises';
import { LogMerger } from './merge.ts';
import { DEFAULT_LIMITS, type BuilderLimits } from './aggregate.ts';
import { expandPaths } from './files.ts';
import { checkFormat, formatLabel, readerYear, resolveFormat, UnknownFormatError } from './read-file.ts';
import { detectFormat } from './detect.ts';
import { headText } from './source.ts';
import { PIECE_BYTES } from './pieces.ts';
import { readFileInto } from './read-into.ts';
import { PiecePool, workersFor } from './piece-pool.ts';
import { PieceBuffers } from './piece-buffers.ts';
import { fileWarnings } from './file-warnings.ts';
import { compileFilter } from './filter.ts';

export interface CollectLogsOptions {
  /** Keep only records inside this window (default: the incident window); null keeps everything. */
  window?: { start: string; end: string } | null;
  /** Worker threads reading pieces (default: `workerCount()`); 0 reads on the main thread. The output is the same for any number. */
  workers?: number;
  /** Bytes per piece before a boundary is looked for (default PIECE_BYTES; smaller in tests). */
  pieceBytes?: number;
  /** The evidence's caps (default DEFAULT_LIMITS; smaller in tests). */
  limits?: Partial<BuilderLimits>;
  /** A worker's heap in MB (default 256; tiny in tests, so that workers fail and the main thread reads their pieces). */
  workerHeapMb?: number;
}

/** What reading one file of the source gave: its warnings, in the order they are shown, or the error it could not be read with. */
interface FileOutcome {
  relative: string;
  warnings: string[];
  partialWarnings: number;
  error?: unknown;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException)?.code;
}

export async function collectLogs(spec: LogSourceSpec, context: CollectContext, options: CollectLogsOptions = {}): Promise<CollectorOutput<'logs'>> {
  const requested = spec.format ?? 'auto';
  try {
    checkFormat(requested);
  } catch (error) {
    if (error instanceof UnknownFormatError || error instanceof Error) throw new SourceFailure(error.message, 'bad-format', 'set `format` to auto or one of the listed names');
  }
  const window = options.window === undefined ? (context.incident?.window ?? null) : options.window;
  let filter: ReturnType<typeof compileFilter>;
  try {
    filter = compileFilter(spec.filter);
  } catch (error) {
    throw new SourceFailure((error as Error).message, 'bad-filter', 'fix `filter` in incident.yaml (regex uses RE2 syntax)');
  }
  const limits: BuilderLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const merger = new LogMerger(window, limits);
  const warnings: string[] = [];
  const expanded = await expandPaths(spec.paths, context.resolve);
  const files = [...new Set(expanded.flatMap((entry) => entry.files))];
  for (const entry of expanded) if (entry.files.length === 0) warnings.push(`${entry.pattern}: no file matches`);
  const read: string[] = [];
  let failed = 0;
  let partialWarnings = 0;
  let lastError: unknown;
  const pieceBytes = options.pieceBytes ?? PIECE_BYTES;
  let pool: PiecePool | null = null;
  // Threads are chosen for the whole source, so many small files (rotated logs) are read on all cores too.
  const sourceBytes = await totalBytes(files);
  const buffers = new PieceBuffers(pieceBytes * 2);
  const readOne = async (file: string, turn: Promise<void>, submitted: () => void): Promise<FileOutcome> => {
    const relative = path.relative(context.dir, file) || path.basename(file);
    context.progress(`reading ${relative}`);
    try {
      const head = await headText(file);
      const format = resolveFormat(requested, head);
      // (In file order: this file started after the one before began its summary and handed over its last piece.)
      const summary = merger.beginFile(relative, formatLabel(format));
      const setup = { format, postgresPrefix: spec.postgresPrefix, year: await readerYear(format, head, file) };
      let reported = 0;
      const progress = (characters: number): void => {
        if (characters - reported >= 64 << 20) {
          reported = characters;
          context.progress(`${relative}: ${Math.round(characters / (1 << 20))} MB read`);
        }
      };
      const fallbacks = await readFileInto(merger, summary, {
        file,
        display: relative,
        setup,
        window,
        filterSpec: spec.filter,
        filter,
        limits,
        pieceBytes,
        signal: context.signal,
        progress,
        threads: async () => {
          const workers = workersFor(sourceBytes, options.workers);
          if (workers === 0) return null;
          pool ??= new PiecePool(workers, options.workerHeapMb);
          return pool;
        },
        turn,
        submitted,
        buffers,
      });
      summary.lines ??= 0;
      const warnings: string[] = [];
      if (fallbacks.pieces > 0) warnings.push(`${relative}: ${fallbacks.pieces} piece(s) read on the main thread after a log reading thread failed (${fallbacks.reason})`);
      const fileSpecific = fileWarnings(summary, window, detectFormat(head));
      if (summary.unparsed > 0 && !fileSpecific.some((warning) => warning.partial))
        warnings.push(`${relative}: ${summary.unparsed} line(s) could not be parsed as ${summary.format} (samples in the evidence)`);
      if (summary.truncatedRecords) warnings.push(`${relative}: ${summary.truncatedRecords} record(s) too deeply nested or too large to parse were kept as truncated text`);
      if (summary.filteredOut) warnings.push(`${relative}: ${summary.filteredOut} record(s) left out by the source's filter`);
      for (const warning of fileSpecific) warnings.push(warning.text);
      return { relative, warnings, partialWarnings: fileSpecific.filter((warning) => warning.partial).length };
    } catch (error) {
      if (context.signal?.aborted) throw error;
      return { relative, warnings: [`${relative}: cannot read (${errorCode(error) ?? (error as Error).message})`], partialWarnings: 0, error };
    }
  };
  try {
    // Each file is merged after the one before; the next file starts once this one's last pieces are with the threads.
    const outcomes: Promise<FileOutcome>[] = [];
    let turn = Promise.resolve();
    for (const file of files) {
      if (context.signal?.aborted) break;
      let submitted!: () => void;
      const handedOver = new Promise<void>((resolve) => {
        submitted = resolve;
      });
      const outcome = readOne(file, turn, submitted);
      outcomes.push(outcome);
      turn = outcome.then(
        () => undefined,
        () => undefined,
      );
      await Promise.race([handedOver, turn]);
    }
    const settled = await Promise.allSettled(outcomes);
    for (const result of settled) if (result.status === 'rejected') throw result.reason;
    for (const result of settled) {
      const outcome = (result as PromiseFulfilledResult<FileOutcome>).value;
      warnings.push(...outcome.warnings);
      partialWarnings += outcome.partialWarnings;
      if (outcome.error === undefined) read.push(outcome.relative);
      else {
        failed++;
        lastError = outcome.error;
      }
    }
  } finally {
    await (pool as PiecePool | null)?.close();
  }
  if (read.length === 0) {
    if (files.length === 0) {
      throw new SourceFailure(`no log file matches ${spec.paths.join(', ')}`, 'ENOENT', 'check `paths` (relative to incident.yaml; globs such as logs/*.log.gz are allowed)');
    }
    const code = errorCode(lastError) ?? 'read-error';
    throw new SourceFailure(
      `cannot read ${files.length === 1 ? files[0] : `any of ${files.length} log files`}: ${(lastError as Error)?.message ?? code}`,
      code,
      code === 'ENOENT' ? 'check `paths` in incident.yaml' : code === 'EACCES' ? 'make the files readable by this user' : undefined,
    );
  }
  const evidence = merger.finish();
  if (evidence.entitiesTruncated)
    warnings.push(
      `only the first ${limits.maxEntities} job, request, document and user ids are tracked: records naming later ids count in the templates and requests but not per id, so shares of failed ids are left out of the analysis`,
    );
  const partial = failed > 0 || partialWarnings > 0 || expanded.some((entry) => entry.files.length === 0);
  return {
    evidence,
    status: partial ? 'partial' : 'ok',
    warnings,
    provenance: {
      description: `${read.length} log file(s), ${evidence.totalRecords} record(s)${evidence.window ? ` in the window (${evidence.window.outside} outside it counted, not kept)` : ''}`,
      paths: read,
    },
  };
}

/** The files' sizes added up (a file that cannot be read counts nothing: reading it reports why). */
async function totalBytes(files: string[]): Promise<number> {
  const sizes = await Promise.all(
    files.map((file) =>
      stat(file).then(
        (stats) => stats.size,
        () => 0,
      ),
    ),
  );
  return sizes.reduce((total, size) => total + size, 0);
}
