// `fracas check` against generated logs and a real PostgreSQL job table: alerts, all clear, and a source that cannot be read.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck, checkLines } from '../../src/cli/check.ts';
import { CHECK_EXIT_CODES } from '../../src/cli/exit-codes.ts';
import { createReporter } from '../../src/cli/progress.ts';
import { runCollect } from '../../src/cli/run.ts';
import { runCli } from '../helpers/cli.ts';
import { AFTER, incidentDir } from '../helpers/generated-incident.ts';
import { createScratchDatabase, sql, type Scratch } from '../helpers/pg.ts';

const quiet = createReporter({ quiet: true });
const made: string[] = [];
let database: Scratch;

/** An order table (not FM-028's) with two orders stuck in processing for two hours. */
async function seedOrders(url: string): Promise<void> {
  await sql(
    url,
    `CREATE TABLE orders (order_id bigint PRIMARY KEY, customer_id text NOT NULL, state text NOT NULL, status text NOT NULL, last_error text, retry_count int NOT NULL DEFAULT 0,
       created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL);
     INSERT INTO orders SELECT n, 'c-' || (n % 7), CASE WHEN n <= 2 THEN 'processing' ELSE 'done' END, 'ok', NULL, 0, now() - interval '3 hours', CASE WHEN n <= 2 THEN now() - interval '2 hours' ELSE now() END
     FROM generate_series(1, 40) AS n;`,
  );
}

function databaseSource(url: string): string[] {
  return [
    '  - id: orders-db',
    '    kind: database',
    `    url: ${url}`,
    '    jobs:',
    '      table: public.orders',
    '      idColumn: order_id',
    '      stateColumn: state',
    '      entityColumns: [customer_id]',
    '      inFlightStates: [pending, processing]',
    '      stuckAfterMinutes: 30',
  ];
}

beforeAll(async () => {
  database = await createScratchDatabase('fracas_check');
  await seedOrders(database.url);
});
afterAll(async () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
  await database.drop();
});

async function collected(name: string, after: { requests: number; failureShare: number }, seed: number, extra: string[]): Promise<string> {
  const dir = incidentDir(name, after, seed, extra);
  made.push(dir);
  await runCollect(dir, { formats: [], reporter: quiet });
  return dir;
}

describe('fracas check', () => {
  it('alerts on the incident failure family and on stuck jobs, with one status line per check (exit 2)', async () => {
    const dir = await collected('alert', { requests: 500, failureShare: 0.2 }, 11, databaseSource(database.url));
    const run = await runCheck(dir, AFTER, quiet);
    expect(run.signature).toBe(true);
    expect(run.exitCode).toBe(CHECK_EXIT_CODES.alert);
    const family = run.checks.find((check) => check.id.startsWith('family-'));
    expect(family).toMatchObject({ status: 'alert' });
    expect(family?.value).toBeGreaterThan(0);
    expect(run.checks.find((check) => check.id === 'stuck-jobs')).toMatchObject({ status: 'alert', value: 2 });
    expect(run.checks.find((check) => check.id === 'connection-headroom')).toMatchObject({ status: 'ok' });
    const lines = checkLines(run);
    expect(lines).toHaveLength(run.checks.length);
    expect(lines.find((line) => line.includes('stuck-jobs'))).toMatch(/^ALERT stuck-jobs\s+2 \(threshold 0\)/);
  });

  it('is all clear when the failures are gone and no job is stuck (exit 0)', async () => {
    const dir = await collected('clear', { requests: 500, failureShare: 0 }, 12, databaseSource(database.url));
    await sql(database.url, "UPDATE orders SET state = 'done', updated_at = now() WHERE state = 'processing'");
    try {
      const run = await runCheck(dir, AFTER, quiet);
      expect(run.checks.filter((check) => check.status !== 'ok')).toEqual([]);
      expect(run.exitCode).toBe(CHECK_EXIT_CODES.ok);
    } finally {
      await sql(database.url, "UPDATE orders SET state = 'processing', updated_at = now() - interval '2 hours' WHERE order_id <= 2");
    }
  });

  it('says which check could not run when a source fails, without an alert (exit 3); thresholds come from flags', async () => {
    const dir = await collected('error', { requests: 300, failureShare: 0 }, 13, databaseSource('postgres://fracas:fracas@127.0.0.1:1/none'));
    const { code, out } = await runCli('check', dir, '--window', `${AFTER.start}..${AFTER.end}`, '--json', '--quiet');
    expect(code).toBe(CHECK_EXIT_CODES.error);
    const printed = JSON.parse(out) as { checks: { id: string; status: string; detail: string }[] };
    expect(printed.checks.find((check) => check.id.startsWith('database-'))).toMatchObject({ status: 'error', detail: expect.stringContaining('the source failed') });
    expect((await runCli('check', dir, '--max-failed-share', '-1', '--quiet')).code).toBe(1);
  });
});
