// SAMPLE DATA — synthetic, for demonstrating fracas. Not a real service's code.
// The enrichment worker: claims pending geocode tasks and resolves each address through GeoClient.
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { type GeoClient, UpstreamRateLimitError } from '../geo/client.ts';

const CLAIM = `
  UPDATE public.geocode_tasks SET state = 'running', updated_at = now()
   WHERE task_id IN (SELECT task_id FROM public.geocode_tasks
                      WHERE state = 'pending' ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED)
  RETURNING task_id, address_id, batch_id, address_line`;

export interface Task {
  task_id: string;
  address_id: string;
  batch_id: string;
  address_line: string;
}

export async function runOnce(pool: Pool, geo: GeoClient, log: Logger, concurrency: number): Promise<number> {
  const { rows } = await pool.query<Task>(CLAIM, [concurrency]);
  await Promise.all(rows.map((task) => runTask(pool, geo, log, task)));
  return rows.length;
}

export async function runTask(pool: Pool, geo: GeoClient, log: Logger, task: Task): Promise<void> {
  const started = Date.now();
  try {
    const result = await geo.geocode(task.address_line, { taskId: task.task_id });
    await pool.query(
      `UPDATE public.geocode_tasks
          SET state = 'succeeded', last_http_status = 200, lat = $2, lon = $3, attempts = attempts + 1,
              last_error = NULL, updated_at = now()
        WHERE task_id = $1`,
      [task.task_id, result.lat, result.lon],
    );
    log.info({ taskId: task.task_id, addressId: task.address_id, precision: result.precision, durationMs: Date.now() - started }, 'address geocoded');
  } catch (err) {
    const status = err instanceof UpstreamRateLimitError ? err.status : null;
    await pool.query(
      `UPDATE public.geocode_tasks
          SET state = 'failed', last_http_status = $2, last_error = $3, attempts = attempts + 1, updated_at = now()
        WHERE task_id = $1`,
      [task.task_id, status, (err as Error).message],
    );
    log.error({ err, taskId: task.task_id, addressId: task.address_id, batchId: task.batch_id, durationMs: Date.now() - started }, 'geocode task failed');
  }
}

export async function loop(pool: Pool, geo: GeoClient, log: Logger, concurrency: number, idleMs: number): Promise<never> {
  log.info({ concurrency }, 'enrichment worker started');
  for (;;) {
    const claimed = await runOnce(pool, geo, log, concurrency);
    if (claimed === 0) await new Promise((resolve) => setTimeout(resolve, idleMs));
  }
}
