// Small hand-made evidence bundles for the attribution tests: one log source whose templates, minutes, requests and entities are spelled out.
import type { EvidenceBundle, LogEntity, LogEvidence, LogRecord, LogTemplate } from '../../../src/evidence/schema.ts';

export const START = Date.parse('2026-10-06T12:00:00Z');
export const minute = (offset: number): string => new Date(START + offset * 60_000).toISOString().replace(/\.\d{3}Z$/, '.000Z');

interface FamilySpec {
  id: string;
  message: string;
  /** Minutes (offsets from START) with one record each (repeat an offset for more). */
  at: number[];
  level?: 'warn' | 'error' | 'fatal';
  /** Request ids named by the records (for entity chains). */
  requestIds?: string[];
}

/** A template with its minute histogram and one kept record per minute (up to 50). */
function template(spec: FamilySpec): { template: LogTemplate; records: LogRecord[] } {
  const minutes = new Map<string, number>();
  for (const offset of spec.at) minutes.set(minute(offset), (minutes.get(minute(offset)) ?? 0) + 1);
  const level = spec.level ?? 'error';
  const sorted = [...spec.at].sort((a, b) => a - b);
  return {
    template: {
      id: spec.id,
      template: spec.message.split('\n', 1)[0]!,
      count: spec.at.length,
      levels: { [level]: spec.at.length },
      firstSeen: minute(sorted[0]!),
      lastSeen: minute(sorted[sorted.length - 1]!),
      samples: [{ file: 'logs/app.log', line: 1, message: spec.message }],
      entities: spec.requestIds ? { 'request-id': spec.requestIds.slice(0, 20) } : {},
      minutes: [...minutes].sort((a, b) => a[0].localeCompare(b[0])),
    },
    records: sorted.slice(0, 50).map((offset, index) => ({ file: 'logs/app.log', line: 100 + index, timestamp: minute(offset), level, message: spec.message, fields: {}, templateId: spec.id })),
  };
}

export interface BundleSpec {
  families: FamilySpec[];
  /** Failed requests: [minute offset, count] (status 500 on one endpoint). */
  failures?: [number, number][];
  /** Request-id entities with their error chains (template ids in order). */
  chains?: Record<string, string[]>;
  events?: LogEvidence['events'];
  windowMinutes?: number;
  symptom?: EvidenceBundle['incident']['symptom'];
  baseline?: EvidenceBundle['incident']['baseline'];
}

export function bundle(spec: BundleSpec): EvidenceBundle {
  const built = spec.families.map(template);
  const failures = spec.failures ?? [];
  const failed = failures.reduce((sum, [, count]) => sum + count, 0);
  const perMinute = new Map<string, { minute: string; total: number; errors: number; requests: number; failedRequests: number }>();
  for (const [offset, count] of failures) perMinute.set(minute(offset), { minute: minute(offset), total: count, errors: count, requests: count, failedRequests: count });
  const requestTemplate: LogTemplate = {
    id: 'req',
    template: 'GET /api/orders <*>',
    count: failed,
    levels: { error: failed },
    samples: [{ file: 'logs/app.log', line: 2, message: 'GET /api/orders 500' }],
    entities: {},
    minutes: failures.map(([offset, count]) => [minute(offset), count]),
  };
  const entities: LogEntity[] = Object.entries(spec.chains ?? {}).map(([id, chain]) => ({
    kind: 'request-id',
    id,
    records: chain.length + 1,
    errors: chain.length + 1,
    file: 'logs/app.log',
    line: 3,
    errorTemplates: [...chain, 'req'],
    webhook: { attempts: 0, delivered: 0, failed: 0 },
  }));
  const evidence: LogEvidence = {
    files: [{ path: 'logs/app.log', format: 'json-lines', records: 0, unparsed: 0, unparsedSamples: [] }],
    totalRecords: 0,
    records: [
      ...built.flatMap((item) => item.records),
      ...(failures.length > 0
        ? [
            {
              file: 'logs/app.log',
              line: 2,
              timestamp: minute(failures[0]![0]),
              level: 'error' as const,
              message: 'GET /api/orders 500',
              fields: { method: 'GET', path: '/api/orders', statusCode: '500' },
              templateId: 'req',
            },
          ]
        : []),
    ],
    recordsTruncated: false,
    templates: [...built.map((item) => item.template), ...(failures.length > 0 ? [requestTemplate] : [])],
    events: spec.events ?? [],
    perMinute: [...perMinute.values()].sort((a, b) => a.minute.localeCompare(b.minute)),
    requests: failures.length > 0 ? [{ method: 'GET', path: '/api/orders', statusCode: 500, count: failed, file: 'logs/app.log', line: 2 }] : [],
    entities,
  };
  return {
    schemaVersion: 1,
    incident: {
      id: 'T-1',
      title: 'fixture',
      severity: 'P3',
      environment: 'staging',
      service: 'api',
      window: { start: new Date(START).toISOString(), end: new Date(START + (spec.windowMinutes ?? 240) * 60_000).toISOString() },
      ...(spec.symptom ? { symptom: spec.symptom } : {}),
      ...(spec.baseline ? { baseline: spec.baseline } : {}),
    },
    collectedAt: new Date(START).toISOString(),
    sources: [{ id: 'app', kind: 'logs', status: 'ok', warnings: [], provenance: { description: 'fixture', collectedAt: new Date(START).toISOString() }, durationMs: 0, evidence }],
  };
}

/** Offsets [from, to) every `step` minutes. */
export function every(from: number, to: number, step = 1): number[] {
  const out: number[] = [];
  for (let offset = from; offset < to; offset += step) out.push(offset);
  return out;
}
