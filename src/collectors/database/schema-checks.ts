// SQL for schema evidence on the job table: CHECK constraints, enum labels, foreign keys and indexes.
import { jobCheckId, type CheckIdsOf, type CheckRow, type CheckSql, type CheckSqlTable } from '../../evidence/database-checks.ts';
import type { CheckConstraint } from '../../evidence/schema.ts';
import { checksFrom } from './check-table.ts';
import { parseCheckConstraint } from './constraints.ts';
import { relationOid } from './sql.ts';

const attnames = (rel: string, keys: string) =>
  `(SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(${keys}) WITH ORDINALITY k(attnum, ord) JOIN pg_attribute a ON a.attrelid = ${rel} AND a.attnum = k.attnum)`;

const SCHEMA_CHECKS = {
  'check-constraints': (table: string, regclass: string, limit: number) => ({
    title: `CHECK constraints on ${table}`,
    sql: `SELECT c.conname::text AS name, c.conrelid::regclass::text AS "table", pg_get_constraintdef(c.oid) AS definition,
       c.convalidated AS validated, ${attnames('c.conrelid', 'c.conkey')} AS columns
FROM pg_constraint c
WHERE c.conrelid = ${regclass} AND c.contype = 'c'
ORDER BY c.conname
LIMIT ${limit + 1}`,
  }),
  'enum-columns': (table: string, regclass: string, _limit: number) => ({
    title: `Enum-typed columns of ${table} and their labels`,
    sql: `SELECT a.attname::text AS "column", format_type(a.atttypid, a.atttypmod) AS type,
       array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
FROM pg_attribute a JOIN pg_enum e ON e.enumtypid = a.atttypid
WHERE a.attrelid = ${regclass} AND a.attnum > 0 AND NOT a.attisdropped
GROUP BY a.attname, a.atttypid, a.atttypmod
ORDER BY 1`,
  }),
  'foreign-keys': (table: string, regclass: string, limit: number) => ({
    title: `Foreign keys from and to ${table}`,
    sql: `SELECT c.conname::text AS name, c.conrelid::regclass::text AS "table", ${attnames('c.conrelid', 'c.conkey')} AS columns,
       c.confrelid::regclass::text AS referenced_table, ${attnames('c.confrelid', 'c.confkey')} AS referenced_columns,
       pg_get_constraintdef(c.oid) AS definition, c.convalidated AS validated,
       EXISTS (SELECT 1 FROM pg_index i
               WHERE i.indrelid = c.conrelid
                 AND (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)] @> c.conkey) AS referencing_columns_indexed
FROM pg_constraint c
WHERE c.contype = 'f' AND (c.conrelid = ${regclass} OR c.confrelid = ${regclass})
ORDER BY c.conname
LIMIT ${limit + 1}`,
  }),
  indexes: (table: string, regclass: string, limit: number) => ({
    title: `Indexes on ${table}`,
    sql: `SELECT i.indexrelid::regclass::text AS index, ${attnames('i.indrelid', "string_to_array(i.indkey::text, ' ')::int2[]")} AS columns,
       pg_get_indexdef(i.indexrelid) AS definition, i.indisunique AS is_unique, i.indisprimary AS is_primary, i.indisvalid AS is_valid,
       i.indpred IS NOT NULL AS is_partial
FROM pg_index i
WHERE i.indrelid = ${regclass}
ORDER BY 1
LIMIT ${limit + 1}`,
  }),
} satisfies CheckSqlTable<'schema'>;

/** CHECK constraints, enum labels, foreign keys and indexes of a job table (ids with the table's suffix after the first). */
export function schemaChecksSql(table: string, limit: number, checkSuffix = ''): CheckSql<CheckIdsOf<'schema'>>[] {
  return checksFrom(SCHEMA_CHECKS, [table, relationOid(table), limit], (check) => jobCheckId(check, { checkSuffix }));
}

/** CHECK constraint rows (and enum labels) -> the evidence's CheckConstraint list with allowed value sets. */
export function constraintsFromRows(checkRows: CheckRow<'check-constraints'>[], enumRows: CheckRow<'enum-columns'>[], table: string): CheckConstraint[] {
  const constraints: CheckConstraint[] = [];
  for (const row of checkRows) {
    const definition = String(row.definition ?? '');
    const parsed = parseCheckConstraint(definition);
    const columns = Array.isArray(row.columns) ? row.columns.map(String) : [];
    const column = parsed.column ?? (columns.length === 1 ? columns[0] : undefined);
    const constraint: CheckConstraint = { table: String(row.table ?? table), name: String(row.name ?? ''), definition };
    if (column) constraint.column = column;
    if (parsed.allowedValues) constraint.allowedValues = parsed.allowedValues;
    constraints.push(constraint);
  }
  for (const row of enumRows) {
    const labels = Array.isArray(row.labels) ? row.labels.map(String) : [];
    constraints.push({
      table,
      name: `enum ${String(row.type)}`,
      definition: `${String(row.column)} ${String(row.type)} (enum: ${labels.join(', ')})`,
      column: String(row.column),
      allowedValues: labels,
    });
  }
  return constraints;
}

/** Which of the checked columns appear in no index (a filter on them alone reads the whole table). */
export function unindexedColumns(indexRows: CheckRow<'indexes'>[], checked: string[]): string[] {
  const indexed = new Set(indexRows.flatMap((row) => (Array.isArray(row.columns) ? row.columns.map(String) : [])));
  return checked.filter((column) => !indexed.has(column));
}
