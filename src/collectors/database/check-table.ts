// Turns a group's table of SQL builders (keyed by the declared check ids) into the checks to run, in the table's order.
import type { CheckSql, CheckText, DatabaseCheckId } from '../../evidence/database-checks.ts';

/** Every check of `table` that applies (its builder returns SQL), with `id` as written in the evidence. */
export function checksFrom<K extends DatabaseCheckId, A extends unknown[]>(
  table: { readonly [P in K]: (...args: NoInfer<A>) => CheckText | undefined },
  args: [...A],
  id: (check: K) => string = (check) => check,
): CheckSql<K>[] {
  const checks: CheckSql<K>[] = [];
  for (const check of Object.keys(table) as K[]) {
    const text = table[check](...args);
    if (text) checks.push({ check, id: id(check), ...text });
  }
  return checks;
}
