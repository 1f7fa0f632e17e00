// The `render-api` collector: GET /v1/logs with paging, bearer auth, 429 backoff (Ratelimit-* headers), bounded 5xx retries.
import type { RenderApiSourceSpec } from '../manifest/index.ts';
import { EvidenceBuilder } from './logs/merge.ts';
import { recordFromObject } from './logs/json-record.ts';
import { inferLevel } from './logs/message-hints.ts';
import { joinMultiline } from './logs/tracebacks.ts';
import { SourceFailure, type CollectContext, type CollectorOutput } from './types.ts';

export interface RenderApiOptions {
  /** Retries of one page after 5xx answers or network errors. */
  maxServerRetries?: number;
  /** Retries of one page after 429 answers. */
  maxRateLimitRetries?: number;
  /** First backoff delay; doubled per retry, with jitter. */
  baseDelayMs?: number;
  /** Longest single wait. */
  maxDelayMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Entries asked for on the first page (Render's clients ask for 100 first, then the limit). */
  firstPageLimit?: number;
}

interface Page {
  hasMore?: boolean;
  nextStartTime?: string;
  nextEndTime?: string;
  logs?: unknown[];
}

const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

function backoff(attempt: number, base: number, max: number): number {
  const exponential = Math.min(max, base * 2 ** attempt);
  return Math.round(exponential / 2 + Math.random() * (exponential / 2));
}

/** Seconds to wait from Ratelimit-Reset / Retry-After (delta seconds, or an epoch/HTTP date). */
function rateLimitWait(headers: Headers): number | undefined {
  for (const name of ['ratelimit-reset', 'retry-after', 'x-ratelimit-reset']) {
    const value = headers.get(name);
    if (!value) continue;
    const number = Number(value);
    if (Number.isFinite(number)) return number > 1e9 ? Math.max(0, number - Date.now() / 1000) : Math.max(0, number);
    const date = Date.parse(value);
    if (!Number.isNaN(date)) return Math.max(0, (date - Date.now()) / 1000);
  }
  return undefined;
}

function hintFor(status: number, keyEnv: string): string | undefined {
  if (status === 401 || status === 403) return `check the API key in ${keyEnv} (Render dashboard > Account settings > API keys) and that it can read this workspace`;
  if (status === 404) return 'check ownerId (the workspace id, tea-...) and the resource ids (srv-..., crn-...)';
  if (status === 400) return 'check resources, filters and the incident window (startTime/endTime)';
  if (status === 429) return 'the Render API rate limit (400 GET requests per minute) was hit repeatedly; retry later or lower maxPages';
  return undefined;
}

async function errorMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { id?: unknown; message?: unknown };
    if (typeof body.message === 'string') return `${body.message}${typeof body.id === 'string' ? ` (${body.id})` : ''}`;
  } catch {
    /* not JSON */
  }
  return text.trim().slice(0, 200) || response.statusText || `HTTP ${response.status}`;
}

export async function collectRenderApi(spec: RenderApiSourceSpec, context: CollectContext, options: RenderApiOptions = {}): Promise<CollectorOutput<'render-api'>> {
  const key = context.env[spec.apiKeyEnv];
  if (!key) throw new SourceFailure(`${spec.apiKeyEnv} is not set`, 'missing-api-key', `export ${spec.apiKeyEnv}=rnd_... (a Render API key) before collecting`);
  const sleep = options.sleep ?? defaultSleep;
  const maxServerRetries = options.maxServerRetries ?? 3;
  const maxRateLimitRetries = options.maxRateLimitRetries ?? 6;
  const base = options.baseDelayMs ?? 1000;
  const maxDelay = options.maxDelayMs ?? 60_000;
  const endpoint = `${spec.baseUrl.replace(/\/+$/, '')}/v1/logs`;
  const file = `${endpoint}?resource=${spec.resources.join(',')}`;
  const builder = new EvidenceBuilder(null);
  builder.beginFile(file, 'render-api');
  const joiner = joinMultiline({ record: (record) => builder.add(record), unparsed: (at, reason, text) => builder.unparsed(at, reason, text) });
  const warnings: string[] = [];
  let startTime = context.incident.window.start;
  let endTime = context.incident.window.end;
  let pages = 0;
  let line = 0;
  let partial = false;

  const fetchPage = async (limit: number): Promise<Page | null> => {
    const url = new URL(endpoint);
    url.searchParams.set('ownerId', spec.ownerId);
    for (const resource of spec.resources) url.searchParams.append('resource', resource);
    url.searchParams.set('startTime', startTime);
    url.searchParams.set('endTime', endTime);
    url.searchParams.set('direction', 'forward');
    url.searchParams.set('limit', String(limit));
    for (const [name, values] of Object.entries(spec.filters)) for (const value of values) url.searchParams.append(name, value);
    let serverRetries = 0;
    let rateRetries = 0;
    for (;;) {
      let response: Response;
      try {
        response = await fetch(url, { headers: { authorization: `Bearer ${key}`, accept: 'application/json' }, signal: context.signal });
      } catch (error) {
        if (context.signal?.aborted) throw error;
        const code = (error as { cause?: { code?: string } }).cause?.code ?? 'network-error';
        if (serverRetries < maxServerRetries) {
          await sleep(backoff(serverRetries++, base, maxDelay), context.signal);
          continue;
        }
        if (pages > 0) {
          warnings.push(`page ${pages + 1}: ${code} after ${serverRetries} retries; later logs are missing`);
          return null;
        }
        throw new SourceFailure(`cannot reach ${endpoint}: ${code}`, code, 'check baseUrl and the network');
      }
      if (response.status === 429) {
        await response.body?.cancel().catch(() => undefined);
        if (rateRetries >= maxRateLimitRetries) {
          if (pages > 0) {
            warnings.push(`page ${pages + 1}: still rate limited after ${rateRetries} retries; later logs are missing`);
            return null;
          }
          throw new SourceFailure(`Render API rate limit: HTTP 429 after ${rateRetries} retries`, 'http-429', hintFor(429, spec.apiKeyEnv));
        }
        const reset = rateLimitWait(response.headers);
        const remaining = response.headers.get('ratelimit-remaining');
        const wait = Math.min(maxDelay, Math.max(reset !== undefined ? reset * 1000 : 0, backoff(rateRetries, base, maxDelay)));
        context.progress(`rate limited (remaining ${remaining ?? '?'}), waiting ${Math.round(wait / 1000)} s`);
        rateRetries++;
        await sleep(wait, context.signal);
        continue;
      }
      if (response.status >= 500) {
        const message = await errorMessage(response);
        if (serverRetries < maxServerRetries) {
          await sleep(backoff(serverRetries++, base, maxDelay), context.signal);
          continue;
        }
        if (pages > 0) {
          warnings.push(`page ${pages + 1}: HTTP ${response.status} (${message}) after ${serverRetries} retries; later logs are missing`);
          return null;
        }
        throw new SourceFailure(`Render API: ${message} (HTTP ${response.status} after ${serverRetries} retries)`, `http-${response.status}`);
      }
      if (!response.ok) {
        const message = await errorMessage(response);
        throw new SourceFailure(`Render API: ${message} (HTTP ${response.status})`, `http-${response.status}`, hintFor(response.status, spec.apiKeyEnv));
      }
      const text = await response.text();
      try {
        const body = JSON.parse(text) as Page | unknown[];
        return Array.isArray(body) ? { logs: body, hasMore: false } : body;
      } catch {
        if (pages > 0) {
          warnings.push(`page ${pages + 1}: the response is not JSON; later logs are missing`);
          return null;
        }
        throw new SourceFailure(`Render API answered something that is not JSON: ${text.slice(0, 120)}`, 'parse-error');
      }
    }
  };

  while (pages < spec.maxPages) {
    const limit = pages === 0 ? Math.min(spec.limit, options.firstPageLimit ?? spec.limit) : spec.limit;
    const page = await fetchPage(limit);
    if (!page) {
      partial = true;
      break;
    }
    pages++;
    for (const entry of page.logs ?? []) {
      line++;
      if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
        builder.unparsed(line, 'not-a-log-object', JSON.stringify(entry)?.slice(0, 200) ?? '');
        continue;
      }
      const record = recordFromObject(entry as never, file, line);
      if (!record) {
        builder.unparsed(line, 'not-a-log-object', JSON.stringify(entry).slice(0, 200));
        continue;
      }
      inferLevel(record);
      joiner.record(record);
    }
    context.progress(`render-api: ${pages} page(s), ${line} log entries`);
    if (!page.hasMore) break;
    if (!page.nextStartTime || !page.nextEndTime || (page.nextStartTime === startTime && page.nextEndTime === endTime)) {
      warnings.push('hasMore without a new nextStartTime/nextEndTime; stopped paging');
      partial = true;
      break;
    }
    startTime = page.nextStartTime;
    endTime = page.nextEndTime;
    if (pages === spec.maxPages) {
      warnings.push(`stopped after maxPages (${spec.maxPages}); more logs exist from ${startTime}`);
      partial = true;
    }
  }
  joiner.flush();
  const evidence = builder.finish();
  return {
    evidence,
    status: partial ? 'partial' : 'ok',
    warnings,
    provenance: {
      description: `Render logs API: ${pages} page(s), ${evidence.totalRecords} entries for ${spec.resources.join(', ')}`,
      endpoint,
    },
  };
}
