// Worker thread that reads log pieces sent by the logs collector (evidence) or `fracas templates` (templates) and posts back their results.
import { parentPort } from 'node:worker_threads';
import type { PieceKind } from './piece-pool.ts';
import { pieceParts } from './pieces.ts';
import { readPiece, type PieceTask } from './read-piece.ts';
import { readTemplatePiece, type TemplateTask } from './template-piece.ts';

/** The known-entity set is sent once and reused while it stays the same (it only changes until the cap is reached). */
let known: ReadonlySet<string> | null = null;

function read(kind: PieceKind, sent: PieceTask | TemplateTask, parts: readonly string[], sameKnown: boolean): unknown {
  if (kind === 'templates') return readTemplatePiece(sent as TemplateTask, parts);
  const task = sent as PieceTask;
  if (!sameKnown) known = task.earlier.knownEntities ?? null;
  return readPiece({ ...task, earlier: { ...task.earlier, knownEntities: known } }, parts);
}

parentPort!.on('message', (message: { id: number; kind: PieceKind; task: PieceTask | TemplateTask; bytes: Uint8Array; offset: number; sameKnown: boolean }) => {
  try {
    const parts = pieceParts(message.bytes, message.offset);
    parentPort!.postMessage({ id: message.id, result: read(message.kind, message.task, parts, message.sameKnown) });
  } catch (error) {
    parentPort!.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
