// The embedded PGlite database in a worker thread, so a statement that never ends can be abandoned (the thread is terminated).
// Plain JavaScript on purpose: a worker thread is started without the TypeScript loader (tsx, vitest) of its parent.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

/** Type OIDs whose text the parent parses itself (src/collectors/database/values.ts TEXT_PARSERS): sent as text. */
const rawOids = workerData?.rawOids ?? [];
const parsers = Object.fromEntries(rawOids.map((oid) => [oid, (text) => text]));
let db;

function failure(error) {
  return { message: error?.message ?? String(error), code: error?.code, position: error?.position, detail: error?.detail };
}

parentPort.on('message', async (message) => {
  const { id, type } = message;
  try {
    if (type === 'open') {
      db = new PGlite();
      await db.waitReady;
      parentPort.postMessage({ id, ok: true });
    } else if (type === 'exec') {
      await db.exec(message.sql);
      parentPort.postMessage({ id, ok: true });
    } else if (type === 'query') {
      const result = await db.query(message.sql, [], { parsers });
      parentPort.postMessage({ id, ok: true, rows: result.rows, fields: result.fields.map((field) => ({ name: field.name, dataTypeID: field.dataTypeID })) });
    } else if (type === 'close') {
      await db?.close().catch(() => undefined);
      parentPort.postMessage({ id, ok: true });
    }
  } catch (error) {
    parentPort.postMessage({ id, ok: false, error: failure(error) });
  }
});
