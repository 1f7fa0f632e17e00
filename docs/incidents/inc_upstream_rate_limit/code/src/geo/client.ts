// SAMPLE DATA — synthetic, for demonstrating fracas. Not a real service's code.
// HTTP client for the GeoLookup geocoding API used by the enrichment worker and the /v1/geocode endpoint.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';

export interface GeoConfig {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  maxAttempts: number;
  retryDelayMs: number;
}

export interface GeoResult {
  lat: number;
  lon: number;
  precision: 'rooftop' | 'street' | 'postcode';
  provider: string;
}

export class UpstreamRateLimitError extends Error {
  constructor(
    readonly status: number,
    readonly retryAfterSeconds: number | undefined,
    readonly attempts: number,
  ) {
    super(`geolookup rate limited: HTTP ${status} Too Many Requests (Retry-After: ${retryAfterSeconds ?? '?'}s) after ${attempts} attempts`);
    this.name = 'UpstreamRateLimitError';
  }
}

export class UpstreamError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

export class GeoClient {
  constructor(
    private readonly config: GeoConfig,
    private readonly log: Logger,
  ) {}

  async geocode(address: string, context: { taskId?: string; requestId?: string } = {}): Promise<GeoResult> {
    let lastStatus = 0;
    let retryAfter: number | undefined;
    for (let attempt = 1; attempt <= this.config.maxAttempts; attempt++) {
      const response = await this.request(address);
      if (response.ok) {
        const body = (await response.json()) as { results: { lat: number; lon: number; precision: GeoResult['precision'] }[] };
        const best = body.results[0];
        if (!best) throw new UpstreamError(404, `no geocoding result for address`);
        return { ...best, provider: 'geolookup' };
      }
      lastStatus = response.status;
      if (response.status === 429 || response.status >= 500) {
        retryAfter = Number(response.headers.get('retry-after') ?? '') || undefined;
        this.log.warn({ ...context, upstream: 'geolookup', status: response.status, attempt, retryAfter }, 'geolookup responded %d, retrying', response.status);
        await sleep(this.config.retryDelayMs);
        continue;
      }
      throw new UpstreamError(response.status, `geolookup responded ${response.status}`);
    }
    if (lastStatus === 429) throw new UpstreamRateLimitError(lastStatus, retryAfter, this.config.maxAttempts);
    throw new UpstreamError(lastStatus, `geolookup failed after ${this.config.maxAttempts} attempts (last status ${lastStatus})`);
  }

  private async request(address: string): Promise<Response> {
    const url = new URL('/v2/geocode', this.config.baseUrl);
    url.searchParams.set('q', address);
    url.searchParams.set('country', 'us');
    return fetch(url, {
      headers: { authorization: `Bearer ${this.config.apiKey}`, accept: 'application/json' },
      signal: AbortSignal.timeout(this.config.timeoutMs),
    });
  }
}
