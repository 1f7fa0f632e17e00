// A far end that refused or dropped connections while a process was dying: the death is the cause, the refusals its consequence.
import { signatureById } from '../../lib/error-signatures/index.ts';
import { PEER_DOWN_SIGNATURES } from '../../lib/error-signatures/peer-down.ts';
import type { Signal } from '../../lib/error-signatures/vocabulary.ts';
import type { Candidate } from './types.ts';

/** Signals of a process ending: out of memory, killed, crashed, restarted, an exception nothing caught. */
const PROCESS_DEATH_SIGNALS = new Set<Signal>(['memory-limit', 'restart', 'unhandled-exception']);
/** A family whose records are mostly at level fatal: the runtime said it is dying (an error logged by a live process is not a death). */
const FATAL_SHARE = 0.5;
/** A death may begin this long before the refusals it explains (a restart loop starts with the first crash) ... */
const LEAD_MINUTES = 15;
/** ... or this long after their first one (records of a dying process are written late or not at all). */
const LAG_MINUTES = 2;

const signatureOf = (candidate: Candidate) => (candidate.signatureId ? signatureById(candidate.signatureId) : undefined);

/** The far end was not there to answer: refused, reset or closed before a response. */
function meansPeerDown(candidate: Candidate): boolean {
  return candidate.kind === 'error-family' && candidate.signatureId !== undefined && PEER_DOWN_SIGNATURES.has(candidate.signatureId);
}

/**
 * A process ended: the platform says so (a restart, an exit, a kill for memory), or the runtime printed a fatal error of
 * a kind that ends it. An out-of-memory error a live process logged and survived is not a death.
 */
function meansProcessDeath(candidate: Candidate): boolean {
  const signature = signatureOf(candidate);
  if (candidate.kind !== 'error-family' || signature === undefined || !PROCESS_DEATH_SIGNALS.has(signature.signal)) return false;
  return signature.signal === 'restart' || signature.ecosystem === 'platform' || (candidate.features.fatalShare ?? 0) >= FATAL_SHARE;
}

/**
 * When the leading candidate says only that a far end did not answer, and a process died from shortly before its onset,
 * the death takes the lead: it is scored just above the refusals it explains (its rule says so), and the refusals are
 * marked as its consequence. A death that is background (the same rate before the onset) explains nothing. Pure; the
 * candidates come sorted by score and leave sorted.
 */
export function attributePeerFailures(candidates: Candidate[]): Candidate[] {
  const lead = candidates.find((candidate) => candidate.score > 0 && !candidate.features.background);
  if (!lead || !meansPeerDown(lead) || lead.features.onsetOffsetMinutes === undefined) return candidates;
  const leadOnset = lead.features.onsetOffsetMinutes;
  const death = candidates.find((candidate) => {
    const onset = candidate.features.onsetOffsetMinutes;
    return (
      candidate !== lead &&
      !candidate.features.background &&
      candidate.features.incidentCount > 0 &&
      meansProcessDeath(candidate) &&
      onset !== undefined &&
      onset >= leadOnset - LEAD_MINUTES &&
      onset <= leadOnset + LAG_MINUTES
    );
  });
  if (!death) return candidates;
  const score = Math.round(Math.min(1, lead.score + 0.01) * 1000) / 1000;
  const promoted: Candidate = {
    ...death,
    score: Math.max(death.score, score),
    rule: `${death.rule}; raised to ${score}, just above "${lead.title}" (${lead.score}): that far end refused or dropped connections from ${leadOnset - (death.features.onsetOffsetMinutes ?? 0)} min after this process began to die, which explains them`,
  };
  const demoted: Candidate = { ...lead, consequenceOf: death.id };
  return candidates.map((candidate) => (candidate === death ? promoted : candidate === lead ? demoted : candidate)).sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
}
