// The data behind the report's charts: failures over time with deploy markers, errors by category, errors by hour of day.
import { logEvidenceOf, type EvidenceBundle } from '../evidence/schema.ts';
import type { ChartSeries } from './model.ts';
import { FAILURE_SIGNALS, type Finding } from './types.ts';

const BUCKET_MINUTES = 15;

function bucket(minute: string): string {
  const time = Date.parse(minute);
  const size = BUCKET_MINUTES * 60_000;
  return new Date(Math.floor(time / size) * size).toISOString();
}

export function chartSeries(bundle: EvidenceBundle, findings: Finding[]): ChartSeries[] {
  const logs = logEvidenceOf(bundle);
  const charts: ChartSeries[] = [];
  const errors = new Map<string, number>();
  const failedRequests = new Map<string, number>();
  const hours = new Array<number>(24).fill(0);
  for (const { evidence } of logs) {
    for (const minute of evidence.perMinute) {
      if (Number.isNaN(Date.parse(minute.minute))) continue;
      const key = bucket(minute.minute);
      const otherErrors = Math.max(0, minute.errors - minute.failedRequests);
      if (otherErrors > 0) errors.set(key, (errors.get(key) ?? 0) + otherErrors);
      if (minute.failedRequests > 0) failedRequests.set(key, (failedRequests.get(key) ?? 0) + minute.failedRequests);
      hours[new Date(minute.minute).getUTCHours()] = (hours[new Date(minute.minute).getUTCHours()] ?? 0) + minute.errors;
    }
  }
  const markers = logs
    .flatMap(({ evidence }) => evidence.events)
    .filter((event) => event.kind === 'deploy' || event.kind === 'restart')
    .map((event) => ({ x: event.timestamp, label: event.kind }))
    .sort((left, right) => left.x.localeCompare(right.x))
    .filter((marker, index, all) => index === 0 || Date.parse(marker.x) - Date.parse(all[index - 1]?.x ?? '') > 10 * 60_000)
    .slice(0, 20);
  const points = [
    ...[...errors.entries()].map(([x, y]) => ({ x, y, series: 'other error records' })),
    ...[...failedRequests.entries()].map(([x, y]) => ({ x, y, series: 'failed requests (5xx)' })),
  ].sort((left, right) => left.x.localeCompare(right.x) || left.series.localeCompare(right.series));
  if (points.length > 0) {
    charts.push({
      id: 'failures-over-time',
      title: `Failures per ${BUCKET_MINUTES} minutes (UTC), deploys and restarts marked`,
      file: 'charts/failures-over-time.svg',
      kind: 'time',
      bucketMinutes: BUCKET_MINUTES,
      points,
      markers,
    });
  }
  const categories = new Map<string, number>();
  for (const finding of findings) {
    if (!FAILURE_SIGNALS.includes(finding.signal)) continue;
    categories.set(finding.signal, (categories.get(finding.signal) ?? 0) + finding.count);
  }
  if (categories.size > 0) {
    charts.push({
      id: 'errors-by-category',
      title: 'Evidence by error category',
      file: 'charts/errors-by-category.svg',
      kind: 'bar',
      points: [...categories.entries()].sort((left, right) => right[1] - left[1] || left[0].localeCompare(right[0])).map(([x, y]) => ({ x, y, series: 'records' })),
      markers: [],
    });
  }
  if (hours.some((count) => count > 0)) {
    charts.push({
      id: 'hour-of-day',
      title: 'Error records by hour of day (UTC)',
      file: 'charts/hour-of-day.svg',
      kind: 'bar',
      points: hours.map((y, hour) => ({ x: String(hour).padStart(2, '0'), y, series: 'errors' })),
      markers: [],
    });
  }
  return charts;
}
