// CHECK constraint definitions -> column and allowed values, for the forms PostgreSQL prints and people write.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCheckConstraint, splitTopLevel } from '../../../src/collectors/database/constraints.ts';

describe('parseCheckConstraint', () => {
  it('reads = ANY (ARRAY[...]) on a text column', () => {
    expect(parseCheckConstraint("CHECK ((state = ANY (ARRAY['queued'::text, 'working'::text, 'done'::text])))")).toEqual({
      column: 'state',
      allowedValues: ['queued', 'working', 'done'],
    });
  });

  it('reads the varchar form with casts on both sides', () => {
    expect(parseCheckConstraint("CHECK (((status)::text = ANY ((ARRAY['uploaded'::character varying, 'parse_failed'::character varying])::text[])))")).toEqual({
      column: 'status',
      allowedValues: ['uploaded', 'parse_failed'],
    });
  });

  it('reads IN (...) as written in DDL, with escaped quotes', () => {
    expect(parseCheckConstraint("CHECK (state IN ('a', 'it''s', 'c'))")).toEqual({ column: 'state', allowedValues: ['a', "it's", 'c'] });
  });

  it('reads an OR chain of equalities on one column', () => {
    expect(parseCheckConstraint("CHECK (((state = 'a'::text) OR (state = 'b'::text)))")).toEqual({ column: 'state', allowedValues: ['a', 'b'] });
  });

  it('keeps the set from one conjunct of an AND and ignores NOT VALID', () => {
    expect(parseCheckConstraint("CHECK (((state = ANY (ARRAY['a'::text, 'b'::text])) AND (retry_count >= 0))) NOT VALID")).toEqual({ column: 'state', allowedValues: ['a', 'b'] });
  });

  it('gives no set when an OR mixes other conditions', () => {
    const parsed = parseCheckConstraint("CHECK (((state = 'a'::text) OR (retry_count > 3)))");
    expect(parsed.allowedValues).toBeUndefined();
  });

  it('gives the column only for a range check, and nothing for NOT IN', () => {
    expect(parseCheckConstraint('CHECK ((retry_count >= 0))')).toEqual({ column: 'retry_count' });
    expect(parseCheckConstraint("CHECK ((state <> ALL (ARRAY['x'::text])))").allowedValues).toBeUndefined();
    expect(parseCheckConstraint("CHECK (state NOT IN ('x'))").allowedValues).toBeUndefined();
  });

  it('reads numeric sets and quoted column names', () => {
    expect(parseCheckConstraint('CHECK ((priority = ANY (ARRAY[1, 2, 3])))')).toEqual({ column: 'priority', allowedValues: ['1', '2', '3'] });
    expect(parseCheckConstraint(`CHECK (("State" = ANY (ARRAY['x'::text])))`)).toEqual({ column: 'State', allowedValues: ['x'] });
  });

  it('round-trips any set of values through the printed ANY form', () => {
    const value = fc.string({ minLength: 1, maxLength: 12 }).filter((text) => !text.includes('\u0000'));
    fc.assert(
      fc.property(fc.uniqueArray(value, { minLength: 1, maxLength: 8 }), (values) => {
        const printed = `CHECK ((state = ANY (ARRAY[${values.map((item) => `'${item.replace(/'/g, "''")}'::text`).join(', ')}])))`;
        expect(parseCheckConstraint(printed)).toEqual({ column: 'state', allowedValues: values });
      }),
    );
  });
});

describe('splitTopLevel', () => {
  it('splits only outside parentheses and quotes', () => {
    expect(splitTopLevel("(a = 'x AND y') AND (b OR c) AND d", 'AND')).toEqual(["(a = 'x AND y')", '(b OR c)', 'd']);
  });
});

describe('normaliseError', () => {
  it('replaces uuids, quoted values, addresses, hex words and numbers but keeps identifiers', async () => {
    const { normaliseError } = await import('../../../src/collectors/database/job-checks.ts');
    expect(normaliseError('(psycopg2.errors.CheckViolation) new row for relation "upload_jobs" violates check constraint "x"')).toBe(
      '(psycopg2.errors.CheckViolation) new row for relation <value> violates check constraint <value>',
    );
    expect(normaliseError("webhook timeout after 30s for job 10000000-0000-4000-8000-000000000002 at 10.0.0.12 (id 'abc') 0xdeadbeef")).toBe(
      'webhook timeout after <n>s for job <uuid> at <ip> (id <value>) <hex>',
    );
  });
});
