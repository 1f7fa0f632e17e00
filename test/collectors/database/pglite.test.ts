// The embedded default: job and schema checks on PGlite seeded from the fixture; health checks marked limited; writes refused.
import { beforeAll, describe, expect, it } from 'vitest';
import { collectDatabase } from '../../../src/collectors/database/index.ts';
import type { CollectorOutput } from '../../../src/collectors/types.ts';
import type { QueryCheck } from '../../../src/evidence/schema.ts';
import { collectContext, databaseSpec, FIXTURE_AS_OF, FIXTURE_SEED } from '../../helpers/pg.ts';

let output: CollectorOutput<'database'>;
const checkOf = (id: string): QueryCheck => {
  const found = output.evidence.checks.find((check) => check.id === id);
  if (!found) throw new Error(`no check ${id}`);
  return found;
};

describe('collectDatabase on PGlite', () => {
  // One shared PGlite instance for the file: it takes seconds to start.
  beforeAll(async () => {
    output = await collectDatabase(
      databaseSpec({
        seed: [FIXTURE_SEED],
        asOf: FIXTURE_AS_OF,
        queries: [
          { id: 'count-jobs', title: 'all jobs', sql: 'SELECT count(*) AS n FROM upload_pipeline.upload_jobs' },
          { id: 'sneaky-write', title: 'a write', sql: "UPDATE upload_pipeline.upload_jobs SET state = 'done'" },
          { id: 'after-write', title: 'jobs still working', sql: "SELECT count(*) AS n FROM upload_pipeline.upload_jobs WHERE state = 'working'" },
        ],
      }),
      collectContext(),
    );
  }, 60_000);

  it('reports the engine and the seed file in provenance', () => {
    expect(output.evidence.engine).toBe('pglite');
    expect(output.provenance.paths).toEqual([FIXTURE_SEED]);
  });

  it('finds the stuck jobs as of asOf', () => {
    const stuck = checkOf('stuck-jobs');
    expect(stuck.status).toBe('ok');
    expect(stuck.rows.map((row) => row.job_id).sort()).toEqual(['10000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000003']);
    const age = checkOf('stuck-job-age');
    expect(age.rows.find((row) => row.state === 'queued')).toMatchObject({ jobs: 1, max_minutes: 840 });
  });

  it('groups recent errors by their normalised text', () => {
    const errors = checkOf('recent-errors');
    const webhook = errors.rows.find((row) => row.error_code === 'webhook_timeout');
    expect(webhook).toMatchObject({ normalized_error: 'webhook timeout after <n>s for job <uuid>', occurrences: 3 });
    expect(errors.rows.some((row) => String(row.normalized_error).includes('LlamaParse'))).toBe(false);
  });

  it('parses the CHECK constraints into allowed values', () => {
    const state = output.evidence.constraints.find((constraint) => constraint.column === 'state');
    expect(state?.allowedValues).toEqual(['queued', 'working', 'retryable', 'done', 'deadletter']);
  });

  it('marks the health checks limited, not failed', () => {
    for (const id of ['connection-headroom', 'idle-in-transaction', 'blocking-chains', 'database-counters', 'top-statements']) {
      expect(checkOf(id)).toMatchObject({ status: 'limited' });
      expect(checkOf(id).note).toMatch(/PGlite/);
    }
  });

  it('refuses a writing custom query and changes nothing', () => {
    expect(checkOf('count-jobs').rows).toEqual([{ n: 12 }]);
    expect(checkOf('sneaky-write')).toMatchObject({ status: 'failed' });
    expect(checkOf('sneaky-write').note).toMatch(/refused: UPDATE is not a SELECT/);
    expect(checkOf('after-write').rows).toEqual([{ n: 3 }]);
    expect(output.status).toBe('partial');
  });
});
