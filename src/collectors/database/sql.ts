// SQL text helpers for the database checks: identifier and literal quoting, "now" expressions.

/** Quote one identifier the way PostgreSQL's quote_ident does (only when needed). */
export function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) && !RESERVED.has(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** Quote a possibly schema-qualified name such as upload_pipeline.upload_jobs (already-quoted parts are kept). */
export function quoteQualified(name: string): string {
  return splitQualified(name).map(quoteIdent).join('.');
}

/** Split "schema.table" (or '"My Schema"."T"') into its unquoted parts. */
function splitQualified(name: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let index = 0; index < name.length; index++) {
    const char = name[index]!;
    if (quoted) {
      if (char === '"' && name[index + 1] === '"') {
        current += '"';
        index++;
      } else if (char === '"') quoted = false;
      else current += char;
    } else if (char === '"') quoted = true;
    else if (char === '.') {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts.map((part) => part.trim());
}

/**
 * The table's oid as a SQL expression. Schema-qualified names are looked up in the catalogs by name, which
 * needs no USAGE on the schema (to_regclass raises "permission denied for schema" for a pg_monitor role).
 */
export function relationOid(table: string): string {
  const parts = splitQualified(table);
  if (parts.length === 2) {
    return `(SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ${quoteLiteral(parts[0]!)} AND c.relname = ${quoteLiteral(parts[1]!)})`;
  }
  return `to_regclass(${quoteLiteral(quoteQualified(table))})`;
}

/** A SQL string literal. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** `now()` or the manifest's `asOf` as a timestamptz literal, so the SQL stays runnable in psql. */
export function nowExpression(asOf: string | undefined): string {
  return asOf ? `${quoteLiteral(new Date(asOf).toISOString())}::timestamptz` : 'now()';
}

const RESERVED = new Set([
  'all',
  'analyse',
  'analyze',
  'and',
  'any',
  'array',
  'as',
  'asc',
  'asymmetric',
  'both',
  'case',
  'cast',
  'check',
  'collate',
  'column',
  'constraint',
  'create',
  'current_catalog',
  'current_date',
  'current_role',
  'current_time',
  'current_timestamp',
  'current_user',
  'default',
  'deferrable',
  'desc',
  'distinct',
  'do',
  'else',
  'end',
  'except',
  'false',
  'fetch',
  'for',
  'foreign',
  'from',
  'grant',
  'group',
  'having',
  'in',
  'initially',
  'intersect',
  'into',
  'lateral',
  'leading',
  'limit',
  'localtime',
  'localtimestamp',
  'not',
  'null',
  'offset',
  'on',
  'only',
  'or',
  'order',
  'placing',
  'primary',
  'references',
  'returning',
  'select',
  'session_user',
  'some',
  'symmetric',
  'table',
  'then',
  'to',
  'trailing',
  'true',
  'union',
  'unique',
  'user',
  'using',
  'variadic',
  'when',
  'where',
  'window',
  'with',
]);
