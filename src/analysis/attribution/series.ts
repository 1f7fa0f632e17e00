// Per-minute count series over the incident window and the change point where a rate rises (Poisson likelihood).

export const MINUTE = 60_000;

/** Counts per bin over [start, end): `bins[i]` covers start + i·binMs. */
export interface Series {
  start: number;
  binMs: number;
  bins: number[];
}

/** At most this many bins; longer windows use wider bins so the change-point search stays O(n²) on a small n. */
const MAX_BINS = 720;

function binWidth(start: number, end: number): number {
  const minutes = Math.max(1, Math.ceil((end - start) / MINUTE));
  return Math.max(1, Math.ceil(minutes / MAX_BINS)) * MINUTE;
}

/** A series from [ISO minute, count] pairs; pairs outside the range are ignored. */
export function seriesOf(pairs: Iterable<[string, number]>, start: number, end: number, binMs = binWidth(start, end)): Series {
  const bins = new Array<number>(Math.max(1, Math.ceil((end - start) / binMs))).fill(0);
  for (const [minute, count] of pairs) {
    const time = Date.parse(minute);
    if (Number.isNaN(time) || time < start || time >= end) continue;
    bins[Math.floor((time - start) / binMs)]! += count;
  }
  return { start, binMs, bins };
}

export function total(series: Series): number {
  return series.bins.reduce((sum, count) => sum + count, 0);
}

function timeOf(series: Series, index: number): number {
  return series.start + index * series.binMs;
}

function indexOf(series: Series, time: number): number {
  return Math.max(0, Math.min(series.bins.length, Math.floor((time - series.start) / series.binMs)));
}

/** Count in [from, to) (times in ms). */
export function countBetween(series: Series, from: number, to: number): number {
  let sum = 0;
  for (let index = indexOf(series, from); index < series.bins.length && timeOf(series, index) < to; index++) sum += series.bins[index]!;
  return sum;
}

const xlogx = (count: number, rate: number): number => (count > 0 && rate > 0 ? count * Math.log(rate) : 0);

export interface ChangePoint {
  /** First non-empty bin of the elevated segment (ms). */
  onset: number;
  /** End of the elevated segment (ms, exclusive). */
  end: number;
  /** Rates per minute inside and outside the segment. */
  inside: number;
  outside: number;
  /** Log-likelihood ratio of "one elevated segment" against "one constant rate". */
  llr: number;
}

/**
 * The segment [a, b) whose rate differs most from the rest (an "epidemic" change point under a Poisson model):
 * it maximises the log-likelihood ratio over all segments with a higher rate inside than outside and at least
 * `minShare` of all counts inside (so an intermittent symptom is one segment, not its busiest minute).
 */
export function elevatedSegment(series: Series, minShare = 0): ChangePoint | undefined {
  const n = series.bins.length;
  const prefix = new Array<number>(n + 1).fill(0);
  for (let index = 0; index < n; index++) prefix[index + 1] = prefix[index]! + series.bins[index]!;
  const all = prefix[n]!;
  if (all === 0) return undefined;
  const base = xlogx(all, all / n);
  let best: { a: number; b: number; llr: number } | undefined;
  for (let a = 0; a < n; a++) {
    if (series.bins[a] === 0) continue; // a segment starts on a non-empty bin
    for (let b = a + 1; b <= n; b++) {
      if (series.bins[b - 1] === 0) continue; // and ends on one
      const inside = prefix[b]! - prefix[a]!;
      if (inside < minShare * all) continue;
      const length = b - a;
      const rest = n - length;
      const rateIn = inside / length;
      const rateOut = rest > 0 ? (all - inside) / rest : 0;
      if (rest > 0 && rateIn <= rateOut) continue;
      const llr = xlogx(inside, rateIn) + xlogx(all - inside, rateOut) - base;
      if (!best || llr > best.llr + 1e-9) best = { a, b, llr };
    }
  }
  if (!best) return undefined;
  const minutes = series.binMs / MINUTE;
  const inside = prefix[best.b]! - prefix[best.a]!;
  const rest = n - (best.b - best.a);
  return {
    onset: timeOf(series, best.a),
    end: timeOf(series, best.b),
    inside: inside / ((best.b - best.a) * minutes),
    outside: rest > 0 ? (all - inside) / (rest * minutes) : 0,
    llr: best.llr,
  };
}

/** First bin at or after `from` with a count, as ms; undefined when none. */
export function firstAfter(series: Series, from: number): number | undefined {
  for (let index = indexOf(series, from); index < series.bins.length; index++) if (series.bins[index]! > 0) return timeOf(series, index);
  return undefined;
}

/** `value` rounded to `digits` decimals (scores, rates and shares as reports print them). */
export const round = (value: number, digits = 2): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** Failures just outside a segment join it only at this many times the rate of those further out (a steady background does not). */
const EPISODE_OVER_BACKGROUND = 3;

/**
 * Widen a segment over failures just before and after it. Failures chained to it by gaps of at most `gap` (at least
 * 15 minutes, or 3× the median gap between non-empty bins inside) may belong to the same episode; the segment reaches the
 * farthest of them from which on failures run well above the rate further out, over a stretch at least `gap` long (so
 * a steady background of sporadic errors, or a log's first minutes, widen nothing).
 */
export function widen(series: Series, segment: ChangePoint): ChangePoint {
  const filled = series.bins.flatMap((count, index) => (count > 0 ? [index] : []));
  const first = indexOf(series, segment.onset);
  const last = indexOf(series, segment.end) - 1;
  const inside = filled.filter((index) => index >= first && index <= last);
  const gaps = inside
    .slice(1)
    .map((index, position) => index - inside[position]!)
    .sort((a, b) => a - b);
  const median = gaps.length > 0 ? gaps[Math.floor(gaps.length / 2)]! : 1;
  const gap = Math.max(Math.ceil((15 * MINUTE) / series.binMs), 3 * median);
  const n = series.bins.length;
  const prefix = new Array<number>(n + 1).fill(0);
  for (let index = 0; index < n; index++) prefix[index + 1] = prefix[index]! + series.bins[index]!;
  const rate = (from: number, to: number): number => (prefix[to + 1]! - prefix[from]!) / (to - from + 1);
  let start = first;
  for (let position = filled.indexOf(inside[0] ?? first) - 1, reached = first; position >= 0 && reached - filled[position]! <= gap; position--) {
    reached = filled[position]!;
    if (reached >= gap && rate(reached, first - 1) > EPISODE_OVER_BACKGROUND * rate(0, reached - 1)) start = reached;
  }
  let end = last;
  for (let position = filled.indexOf(inside[inside.length - 1] ?? last) + 1, reached = last; position < filled.length && filled[position]! - reached <= gap; position++) {
    reached = filled[position]!;
    if (n - 1 - reached >= gap && rate(last + 1, reached) > EPISODE_OVER_BACKGROUND * rate(reached + 1, n - 1)) end = reached;
  }
  return { ...segment, onset: timeOf(series, start), end: timeOf(series, end + 1) };
}
