// Tracker errors in one shape (what failed, what to do) and bounded retries that wait as the rate-limit headers say.

export type ErrorKind = 'auth' | 'forbidden' | 'not-found' | 'too-large' | 'invalid' | 'rate-limited' | 'network' | 'server' | 'other';

/** What an adapter extracts from its client's error. */
export interface ErrorInfo {
  status?: number;
  /** Response headers, lower-case names. */
  headers: Record<string, string | undefined>;
  /** The tracker's own message(s), as it sent them. */
  message: string;
  /** True when no HTTP response came back (refused, reset, DNS, timeout). */
  network?: boolean;
  /** Tracker-specific error code (Linear `extensions.type`/`code`, GitHub `errors[].code`). */
  code?: string;
}

/** What the request was, for the messages: "comment on github:acme/api#123", the permission it needs, the credential. */
export interface ErrorContext {
  action: string;
  ticket: string;
  permission: string;
  credential: string;
  /** The size limit in force, when known (413). */
  limitBytes?: number;
}

export class TrackerError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly hint: string,
    readonly status?: number,
    /** How long the tracker asked us to wait before trying again (rate limits). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'TrackerError';
  }
}

export interface RetryPolicy {
  /** Retries after the first attempt (rate limits; network failures of idempotent requests). */
  maxRetries: number;
  /** A wait longer than this is not waited for: the step fails and says when to try again. */
  maxWaitMs: number;
  sleep(ms: number): Promise<void>;
  now(): number;
}

export const defaultRetryPolicy = (): RetryPolicy => ({
  maxRetries: 3,
  maxWaitMs: 5 * 60_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
});

const SECONDARY = /secondary rate limit|abuse detection/i;

function seconds(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const number = Number(value.trim());
  return Number.isFinite(number) ? number : undefined;
}

/** Retry-After as seconds or an HTTP date. */
function retryAfterMs(value: string | undefined, now: number): number | undefined {
  const asSeconds = seconds(value);
  if (asSeconds !== undefined) return Math.max(0, asSeconds * 1000);
  if (value === undefined) return undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** An epoch reset time (seconds, or milliseconds when it is that large) as a wait from now. */
function resetMs(value: string | undefined, now: number): number | undefined {
  const reset = seconds(value);
  if (reset === undefined) return undefined;
  const at = reset > 1e12 ? reset : reset * 1000;
  return Math.max(0, at - now);
}

/**
 * How long to wait before retrying, or undefined when the error is not a rate limit. GitHub's documented rule:
 * obey retry-after; else when x-ratelimit-remaining is 0 wait until x-ratelimit-reset; else (secondary limit)
 * wait at least one minute. Jira sends Retry-After with 429; Linear answers RATELIMITED (HTTP 400) with
 * retry-after or x-ratelimit-requests-reset.
 */
export function rateLimitWait(info: ErrorInfo, now: number): number | undefined {
  const { status, headers } = info;
  const secondary = SECONDARY.test(info.message);
  const primary = headers['x-ratelimit-remaining'] === '0' && (status === 403 || status === 429);
  const linear = /ratelimited/i.test(info.code ?? '');
  if (!(status === 429 || secondary || primary || linear)) return undefined;
  const after = retryAfterMs(headers['retry-after'], now);
  if (after !== undefined) return after;
  if (headers['x-ratelimit-remaining'] === '0') {
    const reset = resetMs(headers['x-ratelimit-reset'], now);
    if (reset !== undefined) return reset + 1000;
  }
  const linearReset = resetMs(headers['x-ratelimit-requests-reset'], now);
  if (linear && linearReset !== undefined) return linearReset;
  return 60_000;
}

function trimMessage(message: string): string {
  const line = message.replace(/\s+/g, ' ').trim();
  return line.length > 600 ? `${line.slice(0, 600)}…` : line;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(0)} KiB`;
  return `${bytes} bytes`;
}

/** Turn a client error into a TrackerError whose message names the ticket, the permission or the limit. */
export function classify(info: ErrorInfo, context: ErrorContext, now: number): TrackerError {
  const tracker = info.message ? `: ${trimMessage(info.message)}` : '';
  const wait = info.network ? undefined : rateLimitWait(info, now);
  if (wait !== undefined) {
    const until = new Date(now + wait).toISOString().replace(/\.\d+Z$/, 'Z');
    return new TrackerError('rate-limited', `${context.action} was rate limited (HTTP ${info.status ?? '?'})${tracker}`, `the tracker asks to wait until ${until}; run again then`, info.status, wait);
  }
  if (info.network) {
    return new TrackerError('network', `${context.action} failed: no answer from the tracker${tracker}`, 'check the network, the base URL and any proxy, then run again', undefined);
  }
  const status = info.status;
  const code = (info.code ?? '').toLowerCase();
  if (status === 401 || code.includes('authentication')) {
    return new TrackerError(
      'auth',
      `${context.action} was refused (HTTP ${status ?? '?'}, not authenticated)${tracker}`,
      `check ${context.credential}: it is missing, expired or for another site`,
      status,
    );
  }
  if (status === 403 || code.includes('forbidden')) {
    return new TrackerError(
      'forbidden',
      `${context.action} was forbidden (HTTP ${status ?? '?'})${tracker}`,
      `the credential in ${context.credential} lacks the permission: ${context.permission}`,
      status,
    );
  }
  if (status === 404 || code.includes('not found') || /entity not found|could not find/i.test(info.message)) {
    return new TrackerError('not-found', `${context.ticket} was not found (HTTP ${status ?? '?'})${tracker}`, `check the ticket ${context.ticket} exists and ${context.credential} can see it`, status);
  }
  if (status === 413) {
    const limit = context.limitBytes !== undefined ? ` (the limit is ${formatBytes(context.limitBytes)})` : '';
    return new TrackerError('too-large', `${context.action} was too large (HTTP 413)${limit}${tracker}`, 'make the PDF smaller (fewer charts or pages) or publish with --no-pdf', status);
  }
  if (status === 422 || status === 400) {
    return new TrackerError('invalid', `${context.action} was rejected (HTTP ${status})${tracker}`, 'the tracker says what it rejected; fix that and run again', status);
  }
  if (status !== undefined && status >= 500) {
    return new TrackerError('server', `${context.action} failed on the tracker (HTTP ${status})${tracker}`, 'the tracker had an error; run again later', status);
  }
  return new TrackerError('other', `${context.action} failed (HTTP ${status ?? '?'})${tracker}`, 'see the message above', status);
}

export interface RetryOptions {
  /** Safe to repeat after a network failure (GET, PUT, PATCH, DELETE; never a POST that creates). */
  idempotent: boolean;
  toInfo(error: unknown): ErrorInfo;
  context: ErrorContext;
  log(message: string): void;
}

/** Run one tracker call; retry rate limits (as the headers say, bounded) and network failures of idempotent calls. */
export async function withRetries<T>(policy: RetryPolicy, options: RetryOptions, op: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await op();
    } catch (error) {
      if (error instanceof TrackerError) throw error;
      const tracked = classify(options.toInfo(error), options.context, policy.now());
      const canRetry = attempt < policy.maxRetries;
      if (tracked.kind === 'rate-limited' && canRetry) {
        // After the first wait, back off exponentially on top of what the headers say.
        const wait = Math.max(tracked.retryAfterMs ?? 60_000, attempt > 0 ? 60_000 * 2 ** (attempt - 1) : 0);
        if (wait <= policy.maxWaitMs) {
          options.log(`${options.context.action}: rate limited, waiting ${Math.ceil(wait / 1000)} s (retry ${attempt + 1} of ${policy.maxRetries})`);
          await policy.sleep(wait);
          continue;
        }
        throw new TrackerError(
          'rate-limited',
          `${tracked.message} and asks for a wait of ${Math.ceil(wait / 1000)} s, more than the ${Math.ceil(policy.maxWaitMs / 1000)} s fracas waits`,
          tracked.hint,
          tracked.status,
          wait,
        );
      }
      if (tracked.kind === 'network' && options.idempotent && canRetry) {
        const wait = 1000 * 2 ** attempt;
        options.log(`${options.context.action}: no answer, retrying in ${wait / 1000} s (retry ${attempt + 1} of ${policy.maxRetries})`);
        await policy.sleep(wait);
        continue;
      }
      if (tracked.kind === 'rate-limited') throw new TrackerError('rate-limited', `${tracked.message}; gave up after ${attempt + 1} attempts`, tracked.hint, tracked.status, tracked.retryAfterMs);
      throw tracked;
    }
  }
}

/** Lower-case header map from a Headers object or a plain record. */
export function headerRecord(headers: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (!headers || typeof headers !== 'object') return out;
  if (typeof (headers as Headers).forEach === 'function' && typeof (headers as Headers).get === 'function') {
    (headers as Headers).forEach((value, key) => {
      out[key.toLowerCase()] = value;
    });
    return out;
  }
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (value !== undefined && value !== null) out[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}
