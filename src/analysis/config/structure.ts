// Moved or mis-indented subtrees: a block removed under one parent and added under another with the same keys.
import { isMapValue, leaves, childPath, type ConfigValue } from './tree.ts';

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

/** Enough for any real configuration; bounds the pairwise comparison on unrelated files. */
const MAX_CANDIDATES = 2000;

function candidates(roots: Subtree[]): Subtree[] {
  const out: Subtree[] = [];
  const walk = (node: Subtree): void => {
    if (out.length >= MAX_CANDIDATES || !isMapValue(node.value) || Object.keys(node.value).length === 0) return;
    out.push(node);
    for (const [key, value] of Object.entries(node.value)) walk({ path: childPath(node.path, key), posPath: childPath(node.posPath, key), value });
  };
  roots.forEach(walk);
  return out;
}

function related(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`) || a.startsWith(`${b}[`) || b.startsWith(`${a}[`);
}

/**
 * Pair removed and added blocks whose key sets match (Jaccard >= 0.6 over leaf key paths, at least two shared
 * keys, or one shared key with an equal value). Names are not compared: `external_services.openai` and
 * `webhook.openai` match because their contents do.
 */
export function findMovedSubtrees(removed: Subtree[], added: Subtree[]): MovedSubtree[] {
  const lefts = candidates(removed);
  const rights = candidates(added);
  const pairs: MovedSubtree[] = [];
  const rightLeavesOf = rights.map((right) => leaves(right.value));
  for (const left of lefts) {
    const leftLeaves = leaves(left.value);
    for (const [index, right] of rights.entries()) {
      const rightLeaves = rightLeavesOf[index] as Map<string, ConfigValue>;
      const shared = [...leftLeaves.keys()].filter((key) => rightLeaves.has(key));
      const union = new Set([...leftLeaves.keys(), ...rightLeaves.keys()]).size;
      const similarity = union === 0 ? 0 : shared.length / union;
      const equalValues = shared.filter((key) => JSON.stringify(leftLeaves.get(key)) === JSON.stringify(rightLeaves.get(key))).length;
      const enough = shared.length >= 2 || (shared.length === 1 && equalValues === 1 && similarity === 1);
      if (similarity >= 0.6 && enough) pairs.push({ left, right, sharedKeys: shared, similarity: similarity + equalValues / (shared.length * 100 + 1) });
    }
  }
  pairs.sort((a, b) => b.similarity - a.similarity || b.sharedKeys.length - a.sharedKeys.length || a.left.path.length - b.left.path.length);
  const chosen: MovedSubtree[] = [];
  for (const pair of pairs) {
    if (chosen.some((taken) => related(taken.left.path, pair.left.path) || related(taken.right.path, pair.right.path))) continue;
    chosen.push(pair);
  }
  return chosen;
}
