// Checks a manifest's custom query with PostgreSQL's own parser before it runs: one plain SELECT, built-in functions only, none that act.

export type GuardVerdict = { ok: true; functions: string[]; relations: string[] } | { ok: false; reason: string };

/**
 * Built-in functions that act outside a read-only snapshot (files, programs, other sessions, statistics,
 * replication, notifications, locks, settings, queries given as text), by exact name or by prefix (`name*`).
 * Everything else a custom query calls must be a pg_catalog function (checked against the server, see
 * `functionsOutsideCatalog`), so extension and user functions (dblink, postgres_fdw, plpgsql) are refused too.
 */
const ACTING_FUNCTIONS: Array<[pattern: string, why: string]> = [
  ['lo_*', 'large objects read and write server files and storage'],
  ['loread', 'large objects'],
  ['lowrite', 'large objects'],
  ['pg_read_file', 'reads server files'],
  ['pg_read_binary_file', 'reads server files'],
  ['pg_stat_file', 'reads server file metadata'],
  ['pg_ls_*', 'lists server directories'],
  ['pg_file_*', 'writes server files'],
  ['pg_logdir_ls', 'lists server directories'],
  ['pg_terminate_backend', 'ends another session'],
  ['pg_cancel_backend', "cancels another session's query"],
  ['pg_signal_backend', 'signals another session'],
  ['pg_reload_conf', 'reloads the server configuration'],
  ['pg_rotate_logfile', 'rotates the server log'],
  ['pg_log_backend_memory_contexts', 'writes to the server log'],
  ['pg_promote', 'promotes a standby'],
  ['pg_wal_replay_*', 'pauses or resumes replication'],
  ['pg_switch_wal', 'switches the WAL file'],
  ['pg_create_restore_point', 'writes WAL'],
  ['pg_backup_*', 'starts or stops a backup'],
  ['pg_start_backup', 'starts a backup'],
  ['pg_stop_backup', 'stops a backup'],
  ['pg_create_*_replication_slot', 'creates a replication slot'],
  ['pg_drop_replication_slot', 'drops a replication slot'],
  ['pg_copy_*_replication_slot', 'creates a replication slot'],
  ['pg_replication_slot_advance', 'moves a replication slot'],
  ['pg_logical_slot_*', 'consumes or reads a replication slot'],
  ['pg_logical_emit_message', 'writes WAL'],
  ['pg_replication_origin_*', 'changes replication origins'],
  ['pg_import_system_collations', 'writes the catalog'],
  ['pg_stat_reset*', 'wipes statistics (including those fracas reads)'],
  ['pg_stat_statements_reset', 'wipes statistics'],
  ['pg_notify', 'sends a notification to other sessions'],
  ['pg_advisory_*', 'takes an advisory lock'],
  ['pg_try_advisory_*', 'takes an advisory lock'],
  ['set_config', 'changes session settings'],
  ['pg_export_snapshot', 'exports a snapshot to other sessions'],
  ['txid_current', 'assigns a transaction id'],
  ['pg_current_xact_id', 'assigns a transaction id'],
  ['nextval', 'advances a sequence'],
  ['setval', 'sets a sequence'],
  ['query_to_xml*', 'runs a query given as text'],
  ['cursor_to_xml*', 'reads a cursor'],
  ['table_to_xml*', 'reads a table by name, bypassing this check'],
  ['schema_to_xml*', 'reads a schema by name'],
  ['database_to_xml*', 'reads the database by name'],
  ['ts_stat', 'runs a query given as text'],
  ['dblink*', 'opens a connection to another database'],
  ['postgres_fdw*', 'opens a connection to another server'],
];

/** Statements a custom query may be (parse tree node names). Everything else (COPY, LISTEN, NOTIFY, CHECKPOINT, SET, DO, CALL, DISCARD, ...) is refused. */
const ALLOWED_STATEMENTS = new Set(['SelectStmt', 'ExplainStmt']);
/** Parse tree nodes that act wherever they appear (e.g. inside a WITH clause). */
const ACTING_NODES: Record<string, string> = {
  InsertStmt: 'INSERT',
  UpdateStmt: 'UPDATE',
  DeleteStmt: 'DELETE',
  MergeStmt: 'MERGE',
  CopyStmt: 'COPY',
  intoClause: 'SELECT INTO (creates a table)',
  LockingClause: 'FOR UPDATE/SHARE (locks rows)',
};

function matchesPattern(name: string, pattern: string): boolean {
  if (!pattern.includes('*')) return name === pattern;
  const [head = '', tail = ''] = pattern.split('*');
  return name.length >= head.length + tail.length && name.startsWith(head) && name.endsWith(tail);
}

/** Why a built-in function is refused, or undefined when it may be called. */
function actingFunction(name: string): string | undefined {
  const lower = name.toLowerCase();
  return ACTING_FUNCTIONS.find(([pattern]) => matchesPattern(lower, pattern))?.[1];
}

/** CopyStmt -> COPY, CheckPointStmt -> CHECKPOINT, VariableSetStmt -> SET, ListenStmt -> LISTEN. */
const STATEMENT_WORDS: Record<string, string> = {
  CopyStmt: 'COPY',
  CheckPointStmt: 'CHECKPOINT',
  VariableSetStmt: 'SET',
  VariableShowStmt: 'SHOW',
  ListenStmt: 'LISTEN',
  UnlistenStmt: 'UNLISTEN',
  NotifyStmt: 'NOTIFY',
  DoStmt: 'DO',
  CallStmt: 'CALL',
  TransactionStmt: 'a transaction statement',
  DiscardStmt: 'DISCARD',
  LockStmt: 'LOCK',
  ExecuteStmt: 'EXECUTE',
  PrepareStmt: 'PREPARE',
  DeclareCursorStmt: 'DECLARE CURSOR',
  VacuumStmt: 'VACUUM/ANALYZE',
  LoadStmt: 'LOAD',
};

function statementWord(kind: string): string {
  return (
    STATEMENT_WORDS[kind] ??
    (kind
      .replace(/Stmt$/, '')
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toUpperCase() ||
      'this statement')
  );
}

function statementName(stmt: unknown): string {
  return stmt && typeof stmt === 'object' ? (Object.keys(stmt)[0] ?? '') : '';
}

function strings(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((item) => String((item as { String?: { sval?: string } }).String?.sval ?? '')).filter((part) => part !== '');
}

/** Walk the parse tree (iteratively: a deep tree must not overflow the stack), collecting calls and acting nodes. */
function walk(root: unknown): { functions: Set<string>; relations: Set<string>; acting?: string } {
  const functions = new Set<string>();
  const relations = new Set<string>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const item of node) stack.push(item);
      continue;
    }
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      const acting = ACTING_NODES[key];
      if (acting !== undefined && value !== undefined) return { functions, relations, acting };
      if (key === 'FuncCall') {
        const name = strings((value as { funcname?: unknown }).funcname).join('.');
        if (name !== '') functions.add(name);
      } else if (key === 'RangeVar') {
        const range = value as { schemaname?: string; relname?: string };
        if (range.relname)
          relations.add(
            [range.schemaname, range.relname]
              .filter((part) => part !== undefined && part !== '')
              .map((part) => `"${String(part).replace(/"/g, '""')}"`)
              .join('.'),
          );
      }
      if (value !== null && typeof value === 'object') stack.push(value);
    }
  }
  return { functions, relations };
}

/**
 * Parse one custom query and refuse it (with the reason and the refused call) when it is not a single SELECT,
 * acts through a statement or clause, or calls a built-in function that acts. Schema-qualified calls outside
 * pg_catalog are refused here; unqualified ones are checked against the server by `functionsOutsideCatalog`.
 */
export async function checkCustomQuery(sql: string): Promise<GuardVerdict> {
  // PostgreSQL's parser (a WebAssembly module) loads only for a source with custom queries.
  const { parse } = await import('libpg-query');
  let tree: { stmts?: Array<{ stmt?: unknown }> };
  try {
    tree = (await parse(sql)) as typeof tree;
  } catch (error) {
    return { ok: false, reason: `refused: PostgreSQL's parser rejects it (${(error as Error).message})` };
  }
  const statements = tree.stmts ?? [];
  if (statements.length !== 1) return { ok: false, reason: `refused: a custom query must be exactly one statement (found ${statements.length})` };
  const stmt = statements[0]?.stmt;
  const kind = statementName(stmt);
  if (!ALLOWED_STATEMENTS.has(kind)) return { ok: false, reason: `refused: ${statementWord(kind)} is not a SELECT; custom queries may only read` };
  if (kind === 'ExplainStmt') {
    const options = ((stmt as { ExplainStmt: { options?: unknown[] } }).ExplainStmt.options ?? []) as Array<{ DefElem?: { defname?: string } }>;
    if (options.some((option) => option.DefElem?.defname?.toLowerCase() === 'analyze')) return { ok: false, reason: 'refused: EXPLAIN ANALYZE executes the statement' };
    const inner = statementName((stmt as { ExplainStmt: { query?: unknown } }).ExplainStmt.query);
    if (inner !== 'SelectStmt') return { ok: false, reason: `refused: EXPLAIN of ${statementWord(inner)}; only SELECT may be explained` };
  }
  const found = walk(stmt);
  if (found.acting !== undefined) return { ok: false, reason: `refused: uses ${found.acting}; custom queries may only read` };
  for (const name of found.functions) {
    const parts = name.split('.');
    const bare = parts[parts.length - 1] ?? name;
    const why = actingFunction(bare);
    if (why !== undefined) return { ok: false, reason: `refused: calls ${bare}() (${why}); custom queries may only read` };
    if (parts.length > 1 && parts[parts.length - 2]?.toLowerCase() !== 'pg_catalog') {
      return { ok: false, reason: `refused: calls ${name}(), a function outside pg_catalog; custom queries may call only built-in functions` };
    }
  }
  return { ok: true, functions: [...found.functions].map((name) => name.split('.').pop() ?? name), relations: [...found.relations] };
}

/**
 * The SQL that lists, for the given function names and relations, visible functions outside pg_catalog and
 * information_schema (extension and user functions: dblink, postgres_fdw's, plpgsql) and foreign tables.
 * Parameters: $1 text[] of function names, $2 text[] of relation names (possibly schema-qualified).
 */
const OUTSIDE_CATALOG_SQL = `SELECT 'function' AS kind, n.nspname || '.' || p.proname AS name
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE p.proname = ANY($1::text[]) AND pg_function_is_visible(p.oid) AND n.nspname NOT IN ('pg_catalog', 'information_schema')
UNION ALL
SELECT 'foreign-table', c.oid::regclass::text
FROM pg_class c
WHERE c.relkind = 'f' AND c.oid IN (SELECT to_regclass(r)::oid FROM unnest($2::text[]) AS r)`;

/** Literal text[] for OUTSIDE_CATALOG_SQL when parameters cannot be bound (our own SQL path). */
function textArray(values: string[]): string {
  return `ARRAY[${values.map((value) => `'${value.replace(/'/g, "''")}'`).join(', ')}]::text[]`;
}

export function outsideCatalogSql(functions: string[], relations: string[]): string {
  return OUTSIDE_CATALOG_SQL.replace('$1::text[]', textArray(functions)).replace('$2::text[]', textArray(relations));
}

/** The refusal for a query whose calls resolve outside pg_catalog on the server, or undefined. */
export function outsideCatalogReason(rows: Array<Record<string, unknown>>): string | undefined {
  const first = rows[0];
  if (!first) return undefined;
  return first.kind === 'foreign-table'
    ? `refused: reads ${String(first.name)}, a foreign table (a connection to another server through a foreign-data wrapper)`
    : `refused: calls ${String(first.name)}(), a function outside pg_catalog (extension or user-defined); custom queries may call only built-in functions`;
}
