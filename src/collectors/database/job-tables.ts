// The job-table part of the database collector: the tables named in the manifest or discovered, their job checks and schema evidence.
import { CORE_JOB_CHECK_IDS, jobCheckId, storedCheck, tableSuffix, type CheckRow, type CheckSql, type DatabaseCheckId, type SqlCheck } from '../../evidence/database-checks.ts';
import type { CheckConstraint, JobTableEvidence, QueryCheck } from '../../evidence/schema.ts';
import type { DatabaseSourceSpec, JobChecksSpec } from '../../manifest/index.ts';
import { DISCOVERY_CHECKS, inFlightStates, jobTableCandidate, MAX_JOB_TABLES, rankCandidates, type CatalogColumn, type JobTableCandidate } from './discovery.ts';
import { JOB_TABLE_CHECKS, jobChecksSql, resolveJobColumns, stateExpression, type ResolvedJobColumns } from './job-checks.ts';
import { constraintsFromRows, schemaChecksSql, unindexedColumns } from './schema-checks.ts';
import { quoteQualified } from './sql.ts';

export interface JobTablesContext {
  /** Run a check and keep it in the evidence. */
  run<K extends DatabaseCheckId>(check: CheckSql<K>, extra?: { maxRows?: number }): Promise<SqlCheck<K>>;
  /** Run checks that do not depend on each other and keep them, in order. */
  runMany<K extends DatabaseCheckId>(checks: CheckSql<K>[]): Promise<SqlCheck<K>[]>;
  /** Run a check without keeping it (catalog look-ups whose rows are recorded in another form). */
  look<K extends DatabaseCheckId>(check: CheckSql<K>, extra?: { maxRows?: number }): Promise<SqlCheck<K>>;
  /** Keep a check that was not run (with its reason). */
  keep(check: QueryCheck): void;
  role: string;
  asOf?: string;
  maxRows: number;
}

export interface JobTablesResult {
  /** Every job table the job checks ran on (or were meant to, when the manifest names one). */
  tables: JobTableEvidence[];
  discovery: { mode: 'manifest' | 'discovered'; note: string };
  constraints: CheckConstraint[];
  warnings: string[];
  /** For the evidence's extras: the first table's columns; entity columns of all tables. */
  extras: Record<string, unknown>;
}

const DEFAULTS = { stuckAfterMinutes: 60, recentErrorHours: 24 } as const;

export async function collectJobTables(spec: DatabaseSourceSpec, context: JobTablesContext): Promise<JobTablesResult> {
  const jobs = spec.jobs;
  if (jobs?.table) return await namedTable({ ...jobs, table: jobs.table }, context);
  return await discoveredTables(context, {
    stuckAfterMinutes: jobs?.stuckAfterMinutes ?? DEFAULTS.stuckAfterMinutes,
    recentErrorHours: jobs?.recentErrorHours ?? DEFAULTS.recentErrorHours,
    ...(jobs?.inFlightStates ? { inFlightStates: jobs.inFlightStates } : {}),
  });
}

/** The table the manifest names: a missing table or column is a failure of those checks (the source is partial). */
async function namedTable(jobs: JobChecksSpec & { table: string }, context: JobTablesContext): Promise<JobTablesResult> {
  const columnsCheck = await context.look({ check: 'job-table-columns', id: 'job-table-columns', ...JOB_TABLE_CHECKS['job-table-columns'](jobs.table) }, { maxRows: 1000 });
  const columns = catalogColumns(columnsCheck.rows);
  const { resolved, problem } =
    columnsCheck.status !== 'ok'
      ? { resolved: undefined, problem: `could not read the columns of ${jobs.table}: ${columnsCheck.note}` }
      : columns.length === 0
        ? { resolved: undefined, problem: `table ${jobs.table} not found (or not visible to role "${context.role}"); set jobs.table in the manifest` }
        : resolveJobColumns(jobs, columns);
  const warnings: string[] = [];
  const constraints: CheckConstraint[] = [];
  let unindexed: string[] = [];
  if (resolved) {
    if (resolved.missing.length > 0) warnings.push(`job table ${jobs.table} has no column ${resolved.missing.join(', ')}; checks that need it were left out`);
    ({ unindexed } = await checkTable(resolved, columns, context, constraints));
  } else {
    const status = columnsCheck.status === 'limited' ? 'limited' : 'failed';
    for (const id of CORE_JOB_CHECK_IDS) context.keep(notRun(id, `Job check ${id}`, status, problem ?? 'job table unavailable'));
    await schemaEvidence(jobs.table, '', context, constraints);
  }
  const table: JobTableEvidence = {
    table: jobs.table,
    idColumn: resolved?.id ?? jobs.idColumn ?? '',
    stateColumn: resolved?.state ?? jobs.stateColumn ?? '',
    ...(resolved?.status ? { statusColumn: resolved.status } : {}),
    ...(resolved?.created ? { createdColumn: resolved.created } : {}),
    updatedColumn: resolved?.updated ?? jobs.updatedColumn ?? '',
    inFlightStates: resolved?.inFlightStates ?? jobs.inFlightStates ?? [],
    stuckAfterMinutes: jobs.stuckAfterMinutes,
  };
  return {
    tables: [table],
    discovery: { mode: 'manifest', note: `job table named in the manifest: ${jobs.table}` },
    constraints,
    warnings,
    extras: tableExtras(resolved, columns, unindexed, {}),
  };
}

/** No `jobs:` block: find candidate tables in the catalogs and check each chosen one. */
/** The settings of a `jobs:` block without a table: they apply to every discovered table. */
type DiscoverySettings = Pick<JobChecksSpec, 'stuckAfterMinutes' | 'recentErrorHours' | 'inFlightStates'>;

async function discoveredTables(context: JobTablesContext, settings: DiscoverySettings): Promise<JobTablesResult> {
  const candidatesSql = { check: 'job-table-candidates', id: 'job-table-candidates', ...DISCOVERY_CHECKS['job-table-candidates']() } as const;
  const found = await context.look(candidatesSql, { maxRows: 200 });
  const candidates: JobTableCandidate[] = [];
  const rows: CheckRow<'job-table-candidates'>[] = [];
  for (const row of found.rows) {
    const candidate = jobTableCandidate(row);
    if ('reason' in candidate) rows.push({ table: candidate.table, state_column: null, updated_column: null, estimated_rows: null, chosen: false, reason: `not a job table: ${candidate.reason}` });
    else candidates.push(candidate);
  }
  const ranked = rankCandidates(candidates);
  const chosen = ranked.slice(0, MAX_JOB_TABLES);
  ranked.forEach((candidate, index) => {
    rows.splice(index, 0, {
      table: candidate.table,
      state_column: candidate.guessed.state ?? null,
      updated_column: candidate.guessed.updated ?? null,
      estimated_rows: candidate.estimatedRows >= 0 ? candidate.estimatedRows : null,
      chosen: index < MAX_JOB_TABLES,
      reason: index < MAX_JOB_TABLES ? 'checked' : `not checked: only the first ${MAX_JOB_TABLES} candidates are; name this one in jobs.table to check it`,
    });
  });
  const note =
    found.status !== 'ok'
      ? `could not list the tables: ${found.note ?? ''}`
      : chosen.length === 0
        ? 'no table with a state or status column and an update timestamp, so the job checks did not run; the health checks did. Name a job table in jobs.table to check one.'
        : `no jobs: block in the manifest; job checks ran on ${chosen.map((candidate) => `${candidate.table} (${candidate.guessed.state}, ${candidate.guessed.updated})`).join(', ')}${ranked.length > chosen.length ? `; ${ranked.length - chosen.length} more candidate(s) listed, not checked` : ''}. Name a table in jobs.table to choose yourself.`;
  context.keep({
    id: candidatesSql.id,
    title: candidatesSql.title,
    sql: candidatesSql.sql,
    rows,
    rowCount: rows.length,
    truncated: found.truncated,
    status: found.status,
    note,
  });
  const tables: JobTableEvidence[] = [];
  const constraints: CheckConstraint[] = [];
  const entityColumns: Record<string, string> = {};
  let extras: Record<string, unknown> = {};
  for (const [index, candidate] of chosen.entries()) {
    const suffix = index === 0 ? '' : tableSuffix(candidate.table);
    const { resolved } = resolveJobColumns({ table: candidate.table, ...settings }, candidate.columns, suffix);
    if (!resolved) continue;
    const { unindexed } = await checkTable(resolved, candidate.columns, context, constraints);
    for (const name of resolved.entities) entityColumns[name] = entityKind(name);
    if (index === 0) extras = tableExtras(resolved, candidate.columns, unindexed, {});
    tables.push({
      table: resolved.table,
      idColumn: resolved.id,
      stateColumn: resolved.state,
      ...(resolved.status ? { statusColumn: resolved.status } : {}),
      ...(resolved.created ? { createdColumn: resolved.created } : {}),
      updatedColumn: resolved.updated,
      inFlightStates: resolved.inFlightStates,
      stuckAfterMinutes: resolved.stuckAfterMinutes,
      ...(suffix ? { checkSuffix: suffix } : {}),
    });
  }
  return { tables, discovery: { mode: 'discovered', note }, constraints, warnings: [], extras: { ...extras, entityColumns } };
}

/** In-flight states (recognised from the values when not given), the job checks, and the schema evidence of one table. */
async function checkTable(resolved: ResolvedJobColumns, columns: CatalogColumn[], context: JobTablesContext, constraints: CheckConstraint[]): Promise<{ unindexed: string[] }> {
  if (resolved.inFlightStates.length === 0) {
    const states = await context.run({
      check: 'job-states',
      id: jobCheckId('job-states', resolved),
      ...DISCOVERY_CHECKS['job-states'](resolved.table, resolved.state, quoteQualified(resolved.table), stateExpression(resolved)),
    });
    const values = states.rows.map((row) => String(row.value ?? ''));
    resolved.inFlightStates = inFlightStates(values);
    for (const row of states.rows) row.in_flight = resolved.inFlightStates.includes(String(row.value ?? ''));
    if (states.status === 'ok') {
      states.note =
        resolved.inFlightStates.length > 0
          ? `in-flight states recognised from these values: ${resolved.inFlightStates.join(', ')} (set jobs.inFlightStates to choose)`
          : `no value of ${resolved.state} reads as in flight (pending, queued, running, ...), so no job counts as stuck; set jobs.inFlightStates to choose`;
    }
  }
  await context.runMany(jobChecksSql(resolved, context.asOf, context.maxRows));
  if (!resolved.retry)
    context.keep(
      notRun(
        jobCheckId('retry-counts', resolved),
        `Jobs by retry count`,
        'limited',
        `no retry column: ${resolved.missing.length ? `"${resolved.missing.join('", "')}" is not` : 'none recognised (retry_count, attempts, ...) among the columns'} of ${resolved.table}`,
      ),
    );
  const indexRows = await schemaEvidence(resolved.table, resolved.checkSuffix, context, constraints);
  const checked = [resolved.state, resolved.updated, ...(resolved.status ? [resolved.status] : [])];
  const unindexed = indexRows?.status === 'ok' && columns.length > 0 ? unindexedColumns(indexRows.rows, checked) : [];
  if (indexRows && unindexed.length > 0) indexRows.note = `no index contains ${unindexed.join(', ')}: filters on ${unindexed.length > 1 ? 'them' : 'it'} alone scan the table`;
  return { unindexed };
}

/** CHECK constraints, enum labels, foreign keys and indexes of a table; returns the indexes check. */
async function schemaEvidence(table: string, suffix: string, context: JobTablesContext, constraints: CheckConstraint[]): Promise<SqlCheck<'indexes'> | undefined> {
  const results = new Map<DatabaseCheckId, QueryCheck>();
  const list = schemaChecksSql(table, context.maxRows, suffix);
  for (const [index, result] of (await context.runMany(list)).entries()) results.set(list[index]!.check, storedCheck(result));
  const typed = <K extends DatabaseCheckId>(id: K) => results.get(id) as SqlCheck<K> | undefined;
  constraints.push(...constraintsFromRows(typed('check-constraints')?.rows ?? [], typed('enum-columns')?.rows ?? [], table));
  return typed('indexes');
}

function tableExtras(resolved: ResolvedJobColumns | undefined, columns: CatalogColumn[], unindexed: string[], more: Record<string, unknown>): Record<string, unknown> {
  return {
    jobColumns: columns.map((column) => `${column.name} ${column.type}`),
    entityColumns: Object.fromEntries((resolved?.entities ?? []).map((name) => [name, entityKind(name)])),
    ...(resolved?.error ? { errorColumn: resolved.error } : {}),
    ...(resolved?.retry ? { retryColumn: resolved.retry } : {}),
    ...(resolved ? { updatedColumn: resolved.updated } : {}),
    unindexedColumns: unindexed,
    ...more,
  };
}

function catalogColumns(rows: CheckRow<'job-table-columns'>[]): CatalogColumn[] {
  return rows.map((column) => ({ name: String(column.name), type: String(column.type), enum: column.is_enum === true, primaryKey: column.primary_key === true }));
}

function notRun(id: string, title: string, status: 'failed' | 'limited', note: string, sql = ''): QueryCheck {
  return { id, title, sql, rows: [], rowCount: 0, truncated: false, status, note };
}

/** document_id -> document-id, user_id -> user-id. */
export function entityKind(column: string): string {
  return column.toLowerCase().replace(/_?id$/, '').replace(/_/g, '-') + '-id';
}
