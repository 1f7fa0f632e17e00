// One timeline across sources and the review: deploys and restarts, commits (with the git source's lookback) and config changes, activity new just before the failures, first errors, peaks, first stuck job.
import { findCheck, jobTables } from '../evidence/database-checks.ts';
import { evidenceOf, logEvidenceOf, type EvidenceBundle } from '../evidence/schema.ts';
import { FAILURE_SIGNALS, type Finding, type TimelineEntry } from './types.ts';

const MAX_EVENTS_PER_KIND = 12;

function firstStuckJob(bundle: EvidenceBundle): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const { source, evidence } of evidenceOf(bundle, 'database')) {
    for (const table of jobTables(evidence)) {
      const check = findCheck(evidence, 'stuck-jobs', table);
      const column = table.updatedColumn ?? 'updated_at';
      if (!check) continue;
      let earliest: { time: string; row: number } | undefined;
      check.rows.forEach((row, index) => {
        const value = row[column];
        if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) return;
        if (!earliest || Date.parse(value) < Date.parse(earliest.time)) earliest = { time: new Date(value).toISOString(), row: index };
      });
      if (earliest) {
        const row = check.rows[earliest.row] ?? {};
        entries.push({
          time: earliest.time,
          source: source.id,
          kind: 'first-stuck-job',
          label: `Oldest stuck job last updated (${check.rowCount} stuck in all)`,
          ref: { kind: 'query-row', source: source.id, check: check.id, row: earliest.row, excerpt: JSON.stringify(row).slice(0, 200) },
        });
      }
    }
  }
  return entries;
}

function logEvents(bundle: EvidenceBundle): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const { source, evidence } of logEvidenceOf(bundle)) {
    const perKind = new Map<string, number>();
    for (const event of evidence.events) {
      const seen = perKind.get(event.kind) ?? 0;
      if (seen >= MAX_EVENTS_PER_KIND) continue;
      perKind.set(event.kind, seen + 1);
      entries.push({
        time: event.timestamp,
        source: source.id,
        kind: event.kind === 'deploy' || event.kind === 'build' ? 'deploy' : event.kind === 'restart' || event.kind === 'start' ? 'restart' : 'event',
        label: event.message,
        ref: { kind: 'log-record', source: source.id, file: event.file, line: event.line, excerpt: event.message, timestamp: event.timestamp },
      });
    }
    const peak = evidence.perMinute.reduce<(typeof evidence.perMinute)[number] | undefined>((best, minute) => (minute.errors > 0 && (!best || minute.errors > best.errors) ? minute : best), undefined);
    if (peak) entries.push({ time: peak.minute, source: source.id, kind: 'peak', label: `Peak: ${peak.errors} error record(s) in one minute` });
  }
  return entries;
}

function commits(bundle: EvidenceBundle): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  const window = bundle.incident.window;
  const beforeEnd = (time: string) => Date.parse(time) <= Date.parse(window.end);
  for (const { source, evidence } of [...evidenceOf(bundle, 'git'), ...evidenceOf(bundle, 'code')]) {
    for (const commit of evidence.commits) {
      if (!beforeEnd(commit.authorTime) || (source.kind === 'code' && Date.parse(commit.authorTime) < Date.parse(window.start))) continue;
      const touchesConfig = commit.files.some((file) => /(^|\/)(config|conf|settings)(\/|\.)|\.(ya?ml|env|toml|ini)$/i.test(file));
      entries.push({
        time: commit.authorTime,
        source: source.id,
        kind: touchesConfig ? 'config-change' : 'commit',
        label: `${commit.hash.slice(0, 8)} ${commit.subject}${commit.beforeWindow ? ' (before the window)' : ''}`,
        ref: { kind: 'file-line', source: source.id, file: commit.files[0] ?? '.', line: 1, excerpt: `${commit.hash.slice(0, 12)} ${commit.subject}` },
      });
    }
  }
  return entries;
}

function firstErrors(findings: Finding[]): TimelineEntry[] {
  return findings
    .filter((finding) => FAILURE_SIGNALS.includes(finding.signal) && finding.firstSeen)
    .map((finding) => ({
      time: finding.firstSeen as string,
      source: finding.refs[0]?.source ?? finding.area,
      kind: 'first-error' as const,
      label: `First: ${finding.title}`,
      ...(finding.refs[0] ? { ref: finding.refs[0] } : {}),
    }));
}

/** A template first seen this close before the first error (or a minute after it) is activity that began with the failures. */
const NEW_ACTIVITY_LEAD_MS = 15 * 60_000;
/** At most this many records: a batch run, a cron job, a migration, not traffic. */
const MAX_NEW_ACTIVITY_RECORDS = 5;
const MAX_NEW_ACTIVITY_PER_SOURCE = 3;

/**
 * Rare non-error templates that first appear shortly before the first error, in a log that had run without them for at
 * least as long before (so not a log's own start-up lines): a job, export or migration that began with the failures.
 */
function newActivity(bundle: EvidenceBundle, findings: Finding[]): TimelineEntry[] {
  const onset = Math.min(...findings.filter((finding) => FAILURE_SIGNALS.includes(finding.signal) && finding.firstSeen).map((finding) => Date.parse(finding.firstSeen!)));
  if (!Number.isFinite(onset)) return [];
  const entries: TimelineEntry[] = [];
  for (const { source, evidence } of logEvidenceOf(bundle)) {
    const logStart = Math.min(...evidence.templates.filter((template) => template.firstSeen).map((template) => Date.parse(template.firstSeen!)));
    const candidates = evidence.templates.filter((template) => {
      const first = template.firstSeen ? Date.parse(template.firstSeen) : Number.NaN;
      const failing = (template.levels.error ?? 0) + (template.levels.fatal ?? 0) + (template.levels.warn ?? 0) > 0;
      return (
        first >= onset - NEW_ACTIVITY_LEAD_MS && first <= onset + 60_000 && first - logStart >= NEW_ACTIVITY_LEAD_MS && template.count <= MAX_NEW_ACTIVITY_RECORDS && !failing && template.samples[0]
      );
    });
    for (const template of candidates.sort((a, b) => Date.parse(b.firstSeen!) - Date.parse(a.firstSeen!)).slice(0, MAX_NEW_ACTIVITY_PER_SOURCE)) {
      const sample = template.samples[0]!;
      const minutes = Math.round((onset - Date.parse(template.firstSeen!)) / 60_000);
      entries.push({
        time: template.firstSeen!,
        source: source.id,
        kind: 'new-activity',
        label: `New: ${sample.message} (${template.count} record(s) of it, none before; ${minutes > 0 ? `${minutes} min before` : 'at'} the first error)`,
        ref: { kind: 'log-record', source: source.id, file: sample.file, line: sample.line, excerpt: sample.message, timestamp: template.firstSeen! },
      });
    }
  }
  return entries;
}

/** Evidence events, plus the review's own events from incident.yaml (`extra`), in time order. */
export function buildTimeline(bundle: EvidenceBundle, findings: Finding[], extra: TimelineEntry[] = []): TimelineEntry[] {
  return [...logEvents(bundle), ...commits(bundle), ...newActivity(bundle, findings), ...firstErrors(findings), ...firstStuckJob(bundle), ...extra]
    .filter((entry) => !Number.isNaN(Date.parse(entry.time)))
    .sort((left, right) => Date.parse(left.time) - Date.parse(right.time) || left.kind.localeCompare(right.kind) || left.label.localeCompare(right.label));
}

const KEY_KINDS: TimelineEntry['kind'][] = ['review', 'deploy', 'config-change', 'restart', 'new-activity', 'first-error', 'first-stuck-job', 'peak'];
/** Rows of the body's timeline; the full timeline goes to the appendix. */
const KEY_TIMELINE_ROWS = 14;

/** The events a reader needs first: review milestones, deploys and config changes, restarts, new activity, first errors, the peak. */
export function keyEvents(timeline: TimelineEntry[], max = KEY_TIMELINE_ROWS): TimelineEntry[] {
  const ranked = timeline
    .map((entry, index) => ({ entry, index, rank: KEY_KINDS.indexOf(entry.kind) }))
    .filter(({ rank }) => rank >= 0)
    .sort((left, right) => left.rank - right.rank || left.index - right.index)
    .slice(0, max);
  return ranked.sort((left, right) => left.index - right.index).map(({ entry }) => entry);
}
