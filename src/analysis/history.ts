// Incident memory: one record per incident (signature, status, verification), similar past incidents by shared failure families and resources, and recurrences of fixed ones.
import type { FailureSignature } from './signature.ts';

export interface IncidentRecord {
  id: string;
  title: string;
  severity: string;
  environment: string;
  service: string;
  window: { start: string; end: string };
  /** The incident directory, relative to the history root. */
  directory: string;
  signature: FailureSignature;
  /** `verified-fixed` (fracas verify said verified), `fix-not-verified`, `root-cause-confirmed`, `open`. */
  status: 'verified-fixed' | 'fix-not-verified' | 'root-cause-confirmed' | 'open';
  verification?: { verdict: string; window: { start: string; end: string }; verifiedAt: string };
  /** Hours from when users were first affected to resolution (see `resolvedBasis`). */
  hoursToResolve?: number;
  /** What the hours are measured between: the review's milestones, else the incident window and a verified fix. */
  resolvedBasis?: string;
}

interface ReviewEvent {
  event?: string;
  time: string;
}

/**
 * Time to resolve: from the review's `started` (else `detected`, else the incident window's start) to its `resolved`
 * milestone, else to the end of the window a verified fix was checked over; undefined when neither says it is resolved.
 */
export function timeToResolve(
  window: { start: string },
  timeline: ReviewEvent[],
  verification: { verdict: string; window: { end: string } } | undefined,
): { hours: number; basis: string } | undefined {
  const milestone = (name: string) => timeline.find((event) => event.event === name)?.time;
  const startedEvent = milestone('started') ? 'started' : milestone('detected') ? 'detected' : undefined;
  const from = startedEvent ? milestone(startedEvent)! : window.start;
  const fromLabel = startedEvent ? `the review's ${startedEvent} milestone` : 'the start of the incident window';
  const resolved = milestone('resolved');
  const to = resolved ?? (verification?.verdict === 'verified' ? verification.window.end : undefined);
  if (!to) return undefined;
  const toLabel = resolved ? "the review's resolved milestone" : 'the end of the verified fix window';
  const hours = Math.round(((Date.parse(to) - Date.parse(from)) / 3_600_000) * 10) / 10;
  return { hours, basis: `from ${fromLabel} (${from}) to ${toLabel} (${to})` };
}

export interface SimilarIncident {
  id: string;
  title: string;
  directory: string;
  status: IncidentRecord['status'];
  /** 0..1: shared failure families (Jaccard), plus the same root-cause category and shared resources. */
  similarity: number;
  reasons: string[];
  /** The past incident was closed as fixed (verified) and its root family is back. */
  recurrence: boolean;
}

export function incidentStatus(rootCauseConfirmed: boolean, verdict: string | undefined): IncidentRecord['status'] {
  if (verdict === 'verified') return 'verified-fixed';
  if (verdict) return 'fix-not-verified';
  return rootCauseConfirmed ? 'root-cause-confirmed' : 'open';
}

/** Families that say what failed: the generic job-error and HTTP symptom families alone make no incidents alike. */
const GENERIC_FAMILIES = new Set(['signal:job-errors', 'signal:http-5xx', 'signal:stuck-jobs', 'signal:burst', 'signal:periodic-failures']);

function specificKeys(signature: FailureSignature): Set<string> {
  return new Set(signature.families.map((family) => family.key).filter((key) => !GENERIC_FAMILIES.has(key)));
}

function resources(signature: FailureSignature): Set<string> {
  return new Set(signature.families.map((family) => family.resource).filter((resource): resource is string => Boolean(resource)));
}

/** Past incidents that share failure families or root-cause category with this one, most similar first. */
export function similarIncidents(current: { id: string; signature: FailureSignature }, past: readonly IncidentRecord[], limit = 5): SimilarIncident[] {
  const keys = specificKeys(current.signature);
  const ownResources = resources(current.signature);
  const rootKey = current.signature.families[0]?.key;
  const found: SimilarIncident[] = [];
  for (const record of past) {
    if (record.id === current.id) continue;
    const otherKeys = specificKeys(record.signature);
    const shared = [...keys].filter((key) => otherKeys.has(key));
    const union = new Set([...keys, ...otherKeys]).size;
    const sameCategory = Boolean(current.signature.hypothesis && record.signature.hypothesis?.category === current.signature.hypothesis.category);
    const sharedResources = [...resources(record.signature)].filter((resource) => ownResources.has(resource));
    if (shared.length === 0 && !sameCategory) continue;
    const reasons: string[] = [];
    if (shared.length > 0)
      reasons.push(
        `shares ${shared.length} failure famil${shared.length === 1 ? 'y' : 'ies'}: ${shared.map((key) => record.signature.families.find((family) => family.key === key)?.title ?? key).join('; ')}`,
      );
    if (sameCategory) reasons.push(`same root-cause category (${current.signature.hypothesis!.category})`);
    if (sharedResources.length > 0) reasons.push(`same resource: ${sharedResources.join(', ')}`);
    const pastRoot = record.signature.families[0]?.key;
    const recurrence = record.status === 'verified-fixed' && pastRoot !== undefined && !GENERIC_FAMILIES.has(pastRoot) && (pastRoot === rootKey || keys.has(pastRoot));
    if (recurrence) reasons.push(`its root failure family is back although the incident was closed as fixed (verified ${record.verification?.verifiedAt ?? ''})`.trim());
    const similarity = (union > 0 ? shared.length / union : 0) * 0.7 + (sameCategory ? 0.2 : 0) + (sharedResources.length > 0 ? 0.1 : 0);
    found.push({ id: record.id, title: record.title, directory: record.directory, status: record.status, similarity: Math.round(similarity * 100) / 100, reasons, recurrence });
  }
  return found.sort((left, right) => Number(right.recurrence) - Number(left.recurrence) || right.similarity - left.similarity || left.id.localeCompare(right.id)).slice(0, limit);
}
