// One database session (node-postgres or PGlite) that runs every statement in a READ ONLY transaction with timeouts.
import pg from 'pg';
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
  /**
   * Several of our own statements in one READ ONLY transaction, one round trip (each with its own statement_timeout);
   * rejects when any of them fails. Absent where a round trip costs nothing (PGlite).
   */
  readOnlyBatch?(sqls: string[]): Promise<QueryResultRows[]>;
  /** Back to a clean session state (DISCARD ALL: settings, prepared statements, LISTEN, advisory locks, temp tables). */
  reset(): Promise<void>;
  /** True once the connection is gone; later checks fail fast. */
  broken(): boolean;
  close(): Promise<void>;
}

/** Extra wall-clock time past statement_timeout before a statement is abandoned (the server should have cancelled it). */
export const WALL_CLOCK_GRACE_MS = 2_000;

/** A statement that outlived its wall-clock limit: the connection (or the PGlite worker) was abandoned. */
export class WallClockTimeout extends Error {
  readonly code = 'wall-clock-timeout';
  constructor(readonly limitMs: number) {
    super(`no answer within ${limitMs} ms (wall clock); the statement was abandoned and the session closed`);
  }
}

/** Resolve with `work`, or run `abandon` and reject with WallClockTimeout after `limitMs`. */
export async function withWallClock<T>(work: Promise<T>, limitMs: number, abandon: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      abandon();
      reject(new WallClockTimeout(limitMs));
    }, limitMs);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
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
  const limitMs = limits.statementTimeoutMs + WALL_CLOCK_GRACE_MS;
  const abandon = () => {
    gone = true;
    (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    client.end().catch(() => undefined);
  };
  const run = async (sql: string, options?: { untrusted?: boolean }): Promise<QueryResultRows> => {
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
  };
  const batch = async (sqls: string[]): Promise<QueryResultRows[]> => {
    try {
      const statements = sqls.map((sql) => sql.replace(/[;\s]+$/, '')).join('; ');
      const results = (await client.query(`${preamble}; ${statements}; COMMIT`)) as unknown as pg.QueryResult[];
      // BEGIN and three SET LOCAL before, COMMIT after: anything else is not one result per statement.
      if (!Array.isArray(results) || results.length !== sqls.length + 5) throw new Error(`a batch of ${sqls.length} statements gave ${Array.isArray(results) ? results.length : 1} results`);
      return results.slice(4, 4 + sqls.length).map((result) => ({ rows: result.rows as Record<string, unknown>[], columns: (result.fields ?? []).map((field) => field.name) }));
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  };
  return {
    engine: 'postgres',
    broken: () => gone,
    readOnly: (sql, options) => withWallClock(run(sql, options), limitMs, abandon),
    readOnlyBatch: (sqls) => withWallClock(batch(sqls), sqls.length * limits.statementTimeoutMs + WALL_CLOCK_GRACE_MS, abandon),
    async reset() {
      await withWallClock(client.query('DISCARD ALL'), limitMs, abandon);
    },
    async close() {
      gone = true;
      await client.end().catch(() => undefined);
    },
  };
}

/** TEXT_PARSERS' type OIDs: the PGlite worker sends these as text and the session parses them here. */
export const RAW_OIDS = Object.keys(TEXT_PARSERS).map(Number);

export interface RawResult {
  rows: Record<string, unknown>[];
  fields: Array<{ name: string; dataTypeID: number }>;
}

/** Apply TEXT_PARSERS to the columns the worker sent as text. */
export function parseRawResult(result: RawResult): QueryResultRows {
  const parsed = result.fields.filter((field) => TEXT_PARSERS[field.dataTypeID] !== undefined);
  const rows =
    parsed.length === 0
      ? result.rows
      : result.rows.map((row) => {
          const out = { ...row };
          for (const field of parsed) {
            const value = out[field.name];
            if (typeof value === 'string') out[field.name] = TEXT_PARSERS[field.dataTypeID]!(value);
          }
          return out;
        });
  return { rows, columns: result.fields.map((field) => field.name) };
}
