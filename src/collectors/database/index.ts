// The database collector: job, schema and health checks against PostgreSQL (DATABASE_URL) or an embedded, seeded PGlite.
import path from 'node:path';
import { storedCheck, type CheckIdsOf, type CheckSql, type DatabaseCheckId, type SqlCheck } from '../../evidence/database-checks.ts';
import type { DatabaseEvidence, QueryCheck } from '../../evidence/schema.ts';
import type { DatabaseSourceSpec } from '../../manifest/index.ts';
import { SourceFailure, type CollectContext, type CollectorOutput } from '../types.ts';
import { connectionFailure, parseDatabaseUrl, scrub } from './connect.ts';
import { countersSnapshotSql, EXTENSION_SQL, healthChecksSql, SERVER_INFO_SQL, statementsSql, type ServerInfo } from './health-checks.ts';
import { collectJobTables } from './job-tables.ts';
import { openPglite } from './pglite.ts';
import { countersCheck } from './counters.ts';
import { describeError, runCheck, runChecks, type QuerySql, type RunOptions } from './run-check.ts';
import { checkCustomQuery, outsideCatalogReason, outsideCatalogSql } from './query-guard.ts';
import { openPgSession, type DbSession } from './session.ts';
import { toDbRow } from './values.ts';

const PGLITE_NOTE = 'not applicable to the embedded PGlite database: it is single-user (no other sessions, locks or connection limit) and is not the incident server';

export async function collectDatabase(spec: DatabaseSourceSpec, context: CollectContext): Promise<CollectorOutput<'database'>> {
  const url = spec.url?.trim();
  const limits = { statementTimeoutMs: spec.statementTimeoutMs, lockTimeoutMs: spec.lockTimeoutMs };
  let session: DbSession;
  let endpoint: string | undefined;
  let secret: string | undefined;
  let pooler: string | undefined;
  let seedPaths: string[] = [];
  if (url) {
    const target = parseDatabaseUrl(url, { connectTimeoutMs: spec.connectTimeoutMs, statementTimeoutMs: spec.statementTimeoutMs });
    endpoint = target.masked;
    secret = target.password;
    pooler = target.pooler;
    context.progress(`database ${spec.id}: connecting to ${target.host}:${target.port}/${target.database}`);
    try {
      session = await openPgSession(target.config, limits);
    } catch (error) {
      // libpq's sslmode=prefer: try SSL, fall back to a plain connection when the server has no SSL.
      if (target.sslmode !== 'prefer' || !/does not support SSL/i.test(String((error as Error).message))) throw connectionFailure(error, target, spec.connectTimeoutMs);
      try {
        session = await openPgSession({ ...target.config, ssl: false }, limits);
      } catch (plainError) {
        throw connectionFailure(plainError, target, spec.connectTimeoutMs);
      }
    }
  } else {
    seedPaths = spec.seed.map((file) => context.resolve(file));
    context.progress(`database ${spec.id}: starting embedded PGlite (${seedPaths.length} seed file(s))`);
    session = await openPglite(seedPaths, limits);
  }

  try {
    return await runAll(spec, context, session, { endpoint, secret, pooler, seedPaths });
  } finally {
    await session.close();
  }
}

interface Target {
  endpoint?: string;
  secret?: string;
  pooler?: string;
  seedPaths: string[];
}

async function runAll(spec: DatabaseSourceSpec, context: CollectContext, session: DbSession, target: Target): Promise<CollectorOutput<'database'>> {
  const limit = spec.maxRows;
  let infoRow: Record<string, unknown>;
  try {
    infoRow = (await session.readOnly(SERVER_INFO_SQL)).rows[0] ?? {};
  } catch (error) {
    throw new SourceFailure(
      scrub(`connected, but the first query failed: ${(error as Error).message}`, target.secret),
      (error as { code?: string }).code,
      'check that the role may run queries on this database',
    );
  }
  const row = toDbRow(infoRow);
  const info: ServerInfo = {
    versionNum: Number(row.version_num ?? 0),
    role: String(row.role ?? ''),
    superuser: row.superuser === true,
    readAllStats: row.read_all_stats === true || row.superuser === true,
  };
  const options: RunOptions = { ...{ statementTimeoutMs: spec.statementTimeoutMs, lockTimeoutMs: spec.lockTimeoutMs }, maxRows: limit, role: info.role, secret: target.secret };
  const checks: QueryCheck[] = [];
  /** Run a check (declared, or a custom query) and keep it in the evidence. */
  async function run<K extends DatabaseCheckId>(check: CheckSql<K>, extra?: Partial<RunOptions>): Promise<SqlCheck<K>>;
  async function run(check: QuerySql, extra?: Partial<RunOptions>): Promise<QueryCheck>;
  async function run(check: QuerySql, extra?: Partial<RunOptions>): Promise<QueryCheck> {
    if (context.signal?.aborted) throw new SourceFailure('collection aborted', 'ABORT_ERR');
    context.progress(`database ${spec.id}: ${check.id}`);
    const result = await runCheck(session, check, { ...options, ...extra });
    checks.push(result);
    return result;
  }
  /** Run checks that do not depend on each other (in one round trip when the session can) and keep them in order. */
  async function runMany<K extends DatabaseCheckId>(list: CheckSql<K>[]): Promise<SqlCheck<K>[]> {
    if (context.signal?.aborted) throw new SourceFailure('collection aborted', 'ABORT_ERR');
    for (const check of list) context.progress(`database ${spec.id}: ${check.id}`);
    const results = await runChecks(session, list, options);
    checks.push(...results);
    return results;
  }
  const isPg = session.engine === 'postgres';

  // First counters snapshot: the other checks run during the delay before the second.
  const counters = countersSnapshotSql(info);
  const firstCounters = isPg ? await runCheck(session, counters, options) : undefined;
  const firstAt = Date.now();

  // Job tables (named in the manifest, or discovered) with their schema evidence.
  const jobs = await collectJobTables(spec, {
    run,
    runMany,
    look: (check, extra) => runCheck(session, check, { ...options, ...extra }),
    keep: (check) => checks.push(check),
    role: info.role,
    ...(spec.asOf ? { asOf: spec.asOf } : {}),
    maxRows: limit,
  });
  const warnings = [...jobs.warnings];
  const firstTable = jobs.tables[0]?.table;

  // Health.
  const health = healthChecksSql(info, limit);
  if (isPg) {
    const activityNote = info.readAllStats
      ? undefined
      : `role "${info.role}" is not a member of pg_read_all_stats (pg_monitor): other roles' sessions show NULL state, xact_start, backend_type and '<insufficient privilege>' queries, so this covers only its own sessions`;
    for (const [index, result] of (await runMany(health)).entries()) {
      if (activityNote && result.status === 'ok' && ACTIVITY_CHECKS.has(health[index]!.check)) {
        result.status = 'limited';
        result.note = activityNote;
      }
    }
    await statementChecks(session, info, firstTable, options, run, checks);
    const elapsed = Date.now() - firstAt;
    if (elapsed < spec.countersDelayMs) await new Promise((resolve) => setTimeout(resolve, spec.countersDelayMs - elapsed));
    const second = await runCheck(session, counters, options);
    checks.push(storedCheck(countersCheck(counters, firstCounters!, second)));
  } else {
    for (const check of [...health, counters, ...statementsSql('public', info, firstTable)]) {
      checks.push(skipped(check.id, check.title, 'limited', PGLITE_NOTE, check.sql));
    }
  }

  // Custom queries from the manifest: checked by the parser, then run from a clean session, read-only, one statement.
  const privileges = privilegedRole(row, info, session.engine);
  const taken = new Set(checks.map((check) => check.id));
  for (const query of spec.queries) {
    const id = taken.has(query.id) ? `custom-${query.id}` : query.id;
    taken.add(id);
    if (privileges.length > 0 && !spec.allowPrivilegedQueries) {
      checks.push(
        skipped(
          id,
          query.title,
          'failed',
          `not run: role "${info.role}" is ${privileges.join(', ')}, so a custom query could act outside the database; connect with a less privileged role, or set allowPrivilegedQueries: true on this source`,
          query.sql,
        ),
      );
      continue;
    }
    const refusal = await refuseCustomQuery(session, query.sql, options);
    if (refusal !== undefined) {
      context.progress(`database ${spec.id}: ${id} ${refusal}`);
      checks.push(skipped(id, query.title, 'failed', refusal, query.sql));
      continue;
    }
    if (session.broken()) {
      await run({ id, title: query.title, sql: query.sql }, { untrusted: true });
      continue;
    }
    try {
      await session.reset();
    } catch (error) {
      checks.push(skipped(id, query.title, 'failed', `not run: could not reset the session (DISCARD ALL): ${describeError(error, options, session.broken()).note}`, query.sql));
      continue;
    }
    const result = await run({ id, title: query.title, sql: query.sql }, { untrusted: true });
    if (privileges.length > 0) result.note = `${result.note ? `${result.note} ` : ''}Ran as role "${info.role}" (${privileges.join(', ')}) because the manifest sets allowPrivilegedQueries.`;
  }
  if (privileges.length > 0 && spec.queries.length > 0) {
    warnings.push(
      spec.allowPrivilegedQueries
        ? `custom queries ran as role "${info.role}" (${privileges.join(', ')}): allowPrivilegedQueries is set; each was checked by the parser first`
        : `custom queries not run: role "${info.role}" is ${privileges.join(', ')}; set allowPrivilegedQueries: true to run them anyway`,
    );
  }

  const notApplicable = checks.filter((check) => check.note === PGLITE_NOTE).map((check) => check.id);
  if (notApplicable.length > 0) warnings.push(`${notApplicable.length} health checks limited (${notApplicable.join(', ')}): ${PGLITE_NOTE}`);
  for (const check of checks) {
    if (check.status !== 'ok' && check.note !== PGLITE_NOTE) warnings.push(`${check.id} ${check.status}: ${check.note ?? ''}`);
  }
  const failed = checks.some((check) => check.status === 'failed');
  const evidence: DatabaseEvidence = {
    engine: session.engine,
    serverVersion: String(row.server_version ?? ''),
    serverTime: typeof row.server_time === 'string' ? row.server_time : undefined,
    ...(jobs.tables[0] ? { jobTable: jobs.tables[0] } : {}),
    ...(jobs.discovery.mode === 'discovered' ? { jobTables: jobs.tables } : {}),
    jobDiscovery: jobs.discovery,
    checks,
    constraints: jobs.constraints,
    extras: {
      role: info.role,
      superuser: info.superuser,
      readAllStats: info.readAllStats,
      monitor: row.monitor === true,
      privileges,
      ...(spec.queries.length > 0
        ? { customQueries: privileges.length > 0 && !spec.allowPrivilegedQueries ? 'not-run-privileged-role' : privileges.length > 0 ? 'ran-with-privileged-role' : 'ran' }
        : {}),
      database: typeof row.database === 'string' ? row.database : null,
      ...(spec.asOf ? { asOf: new Date(spec.asOf).toISOString() } : {}),
      ...(target.pooler ? { pooler: target.pooler } : {}),
      ...jobs.extras,
      countersDelayMs: spec.countersDelayMs,
    },
  };
  const description =
    session.engine === 'postgres'
      ? `PostgreSQL ${evidence.serverVersion} as role ${info.role}${info.superuser ? ' (superuser)' : info.readAllStats ? ' (pg_read_all_stats)' : ''}${target.pooler ? `, through a ${target.pooler}-mode pooler` : ''}: ${checks.length} checks`
      : `embedded PGlite ${evidence.serverVersion.split(' ')[0] ?? ''} seeded from ${target.seedPaths.length} file(s): ${checks.length} checks`;
  return {
    evidence,
    status: failed ? 'partial' : 'ok',
    warnings,
    provenance: {
      description,
      ...(target.endpoint ? { endpoint: target.endpoint } : {}),
      ...(target.seedPaths.length > 0 ? { paths: target.seedPaths.map((file) => path.relative(context.dir, file) || file) } : {}),
    },
  };
}

/** Why the role could act outside the database (superuser, server programs/files, signals); empty for PGlite (its files are virtual). */
function privilegedRole(row: Record<string, unknown>, info: ServerInfo, engine: DbSession['engine']): string[] {
  if (engine !== 'postgres') return [];
  const roles = Array.isArray(row.privileged_roles) ? row.privileged_roles.map(String) : [];
  return [...(info.superuser ? ['superuser'] : []), ...roles.map((role) => `a member of ${role}`)];
}

/** The parser's verdict, then the server's: functions that resolve outside pg_catalog and foreign tables are refused. */
async function refuseCustomQuery(session: DbSession, sql: string, options: RunOptions): Promise<string | undefined> {
  const verdict = await checkCustomQuery(sql);
  if (!verdict.ok) return verdict.reason;
  if (verdict.functions.length === 0 && verdict.relations.length === 0) return undefined;
  try {
    const found = await session.readOnly(outsideCatalogSql(verdict.functions, verdict.relations));
    return outsideCatalogReason(found.rows);
  } catch (error) {
    return `refused: could not check the functions and tables it uses: ${describeError(error, options, session.broken()).note}`;
  }
}

const ACTIVITY_CHECKS = new Set<DatabaseCheckId>(['connection-headroom', 'sessions-by-state', 'idle-in-transaction', 'oldest-transactions', 'blocking-chains', 'waiting-locks']);

async function statementChecks(
  session: DbSession,
  info: ServerInfo,
  table: string | undefined,
  options: RunOptions,
  run: (check: CheckSql<CheckIdsOf<'statements'>>) => Promise<QueryCheck>,
  checks: QueryCheck[],
): Promise<void> {
  let schema: string | undefined;
  try {
    schema = String(toDbRow((await session.readOnly(EXTENSION_SQL)).rows[0] ?? {}).schema ?? '') || undefined;
  } catch (error) {
    const { note } = describeError(error, options);
    for (const check of statementsSql('public', info, table)) checks.push(skipped(check.id, check.title, 'limited', note, check.sql));
    return;
  }
  if (!schema) {
    for (const check of statementsSql('public', info, table)) {
      checks.push(
        skipped(check.id, check.title, 'limited', 'pg_stat_statements is not installed in this database (CREATE EXTENSION pg_stat_statements; it also needs shared_preload_libraries)', check.sql),
      );
    }
    return;
  }
  for (const check of statementsSql(schema, info, table)) {
    const result = await run(check);
    if (result.status === 'ok' && (!info.readAllStats || result.rows.some((row) => row.query === '<insufficient privilege>'))) {
      result.status = 'limited';
      result.note = `role "${info.role}" is not a member of pg_read_all_stats: other roles' statements read '<insufficient privilege>'`;
    }
  }
}

function skipped(id: string, title: string, status: 'failed' | 'limited', note: string, sql = ''): QueryCheck {
  return { id, title, sql, rows: [], rowCount: 0, truncated: false, status, note };
}

export { entityKind } from './job-tables.ts';
