// Reads one file as pieces: cuts its bytes as they stream in, reads the pieces (on worker threads when given a pool), checks each guessed cut, and hands the results over in input order.
import type { LogRecord } from '../../evidence/schema.ts';
import { byteChunks } from './source.ts';
import { PieceBuffers } from './piece-buffers.ts';
import { PieceCutter, type Piece } from './pieces.ts';
import type { PieceEdge } from './read-file.ts';
import type { RenderJsonState } from './render-json.ts';
import { mayContinue } from './tracebacks.ts';

export interface PieceReading<R extends { edge?: PieceEdge }> {
  /** Read one piece (on a worker, or here). */
  read(piece: Piece): Promise<R>;
  /** Take a piece's result, in input order (it may read the piece again). */
  absorb(piece: Piece, result: R): Promise<void> | void;
  /** Pieces read ahead of the one being absorbed (0: one at a time). */
  ahead: number;
}

export interface PieceSource {
  file: string;
  display: string;
  format: string;
  year: number | undefined;
  postgresPrefix?: string;
  pieceBytes: number;
  signal?: AbortSignal;
  /** Called with the bytes of every block read. */
  progress?: (bytes: number) => void;
  /** Called when a guessed cut did not hold and the file is cut again, scanning, from byte `offset`. */
  recut?: (offset: number) => void;
  /** Called once every piece of the file has been cut and handed to `read` (the ones ahead may still be reading). */
  submitted?: () => void;
  /** Shared memory for the pieces' bytes (default: slots of the file's own). */
  buffers?: PieceBuffers;
}

const sameState = (left: RenderJsonState | null | undefined, right: RenderJsonState | undefined): boolean =>
  !!left && !!right && left.depth === right.depth && left.topType === right.topType && left.pageArrayDepth === right.pageArrayDepth;

/**
 * Whether a guessed cut before `next` was a true boundary: the piece before ended in the state `next` was read from,
 * and the multi-line joiner could not have joined `next`'s first record to the last record before it.
 */
function guessHolds(before: PieceEdge | undefined, lastBefore: LogRecord | undefined, next: Piece, after: PieceEdge | undefined): boolean {
  if (!next.guessed) return true;
  if (!before || !after || !sameState(before.state, next.start.json)) return false;
  return !(lastBefore && after.first && mayContinue(lastBefore, after.first));
}

/** Reads the file in pieces; false (having read none) when no boundary turned up early in the file (see `PieceCutter.unbounded`): read it whole instead. */
export async function readInPieces<R extends { edge?: PieceEdge }>(source: PieceSource, reading: PieceReading<R>): Promise<boolean> {
  let pending: { piece: Piece; result: Promise<R> }[] = [];
  /** The piece read before the ones pending, its start checked, waiting for the next piece to check its end. */
  let held: { piece: Piece; result: R } | null = null;
  /** The last record absorbed (the joiner's candidate for the next piece's first record). */
  let lastRecord: LogRecord | undefined;
  /** A guessed cut that did not hold: the file is cut again, scanning, from the start of this piece. */
  let failed: Piece | null = null;
  let absorbedAny = false;
  const submit = (piece: Piece): void => {
    const result = reading.read(piece);
    result.catch(() => undefined);
    pending.push({ piece, result });
  };
  const settle = async (limit: number): Promise<void> => {
    while (pending.length > limit && !failed) {
      const { piece, result } = pending.shift()!;
      const output = await result;
      if (held) {
        const lastBefore = held.result.edge?.last ?? lastRecord;
        if (!guessHolds(held.result.edge, lastBefore, piece, output.edge)) {
          failed = held.piece;
          pending.unshift({ piece, result });
          return;
        }
        lastRecord = lastBefore;
        absorbedAny = true;
        await reading.absorb(held.piece, held.result);
        buffers.release(held.piece.bytes);
      }
      held = { piece, result: output };
    }
  };
  const setup = { format: source.format, year: source.year, postgresPrefix: source.postgresPrefix };
  const buffers = source.buffers ?? new PieceBuffers(source.pieceBytes * 2);
  let cutter = new PieceCutter(source.display, setup, source.pieceBytes, undefined, true, buffers);
  /** Cut again, scanning every record, from the piece whose cut held: its bytes and everything read after it go through a new cutter. */
  const cutAgain = (from: Piece, unread: Piece[]): Piece[] => {
    source.recut?.(from.offset);
    const replay = [from.bytes, ...pending.map(({ piece }) => piece.bytes), ...unread.map((piece) => piece.bytes), cutter.rest];
    pending = [];
    held = null;
    failed = null;
    cutter = new PieceCutter(source.display, setup, source.pieceBytes, { ...from.start, offset: from.offset }, false, buffers);
    return replay.flatMap((bytes) => cutter.push(bytes));
  };
  const take = async (pieces: Piece[]): Promise<void> => {
    for (const [index, piece] of pieces.entries()) {
      submit(piece);
      await settle(reading.ahead);
      if (failed) return take(cutAgain(failed, pieces.slice(index + 1)));
    }
  };
  for await (const chunk of byteChunks(source.file, source.signal)) {
    source.progress?.(chunk.length);
    await take(cutter.push(chunk));
    if (cutter.unbounded && !absorbedAny && held === null && pending.length === 0) return false;
  }
  await take(cutter.end());
  source.submitted?.();
  await settle(0);
  while (failed) {
    await take(cutAgain(failed, []));
    await take(cutter.end());
    await settle(0);
  }
  // (Assigned in the closures above: TypeScript's narrowing does not see it.)
  const last = held as { piece: Piece; result: R } | null;
  if (last) {
    await reading.absorb(last.piece, last.result);
    buffers.release(last.piece.bytes);
  }
  return true;
}
