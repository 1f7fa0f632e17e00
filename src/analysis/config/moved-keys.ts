// Moved or mis-indented single keys: one key removed under one parent and added under another with the same value.
import { childPath, isMapValue, lastKey, parentPath, type ConfigValue } from '../../lib/config-tree.ts';

/** A removed, added or changed value from the diff, by display path and positional (line-map) path. */
export interface DiffPlace {
  path: string;
  posPath: string;
  value: ConfigValue;
  /**
   * `key`: a key removed (added) by itself, its parent exists on both sides and lacks it on the other one; `block`: a
   * key inside a removed (added) block; `changed`: the key is on both sides with different values.
   */
  origin: 'key' | 'block' | 'changed';
}

export interface MovedKey {
  left: { path: string; posPath: string };
  right: { path: string; posPath: string };
  key: string;
}

/** Keys (scalars and lists, which are values of one key) under a place: the place itself unless it is a mapping. */
function keysUnder(place: DiffPlace, out: DiffPlace[]): void {
  if (!isMapValue(place.value)) {
    if (!place.path.endsWith('[]')) out.push(place);
    return;
  }
  const origin = place.origin === 'changed' ? 'changed' : 'block';
  for (const [key, value] of Object.entries(place.value)) keysUnder({ path: childPath(place.path, key), posPath: childPath(place.posPath, key), value, origin }, out);
}

function group(places: DiffPlace[]): Map<string, DiffPlace[]> {
  const groups = new Map<string, DiffPlace[]>();
  const all: DiffPlace[] = [];
  for (const place of places) keysUnder(place, all);
  for (const place of all) {
    if (place.value === null || place.value === '') continue;
    const id = `${lastKey(place.path)}\u0000${JSON.stringify(place.value)}`;
    const list = groups.get(id) ?? [];
    list.push(place);
    groups.set(id, list);
  }
  return groups;
}

/**
 * Single keys that moved between parents: a key removed by itself from a parent that both files have (`before`: the
 * removed and changed values of the left side) and added by itself to another parent that both files have (`after`:
 * the added and changed values of the right side), with the same name and value. So that common pairs such as
 * `enabled: true` or `timeout: 30` do not match by chance, the name=value pair must have exactly one old place and
 * exactly one new place: any other place that lost or gained it (in removed or added blocks, changed values) makes
 * the match ambiguous, and nothing is reported. Whole blocks are findMovedSubtrees' job.
 */
export function findMovedKeys(before: DiffPlace[], after: DiffPlace[], skip: (path: string) => boolean = () => false): MovedKey[] {
  const olds = group(before);
  const news = group(after);
  const moved: MovedKey[] = [];
  for (const [id, oldPlaces] of olds) {
    const newPlaces = news.get(id);
    if (oldPlaces.length !== 1 || newPlaces?.length !== 1) continue;
    const [from] = oldPlaces as [DiffPlace];
    const [to] = newPlaces as [DiffPlace];
    if (from.origin !== 'key' || to.origin !== 'key' || parentPath(from.path) === parentPath(to.path) || skip(from.path) || skip(to.path)) continue;
    moved.push({ left: { path: from.path, posPath: from.posPath }, right: { path: to.path, posPath: to.posPath }, key: lastKey(from.path) });
  }
  return moved.sort((a, b) => a.left.path.localeCompare(b.left.path));
}
