// Re-runs never silently drop evidence: a source that fails now keeps what an earlier run collected, marked as kept.
import { evidenceProblems } from './check.ts';
import type { AnySourceResult, EvidenceBundle } from './schema.ts';

const KEPT_WARNING_PREFIX = 'kept evidence collected at ';

/** True when this source's evidence was carried over from an earlier run (see mergeEvidence). */
export function isKeptEvidence(source: AnySourceResult): boolean {
  return source.warnings.some((warning) => warning.startsWith(KEPT_WARNING_PREFIX));
}

/** Sources of `next` that could take evidence from an earlier run (see mergeEvidence): without one, the earlier bundle need not be read. */
export function needsEarlierEvidence(next: EvidenceBundle, options: MergeOptions = {}): boolean {
  return (options.notCollected ?? []).length > 0 || next.sources.some(lacksEvidence);
}

const lacksEvidence = (source: AnySourceResult): boolean => source.evidence === undefined && (source.status === 'failed' || source.status === 'skipped');

/**
 * Merge a new bundle with the previous one from the same directory. For each source of `next` that has no
 * evidence now (failed or skipped) but had evidence before (same id and kind), keep the previous evidence
 * and provenance, set status 'partial', keep this run's error, and add the warning
 * "kept evidence collected at <time>; this run: <error>". Evidence that does not pass evidenceProblems is not
 * kept. Everything else comes from `next`; sources that
 * are no longer in the manifest are dropped (removing a source is explicit, not a failure), except those named
 * in `options.notCollected` (e.g. the manifest's other sources in a `--only` run): they are carried over
 * unchanged, after the sources of this run.
 */
export function mergeEvidence(previous: EvidenceBundle | undefined, next: EvidenceBundle, options: MergeOptions = {}): EvidenceBundle {
  if (!previous || !Array.isArray(previous.sources)) return next;
  const before = new Map(previous.sources.map((source) => [`${source.kind}\u0000${source.id}`, source]));
  const sources = next.sources.map((source): AnySourceResult => {
    if (!lacksEvidence(source)) return source;
    const old = before.get(`${source.kind}\u0000${source.id}`);
    if (!old || old.evidence === undefined || (old.status !== 'ok' && old.status !== 'partial')) return source;
    // Never carry over evidence that analysis could not read (a hand-edited or foreign evidence.json).
    if (typeof old.provenance?.collectedAt !== 'string' || !Array.isArray(old.warnings) || evidenceProblems(old.kind, old.evidence).length > 0) return source;
    const reason = source.error?.message ?? (source.status === 'skipped' ? 'skipped' : 'failed');
    const carried = old.warnings.filter((warning) => !warning.startsWith(KEPT_WARNING_PREFIX));
    return {
      ...markEarlierPlaceholders(old, old.provenance.collectedAt),
      status: 'partial',
      ...(source.error ? { error: source.error } : {}),
      durationMs: source.durationMs,
      warnings: [`${KEPT_WARNING_PREFIX}${old.provenance.collectedAt}; this run: ${reason}`, ...carried],
    } as AnySourceResult;
  });
  const collected = new Set(next.sources.map((source) => `${source.kind}\u0000${source.id}`));
  const carried =
    (options.notCollected ?? []).length === 0
      ? []
      : previous.sources.filter(
          (source) =>
            options.notCollected?.includes(source.id) &&
            !collected.has(`${source.kind}\u0000${source.id}`) &&
            (source.evidence === undefined || evidenceProblems(source.kind, source.evidence).length === 0),
        );
  return { ...next, sources: [...sources, ...carried] };
}

export interface MergeOptions {
  /** Ids of sources still in the manifest that this run did not collect (e.g. `--only`): keep their earlier results. */
  notCollected?: string[];
}

const RUN_PLACEHOLDER = /\[REDACTED:([a-z0-9-]{1,40}):(\d{1,12})\]/g;

/**
 * Placeholders are numbered per run, so `[REDACTED:password:1]` in kept evidence and in this run's evidence
 * can stand for different secrets. Kept evidence gets its run in the number: `[REDACTED:password:1-r20261120100000]`
 * (placeholders already marked keep their first run).
 */
function markEarlierPlaceholders<T>(value: T, collectedAt: string): T {
  const run = `r${collectedAt.replace(/\D/g, '').slice(0, 20) || '0'}`;
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return item.includes('[REDACTED:') ? item.replace(RUN_PLACEHOLDER, `[REDACTED:$1:$2-${run}]`) : item;
    if (Array.isArray(item)) return item.map(walk);
    if (item !== null && typeof item === 'object') return Object.fromEntries(Object.entries(item).map(([key, inner]) => [walk(key) as string, walk(inner)]));
    return item;
  };
  return walk(value) as T;
}
