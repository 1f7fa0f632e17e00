// Pure statistics over event times: episodes (bursts), inter-arrival summary, periodicity, Pearson correlation, histograms.
import { quantileSorted } from 'd3-array';
import { sampleCorrelation } from 'simple-statistics';

export interface Episode {
  start: number;
  end: number;
  count: number;
}

/** Split sorted times (ms) into episodes separated by more than `gapMs`. */
export function episodes(times: number[], gapMs: number): Episode[] {
  const result: Episode[] = [];
  for (const time of times) {
    const last = result[result.length - 1];
    if (last && time - last.end <= gapMs) {
      last.end = time;
      last.count++;
    } else result.push({ start: time, end: time, count: 1 });
  }
  return result;
}

/** The q-quantile of ascending values, interpolated linearly between ranks (R-7, as d3-array computes it); NaN when empty. */
function quantile(sorted: number[], q: number): number {
  return sorted.length === 0 ? Number.NaN : (quantileSorted(sorted, q) ?? Number.NaN);
}

export interface InterArrival {
  count: number;
  minSeconds: number;
  medianSeconds: number;
  meanSeconds: number;
  p90Seconds: number;
  maxSeconds: number;
}

export function interArrival(times: number[]): InterArrival | null {
  if (times.length < 2) return null;
  const gaps: number[] = [];
  for (let index = 1; index < times.length; index++) gaps.push((times[index]! - times[index - 1]!) / 1000);
  gaps.sort((a, b) => a - b);
  return {
    count: gaps.length,
    minSeconds: gaps[0]!,
    medianSeconds: quantile(gaps, 0.5),
    meanSeconds: gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length,
    p90Seconds: quantile(gaps, 0.9),
    maxSeconds: gaps[gaps.length - 1]!,
  };
}

/** Pearson correlation of two equally long series (simple-statistics); null when either is constant or shorter than 3. */
export function pearson(xs: number[], ys: number[]): number | null {
  const n = Math.min(xs.length, ys.length);
  if (n < 3) return null;
  const left = xs.slice(0, n);
  const right = ys.slice(0, n);
  if (left.every((value) => value === left[0]) || right.every((value) => value === right[0])) return null;
  const correlation = sampleCorrelation(left, right);
  return Number.isFinite(correlation) ? correlation : null;
}

export interface Periodicity {
  kind: 'interval' | 'minute-of-hour';
  /** For interval: the period in minutes. */
  periodMinutes?: number;
  /** For minute-of-hour: the minute (0..59) the episodes start at. */
  minute?: number;
  /** Episodes that fit the pattern / all episodes. */
  support: number;
  episodes: number;
  description: string;
}

function formatPeriod(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440} day(s)`;
  if (minutes % 60 === 0) return `${minutes / 60} hour(s)`;
  if (minutes > 90) return `${(minutes / 60).toFixed(1)} hours`;
  return `${Math.round(minutes)} minutes`;
}

/**
 * Periodicity of episode starts: a regular interval (gaps within 10% of their median, rounded to a
 * round period when close), or the same minute of the hour in most episodes (cron-like, e.g. every hour at :00).
 */
export function periodicity(starts: number[]): Periodicity | null {
  if (starts.length < 4) return null;
  const minutes = starts.map((start) => Math.floor(start / 60_000) % 60);
  const counts = new Array<number>(60).fill(0);
  for (const minute of minutes) counts[minute]!++;
  let best = 0;
  for (let minute = 0; minute < 60; minute++) {
    const around = counts[minute]! + counts[(minute + 1) % 60]! + counts[(minute + 59) % 60]!;
    const bestAround = counts[best]! + counts[(best + 1) % 60]! + counts[(best + 59) % 60]!;
    if (around > bestAround) best = minute;
  }
  const support = counts[best]! + counts[(best + 1) % 60]! + counts[(best + 59) % 60]!;
  const gaps: number[] = [];
  for (let index = 1; index < starts.length; index++) gaps.push((starts[index]! - starts[index - 1]!) / 60_000);
  const sorted = [...gaps].sort((a, b) => a - b);
  const median = quantile(sorted, 0.5);
  if (median >= 2) {
    const regular = gaps.filter((gap) => Math.abs(gap - median) <= Math.max(1, median * 0.1)).length;
    if (regular / gaps.length >= 0.75) {
      const round = [5, 10, 15, 30, 60, 120, 180, 240, 360, 480, 720, 1440].find((period) => Math.abs(period - median) <= period * 0.05);
      const period = round ?? Math.round(median);
      return { kind: 'interval', periodMinutes: period, support: regular + 1, episodes: starts.length, description: `every ${formatPeriod(period)} (${regular + 1} of ${starts.length} episodes)` };
    }
  }
  if (support / starts.length >= 0.7 && new Set(starts.map((start) => Math.floor(start / 3_600_000))).size >= 3) {
    return {
      kind: 'minute-of-hour',
      minute: best,
      support,
      episodes: starts.length,
      description: `at about :${String(best).padStart(2, '0')} past the hour (${support} of ${starts.length} episodes)`,
    };
  }
  return null;
}
