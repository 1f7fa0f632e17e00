// Time windows on the command line: `--window START..END` (ISO 8601) or `--since 6h` (30m, 6h, 2d, 1w before now).
import { InvalidArgumentError } from 'commander';

export interface Window {
  start: string;
  end: string;
}

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** A duration such as 90m, 6h, 2d or 1w in milliseconds. */
export function parseDuration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([mhdw])$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError(`"${value}" is not a duration: use a number and m, h, d or w (e.g. 6h, 2d)`);
  return Number(match[1]) * UNITS[match[2]!]!;
}

/** START..END with two ISO 8601 times, START before END. */
function parseWindow(value: string): Window {
  const [start, end, ...rest] = value.split('..');
  const startMs = Date.parse(start ?? '');
  const endMs = Date.parse(end ?? '');
  if (rest.length > 0 || Number.isNaN(startMs) || Number.isNaN(endMs))
    throw new InvalidArgumentError(`"${value}" is not a window: use START..END with ISO 8601 times, e.g. 2026-11-21T00:00:00Z..2026-11-22T00:00:00Z`);
  if (startMs >= endMs) throw new InvalidArgumentError(`window "${value}": the start is not before the end`);
  return { start: new Date(startMs).toISOString(), end: new Date(endMs).toISOString() };
}

/** The window from --window or --since (ending now); `fallback` when neither is given. */
export function windowFrom(options: { window?: string; since?: string }, fallback: () => Window, now = Date.now()): Window {
  if (options.window && options.since) throw new InvalidArgumentError('give --window or --since, not both');
  if (options.window) return parseWindow(options.window);
  if (options.since) return { start: new Date(now - parseDuration(options.since)).toISOString(), end: new Date(now).toISOString() };
  return fallback();
}
