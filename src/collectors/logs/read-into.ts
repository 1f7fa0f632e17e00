// Reads one log file into a source's merge: in pieces (on worker threads when given) where the format allows it, else as one piece, re-reading a piece whose entity counts would not be exact.
import type { LogFileSummary, LogRecord } from '../../evidence/schema.ts';
import type { LogFilterSpec } from '../../manifest/index.ts';
import type { BuilderLimits, EarlierPieces } from './aggregate.ts';
import type { LogMerger } from './merge.ts';
import type { PieceBuffers } from './piece-buffers.ts';
import type { PiecePool } from './piece-pool.ts';
import { cuttable, pieceParts, type Piece } from './pieces.ts';
import type { ReaderSetup, ReaderStart } from './read-file.ts';
import { readInPieces } from './read-in-pieces.ts';
import { pieceReader, readPiece, type PieceOutput, type PieceTask } from './read-piece.ts';
import { textChunks } from './source.ts';

export interface FileReading {
  file: string;
  display: string;
  setup: ReaderSetup;
  window: { start: string; end: string } | null;
  filterSpec?: LogFilterSpec;
  filter: ((record: LogRecord) => boolean) | null;
  limits: BuilderLimits;
  pieceBytes: number;
  signal?: AbortSignal;
  /** Called with how much has been read so far (bytes; characters for a file read whole). */
  progress(characters: number): void;
  /** The worker threads for this file, or null to read it on the main thread. */
  threads(): Promise<PiecePool | null>;
  /**
   * Settles once the files before this one are merged: this file's pieces may be cut and read before then (so the
   * threads do not wait at a file's end), but are merged only after it.
   */
  turn?: Promise<void>;
  /** Called once the file needs no more of the threads' time than the pieces already given them (the next file may start). */
  submitted?: () => void;
  /** Shared memory for pieces' bytes, reused across the source's files. */
  buffers?: PieceBuffers;
}

/** Pieces a worker thread failed to read, read again on the main thread (shown as a warning), and the first reason. */
export interface ReadFallbacks {
  pieces: number;
  reason?: string;
}

export async function readFileInto(merger: LogMerger, summary: LogFileSummary, reading: FileReading): Promise<ReadFallbacks> {
  const fallbacks: ReadFallbacks = { pieces: 0 };
  const { file, setup, filter } = reading;
  const task = (start: ReaderStart | undefined, earlier: EarlierPieces): PieceTask => ({
    file: reading.display,
    setup: start ? { ...setup, start } : setup,
    window: reading.window,
    filter: reading.filterSpec,
    earlier,
    cut: start !== undefined,
    limits: reading.limits,
  });
  let characters = 0;
  const progress = (length: number): void => {
    characters += length;
    reading.progress(characters);
  };
  const turn = reading.turn ?? Promise.resolve();
  const absorb = (output: PieceOutput): void => {
    merger.absorb(output, summary);
    summary.lines = (summary.lines ?? 0) + output.lines;
    if (output.postgresPrefix) summary.postgresPrefix = output.postgresPrefix;
  };
  const readWhole = async (earlier: EarlierPieces): Promise<PieceOutput> => {
    const reader = pieceReader(task(undefined, earlier), filter);
    characters = 0;
    for await (const chunk of textChunks(file, reading.signal)) {
      reader.push(chunk);
      progress(chunk.length);
    }
    return reader.end();
  };
  const whole = async (): Promise<ReadFallbacks> => {
    await turn;
    const earlier = merger.earlier(true);
    const output = await readWhole(earlier);
    absorb(merger.exactEntities(output) ? output : await readWhole({ ...earlier, knownEntities: merger.entitiesAfter(output) }));
    return fallbacks;
  };
  if (!cuttable(setup.format)) return whole();
  const threads = await reading.threads();
  const readHere = (piece: Piece, earlier: EarlierPieces): PieceOutput => readPiece(task(piece.start, earlier), pieceParts(piece.bytes, piece.offset), filter);
  // A piece a worker could not read (out of its heap, or the thread died) is read again on the main thread.
  const read = (piece: Piece, earlier: () => EarlierPieces): Promise<PieceOutput> =>
    threads
      ? threads
          .run<PieceOutput>('evidence', piece, () => task(piece.start, earlier()))
          .catch((error: Error) => {
            fallbacks.pieces++;
            fallbacks.reason ??= error.message;
            return readHere(piece, earlier());
          })
      : Promise.resolve(readHere(piece, earlier()));
  const inPieces = await readInPieces(
    {
      file,
      display: reading.display,
      format: setup.format,
      year: setup.year,
      postgresPrefix: setup.postgresPrefix,
      pieceBytes: reading.pieceBytes,
      signal: reading.signal,
      progress,
      submitted: reading.submitted,
      buffers: reading.buffers,
    },
    {
      ahead: threads ? threads.ahead : 0,
      read: (piece) => read(piece, () => merger.earlier()),
      async absorb(piece, output) {
        await turn;
        if (merger.exactEntities(output)) absorb(output);
        else {
          const earlier = { ...merger.earlier(), knownEntities: merger.entitiesAfter(output) };
          absorb(await read(piece, () => earlier));
        }
      },
    },
  );
  return inPieces ? fallbacks : whole();
}
