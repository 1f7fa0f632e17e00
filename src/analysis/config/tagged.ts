// Values written with a YAML tag (!Ref, !Join, custom): tagged scalars are `!Tag text`, tagged collections `{ "!Tag": ... }`.
import { isMapValue, type ConfigValue } from '../../lib/config-tree.ts';

const TAG = /^![A-Za-z][\w:.-]*$/;

export function isTagged(value: ConfigValue | undefined): boolean {
  if (typeof value === 'string') return TAG.test(value.split(' ', 1)[0] as string);
  if (!isMapValue(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && TAG.test(keys[0] as string);
}

/** The tag of a tagged value, or undefined. */
export function tagOf(value: ConfigValue | undefined): string | undefined {
  if (!isTagged(value)) return undefined;
  return typeof value === 'string' ? value.split(' ', 1)[0] : Object.keys(value as object)[0];
}
