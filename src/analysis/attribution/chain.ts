// The causal chain shown in the report: root cause -> consequences -> user impact, contributing factors, background noise.
import type { Candidate, CausalChain, Symptom } from './types.ts';

/** A family counts as a consequence of the root when, in the entities they share, the root's error comes first. */
function followsRoot(candidate: Candidate, root: Candidate, chains: Map<string, string[]>): boolean {
  const rootTemplates = new Set(root.templates);
  const own = new Set(candidate.templates);
  let shared = 0;
  let after = 0;
  for (const chain of chains.values()) {
    const rootAt = chain.findIndex((template) => rootTemplates.has(template));
    const ownAt = chain.findIndex((template) => own.has(template));
    if (rootAt < 0 || ownAt < 0) continue;
    shared++;
    if (rootAt < ownAt) after++;
  }
  if (shared >= 3) return after / shared >= 0.6;
  // Without shared entities: it began at or after the root's onset and reaches the symptom less.
  const offset = candidate.features.onsetOffsetMinutes;
  const rootOffset = root.features.onsetOffsetMinutes;
  return offset !== undefined && rootOffset !== undefined && offset >= rootOffset && offset - rootOffset <= 15 && (candidate.features.reach ?? 0) <= (root.features.reach ?? 0);
}

export function buildChain(candidates: Candidate[], symptom: Symptom | undefined, chains: Map<string, string[]>): CausalChain {
  const ranked = candidates.filter((candidate) => candidate.score > 0);
  const root = ranked.find((candidate) => !candidate.features.background);
  const impact = symptom
    ? {
        statement: `${symptom.description}${symptom.onset ? `, from ${symptom.onset.slice(11, 16)}Z` : ''}${symptom.end && symptom.onset ? ` to ${symptom.end.slice(11, 16)}Z` : ''}`,
        refs: symptom.refs,
      }
    : { statement: 'No symptom (failed requests, jobs or error records) was found in the evidence.', refs: [] };
  const link = (candidate: Candidate) => ({ candidate: candidate.id, statement: candidate.statement, refs: candidate.refs.slice(0, 3) });
  const consequences: Candidate[] = [];
  const contributing: Candidate[] = [];
  const background: Candidate[] = [];
  for (const candidate of ranked) {
    if (candidate === root) continue;
    if (candidate.features.background) {
      background.push(candidate);
      continue;
    }
    if (root && candidate.kind === 'error-family' && root.kind === 'error-family' && (candidate.consequenceOf === root.id || followsRoot(candidate, root, chains))) consequences.push(candidate);
    else if (candidate.score >= 0.3 && candidate.category !== root?.category) contributing.push(candidate);
  }
  return {
    ...(root ? { root: link(root) } : {}),
    consequences: consequences.slice(0, 5).map(link),
    impact,
    contributing: contributing.slice(0, 5).map(link),
    background: background.slice(0, 8).map(link),
  };
}
