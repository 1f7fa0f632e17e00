// The plain HTTP layer (fetch with a timeout) for trackers without a client library (GitLab) and for upload URLs.
import { headerRecord, type ErrorInfo } from './retry.ts';

export const REQUEST_TIMEOUT_MS = 60_000;

/** A non-2xx answer or a failed connection, carrying what the error classifier needs. */
export class HttpError extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message || `HTTP ${info.status ?? 'error'}`);
    this.name = 'HttpError';
  }
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: unknown;
}

/** Pull the tracker's own message out of a JSON or text error body (GitHub, GitLab, Jira, Linear shapes). */
export function trackerMessage(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 2000);
  if (!body || typeof body !== 'object') return '';
  const record = body as Record<string, unknown>;
  const parts: string[] = [];
  const add = (value: unknown) => {
    if (typeof value === 'string' && value.trim()) parts.push(value.trim());
    else if (Array.isArray(value)) for (const item of value) add(typeof item === 'object' && item !== null ? ((item as Record<string, unknown>).message ?? JSON.stringify(item)) : item);
    else if (value && typeof value === 'object') for (const [key, item] of Object.entries(value)) parts.push(`${key}: ${Array.isArray(item) ? item.join(', ') : String(item)}`);
  };
  add(record.message);
  add(record.error);
  add(record.error_description);
  add(record.errorMessages);
  add(record.errors);
  return [...new Set(parts)].join('; ');
}

/** A fetch that gives up after `timeoutMs`; failures become HttpError with `network: true`. */
export function timedFetch(timeoutMs = REQUEST_TIMEOUT_MS): typeof fetch {
  return async (input, init) => {
    try {
      return await fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new HttpError({
        headers: {},
        message: (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : `${(error as Error).message}${reason ? ` (${reason})` : ''}`,
        network: true,
      });
    }
  };
}

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: RequestInit['body'];
  timeoutMs?: number;
}

/** Send one request; resolve with the parsed body on 2xx, throw HttpError otherwise. */
export async function httpRequest(request: HttpRequest): Promise<HttpResponse> {
  const response = await timedFetch(request.timeoutMs)(request.url, { method: request.method, headers: request.headers, body: request.body });
  const text = await response.text();
  let body: unknown = text;
  if (/json/i.test(response.headers.get('content-type') ?? '') && text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  const headers = headerRecord(response.headers);
  if (!response.ok) throw new HttpError({ status: response.status, headers, message: trackerMessage(body) || response.statusText });
  return { status: response.status, headers, body };
}

/** ErrorInfo of an HttpError; anything else (a bug, an unexpected answer) is neither HTTP nor network. */
export function httpErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof HttpError) return error.info;
  return { headers: {}, message: error instanceof Error ? error.message : String(error) };
}
