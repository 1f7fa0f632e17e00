// Merges masked-token groups into templates: groups of the same length that differ in one position with many values.
import { WILDCARD } from './mask.ts';

export interface ClusterInput {
  tokens: string[];
  count: number;
}

export interface Cluster {
  tokens: string[];
  count: number;
  members: number[];
}

/** Distinct values a position needs before it is treated as a variable. */
const MIN_VALUES = 3;
/** Constant tokens that must remain after a position becomes a variable. */
const MIN_CONSTANTS = 2;
const MAX_PASSES = 4;
const DELIMITER = /[=:,/()[\]{}<>"'@#;|&?+*_.-]/;

/** Generalise differing tokens: keep a common prefix/suffix that ends at a delimiter (user=root, user=ftp -> user=<*>). */
export function generalize(values: string[]): string {
  let prefix = values[0]!;
  let suffix = values[0]!;
  for (const value of values) {
    if (value === WILDCARD) return WILDCARD;
    let index = 0;
    while (index < prefix.length && index < value.length && prefix[index] === value[index]) index++;
    prefix = prefix.slice(0, index);
    let back = 0;
    while (back < suffix.length && back < value.length && suffix[suffix.length - 1 - back] === value[value.length - 1 - back]) back++;
    suffix = suffix.slice(suffix.length - back);
  }
  const open = prefix.indexOf('<*');
  if (open !== -1) prefix = prefix.slice(0, open);
  const close = suffix.lastIndexOf('*>');
  if (close !== -1) suffix = suffix.slice(close + 2);
  let cut = prefix.length;
  while (cut > 0 && !DELIMITER.test(prefix[cut - 1]!)) cut--;
  prefix = prefix.slice(0, cut);
  let start = 0;
  while (start < suffix.length && !DELIMITER.test(suffix[start]!)) start++;
  suffix = suffix.slice(start);
  const shortest = Math.min(...values.map((value) => value.length));
  if (prefix.length + suffix.length >= shortest) return WILDCARD;
  return `${prefix}${WILDCARD}${suffix}`;
}

function constants(tokens: string[], skip: number): number {
  let count = 0;
  for (let index = 0; index < tokens.length; index++) if (index !== skip && !tokens[index]!.includes(WILDCARD)) count++;
  return count;
}

/**
 * A frequent cluster with `<*>` positions absorbs a rare one that has the same tokens at all its other positions:
 * a value that happened not to be masked (or two variables that differed at once) in an instance of it.
 */
function absorb(clusters: Cluster[]): Cluster[] {
  const isGeneral = (cluster: Cluster): boolean => cluster.count >= MIN_VALUES && cluster.tokens.includes(WILDCARD);
  const general = clusters.filter(isGeneral);
  if (general.length === 0) return clusters;
  const byMask = new Map<string, Map<string, Cluster>>();
  for (const cluster of general) {
    const mask = cluster.tokens.map((token) => (token === WILDCARD ? '1' : '0')).join('');
    const key = cluster.tokens.filter((token) => token !== WILDCARD).join('\u0001');
    const index = byMask.get(mask) ?? byMask.set(mask, new Map()).get(mask)!;
    const existing = index.get(key);
    if (!existing || existing.count < cluster.count) index.set(key, cluster);
  }
  const absorbed = new Set<Cluster>();
  for (const cluster of clusters) {
    if (isGeneral(cluster)) continue;
    for (const [mask, index] of byMask) {
      const key = cluster.tokens.filter((_token, position) => mask[position] === '0').join('\u0001');
      const target = index.get(key);
      if (!target || target === cluster) continue;
      target.count += cluster.count;
      target.members.push(...cluster.members);
      absorbed.add(cluster);
      break;
    }
  }
  return absorbed.size === 0 ? clusters : clusters.filter((cluster) => !absorbed.has(cluster));
}

/** Cluster groups; deterministic for a given multiset of inputs (independent of input order). */
export function clusterGroups(inputs: ClusterInput[]): Cluster[] {
  let clusters: Cluster[] = inputs.map((input, index) => ({ tokens: input.tokens, count: input.count, members: [index] }));
  const byLength = new Map<number, Cluster[]>();
  for (const cluster of clusters) (byLength.get(cluster.tokens.length) ?? byLength.set(cluster.tokens.length, []).get(cluster.tokens.length)!).push(cluster);
  const result: Cluster[] = [];
  for (const [length, group] of byLength) {
    let current = group;
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      let changed = false;
      for (let position = 0; position < length; position++) {
        const buckets = new Map<string, Cluster[]>();
        for (const cluster of current) {
          if (constants(cluster.tokens, position) < MIN_CONSTANTS) continue;
          const key = cluster.tokens.map((token, index) => (index === position ? '' : token)).join('\u0001');
          (buckets.get(key) ?? buckets.set(key, []).get(key)!).push(cluster);
        }
        const merged = new Set<Cluster>();
        const added: Cluster[] = [];
        for (const bucket of buckets.values()) {
          if (bucket.length < 2) continue;
          const values = new Set(bucket.map((cluster) => cluster.tokens[position]!));
          const known = [...values].some((value) => value.includes(WILDCARD));
          if (!known && values.size < MIN_VALUES) continue;
          const tokens = [...bucket[0]!.tokens];
          tokens[position] = generalize([...values]);
          const cluster: Cluster = { tokens, count: 0, members: [] };
          for (const member of bucket) {
            cluster.count += member.count;
            cluster.members.push(...member.members);
            merged.add(member);
          }
          added.push(cluster);
        }
        if (added.length > 0) {
          changed = true;
          current = current.filter((cluster) => !merged.has(cluster)).concat(added);
        }
      }
      if (!changed) break;
    }
    result.push(...absorb(current));
  }
  clusters = result;
  return clusters;
}
