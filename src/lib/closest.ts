// The nearest of a set of known names to a misspelled one (edit distance), for "did you mean" suggestions.
import { distance } from 'fastest-levenshtein';

/** The candidate nearest to value, when it is close enough to be a plausible misspelling (at most a third of its length). */
export function closest(value: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; cost: number } | undefined;
  for (const candidate of candidates) {
    const cost = distance(value.toLowerCase(), candidate.toLowerCase());
    if (!best || cost < best.cost) best = { candidate, cost };
  }
  return best && best.cost <= Math.max(2, Math.ceil(Math.max(value.length, best.candidate.length) / 3)) ? best.candidate : undefined;
}
