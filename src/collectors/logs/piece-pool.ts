// Worker threads that read log pieces in parallel; a task waits in a queue until a worker is free, and a worker that dies fails its task.
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const MAX_WORKERS = 4;
/** A worker's old-generation heap: a piece needs far less; past it the worker fails and the piece is read on the main thread. */
const WORKER_HEAP_MB = 256;
/** A worker's young generation: a piece's records die young, and a smaller nursery keeps each thread's memory low at about the same speed (bench:logs). */
const WORKER_YOUNG_MB = 16;

/** Below this size a file is read on the main thread unless threads were asked for: starting them costs more than they save. */
const AUTO_THREADED_BYTES = 32 << 20;

/** Worker threads for a file of this size: `requested` or FRACAS_WORKERS if set (0: none), else one per core up to 4 for large files, none on one core. */
export function workersFor(bytes: number, requested?: number, env: NodeJS.ProcessEnv = process.env): number {
  const forced = env.FRACAS_WORKERS;
  if (requested !== undefined) return requested;
  if (forced !== undefined && forced !== '' && Number.isInteger(Number(forced)) && Number(forced) >= 0) return Math.min(Number(forced), 16);
  const cores = availableParallelism();
  return cores < 2 || bytes < AUTO_THREADED_BYTES ? 0 : Math.min(cores, MAX_WORKERS);
}

/** What a worker is sent of a piece: its bytes (decoded there) and where they start in the file. */
export interface PieceBytes {
  bytes: Uint8Array;
  offset: number;
}

/** What a worker reads a piece into: evidence for a log source, or templates for `fracas templates`. */
export type PieceKind = 'evidence' | 'templates';

interface Job {
  id: number;
  kind: PieceKind;
  task: () => { file: string; earlier?: { knownEntities?: ReadonlySet<string> | null } };
  piece: PieceBytes;
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
}

/** Worker script beside this module: compiled JavaScript in the package, TypeScript (through tsx) when run from source. */
function spawn(heapMb: number): Worker {
  const limits = { resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: WORKER_YOUNG_MB } };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./piece-worker.js', import.meta.url), limits);
  const script = new URL('./piece-worker.ts', import.meta.url).href;
  const tsx = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(script)}); });`, { eval: true, ...limits });
}

/** Pieces sent to a worker ahead of the one it reads, so it never waits for the main thread between two pieces. */
const PIECES_IN_FLIGHT = 2;

export class PiecePool {
  /** Each live worker's pieces in the order sent (it answers them in that order). */
  private readonly sent = new Map<Worker, Job[]>();
  private readonly queue: Job[] = [];
  private readonly knownSent = new Map<Worker, ReadonlySet<string> | null>();
  private nextId = 0;
  private closed = false;
  private alive: number;
  private lastError: Error | null = null;

  constructor(
    readonly size: number,
    heapMb = WORKER_HEAP_MB,
  ) {
    this.alive = size;
    for (let index = 0; index < size; index++) {
      const worker = spawn(heapMb);
      worker.unref();
      this.sent.set(worker, []);
      worker.on('message', (message: { id: number; result?: unknown; error?: string }) => {
        const jobs = this.sent.get(worker) ?? [];
        const job = jobs.find((sent) => sent.id === message.id);
        if (job) jobs.splice(jobs.indexOf(job), 1);
        if (jobs.length === 0) worker.unref();
        if (job) {
          if (message.error !== undefined) job.reject(new Error(message.error));
          else job.resolve(message.result);
        }
        this.dispatch();
      });
      worker.on('error', (error) => this.fail(worker, error));
      worker.on('exit', (code) => {
        if (!this.closed) this.fail(worker, new Error(`log reader thread exited (code ${code})`));
      });
    }
  }

  /** Pieces to read ahead of the one being merged so that every worker always has its next piece. */
  get ahead(): number {
    return this.size * PIECES_IN_FLIGHT + 1;
  }

  /** Read a piece; `task` is built when a worker takes it (so it sees what the merge holds by then). */
  run<R>(kind: PieceKind, piece: PieceBytes, task: Job['task']): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      if (this.alive === 0) return reject(this.lastError ?? new Error('no log reader thread left'));
      this.queue.push({ id: this.nextId++, kind, task, piece, resolve: resolve as (output: unknown) => void, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const workers = [...this.sent.keys()];
    for (const job of this.queue.splice(0)) job.reject(new Error('log reading stopped'));
    for (const jobs of this.sent.values()) for (const job of jobs) job.reject(new Error('log reading stopped'));
    this.sent.clear();
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.leastBusy();
      if (!worker) return;
      const job = this.queue.shift()!;
      this.sent.get(worker)!.push(job);
      // A busy worker keeps the process alive until its pieces come back; an idle one does not.
      worker.ref();
      const task = job.task();
      const known = task.earlier?.knownEntities ?? null;
      const sameKnown = known !== null && this.knownSent.get(worker) === known;
      this.knownSent.set(worker, known);
      const sent = sameKnown ? { ...task, earlier: { ...task.earlier, knownEntities: null } } : task;
      // The bytes are shared (PieceBuffers), not transferred: the piece may be read again here if the thread fails.
      worker.postMessage({ id: job.id, kind: job.kind, task: sent, bytes: job.piece.bytes, offset: job.piece.offset, sameKnown });
    }
  }

  /** The live worker with the fewest pieces in flight, if one can take another. */
  private leastBusy(): Worker | undefined {
    let least: Worker | undefined;
    let fewest = PIECES_IN_FLIGHT;
    for (const [worker, jobs] of this.sent) {
      if (jobs.length < fewest) {
        least = worker;
        fewest = jobs.length;
      }
    }
    return least;
  }

  private fail(worker: Worker, error: Error): void {
    const jobs = this.sent.get(worker);
    if (!jobs) return;
    this.alive--;
    this.lastError = error;
    this.sent.delete(worker);
    for (const job of jobs) job.reject(error);
    if (this.alive === 0) for (const queued of this.queue.splice(0)) queued.reject(error);
  }
}
