// Bounds on hostile configuration values: over-long strings and keys stand in as their length and hash.
import { createHash } from 'node:crypto';
import { childPath, indexPath, isMapValue, type ConfigValue, type ParseProblem } from '../../lib/config-tree.ts';

/** Longer strings are compared by hash: regular expressions on multi-megabyte strings can exhaust the stack. */
export const MAX_VALUE_CHARS = 64 * 1024;
const MAX_KEY_CHARS = 1024;
/** Parse problems kept per file (random bytes can give one per line). */
export const MAX_PROBLEMS = 20;

/** The text itself, or `<N characters, sha256 …>` when it is longer than `max` (equal texts give equal stand-ins). */
export function boundText(text: string, max = MAX_VALUE_CHARS): string {
  if (text.length <= max) return text;
  return `<${text.length} characters, sha256 ${createHash('sha256').update(text).digest('hex').slice(0, 16)}>`;
}

export function boundKey(key: string): string {
  return boundText(key, MAX_KEY_CHARS);
}

/** A copy of `value` with long strings and keys replaced by boundText; the paths of long values go to `long`. */
export function boundValue(value: ConfigValue, long: string[] = [], at = ''): ConfigValue {
  if (typeof value === 'string') {
    if (value.length > MAX_VALUE_CHARS) long.push(at || '(root)');
    return boundText(value);
  }
  if (Array.isArray(value)) return value.map((item, index) => boundValue(item, long, indexPath(at, index)));
  if (isMapValue(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => {
        const bounded = boundKey(key);
        if (bounded !== key) long.push(childPath(at, bounded));
        return [bounded, boundValue(item, long, childPath(at, bounded))];
      }),
    );
  }
  return value;
}

/** Env-file values (for placeholder resolution) with long ones replaced by boundText. */
export function boundEnvValues(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [boundKey(key), boundText(value)]));
}

/** A warning naming the long values and keys, or undefined when there are none. */
export function longValuesWarning(file: string, long: string[]): string | undefined {
  if (long.length === 0) return undefined;
  const shown = long
    .slice(0, 5)
    .map((item) => `\`${item}\``)
    .join(', ');
  return `${file}: ${long.length} value(s) or key(s) longer than ${MAX_VALUE_CHARS / 1024} KB (${shown}${long.length > 5 ? ', ...' : ''}) compared by their SHA-256 only`;
}

/** At most MAX_PROBLEMS problems, the last one saying how many were dropped. */
export function boundProblems(problems: ParseProblem[]): ParseProblem[] {
  if (problems.length <= MAX_PROBLEMS) return problems;
  return [...problems.slice(0, MAX_PROBLEMS - 1), { message: `... and ${problems.length - MAX_PROBLEMS + 1} more problems` }];
}
