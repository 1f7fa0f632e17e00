// Reads one file as pieces: cuts its text as it streams in, reads the pieces (on worker threads when given a pool), and hands their results over in input order.
import { byteChunks } from './source.ts';
import { PieceCutter, type Piece } from './pieces.ts';

export interface PieceReading<R> {
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
  pieceBytes: number;
  signal?: AbortSignal;
  /** Called with the bytes of every block read. */
  progress?: (bytes: number) => void;
}

/** Reads the file in pieces; false (having read none) when no boundary turned up early in the file (see `PieceCutter.unbounded`): read it whole instead. */
export async function readInPieces<R>(source: PieceSource, reading: PieceReading<R>): Promise<boolean> {
  const pending: { piece: Piece; result: Promise<R> }[] = [];
  const submit = (piece: Piece): void => {
    const result = reading.read(piece);
    result.catch(() => undefined);
    pending.push({ piece, result });
  };
  const settle = async (limit: number): Promise<void> => {
    while (pending.length > limit) {
      const { piece, result } = pending.shift()!;
      await reading.absorb(piece, await result);
    }
  };
  const cutter = new PieceCutter(source.display, source.format, source.year, source.pieceBytes);
  for await (const chunk of byteChunks(source.file, source.signal)) {
    source.progress?.(chunk.length);
    for (const piece of cutter.push(chunk)) {
      submit(piece);
      await settle(reading.ahead);
    }
    if (cutter.unbounded) return false;
  }
  for (const piece of cutter.end()) submit(piece);
  await settle(0);
  return true;
}
