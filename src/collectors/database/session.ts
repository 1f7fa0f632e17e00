// One database session (node-postgres or PGlite) that runs every statement in a READ ONLY transaction with timeouts.
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import { TEXT_PARSERS } from './values.ts';

export interface SessionLimits {
  statementTimeoutMs: number;
  lockTimeoutMs: number;
}

export interface QueryResultRows {
  rows: Record<string, unknown>[];
  columns: string[];
}

export interface DbSession {
  engine: 'postgres' | 'pglite';
  /**
   * Run one statement inside BEGIN READ ONLY with SET LOCAL statement_timeout, lock_timeout and TimeZone=UTC,
   * then commit (roll back on error). `untrusted` forces the extended protocol, which refuses more than one
   * statement, so a manifest query cannot end the read-only transaction and run a second one.
   */
  readOnly(sql: string, options?: { untrusted?: boolean }): Promise<QueryResultRows>;
  /** True once the connection is gone; later checks fail fast. */
  broken(): boolean;
  close(): Promise<void>;
}

/** The statements that open each transaction (SET LOCAL: works through transaction-mode poolers such as port 6543). */
export function transactionPreamble(limits: SessionLimits): string {
  return `BEGIN READ ONLY; SET LOCAL statement_timeout = ${Math.round(limits.statementTimeoutMs)}; SET LOCAL lock_timeout = ${Math.round(limits.lockTimeoutMs)}; SET LOCAL TimeZone = 'UTC'`;
}

const pgTypes = {
  getTypeParser(oid: number, format?: string) {
    const custom = TEXT_PARSERS[oid];
    if (custom && format !== 'binary') return custom;
    return pg.types.getTypeParser(oid, (format ?? 'text') as 'text');
  },
};

/** Connect with node-postgres; throws the driver's error (the caller maps it to a SourceFailure). */
export async function openPgSession(config: pg.ClientConfig, limits: SessionLimits): Promise<DbSession> {
  const client = new pg.Client({ ...config, types: pgTypes as pg.CustomTypesConfig });
  let gone = false;
  client.on('error', () => {
    gone = true;
  });
  client.on('end', () => {
    gone = true;
  });
  try {
    await client.connect();
  } catch (error) {
    // A failed handshake (e.g. no password for SCRAM) can leave the socket open, and a backend stuck in
    // authentication holds up DROP DATABASE and counts against max_connections: close it.
    await client.end().catch(() => undefined);
    throw error;
  }
  const preamble = transactionPreamble(limits);
  return {
    engine: 'postgres',
    broken: () => gone,
    async readOnly(sql, options) {
      if (options?.untrusted) {
        await client.query(preamble);
        try {
          const result = await client.query({ text: sql, queryMode: 'extended' } as pg.QueryConfig);
          await client.query('COMMIT');
          return { rows: result.rows as Record<string, unknown>[], columns: (result.fields ?? []).map((field) => field.name) };
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }
      // Our own SQL: one round trip for the whole transaction.
      try {
        const results = (await client.query(`${preamble}; ${sql.replace(/[;\s]+$/, '')}; COMMIT`)) as unknown as pg.QueryResult[];
        const result = results[results.length - 2]!;
        return { rows: result.rows as Record<string, unknown>[], columns: (result.fields ?? []).map((field) => field.name) };
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    },
    async close() {
      gone = true;
      await client.end().catch(() => undefined);
    },
  };
}

/** An embedded PGlite database (already seeded). */
export function pgliteSession(db: PGlite, limits: SessionLimits): DbSession {
  const preamble = transactionPreamble(limits);
  let closed = false;
  return {
    engine: 'pglite',
    broken: () => closed,
    async readOnly(sql) {
      await db.exec(preamble);
      try {
        const result = await db.query<Record<string, unknown>>(sql, [], { parsers: PGLITE_PARSERS });
        await db.exec('COMMIT');
        return { rows: result.rows, columns: result.fields.map((field) => field.name) };
      } catch (error) {
        await db.exec('ROLLBACK').catch(() => undefined);
        throw error;
      }
    },
    async close() {
      closed = true;
      await db.close().catch(() => undefined);
    },
  };
}

const PGLITE_PARSERS: Record<number, (text: string) => unknown> = { ...TEXT_PARSERS };
