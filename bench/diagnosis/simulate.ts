// The shared timeline of a generated incident: traffic, the cause from its onset, background noise, misleading errors, change events.
import type { HypothesisCategory } from '../../src/analysis/types.ts';
import type { Rng } from './rng.ts';
import type { AppError, Request, Writer } from './writers.ts';

export const MINUTE = 60_000;

export interface Endpoint {
  method: string;
  path: (rng: Rng) => string;
  weight: number;
  /** Whether the cause breaks it. */
  affected: boolean;
}

export interface Failure {
  status: number;
  /** Errors the app logs for this request (offset ms after the request start), `cause` marks the decisive error. */
  errors: { offset: number; error: AppError; cause?: boolean; withId?: boolean }[];
  /** Extra work for front proxies etc. */
  extra?: (time: number, request: Request) => void;
}

export interface Noise {
  perHour: number;
  error: (rng: Rng) => AppError;
  /** Only during the incident (misleading errors) or throughout (background). */
  from?: 'onset';
  /** For misleading errors: how many in all, near the onset. */
  total?: number;
}

export interface Plan {
  start: number;
  minutes: number;
  onset: number;
  recovery: number;
  rpm: number;
}

export interface Truth {
  category: HypothesisCategory;
  failedRequests: number;
  causeRecords: number;
}

export function plan(rng: Rng): Plan {
  const day = rng.int(1, 27);
  const month = rng.int(0, 11);
  const start = Date.UTC(2026, month, day, rng.int(0, 14), rng.pick([0, 15, 30]));
  const minutes = rng.int(180, 420);
  const onset = Math.round(minutes * rng.float(0.35, 0.65));
  const recovery = rng.chance(0.5) ? Math.min(minutes, onset + rng.int(45, 150)) : minutes;
  return { start, minutes, onset, recovery, rpm: rng.float(4, 25) };
}

export interface Simulation {
  rng: Rng;
  plan: Plan;
  writer: Writer;
  endpoints: Endpoint[];
  /** Called for each request to an affected endpoint during [onset, recovery): a failure, or undefined when it succeeds. */
  fail: (time: number, request: Request) => Failure | undefined;
  /** Called once a minute (for minute-level events such as OOM kills); may return errors to log. */
  tick?: (minute: number, time: number) => void;
  background: Noise[];
  misleading: Noise[];
  /** Unrelated 5xx before and during (a few): they count in the symptom as users saw them. */
  strayFailures?: number;
}

export function simulate(sim: Simulation): { failedRequests: number; causeRecords: number } {
  const { rng, plan: p, writer } = sim;
  let failedRequests = 0;
  let causeRecords = 0;
  const totalWeight = sim.endpoints.reduce((sum, endpoint) => sum + endpoint.weight, 0);
  const strayMinutes = new Set<number>();
  for (let index = 0; index < (sim.strayFailures ?? rng.int(1, 4)); index++) strayMinutes.add(rng.int(0, p.minutes - 1));
  const windowEnd = p.start + p.minutes * MINUTE;
  for (let minute = 0; minute < p.minutes; minute++) {
    const base = p.start + minute * MINUTE;
    sim.tick?.(minute, base);
    const count = rng.poisson(p.rpm * (0.8 + 0.4 * Math.sin((minute / 90) * Math.PI)));
    for (let index = 0; index < count; index++) {
      let time = base + rng.int(0, MINUTE - 1);
      let pick = rng.float(0, totalWeight);
      const endpoint =
        sim.endpoints.find((candidate) => {
          pick -= candidate.weight;
          return pick <= 0;
        }) ?? sim.endpoints[0]!;
      const request: Request = {
        method: endpoint.method,
        path: endpoint.path(rng),
        status: 200,
        ms: rng.int(8, 240),
        id: rng.hex(16),
        client: `10.${rng.int(0, 3)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
      };
      if (endpoint.method === 'POST' && rng.chance(0.05)) request.status = 422;
      const inIncident = minute >= p.onset && minute < p.recovery;
      const failure = inIncident && endpoint.affected ? sim.fail(time, request) : undefined;
      if (failure) {
        request.status = failure.status;
        // The response goes out after the errors it reports.
        request.ms = Math.max(request.ms, ...failure.errors.map((entry) => entry.offset + rng.int(1, 40)));
      }
      // Every record of a request lies inside the window, so the truth counts what a reader of the window sees.
      time = Math.min(time, windowEnd - request.ms - 50);
      if (failure) {
        for (const { offset, error, cause, withId } of failure.errors) {
          writer.error(time + offset, error, withId === false ? undefined : request.id);
          if (cause) causeRecords++;
        }
        failure.extra?.(time, request);
      } else if (strayMinutes.has(minute) && index === 0) {
        request.status = 500;
        writer.error(time + 3, { level: 'error', message: rng.pick(['request aborted by client', 'upstream prematurely closed connection']), logger: 'app.http' }, request.id);
      }
      if (request.status >= 500) failedRequests++;
      writer.request(time, request);
    }
    for (const noise of sim.background) {
      for (let index = rng.poisson(noise.perHour / 60); index > 0; index--) writer.error(base + rng.int(0, MINUTE - 1), noise.error(rng));
    }
  }
  for (const noise of sim.misleading) {
    const total = noise.total ?? rng.int(2, 6);
    for (let index = 0; index < total; index++) writer.error(p.start + (p.onset + rng.int(-2, 12)) * MINUTE + rng.int(0, MINUTE - 1), noise.error(rng));
  }
  return { failedRequests, causeRecords };
}
