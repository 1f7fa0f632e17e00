// Reads one piece of a log file (or a whole file, streamed) into a PieceResult: the same reader chain and aggregation on the main thread or in a worker.
import type { LogRecord } from '../../evidence/schema.ts';
import type { LogFilterSpec } from '../../manifest/index.ts';
import { cutPieceLimits, PieceBuilder, type BuilderLimits, type EarlierPieces, type PieceResult } from './aggregate.ts';
import { compileFilter } from './filter.ts';
import { createReader, type PieceEdge, type ReaderSetup } from './read-file.ts';

export interface PieceOutput extends PieceResult {
  lines: number;
  postgresPrefix?: string;
  edge?: PieceEdge;
}

export interface PieceTask {
  /** The file's path as shown in evidence. */
  file: string;
  setup: ReaderSetup;
  window: { start: string; end: string } | null;
  filter?: LogFilterSpec;
  /** What the pieces before this one filled (see EarlierPieces). */
  earlier: EarlierPieces;
  /** A piece cut from a file (its caps are left to the merge), not a whole file read in turn. */
  cut: boolean;
  limits: BuilderLimits;
}

/** A piece reader: push text, then `end()` for the piece's result. */
export function pieceReader(task: PieceTask, filter: ((record: LogRecord) => boolean) | null = compileFilter(task.filter)) {
  const builder = new PieceBuilder(task.setup.format, task.window, task.earlier, task.cut ? cutPieceLimits(task.limits) : task.limits);
  const reader = createReader(task.file, task.setup, {
    record: (record) => (filter === null || filter(record) ? builder.add(record) : builder.filtered()),
    unparsed: (line, reason, text) => builder.unparsed(line, reason, text),
  });
  return {
    push: (text: string) => reader.push(text),
    pushPiece: (parts: readonly string[]) => reader.pushPiece(parts),
    end(): PieceOutput {
      const { lines, postgresPrefix, edge } = reader.end();
      const output: PieceOutput = { ...builder.result(), lines };
      if (postgresPrefix) output.postgresPrefix = postgresPrefix;
      if (edge) output.edge = edge;
      return output;
    },
  };
}

/** Read a piece held in memory, in the slices it was read in. */
export function readPiece(task: PieceTask, parts: readonly string[], filter?: ((record: LogRecord) => boolean) | null): PieceOutput {
  const reader = pieceReader(task, filter);
  reader.pushPiece(parts);
  return reader.end();
}
