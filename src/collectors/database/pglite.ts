// Starts an in-memory PGlite in a worker thread, runs the manifest's seed SQL files into it, and serves a session with wall-clock limits.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { SourceFailure } from '../types.ts';
import { parseRawResult, RAW_OIDS, transactionPreamble, WALL_CLOCK_GRACE_MS, WallClockTimeout, withWallClock, type DbSession, type RawResult, type SessionLimits } from './session.ts';

/** Starting PGlite takes seconds (WASM compile): its own, generous limit. */
const START_LIMIT_MS = 120_000;

interface WorkerError {
  message: string;
  code?: string;
  position?: string;
  detail?: string;
}

type Reply = { id: number; ok: true; rows?: Record<string, unknown>[]; fields?: RawResult['fields'] } | { id: number; ok: false; error: WorkerError };

class PgliteWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (reply: Reply) => void; reject: (error: unknown) => void }>();
  private next = 0;
  gone = false;

  constructor() {
    this.worker = new Worker(new URL('./pglite-worker.mjs', import.meta.url), { workerData: { rawOids: RAW_OIDS } });
    this.worker.unref();
    this.worker.on('message', (reply: Reply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      waiting?.resolve(reply);
    });
    const fail = (error: unknown) => {
      this.gone = true;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the PGlite worker exited (code ${code})`)));
  }

  /** Send one request; after `limitMs` the worker is terminated (a stuck statement cannot be interrupted otherwise). */
  async request(message: Record<string, unknown>, limitMs: number): Promise<Reply & { ok: true }> {
    if (this.gone) throw new Error('the embedded database is gone (an earlier statement was abandoned)');
    this.next += 1;
    const id = this.next;
    const reply = new Promise<Reply>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.worker.postMessage({ ...message, id });
    const answer = await withWallClock(reply, limitMs, () => this.terminate());
    if (!answer.ok) throw Object.assign(new Error(answer.error.message), answer.error);
    return answer;
  }

  terminate(): void {
    this.gone = true;
    void this.worker.terminate();
  }
}

export async function openPglite(seedFiles: string[], limits: SessionLimits): Promise<DbSession> {
  const worker = new PgliteWorker();
  const statementLimit = limits.statementTimeoutMs + WALL_CLOCK_GRACE_MS;
  try {
    await worker.request({ type: 'open' }, START_LIMIT_MS);
    for (const file of seedFiles) {
      let sql: string;
      try {
        sql = await readFile(file, 'utf8');
      } catch (error) {
        throw new SourceFailure(`cannot read seed file ${file}: ${(error as Error).message}`, (error as NodeJS.ErrnoException).code ?? 'ENOENT', 'check the paths under seed: in the manifest');
      }
      try {
        await worker.request({ type: 'exec', sql }, Math.max(START_LIMIT_MS, statementLimit));
      } catch (error) {
        const err = error as { message?: string; code?: string };
        if (error instanceof WallClockTimeout) {
          throw new SourceFailure(
            `seed file ${path.basename(file)} did not finish within ${error.limitMs} ms in PGlite`,
            'seed-timeout',
            'remove long-running statements (pg_sleep, huge generate_series) from the seed SQL',
          );
        }
        throw new SourceFailure(
          `seed file ${path.basename(file)} failed in PGlite: ${err.message ?? String(error)}${err.code ? ` (SQLSTATE ${err.code})` : ''}`,
          err.code ?? 'seed-error',
          'fix the seed SQL (PGlite runs PostgreSQL; extensions and roles may be missing)',
        );
      }
    }
  } catch (error) {
    worker.terminate();
    throw error;
  }
  return pgliteSession(worker, limits);
}

/** A session on the worker: every statement in a READ ONLY transaction, abandoned (worker terminated) past its wall-clock limit. */
function pgliteSession(worker: PgliteWorker, limits: SessionLimits): DbSession {
  const preamble = transactionPreamble(limits);
  const limitMs = limits.statementTimeoutMs + WALL_CLOCK_GRACE_MS;
  return {
    engine: 'pglite',
    broken: () => worker.gone,
    async readOnly(sql) {
      await worker.request({ type: 'exec', sql: preamble }, limitMs);
      try {
        const result = await worker.request({ type: 'query', sql }, limitMs);
        await worker.request({ type: 'exec', sql: 'COMMIT' }, limitMs);
        return parseRawResult({ rows: result.rows ?? [], fields: result.fields ?? [] });
      } catch (error) {
        if (!worker.gone) await worker.request({ type: 'exec', sql: 'ROLLBACK' }, limitMs).catch(() => undefined);
        throw error;
      }
    },
    async reset() {
      await worker.request({ type: 'exec', sql: 'DISCARD ALL' }, limitMs);
    },
    async close() {
      if (!worker.gone) await worker.request({ type: 'close' }, limitMs).catch(() => undefined);
      worker.terminate();
    },
  };
}
