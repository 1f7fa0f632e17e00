// Job-table discovery on the real PostgreSQL 15: no `jobs:` block, tables that are not FM-028's, several or none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectDatabase } from '../../../src/collectors/database/index.ts';
import { guessJobColumns, inFlightStates } from '../../../src/collectors/database/discovery.ts';
import type { CollectorOutput } from '../../../src/collectors/types.ts';
import type { QueryCheck } from '../../../src/evidence/schema.ts';
import { databaseFindings } from '../../../src/analysis/database.ts';
import { collectContext, createScratchDatabase, databaseSpec, sql, type Scratch } from '../../helpers/pg.ts';

const AS_OF = '2026-03-02T12:00:00Z';

/** mulberry32: a small seeded generator, so the data varies with the seed and not with the code under test. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Order {
  id: number;
  status: string;
  updatedAt: Date;
}

function orders(seed: number, count: number): Order[] {
  const next = random(seed);
  const statuses = ['pending', 'paid', 'shipped', 'cancelled'];
  return Array.from({ length: count }, (_, index) => ({
    id: index + 1,
    status: statuses[Math.floor(next() * statuses.length)]!,
    // Between 5 minutes and 3 days before AS_OF.
    updatedAt: new Date(Date.parse(AS_OF) - (5 + Math.floor(next() * 3 * 24 * 60)) * 60_000),
  }));
}

const checkOf = (output: CollectorOutput<'database'>, id: string): QueryCheck => {
  const found = output.evidence.checks.find((check) => check.id === id);
  if (!found) throw new Error(`no check ${id} (have ${output.evidence.checks.map((check) => check.id).join(', ')})`);
  return found;
};

const SEED = Number(process.env.FRACAS_TEST_SEED ?? 16);
const ORDERS = orders(SEED, 120 + (SEED % 50));

let shop: Scratch;
let empty: Scratch;

beforeAll(async () => {
  shop = await createScratchDatabase('fracas_discovery');
  empty = await createScratchDatabase('fracas_nojobs');
  await sql(
    shop.url,
    `CREATE SCHEMA shop;
     CREATE TABLE shop.orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, status text NOT NULL CHECK (status IN ('pending', 'paid', 'shipped', 'cancelled')),
                               total numeric(10, 2), created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL);
     CREATE TABLE public.users (id bigint PRIMARY KEY, email text, created_at timestamptz);
     CREATE TABLE public.feature_flags (name text PRIMARY KEY, state boolean NOT NULL, updated_at timestamptz NOT NULL);
     CREATE TYPE public.run_state AS ENUM ('queued', 'running', 'done', 'failed');
     CREATE TABLE public.sync_runs (run_id uuid PRIMARY KEY, state public.run_state NOT NULL, attempts int NOT NULL DEFAULT 0,
                                    last_error jsonb, started_at timestamptz NOT NULL, heartbeat_at timestamptz NOT NULL);`,
  );
  const values = ORDERS.map(
    (order) => `(${order.id}, ${order.id % 17}, '${order.status}', ${order.id}.50, '${new Date(order.updatedAt.getTime() - 3_600_000).toISOString()}', '${order.updatedAt.toISOString()}')`,
  );
  await sql(shop.url, `INSERT INTO shop.orders VALUES ${values.join(', ')}`);
  await sql(
    shop.url,
    `INSERT INTO public.feature_flags VALUES ('new-checkout', true, now());
     INSERT INTO public.sync_runs VALUES
       ('00000000-0000-4000-8000-000000000001', 'running', 3, '{"message": "connection reset by peer", "code": "ECONNRESET"}', '2026-03-02 08:00+00', '2026-03-02 08:10+00'),
       ('00000000-0000-4000-8000-000000000002', 'done', 0, NULL, '2026-03-02 09:00+00', '2026-03-02 09:05+00'),
       ('00000000-0000-4000-8000-000000000003', 'queued', 0, NULL, '2026-03-02 11:58+00', '2026-03-02 11:58+00');`,
  );
  await sql(empty.url, `CREATE TABLE public.notes (id bigint PRIMARY KEY, body text, created_at timestamptz)`);
}, 60_000);

afterAll(async () => {
  await shop?.drop();
  await empty?.drop();
});

describe('job tables without a jobs: block', () => {
  it('finds orders and sync_runs, says which it chose and why the others were not', async () => {
    const output = await collectDatabase(databaseSpec({ url: shop.url, asOf: AS_OF, countersDelayMs: 0 }), collectContext());
    const candidates = checkOf(output, 'job-table-candidates');
    const byTable = Object.fromEntries(candidates.rows.map((row) => [row.table, row]));
    expect(byTable['shop.orders']).toMatchObject({ chosen: true, state_column: 'status', updated_column: 'updated_at' });
    expect(byTable['public.sync_runs']).toMatchObject({ chosen: true, state_column: 'state', updated_column: 'heartbeat_at' });
    expect(byTable['public.feature_flags']).toMatchObject({ chosen: false, reason: expect.stringMatching(/not text or an enum/) });
    expect(byTable['public.users']).toBeUndefined();
    expect(candidates.note).toMatch(/job checks ran on .*shop\.orders/);
    expect(output.evidence.jobDiscovery?.mode).toBe('discovered');
    expect(output.evidence.jobTables?.map((table) => table.table).sort()).toEqual(['public.sync_runs', 'shop.orders']);
    expect(output.status).toBe('ok');
  });

  it('counts the stuck orders the data holds, with the in-flight states read from the values', async () => {
    const output = await collectDatabase(databaseSpec({ url: shop.url, asOf: AS_OF, countersDelayMs: 0 }), collectContext());
    const orders = output.evidence.jobTables!.find((table) => table.table === 'shop.orders')!;
    // Of the four statuses, only "pending" means not finished.
    expect(orders.inFlightStates).toEqual(['pending']);
    const expected = ORDERS.filter((order) => order.status === 'pending' && order.updatedAt.getTime() < Date.parse(AS_OF) - 60 * 60_000).length;
    const suffix = orders.checkSuffix ? `-${orders.checkSuffix}` : '';
    const ages = checkOf(output, `stuck-job-age${suffix}`);
    expect(ages.rows.reduce((sum, row) => sum + Number(row.jobs), 0)).toBe(expected);
    const states = checkOf(output, `job-states${suffix}`);
    expect(states.rows.find((row) => row.value === 'pending')).toMatchObject({ in_flight: true, jobs: ORDERS.filter((order) => order.status === 'pending').length });
    expect(states.note).toMatch(/in-flight states recognised from these values: pending/);
  });

  it('checks the second table under its own ids, and analysis gives each table its findings', async () => {
    const output = await collectDatabase(databaseSpec({ url: shop.url, asOf: AS_OF, countersDelayMs: 0 }), collectContext());
    const second = output.evidence.jobTables![1]!;
    expect(second.checkSuffix).toBeTruthy();
    const ids = output.evidence.checks.map((check) => check.id);
    for (const base of ['stuck-jobs', 'state-distribution', 'stuck-job-age', 'retry-counts', 'indexes']) {
      expect(ids).toContain(base);
      expect(ids).toContain(`${base}-${second.checkSuffix}`);
    }
    const findings = databaseFindings('db', output.evidence);
    const stuck = findings.filter((finding) => finding.signal === 'stuck-jobs');
    expect(new Set(stuck.map((finding) => finding.id)).size).toBe(stuck.length);
    const runs = stuck.find((finding) => finding.detail.includes('public.sync_runs'));
    // run 1 is running with a heartbeat 3 h 50 min old; run 3 is queued but 2 minutes old.
    expect(runs?.count).toBe(1);
    for (const ref of runs?.refs ?? []) expect(ids).toContain(ref.kind === 'query-row' ? ref.check : '');
  });

  it('a database without job tables runs the health checks only, with a note, and is not partial', async () => {
    const output = await collectDatabase(databaseSpec({ url: empty.url, asOf: AS_OF, countersDelayMs: 0 }), collectContext());
    expect(output.status).toBe('ok');
    expect(output.evidence.jobTable).toBeUndefined();
    expect(checkOf(output, 'job-table-candidates')).toMatchObject({ status: 'ok', rowCount: 0, note: expect.stringMatching(/no table with a state or status column and an update timestamp/) });
    const ids = output.evidence.checks.map((check) => check.id);
    expect(ids).not.toContain('stuck-jobs');
    expect(ids).not.toContain('job-table-statements');
    expect(checkOf(output, 'connection-headroom').status).toBe('ok');
    expect(output.warnings?.join(' ') ?? '').not.toMatch(/stuck-jobs|job table/);
  });

  it('a jobs: block naming only the table has the rest recognised', async () => {
    const output = await collectDatabase(databaseSpec({ url: shop.url, asOf: AS_OF, countersDelayMs: 0, jobs: { table: 'public.sync_runs' } }), collectContext());
    expect(output.evidence.jobTable).toMatchObject({ table: 'public.sync_runs', idColumn: 'run_id', stateColumn: 'state', updatedColumn: 'heartbeat_at', createdColumn: 'started_at' });
    expect(output.evidence.jobTable?.inFlightStates.sort()).toEqual(['queued', 'running']);
    expect(
      checkOf(output, 'retry-counts')
        .rows.map((row) => Number(row.retries))
        .sort(),
    ).toEqual([0, 3]);
    expect(checkOf(output, 'recent-errors').rows[0]).toMatchObject({ error_code: 'ECONNRESET', occurrences: 1 });
    expect(output.evidence.checks.some((check) => check.id === 'job-table-candidates')).toBe(false);
  });
});

describe('a jobs: block without a table', () => {
  it('applies its thresholds to every discovered table', async () => {
    const output = await collectDatabase(databaseSpec({ url: shop.url, asOf: AS_OF, countersDelayMs: 0, jobs: { stuckAfterMinutes: 24 * 60 } }), collectContext());
    expect(output.evidence.jobDiscovery?.mode).toBe('discovered');
    expect(output.evidence.jobTables?.every((table) => table.stuckAfterMinutes === 24 * 60)).toBe(true);
    const orders = output.evidence.jobTables!.find((table) => table.table === 'shop.orders')!;
    const expected = ORDERS.filter((order) => order.status === 'pending' && order.updatedAt.getTime() < Date.parse(AS_OF) - 24 * 60 * 60_000).length;
    const ages = checkOf(output, `stuck-job-age${orders.checkSuffix ? `-${orders.checkSuffix}` : ''}`);
    expect(ages.rows.reduce((sum, row) => sum + Number(row.jobs), 0)).toBe(expected);
  });
});

describe('recognising columns and states', () => {
  it('prefers the usual names and refuses wrong types', () => {
    const guessed = guessJobColumns([
      { name: 'id', type: 'bigint', primaryKey: true },
      { name: 'status', type: 'integer' },
      { name: 'job_state', type: 'character varying(20)' },
      { name: 'modified_at', type: 'timestamp without time zone' },
      { name: 'tries', type: 'smallint' },
      { name: 'failure_reason', type: 'text' },
      { name: 'account_id', type: 'uuid' },
    ]);
    expect(guessed).toMatchObject({ id: 'id', state: 'job_state', status: undefined, updated: 'modified_at', retry: 'tries', error: 'failure_reason', entities: ['account_id'] });
  });

  it('reads in-flight states from the words, not from FM-028', () => {
    expect(inFlightStates(['done', 'IN_PROGRESS', 'failed', 'awaiting_payment', 'queued', 'complete'])).toEqual(['IN_PROGRESS', 'awaiting_payment', 'queued']);
  });
});
