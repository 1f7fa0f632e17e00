// Failure patterns in one log source (pure): error timeline with deploy/restart markers, load correlation, histograms,
// inter-arrival, periodicity, bursts, first appearance of error categories relative to deploys, webhook outcomes;
// and `logFindings`, the findings (with refs to real records) that the hypothesis rules combine.
import type { EvidenceRef, Level, LogEntity, LogEvent, LogEvidence, LogRecord, LogTemplate } from '../evidence/schema.ts';
import { classifyError, hintsFromFields, type SignatureMatch } from '../lib/error-signatures/index.ts';
import { hasStackTrace, isTracebackFragment } from '../lib/log-templates/families.ts';
import { episodes, interArrival, pearson, periodicity, type InterArrival, type Periodicity } from '../lib/log-templates/time-stats.ts';
import type { Finding, Severity, Signal } from './types.ts';

/** Gap that separates two error episodes (bursts). */
const EPISODE_GAP_MINUTES = 10;
/** Deploy/build events closer than this are one deploy. */
const DEPLOY_MERGE_MINUTES = 30;
const MAX_REFS = 5;
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

interface TimelineMarker {
  time: string;
  kind: LogEvent['kind'];
  label: string;
  ref: EvidenceRef;
}

interface Deploy {
  /** First deploy/build event of the group. */
  start: string;
  /** Last event of the group (e.g. "your service is live"). */
  end: string;
  ref: EvidenceRef;
}

interface Burst {
  start: string;
  end: string;
  errors: number;
  durationMinutes: number;
}

interface ErrorCategory {
  templateId: string;
  template: string;
  /** The finding signal of the template's error signature, when the catalogue recognises it. */
  signal?: Signal;
  /** The error signature (src/lib/error-signatures) the template matched. */
  signatureId?: string;
  /** What the error concerns (the signature's resource kind, refined by the record) and its name where the record says. */
  resource?: string;
  resourceName?: string;
  count: number;
  firstSeen?: string;
  lastSeen?: string;
  /** The last deploy that started before the category first appeared, and how long after it. */
  afterDeploy?: { deploy: string; minutesAfter: number };
  /** True when the category first appeared after a deploy and never before it (in the collected window). */
  newAfterDeploy: boolean;
  ref?: EvidenceRef;
}

interface WebhookStatusRow {
  statusCode: number;
  count: number;
  firstSeen?: string;
  lastSeen?: string;
}

interface WebhookPatterns {
  /** Requests to paths containing "webhook", by status code. */
  byStatus: WebhookStatusRow[];
  requests: number;
  failedRequests: number;
  /** Job ids whose webhook requests all failed (at least one request, none delivered). */
  failedOnly: string[];
  /** Job ids with at least one delivered webhook after failures. */
  recovered: string[];
  /** Job ids named in this source that received no webhook request (only when the source has webhook requests). */
  none: string[];
}

export interface LogPatterns {
  source: string;
  totalRecords: number;
  errorRecords: number;
  /** Per-minute buckets with data (ISO minute, counts), sorted. */
  timeline: LogEvidence['perMinute'];
  /** Every deploy, build, restart, start-up and shutdown line, for marking the timeline. */
  markers: TimelineMarker[];
  deploys: Deploy[];
  /** Restart/crash lines and start-ups that no deploy explains (one per boot). */
  restarts: TimelineMarker[];
  /** Error rate against request volume (records carrying a statusCode). */
  load?: {
    requests: number;
    failedRequests: number;
    /** failedRequests / requests. */
    failureRate: number;
    /** Pearson correlation between requests per minute and failed (5xx) requests per minute, over minutes with requests; null when undefined. */
    correlation: number | null;
    minutes: number;
  };
  /** Error records by hour of day (UTC), 24 entries. */
  hourOfDay: number[];
  /** Error records by weekday (UTC), Mon..Sun. */
  weekday: { day: (typeof WEEKDAYS)[number]; errors: number }[];
  interArrival: InterArrival | null;
  periodicity: Periodicity | null;
  bursts: Burst[];
  /** Error templates with their first appearance relative to deploys, most frequent first. */
  categories: ErrorCategory[];
  webhooks?: WebhookPatterns;
}

function ref(source: string, file: string, line: number, excerpt: string, timestamp?: string): EvidenceRef {
  const text = excerpt.split('\n', 1)[0]!;
  return { kind: 'log-record', source, file, line, excerpt: text.length > 200 ? `${text.slice(0, 199)}…` : text, ...(timestamp ? { timestamp } : {}) };
}

function recordRef(source: string, record: LogRecord): EvidenceRef {
  return ref(source, record.file, record.line, record.message, record.timestamp);
}

function errorCount(template: LogTemplate, withWarn = false): number {
  return (template.levels.error ?? 0) + (template.levels.fatal ?? 0) + (withWarn ? (template.levels.warn ?? 0) : 0);
}

const iso = (ms: number): string => new Date(ms).toISOString();

function isFragment(template: LogTemplate): boolean {
  const sample = template.samples[0]?.message;
  return sample !== undefined && isTracebackFragment(sample);
}

/** Deploys: deploy/build events grouped when closer than DEPLOY_MERGE_MINUTES. */
function deploysOf(source: string, events: LogEvent[]): Deploy[] {
  const deploys: Deploy[] = [];
  for (const event of events) {
    if (event.kind !== 'deploy' && event.kind !== 'build') continue;
    const last = deploys[deploys.length - 1];
    if (last && Date.parse(event.timestamp) - Date.parse(last.end) <= DEPLOY_MERGE_MINUTES * 60_000) last.end = event.timestamp;
    else deploys.push({ start: event.timestamp, end: event.timestamp, ref: ref(source, event.file, event.line, event.message, event.timestamp) });
  }
  return deploys;
}

function isWebhookPath(path: string): boolean {
  return /webhook/i.test(path);
}

function requestsFailedOnly(entity: LogEntity): boolean {
  const requests = entity.webhook.requests ?? 0;
  return requests > 0 && (entity.webhook.requestsFailed ?? 0) === requests;
}

function requestsRecovered(entity: LogEntity): boolean {
  const failed = entity.webhook.requestsFailed ?? 0;
  return failed > 0 && failed < (entity.webhook.requests ?? 0);
}

function webhookPatterns(evidence: LogEvidence): WebhookPatterns | undefined {
  if (onlyPostgres(evidence)) return undefined;
  const rows = new Map<number, WebhookStatusRow>();
  for (const request of evidence.requests ?? []) {
    if (!isWebhookPath(request.path)) continue;
    const row = rows.get(request.statusCode) ?? { statusCode: request.statusCode, count: 0 };
    row.count += request.count;
    if (request.firstSeen && (!row.firstSeen || request.firstSeen < row.firstSeen)) row.firstSeen = request.firstSeen;
    if (request.lastSeen && (!row.lastSeen || request.lastSeen > row.lastSeen)) row.lastSeen = request.lastSeen;
    rows.set(request.statusCode, row);
  }
  const jobs = (evidence.entities ?? []).filter((entity) => entity.kind === 'job-id');
  const withRequests = jobs.filter((entity) => (entity.webhook.requests ?? 0) > 0);
  if (rows.size === 0 && !jobs.some((entity) => entity.webhook.failed > 0)) return undefined;
  const byStatus = [...rows.values()].sort((a, b) => a.statusCode - b.statusCode);
  const requests = byStatus.reduce((sum, row) => sum + row.count, 0);
  return {
    byStatus,
    requests,
    failedRequests: byStatus.filter((row) => row.statusCode >= 400).reduce((sum, row) => sum + row.count, 0),
    failedOnly: jobs.filter((entity) => (withRequests.length > 0 ? requestsFailedOnly(entity) : entity.webhook.failed > 0 && entity.webhook.delivered === 0)).map((entity) => entity.id),
    recovered: jobs.filter((entity) => (withRequests.length > 0 ? requestsRecovered(entity) : entity.webhook.failed > 0 && entity.webhook.delivered > 0)).map((entity) => entity.id),
    none: withRequests.length > 0 ? jobs.filter((entity) => (entity.webhook.requests ?? 0) === 0).map((entity) => entity.id) : [],
  };
}

/** Compute the failure patterns of one log source. */
export function logPatterns(source: string, evidence: LogEvidence): LogPatterns {
  const markers: TimelineMarker[] = evidence.events.map((event) => ({
    time: event.timestamp,
    kind: event.kind,
    label: event.message,
    ref: ref(source, event.file, event.line, event.message, event.timestamp),
  }));
  const deploys = deploysOf(source, evidence.events);
  const hourOfDay = new Array<number>(24).fill(0);
  const weekdayCounts = new Array<number>(7).fill(0);
  let errorRecords = 0;
  let requests = 0;
  let failedRequests = 0;
  const requestSeries: number[] = [];
  const errorSeries: number[] = [];
  for (const bucket of evidence.perMinute) {
    errorRecords += bucket.errors;
    requests += bucket.requests;
    failedRequests += bucket.failedRequests;
    if (bucket.errors > 0) {
      const date = new Date(bucket.minute);
      hourOfDay[date.getUTCHours()]! += bucket.errors;
      weekdayCounts[(date.getUTCDay() + 6) % 7]! += bucket.errors;
    }
    if (bucket.requests > 0) {
      requestSeries.push(bucket.requests);
      errorSeries.push(bucket.failedRequests);
    }
  }
  const times = evidence.errorTimes ?? evidence.perMinute.flatMap((bucket) => (bucket.errors > 0 ? [Date.parse(bucket.minute)] : []));
  const groups = episodes(times, EPISODE_GAP_MINUTES * 60_000);
  const bursts: Burst[] = groups
    .filter((group) => group.count >= 3)
    .map((group) => ({ start: iso(group.start), end: iso(group.end), errors: group.count, durationMinutes: Math.round((group.end - group.start) / 60_000) }));
  const firstRecords = firstRecordByTemplate(evidence);
  const categories: ErrorCategory[] = evidence.templates
    .filter((template) => errorCount(template, true) > 0)
    .map((template) => {
      const family = isFragment(template) ? undefined : templateSignature(template, firstRecords.get(template.id));
      const first = template.firstSeen;
      const before = first ? deploys.filter((deploy) => deploy.start <= first) : [];
      const last = before[before.length - 1];
      const category: ErrorCategory = {
        templateId: template.id,
        template: template.template,
        count: errorCount(template, true),
        newAfterDeploy: false,
        ...(family ? { signal: family.signature.signal, signatureId: family.signature.id, resource: family.resource } : {}),
        ...(family?.resourceName ? { resourceName: family.resourceName } : {}),
        ...(template.firstSeen ? { firstSeen: template.firstSeen } : {}),
        ...(template.lastSeen ? { lastSeen: template.lastSeen } : {}),
      };
      if (last && first) {
        category.afterDeploy = { deploy: last.start, minutesAfter: Math.round((Date.parse(first) - Date.parse(last.start)) / 60_000) };
        category.newAfterDeploy = (evidence.timedRecords ?? 1) > 0 && Date.parse(first) >= Date.parse(last.start) && hasDataBefore(evidence, last.start);
      }
      const sample = template.samples[0];
      if (sample) category.ref = ref(source, sample.file, sample.line, sample.message, template.firstSeen);
      return category;
    })
    .sort((a, b) => b.count - a.count || a.templateId.localeCompare(b.templateId));
  const patterns: LogPatterns = {
    source,
    totalRecords: evidence.totalRecords,
    errorRecords,
    timeline: evidence.perMinute,
    markers,
    deploys,
    restarts: [...evidence.events.filter((event) => event.kind === 'restart'), ...unexpectedBoots(evidence, deploys)]
      .sort((a, b) => a.timestamp.localeCompare(b.timestamp))
      .map((event) => ({ time: event.timestamp, kind: event.kind, label: event.message, ref: ref(source, event.file, event.line, event.message, event.timestamp) })),
    hourOfDay,
    weekday: WEEKDAYS.map((day, index) => ({ day, errors: weekdayCounts[index]! })),
    interArrival: interArrival(times),
    periodicity: periodicity(groups.map((group) => group.start)),
    bursts,
    categories,
  };
  if (requests > 0) patterns.load = { requests, failedRequests, failureRate: failedRequests / requests, correlation: pearson(requestSeries, errorSeries), minutes: requestSeries.length };
  const webhooks = webhookPatterns(evidence);
  if (webhooks) patterns.webhooks = webhooks;
  return patterns;
}

/** Whether the source has any record before `time` (so "first seen after the deploy" means something). */
function hasDataBefore(evidence: LogEvidence, time: string): boolean {
  const first = evidence.perMinute[0]?.minute;
  return first !== undefined && first < time;
}

// ------------------------------------------------------------------ findings

function severityFor(signal: Signal, count: number): Severity {
  if (signal === 'deploy') return 'info';
  if (signal === 'memory-limit' || signal === 'pool-exhaustion' || signal === 'errors-after-deploy') return count >= 3 ? 'high' : 'medium';
  if (signal === 'http-5xx' || signal === 'webhook-failures') return count >= 10 ? 'high' : 'medium';
  if (signal === 'restart') return count >= 3 ? 'high' : 'medium';
  return count >= 10 ? 'medium' : 'low';
}

function mergeEntities(target: Record<string, string[]>, source: Record<string, string[]>, cap = 200): void {
  for (const [kind, ids] of Object.entries(source)) {
    const set = new Set(target[kind] ?? []);
    for (const id of ids) if (set.size < cap) set.add(id);
    target[kind] = [...set];
  }
}

function span(values: (string | undefined)[]): { firstSeen?: string; lastSeen?: string } {
  const defined = values.filter((value): value is string => Boolean(value)).sort();
  return defined.length > 0 ? { firstSeen: defined[0]!, lastSeen: defined[defined.length - 1]! } : {};
}

function onlyPostgres(evidence: LogEvidence): boolean {
  return evidence.files.length > 0 && evidence.files.every((file) => file.format === 'postgres' || file.format === 'postgres-syslog');
}

function recordLevel(record: LogRecord): Level | undefined {
  return record.level;
}

/** The first record of each template (its structured fields give classification hints). */
function firstRecordByTemplate(evidence: LogEvidence): Map<string, LogRecord> {
  const first = new Map<string, LogRecord>();
  for (const record of evidence.records) if (record.templateId && !first.has(record.templateId)) first.set(record.templateId, record);
  return first;
}

/**
 * A template's error signature: its first sample is read first (masking hides ports, status codes and errnos such as
 * 429 or 111), then the masked template; the first record's fields (err.type, err.code ...) are hints.
 */
function templateSignature(template: LogTemplate, record?: LogRecord): SignatureMatch | undefined {
  const hints = record ? hintsFromFields(record.fields) : {};
  const sample = template.samples[0]?.message ?? record?.message;
  const found = (sample ? classifyError(sample, hints) : undefined) ?? classifyError(template.template, hints);
  // A generic match (an uncaught exception) gives way to a specific one in the whole record (a Java "Caused by:" line).
  if (record && record.message !== sample && (!found || (found.signature.priority ?? 50) <= GENERIC_PRIORITY)) {
    const whole = classifyError(record.message, hints);
    if (whole && (!found || (whole.signature.priority ?? 50) > (found.signature.priority ?? 50))) return whole;
  }
  return found;
}

/** Signatures at or below this priority are generic symptoms (an uncaught exception, a traceback, "timed out"). */
const GENERIC_PRIORITY = 12;

/** Findings of one log source: error families, 5xx, webhook outcomes, deploys, restarts, bursts, periodicity. */
export function logFindings(sourceId: string, evidence: LogEvidence, patterns: LogPatterns = logPatterns(sourceId, evidence)): Finding[] {
  const findings: Finding[] = [];
  const id = (suffix: string): string => `logs-${sourceId}-${suffix}`;
  const recordsById = new Map<string, LogRecord[]>();
  for (const record of evidence.records) {
    if (!record.templateId) continue;
    const list = recordsById.get(record.templateId) ?? [];
    if (list.length < MAX_REFS) list.push(record);
    recordsById.set(record.templateId, list);
  }
  const templateRefs = (template: LogTemplate): EvidenceRef[] => {
    const records = recordsById.get(template.id);
    if (records && records.length > 0) return records.map((record) => recordRef(sourceId, record));
    return template.samples.map((sample) => ref(sourceId, sample.file, sample.line, sample.message));
  };

  // Error signatures of error/warning templates, one finding per signature and resource (PostgreSQL server logs are
  // classified by the database analysis).
  if (!onlyPostgres(evidence)) {
    const firstRecords = firstRecordByTemplate(evidence);
    const bySignature = new Map<string, { match: SignatureMatch; templates: { template: LogTemplate; resourceName?: string }[] }>();
    for (const template of evidence.templates) {
      if (errorCount(template, true) === 0 || isFragment(template)) continue;
      const match = templateSignature(template, firstRecords.get(template.id));
      if (!match) continue;
      const key = `${match.signature.id}\u0000${match.resource}`;
      const entry = bySignature.get(key) ?? { match, templates: [] };
      entry.templates.push({ template, ...(match.resourceName ? { resourceName: match.resourceName } : {}) });
      bySignature.set(key, entry);
    }
    const perSignal = new Map<Signal, number>();
    for (const { match } of bySignature.values()) perSignal.set(match.signature.signal, (perSignal.get(match.signature.signal) ?? 0) + 1);
    for (const { match, templates: entries } of bySignature.values()) {
      const { signature } = match;
      const signal = signature.signal;
      const templates = entries.map((entry) => entry.template);
      const count = templates.reduce((sum, template) => sum + errorCount(template, true), 0);
      const entities: Record<string, string[]> = {};
      for (const template of templates) mergeEntities(entities, template.entities);
      const refs = templates.flatMap(templateRefs).slice(0, MAX_REFS);
      const top = [...templates].sort((a, b) => errorCount(b, true) - errorCount(a, true))[0]!;
      const names = resourceNames(entries);
      findings.push({
        // One signature per signal keeps the short id; several get the signature in the id.
        id: id(perSignal.get(signal) === 1 ? signal : `${signal}-${signature.id}${match.resource === signature.resource ? '' : `-${match.resource}`}`),
        signal,
        area: 'logs',
        title: `${signature.title} in ${sourceId}`,
        detail: `${count} error/warning record(s) in ${templates.length} template(s); most frequent: "${top.template.slice(0, 160)}" (${errorCount(top, true)}). Signature ${signature.id} (${signature.category}, ${match.resource}${names ? ` ${names}` : ''}).`,
        severity: severityFor(signal, count),
        count,
        refs,
        signatureId: signature.id,
        resource: match.resource,
        ...(names ? { resourceName: names } : {}),
        ...(Object.keys(entities).length > 0 ? { entities } : {}),
        ...span(templates.flatMap((template) => [template.firstSeen, template.lastSeen])),
      });
    }
  }

  // Errors that carry a stack trace (the family rules see only the first line of a record).
  const traced = evidence.templates.filter((template) => (template.tracebacks ?? 0) > 0 && errorCount(template, true) > 0);
  if (traced.length > 0 && !onlyPostgres(evidence) && !findings.some((finding) => finding.signal === 'unhandled-exception')) {
    const count = traced.reduce((sum, template) => sum + (template.tracebacks ?? 0), 0);
    const ids = new Set(traced.map((template) => template.id));
    const records = evidence.records.filter((record) => record.templateId && ids.has(record.templateId) && hasStackTrace(record.message));
    const entities: Record<string, string[]> = {};
    for (const template of traced) mergeEntities(entities, template.entities);
    findings.push({
      id: id('unhandled-exception'),
      signal: 'unhandled-exception',
      area: 'logs',
      title: `Exceptions with stack traces in ${sourceId}`,
      detail: `${count} error record(s) carry a stack trace, in ${traced.length} template(s): ${traced
        .slice(0, 3)
        .map((template) => `"${template.template.slice(0, 100)}" (${template.tracebacks})`)
        .join('; ')}.`,
      severity: severityFor('unhandled-exception', count),
      count,
      refs: (records.length > 0 ? records.slice(0, MAX_REFS).map((record) => recordRef(sourceId, record)) : traced.flatMap(templateRefs)).slice(0, MAX_REFS),
      ...(Object.keys(entities).length > 0 ? { entities } : {}),
      ...span(traced.flatMap((template) => [template.firstSeen, template.lastSeen])),
    });
  }

  // Server errors from request logs.
  const failing = (evidence.requests ?? []).filter((request) => request.statusCode >= 500);
  if (failing.length > 0) {
    const count = failing.reduce((sum, request) => sum + request.count, 0);
    const records = evidence.records.filter((record) => Number(record.fields.statusCode) >= 500);
    const byStatus = new Map<number, number>();
    for (const request of failing) byStatus.set(request.statusCode, (byStatus.get(request.statusCode) ?? 0) + request.count);
    const paths = [...new Set(failing.sort((a, b) => b.count - a.count).map((request) => `${request.method ?? ''} ${request.path || '(no path in the records)'}`.trim()))].slice(0, 3);
    findings.push({
      id: id('http-5xx'),
      signal: 'http-5xx',
      area: 'logs',
      title: `HTTP 5xx responses in ${sourceId}`,
      detail: `${count} request(s) answered ${[...byStatus].map(([status, n]) => `${status} × ${n}`).join(', ')}${patterns.load ? ` (${(patterns.load.failureRate * 100).toFixed(1)}% of ${patterns.load.requests} requests)` : ''}; most on ${paths.join(', ')}.`,
      severity: severityFor('http-5xx', count),
      count,
      refs: records.slice(0, MAX_REFS).map((record) => recordRef(sourceId, record)),
      ...span(failing.flatMap((request) => [request.firstSeen, request.lastSeen])),
    });
  }

  // Webhooks: failed deliveries and jobs that never received one.
  const webhooks = patterns.webhooks;
  const entities = evidence.entities ?? [];
  if (webhooks) {
    const failedEntities = entities.filter((entity) => entity.kind === 'job-id' && (webhooks.requests > 0 ? (entity.webhook.requestsFailed ?? 0) > 0 : entity.webhook.failed > 0));
    const failedRecords = evidence.records.filter((record) => isWebhookPath(record.fields.path ?? '') && Number(record.fields.statusCode) >= 400);
    const failedCount = webhooks.failedRequests || failedEntities.reduce((sum, entity) => sum + entity.webhook.failed, 0);
    if (failedCount > 0) {
      const refs =
        failedRecords.length > 0
          ? failedRecords.slice(0, MAX_REFS).map((record) => recordRef(sourceId, record))
          : failedEntities
              .slice(0, MAX_REFS)
              .flatMap((entity) =>
                entity.webhook.lastFailure
                  ? [ref(sourceId, entity.webhook.lastFailure.file, entity.webhook.lastFailure.line, entity.webhook.lastFailure.excerpt, entity.webhook.lastFailure.timestamp)]
                  : [],
              );
      const statuses = webhooks.byStatus
        .filter((row) => row.statusCode >= 400)
        .map((row) => `${row.statusCode} × ${row.count}`)
        .join(', ');
      findings.push({
        id: id('webhook-failures'),
        signal: 'webhook-failures',
        area: 'logs',
        title: `Webhook deliveries failing in ${sourceId}`,
        detail:
          webhooks.requests > 0
            ? `${failedCount} of ${webhooks.requests} webhook request(s) failed (${statuses}); ${webhooks.failedOnly.length} job(s) never had a successful delivery, ${webhooks.recovered.length} succeeded after failing.`
            : `${failedCount} log record(s) report failed webhook deliveries for ${failedEntities.length} job(s).`,
        severity: severityFor('webhook-failures', failedCount),
        count: failedCount,
        refs,
        entities: { 'job-id': failedEntities.map((entity) => entity.id).slice(0, 500) },
        ...span([
          ...webhooks.byStatus.filter((row) => row.statusCode >= 400).flatMap((row) => [row.firstSeen, row.lastSeen]),
          ...failedEntities.map((entity) => entity.webhook.lastFailure?.timestamp),
        ]),
      });
    }
    if (webhooks.none.length > 0) {
      const none = new Set(webhooks.none);
      findings.push(
        missingWebhookFinding(
          sourceId,
          id('missing-webhooks'),
          entities.filter((entity) => entity.kind === 'job-id' && none.has(entity.id)),
        ),
      );
    }
  }

  // Deploys, restarts, errors that start after a deploy.
  for (const deploy of patterns.deploys) {
    findings.push({
      id: id(`deploy-${deploy.start.slice(0, 16).replace(/[^0-9]/g, '')}`),
      signal: 'deploy',
      area: 'logs',
      title: `Deploy at ${deploy.start.slice(0, 16).replace('T', ' ')}Z`,
      detail: `Deploy/build events from ${deploy.start} to ${deploy.end}.`,
      severity: 'info',
      count: 1,
      refs: [deploy.ref],
      firstSeen: deploy.start,
      lastSeen: deploy.end,
    });
  }
  const crashes = evidence.events.filter((event) => event.kind === 'restart');
  const boots = unexpectedBoots(evidence, patterns.deploys);
  const restarts = [...crashes, ...boots].sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  if (restarts.length > 0) {
    const parts = [crashes.length > 0 ? `${crashes.length} restart/crash line(s)` : '', boots.length > 0 ? `${boots.length} process start-up(s) outside any deploy` : ''].filter(Boolean);
    findings.push({
      id: id('restart'),
      signal: 'restart',
      area: 'logs',
      title: `Process restarts in ${sourceId}`,
      detail: `${parts.join(' and ')}, e.g. "${restarts[0]!.message.slice(0, 120)}" at ${restarts[0]!.timestamp}.`,
      severity: severityFor('restart', restarts.length),
      count: restarts.length,
      refs: restarts.slice(0, MAX_REFS).map((event) => ref(sourceId, event.file, event.line, event.message, event.timestamp)),
      ...span(restarts.map((event) => event.timestamp)),
    });
  }
  const fresh = patterns.categories.filter((category) => category.newAfterDeploy && category.count > 0 && category.signal && category.signal !== 'unhandled-exception');
  if (fresh.length > 0) {
    const count = fresh.reduce((sum, category) => sum + category.count, 0);
    findings.push({
      id: id('errors-after-deploy'),
      signal: 'errors-after-deploy',
      area: 'logs',
      title: `Error categories that first appear after a deploy in ${sourceId}`,
      detail: fresh
        .slice(0, 5)
        .map(
          (category) =>
            `"${category.template.slice(0, 100)}" (${category.count}) first at ${category.firstSeen}, ${category.afterDeploy!.minutesAfter} min after the deploy of ${category.afterDeploy!.deploy}`,
        )
        .join('; '),
      severity: severityFor('errors-after-deploy', count),
      count,
      refs: [
        ...new Map(fresh.map((category) => [category.afterDeploy!.deploy, patterns.deploys.find((deploy) => deploy.start === category.afterDeploy!.deploy)!.ref])).values(),
        ...fresh.flatMap((category) => (category.ref ? [category.ref] : [])),
      ].slice(0, MAX_REFS + 1),
      ...span(fresh.map((category) => category.firstSeen)),
    });
  }

  // Time shape: bursts and periodicity of error episodes.
  const errorRecords = evidence.records.filter((record) => recordLevel(record) === 'error' || recordLevel(record) === 'fatal' || Number(record.fields.statusCode) >= 500);
  const refsIn = (start: string, end: string): EvidenceRef[] =>
    errorRecords
      .filter((record) => record.timestamp && record.timestamp >= start && record.timestamp <= end)
      .slice(0, 1)
      .map((record) => recordRef(sourceId, record));
  const burstErrors = patterns.bursts.reduce((sum, burst) => sum + burst.errors, 0);
  if (patterns.bursts.length > 0 && patterns.errorRecords > 0 && burstErrors / patterns.errorRecords >= 0.5) {
    const top = [...patterns.bursts].sort((a, b) => b.errors - a.errors);
    findings.push({
      id: id('burst'),
      signal: 'burst',
      area: 'logs',
      title: `Errors come in bursts in ${sourceId}`,
      detail: `${patterns.bursts.length} burst(s) (episodes of >= 3 errors, gaps > ${EPISODE_GAP_MINUTES} min apart) hold ${burstErrors} of ${patterns.errorRecords} error record(s); largest: ${top
        .slice(0, 3)
        .map((burst) => `${burst.start.slice(11, 16)}-${burst.end.slice(11, 16)}Z (${burst.errors})`)
        .join(', ')}.`,
      severity: patterns.bursts.length >= 3 ? 'medium' : 'low',
      count: patterns.bursts.length,
      refs: top.slice(0, MAX_REFS).flatMap((burst) => refsIn(burst.start, burst.end)),
      firstSeen: patterns.bursts[0]!.start,
      lastSeen: patterns.bursts[patterns.bursts.length - 1]!.end,
    });
  }
  if (patterns.periodicity) {
    const starts = episodes(evidence.errorTimes ?? [], EPISODE_GAP_MINUTES * 60_000);
    findings.push({
      id: id('periodic-failures'),
      signal: 'periodic-failures',
      area: 'logs',
      title: `Failures recur ${patterns.periodicity.description.split(' (')[0]} in ${sourceId}`,
      detail: `Error episodes start ${patterns.periodicity.description}.`,
      severity: 'medium',
      count: patterns.periodicity.support,
      refs: starts.slice(0, MAX_REFS).flatMap((episode) => refsIn(iso(episode.start), iso(episode.end))),
      ...span(starts.map((episode) => iso(episode.start))),
    });
  }
  return findings;
}

/** The resource names a group of templates gives, most frequent first (at most three). */
function resourceNames(entries: { template: LogTemplate; resourceName?: string }[]): string | undefined {
  const counts = new Map<string, number>();
  for (const { template, resourceName } of entries) if (resourceName) counts.set(resourceName, (counts.get(resourceName) ?? 0) + template.count);
  const names = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([name]) => name);
  return names.length === 0 ? undefined : names.slice(0, 3).join(', ') + (names.length > 3 ? `, +${names.length - 3} more` : '');
}

/** Start-up lines closer than this belong to one boot. */
const BOOT_GAP_MINUTES = 2;
/** A boot this long after a deploy started (or its last event) belongs to the deploy. */
const DEPLOY_BOOT_MINUTES = 15;

/**
 * Boots (start-up lines grouped within BOOT_GAP_MINUTES) that no deploy explains and that are not the start of
 * the log itself: the process came back after a crash, an OOM kill or a platform restart. One event per boot.
 */
function unexpectedBoots(evidence: LogEvidence, deploys: Deploy[]): LogEvent[] {
  const starts = evidence.events.filter((event) => event.kind === 'start');
  const boots: LogEvent[] = [];
  let last = -Infinity;
  for (const event of starts) {
    const time = Date.parse(event.timestamp);
    if (time - last > BOOT_GAP_MINUTES * 60_000) boots.push(event);
    last = time;
  }
  const firstRecord = evidence.perMinute[0] ? Date.parse(evidence.perMinute[0].minute) : undefined;
  return boots.filter((boot) => {
    const time = Date.parse(boot.timestamp);
    if (firstRecord !== undefined && time - firstRecord <= BOOT_GAP_MINUTES * 60_000) return false;
    return !deploys.some((deploy) => time >= Date.parse(deploy.start) - 60_000 && time <= Date.parse(deploy.end) + DEPLOY_BOOT_MINUTES * 60_000);
  });
}

function missingWebhookFinding(sourceId: string, id: string, entities: LogEntity[]): Finding {
  return {
    id,
    signal: 'missing-webhooks',
    area: 'logs',
    title: `Jobs that never received a webhook (${sourceId})`,
    detail: `${entities.length} job id(s) are named in the logs but no webhook request for them was received: ${entities
      .slice(0, 5)
      .map((entity) => entity.id)
      .join(', ')}${entities.length > 5 ? ', ...' : ''}.`,
    severity: entities.length >= 3 ? 'medium' : 'low',
    count: entities.length,
    refs: entities.slice(0, MAX_REFS).map((entity) => ref(sourceId, entity.file, entity.line, entity.excerpt ?? `${entity.kind} ${entity.id}`, entity.firstSeen)),
    entities: { 'job-id': entities.map((entity) => entity.id).slice(0, 500) },
    ...span(entities.flatMap((entity) => [entity.firstSeen, entity.lastSeen])),
  };
}

/**
 * Findings that need several log sources together: job ids named anywhere (e.g. a worker's "submitting job X")
 * that received no webhook request in any source, when some source does log webhook requests.
 */
export function crossSourceLogFindings(sources: { id: string; evidence: LogEvidence }[]): Finding[] {
  const received = new Set<string>();
  let anyWebhookRequests = false;
  for (const { evidence } of sources) {
    for (const entity of evidence.entities ?? []) {
      if (entity.kind === 'job-id' && (entity.webhook.requests ?? 0) > 0) {
        received.add(entity.id);
        anyWebhookRequests = true;
      }
    }
  }
  if (!anyWebhookRequests) return [];
  const findings: Finding[] = [];
  const reported = new Set<string>();
  for (const { id, evidence } of sources) {
    const jobs = evidence.entities ?? [];
    const hasOwnRequests = jobs.some((entity) => entity.kind === 'job-id' && (entity.webhook.requests ?? 0) > 0);
    if (hasOwnRequests) continue; // logFindings already reports this source's own gaps
    const missing = jobs.filter((entity) => entity.kind === 'job-id' && !received.has(entity.id) && !reported.has(entity.id));
    for (const entity of missing) reported.add(entity.id);
    if (missing.length > 0) findings.push(missingWebhookFinding(id, `logs-${id}-missing-webhooks-across-sources`, missing));
  }
  return findings;
}
