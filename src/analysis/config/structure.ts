// Moved or mis-indented subtrees: a block removed under one parent and added under another with the same contents.
import { childPath, isMapValue, lastKey, leaves, parentPath, type ConfigValue } from '../../lib/config-tree.ts';

/** A removed (left) or added (right) subtree, with its display path and positional (line-map) path. */
export interface Subtree {
  path: string;
  posPath: string;
  value: ConfigValue;
}

export interface MovedSubtree {
  left: Subtree;
  right: Subtree;
  /** Keys (relative paths) both blocks have. */
  sharedKeys: string[];
  similarity: number;
}

/** Enough for any real configuration; bounds the work on unrelated files. */
const MAX_CANDIDATES = 2000;
/** A key=value pair shared by more blocks than this is too common to say that two blocks are the same one. */
const MAX_BUCKET = 50;

interface Candidate extends Subtree {
  leaves: Map<string, ConfigValue>;
}

function candidates(roots: Subtree[]): Candidate[] {
  const out: Candidate[] = [];
  const walk = (node: Subtree): void => {
    if (out.length >= MAX_CANDIDATES || !isMapValue(node.value) || Object.keys(node.value).length === 0) return;
    out.push({ ...node, leaves: leaves(node.value) });
    for (const [key, value] of Object.entries(node.value)) walk({ path: childPath(node.path, key), posPath: childPath(node.posPath, key), value });
  };
  roots.forEach(walk);
  return out;
}

function related(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`) || a.startsWith(`${b}[`) || b.startsWith(`${a}[`);
}

function pairKey(key: string, value: ConfigValue): string {
  return `${key}\u0000${JSON.stringify(value)}`;
}

function index(rights: Candidate[]): { byPair: Map<string, number[]>; byName: Map<string, number[]> } {
  const byPair = new Map<string, number[]>();
  const byName = new Map<string, number[]>();
  const add = (map: Map<string, number[]>, key: string, at: number): void => {
    const list = map.get(key) ?? [];
    list.push(at);
    map.set(key, list);
  };
  rights.forEach((right, at) => {
    for (const [key, value] of right.leaves) add(byPair, pairKey(key, value), at);
    add(byName, lastKey(right.path), at);
  });
  return { byPair, byName };
}

/**
 * Pair removed and added blocks under different parents whose contents match: key sets with Jaccard >= 0.6, at
 * least two shared keys (or one, with an equal value and nothing else), and at least half of the shared values
 * equal, or the same block name. Contents decide: `external_services.openai` and `webhook.openai` match because
 * their keys and values do, and two unrelated blocks named alike do not.
 */
export function findMovedSubtrees(removed: Subtree[], added: Subtree[]): MovedSubtree[] {
  const lefts = candidates(removed);
  const rights = candidates(added);
  const { byPair, byName } = index(rights);
  const pairs: MovedSubtree[] = [];
  for (const left of lefts) {
    const equalCounts = new Map<number, number>();
    for (const [key, value] of left.leaves) {
      const bucket = byPair.get(pairKey(key, value)) ?? [];
      if (bucket.length > MAX_BUCKET) continue;
      for (const at of bucket) equalCounts.set(at, (equalCounts.get(at) ?? 0) + 1);
    }
    const name = lastKey(left.path);
    const named = (byName.get(name) ?? []).slice(0, MAX_BUCKET);
    for (const at of new Set([...equalCounts.keys(), ...named])) {
      const right = rights[at] as Candidate;
      if (parentPath(left.path) === parentPath(right.path)) continue;
      const shared = [...left.leaves.keys()].filter((key) => right.leaves.has(key));
      const union = new Set([...left.leaves.keys(), ...right.leaves.keys()]).size;
      const similarity = union === 0 ? 0 : shared.length / union;
      const equal = equalCounts.get(at) ?? 0;
      const enough = shared.length >= 2 || (shared.length === 1 && equal === 1 && similarity === 1);
      const sameContents = equal * 2 >= shared.length || lastKey(right.path) === name;
      if (similarity >= 0.6 && enough && sameContents) pairs.push({ left, right, sharedKeys: shared, similarity: similarity + equal / (shared.length * 100 + 1) });
    }
  }
  pairs.sort((a, b) => b.similarity - a.similarity || b.sharedKeys.length - a.sharedKeys.length || a.left.path.length - b.left.path.length);
  const chosen: MovedSubtree[] = [];
  for (const pair of pairs) {
    if (chosen.some((taken) => related(taken.left.path, pair.left.path) || related(taken.right.path, pair.right.path))) continue;
    chosen.push({ left: strip(pair.left), right: strip(pair.right), sharedKeys: pair.sharedKeys, similarity: pair.similarity });
  }
  return chosen;
}

function strip(candidate: Subtree): Subtree {
  return { path: candidate.path, posPath: candidate.posPath, value: candidate.value };
}
