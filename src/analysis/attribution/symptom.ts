// The symptom: what users suffered (failed requests by endpoint, failed or stuck jobs, error records), detected or from `symptom:`.
import { evidenceOf, type EvidenceBundle, type EvidenceRef, type LogEvidence, type SymptomSpec } from '../../evidence/schema.ts';
import type { Finding } from '../types.ts';
import { elevatedSegment, MINUTE, seriesOf, widen, type Series } from './series.ts';
import type { JobOutcomes } from './jobs.ts';
import type { Symptom } from './types.ts';

/** The symptom's segment holds at least this share of its failures. */
const SYMPTOM_SHARE = 0.6;

export interface DetectedSymptom extends Symptom {
  series: Series;
  /** Symptom entity ids (of `entityKind`). */
  ids: Set<string>;
  /** The log source the symptom was read from (failed requests), if one. */
  source?: string;
  /** The ids came from log entities and the evidence's entity list was capped: ids past the cap are missing, so a share of them is no reach. */
  idsPartial?: true;
}

function logSources(bundle: EvidenceBundle): { id: string; evidence: LogEvidence }[] {
  return [...evidenceOf(bundle, 'logs'), ...evidenceOf(bundle, 'render-api')].map(({ source, evidence }) => ({ id: source.id, evidence }));
}

/** Whether a log source's entity list reached its cap (later entities were not kept). */
function entitiesCapped(sources: { evidence: LogEvidence }[]): boolean {
  return sources.some(({ evidence }) => evidence.entitiesTruncated === true);
}

const ref = (source: string, file: string, line: number, excerpt: string, timestamp?: string): EvidenceRef => ({
  kind: 'log-record',
  source,
  file,
  line,
  excerpt: excerpt.split('\n', 1)[0]!.slice(0, 200),
  ...(timestamp ? { timestamp } : {}),
});

function failedRequests(evidence: LogEvidence, spec: SymptomSpec | undefined): { endpoint: string; status: number; count: number; file: string; line: number; firstSeen?: string }[] {
  const min = spec?.minStatus ?? 500;
  return (evidence.requests ?? [])
    .filter((request) => request.statusCode >= min && request.path !== '' && (!spec?.endpoint || request.path.includes(spec.endpoint)))
    .map((request) => ({
      endpoint: `${request.method ? `${request.method} ` : ''}${request.path}`,
      status: request.statusCode,
      count: request.count,
      file: request.file,
      line: request.line,
      ...(request.firstSeen ? { firstSeen: request.firstSeen } : {}),
    }))
    .sort((a, b) => b.count - a.count || a.endpoint.localeCompare(b.endpoint));
}

/** Minutes of failed requests: the per-minute 5xx counts, or (for a narrower symptom) the minutes of matching request templates. */
function requestMinutes(evidence: LogEvidence, spec: SymptomSpec | undefined): [string, number][] {
  if (!spec?.endpoint && (spec?.minStatus ?? 500) >= 500) return evidence.perMinute.map((bucket) => [bucket.minute, bucket.failedRequests]);
  const requestTemplates = new Set(
    evidence.records
      .filter((record) => record.templateId && Number(record.fields.statusCode) >= (spec?.minStatus ?? 500) && (!spec?.endpoint || (record.fields.path ?? '').includes(spec.endpoint)))
      .map((record) => record.templateId!),
  );
  return evidence.templates.filter((template) => requestTemplates.has(template.id)).flatMap((template) => template.minutes ?? []);
}

/** Failed and stuck jobs as the job tables record them: every one counted, each at the minute its row last changed. */
function tableJobs(outcomes: JobOutcomes | undefined, fromManifest: boolean, start: number, end: number): Omit<DetectedSymptom, 'onset' | 'end' | 'minutes'> | undefined {
  if (!outcomes || outcomes.failed.size < (fromManifest ? 1 : 3)) return undefined;
  const ids = new Set(outcomes.failed.keys());
  const stuck = [...outcomes.failed.values()].filter((job) => job.stuck).length;
  const byState = new Map<string, number>();
  for (const job of outcomes.failed.values()) if (!job.stuck) byState.set(job.state, (byState.get(job.state) ?? 0) + 1);
  const states = [...byState].sort((a, b) => b[1] - a[1]).map(([state, count]) => `${count} ${state}`);
  const minutes = new Map<string, number>();
  for (const job of outcomes.failed.values()) if (job.minute) minutes.set(job.minute, (minutes.get(job.minute) ?? 0) + 1);
  return {
    kind: 'failed-jobs',
    from: fromManifest ? 'manifest' : 'evidence',
    description: `${ids.size} failed or stuck job(s) in ${outcomes.tables.join(', ')}${states.length ? `: ${states.join(', ')}` : ''}${stuck > 0 ? `${states.length ? ',' : ':'} ${stuck} stuck in flight` : ''}`,
    count: ids.size,
    endpoints: [],
    entityKind: 'job-id',
    entities: ids.size,
    ids,
    refs: outcomes.refs.slice(0, 3),
    series: seriesOf(minutes, start, end),
  };
}

export function detectSymptom(bundle: EvidenceBundle, findings: Finding[], outcomes?: JobOutcomes): DetectedSymptom | undefined {
  const spec = bundle.incident.symptom;
  const start = Date.parse(bundle.incident.window.start);
  const end = Date.parse(bundle.incident.window.end) + MINUTE;
  const sources = logSources(bundle);
  const fromManifest = spec !== undefined && Object.keys(spec).length > 0;

  let symptom: Omit<DetectedSymptom, 'onset' | 'end' | 'minutes'> | undefined;
  // Jobs the job tables record as failed or stuck, when the manifest names jobs or nothing narrower.
  const jobs = !spec?.message && !spec?.endpoint && (!spec?.entity || spec.entity === 'job-id') ? tableJobs(outcomes, spec?.entity === 'job-id', start, end) : undefined;
  // Failed requests: read from the source with the most of them (an edge proxy and the app would count one request twice).
  if (!spec?.message && (!spec?.entity || spec.entity === 'request-id')) {
    const ranked = sources
      .map((source) => ({ source, requests: failedRequests(source.evidence, spec) }))
      .map((entry) => ({ ...entry, count: entry.requests.reduce((sum, request) => sum + request.count, 0) }))
      .sort((a, b) => b.count - a.count);
    const top = ranked[0];
    // More failed or stuck jobs than failed requests: the jobs are what users suffered most.
    if (top && top.count >= (fromManifest ? 1 : 3) && !(jobs && spec?.entity !== 'request-id' && jobs.count > top.count)) {
      const ids = new Set<string>();
      for (const { evidence } of sources) for (const entity of evidence.entities ?? []) if (entity.kind === 'request-id' && entity.errors > 0) ids.add(entity.id);
      const endpoints = top.requests.map(({ endpoint, status, count }) => ({ endpoint, status, count }));
      const byEndpoint = new Map<string, number>();
      for (const request of endpoints) byEndpoint.set(request.endpoint, (byEndpoint.get(request.endpoint) ?? 0) + request.count);
      const named = [...byEndpoint].sort((a, b) => b[1] - a[1]);
      symptom = {
        kind: 'failed-requests',
        from: fromManifest ? 'manifest' : 'evidence',
        description: `${top.count} failed request(s) (HTTP >= ${spec?.minStatus ?? 500}) on ${named.length} endpoint(s): ${named
          .slice(0, 4)
          .map(([endpoint, count]) => `${endpoint} (${count})`)
          .join(', ')}${named.length > 4 ? `, and ${named.length - 4} more` : ''}`,
        count: top.count,
        endpoints,
        ...(ids.size > 0 ? { entityKind: 'request-id' } : {}),
        entities: ids.size,
        ids,
        ...(entitiesCapped(sources) ? { idsPartial: true as const } : {}),
        refs: top.requests.slice(0, 3).map((request) => ref(top.source.id, request.file, request.line, `${request.endpoint} ${request.status}`, request.firstSeen)),
        series: seriesOf(requestMinutes(top.source.evidence, spec), start, end),
        source: top.source.id,
      };
    }
  }
  if (!symptom && jobs) symptom = jobs;
  // Failed or stuck jobs: job ids with errors in the logs, and stuck jobs from the database.
  if (!symptom && !spec?.message) {
    const kind = spec?.entity ?? 'job-id';
    const ids = new Set<string>();
    for (const finding of findings) if (finding.signal === 'stuck-jobs') for (const id of finding.entities?.[kind] ?? finding.entities?.['job-id'] ?? []) ids.add(id);
    const stuck = ids.size;
    for (const { evidence } of sources) for (const entity of evidence.entities ?? []) if (entity.kind === kind && entity.errors > 0) ids.add(entity.id);
    if (ids.size >= (fromManifest ? 1 : 3)) {
      const jobTemplates: [string, number][] = [];
      const refs: EvidenceRef[] = [];
      for (const { id, evidence } of sources) {
        for (const template of evidence.templates) {
          if (!template.entities[kind]?.length || !template.minutes) continue;
          jobTemplates.push(...template.minutes);
          const sample = template.samples[0];
          if (sample && refs.length < 3) refs.push(ref(id, sample.file, sample.line, sample.message, template.firstSeen));
        }
      }
      symptom = {
        kind: 'failed-jobs',
        from: fromManifest ? 'manifest' : 'evidence',
        description: `${ids.size} failed or stuck job(s) (${kind})${stuck > 0 ? `, ${stuck} of them stuck in the database` : ''}`,
        count: ids.size,
        endpoints: [],
        entityKind: kind,
        entities: ids.size,
        ids,
        ...(entitiesCapped(sources) ? { idsPartial: true as const } : {}),
        refs: [...refs, ...findings.filter((finding) => finding.signal === 'stuck-jobs').flatMap((finding) => finding.refs.slice(0, 2))].slice(0, 4),
        series: seriesOf(jobTemplates, start, end),
      };
    }
  }
  // Error records (optionally those whose message contains the manifest's text).
  if (!symptom) {
    const pairs: [string, number][] = [];
    let count = 0;
    const refs: EvidenceRef[] = [];
    for (const { id, evidence } of sources) {
      if (spec?.message) {
        for (const template of evidence.templates) {
          const sample = template.samples.find((item) => item.message.includes(spec.message!));
          if (!sample && !template.template.includes(spec.message)) continue;
          for (const pair of template.minutes ?? []) {
            pairs.push(pair);
            count += pair[1];
          }
          if (sample && refs.length < 3) refs.push(ref(id, sample.file, sample.line, sample.message, template.firstSeen));
        }
      } else {
        for (const bucket of evidence.perMinute) {
          pairs.push([bucket.minute, bucket.errors]);
          count += bucket.errors;
        }
        for (const record of evidence.records)
          if ((record.level === 'error' || record.level === 'fatal') && refs.length < 3) refs.push(ref(id, record.file, record.line, record.message, record.timestamp));
      }
    }
    if (count === 0) return undefined;
    symptom = {
      kind: 'error-records',
      from: fromManifest ? 'manifest' : 'evidence',
      description: spec?.message ? `${count} error record(s) containing "${spec.message}"` : `${count} error record(s)`,
      count,
      endpoints: [],
      entities: 0,
      ids: new Set(),
      refs,
      series: seriesOf(pairs, start, end),
    };
  }
  const found = elevatedSegment(symptom.series, SYMPTOM_SHARE);
  const segment = found ? widen(symptom.series, found) : undefined;
  const onset = spec?.onset ? Date.parse(spec.onset) : segment?.onset;
  const segmentEnd = segment?.end ?? end;
  let minutes = 0;
  if (onset !== undefined)
    for (let index = 0; index < symptom.series.bins.length; index++) {
      const time = symptom.series.start + index * symptom.series.binMs;
      if (time >= onset && time < segmentEnd && symptom.series.bins[index]! > 0) minutes++;
    }
  return {
    ...symptom,
    ...(onset !== undefined ? { onset: new Date(onset).toISOString() } : {}),
    end: new Date(Math.min(segmentEnd, end)).toISOString(),
    minutes,
  };
}
