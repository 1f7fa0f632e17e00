// The benchmarks' job table: FM-028's upload_jobs shape with N rows of mixed states, errors and ages, as SQL, and the admin connection that loads it.
import pg from 'pg';

export const AS_OF = '2026-11-20T12:00:00Z';

export function jobTableSql(rows: number): string {
  return `
CREATE SCHEMA upload_pipeline;
CREATE TABLE upload_pipeline.upload_jobs (
  job_id uuid PRIMARY KEY,
  document_id uuid NOT NULL,
  state text NOT NULL CHECK (state IN ('queued', 'working', 'retryable', 'done', 'deadletter')),
  status text NOT NULL CHECK (status = ANY (ARRAY['uploaded', 'parse_queued', 'parsing', 'parsed', 'complete', 'failed'])),
  last_error jsonb,
  retry_count integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
INSERT INTO upload_pipeline.upload_jobs
SELECT md5('job' || n)::uuid, md5('doc' || n)::uuid,
       (ARRAY['done', 'done', 'done', 'done', 'done', 'done', 'working', 'queued', 'retryable', 'deadletter'])[1 + n % 10],
       (ARRAY['complete', 'complete', 'complete', 'complete', 'complete', 'complete', 'parsing', 'parse_queued', 'failed', 'failed'])[1 + n % 10],
       CASE WHEN n % 10 IN (8, 9) OR n % 97 = 0 THEN jsonb_build_object(
              'message', (ARRAY['webhook timeout after ' || (n % 60) || 's for job ' || md5('job' || n)::uuid,
                                'LlamaParse returned ' || (500 + n % 4),
                                'deadlock detected',
                                'connection to 10.0.' || (n % 255) || '.' || (n % 200) || ' refused'])[1 + n % 4],
              'code', (ARRAY['webhook_timeout', 'upstream_5xx', '40P01', 'ECONNREFUSED'])[1 + n % 4])
       END,
       n % 6,
       timestamptz '${AS_OF}' - (n % 10080) * interval '1 minute' - interval '1 hour',
       timestamptz '${AS_OF}' - (n % 10080) * interval '1 minute'
FROM generate_series(1, ${rows}) AS n;
CREATE INDEX upload_jobs_state_updated_idx ON upload_pipeline.upload_jobs (state, updated_at);
ANALYZE upload_pipeline.upload_jobs;`;
}

/** Runs one SQL text on its own connection (scratch databases, setup). */
export async function admin(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
