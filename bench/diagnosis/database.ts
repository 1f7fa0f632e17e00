// A scratch database on the real PostgreSQL for one generated job-table incident: seeded, with its live sessions open until closed.
import pg from 'pg';
import type { DatabaseSetup } from './db-scenarios.ts';

const ADMIN_URL = process.env.FRACAS_BENCH_PG || process.env.FRACAS_TEST_PG || 'postgres://fracas:fracas@127.0.0.1:5432/fracas_test';

export interface OpenDatabase {
  url: string;
  close(): Promise<void>;
}

async function client(url: string, application: string): Promise<pg.Client> {
  const connection = new pg.Client({ connectionString: url, application_name: application, connectionTimeoutMillis: 10_000 });
  connection.on('error', () => undefined);
  try {
    await connection.connect();
  } catch (error) {
    throw new Error(
      `bench:diagnosis needs a PostgreSQL 15 for its job-table incidents; ${url.replace(/:[^:@/]*@/, ':***@')} is not reachable (${(error as Error).message}). Start it (bash .ci/run does) or set FRACAS_BENCH_PG.`,
    );
  }
  return connection;
}

/** Create `fracas_diag_<name>`, load the seed, open the sessions; resolves once every blocking session is waiting on its lock. */
export async function openDatabase(name: string, setup: DatabaseSetup): Promise<OpenDatabase> {
  const database = `fracas_diag_${name.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}_${process.pid}`;
  const admin = await client(ADMIN_URL, 'fracas-bench');
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  const seeded = await client(url.toString(), 'fracas-bench-seed');
  await seeded.query(setup.seed);
  await seeded.end();
  const sessions: pg.Client[] = [];
  const waiting: Promise<unknown>[] = [];
  for (const session of setup.sessions) {
    const connection = await client(url.toString(), session.application);
    sessions.push(connection);
    const last = session.statements.length - 1;
    for (const [index, statement] of session.statements.entries()) {
      if (index === last && session.blocks) waiting.push(connection.query(statement).catch(() => undefined));
      else await connection.query(statement);
    }
  }
  // Wait (bounded) until every blocking session is seen waiting on a lock: a condition, not a fixed delay.
  const blocked = setup.sessions.filter((session) => session.blocks).length;
  for (let attempt = 0; attempt < 200 && blocked > 0; attempt++) {
    const { rows } = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`, [database]);
    if (Number(rows[0]!.n) >= blocked) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: url.toString(),
    async close() {
      for (const connection of sessions) await connection.end().catch(() => undefined);
      await Promise.all(waiting);
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    },
  };
}
