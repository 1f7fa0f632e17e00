// Test webhook deliveries (brief task 3): valid, bad signature, malformed JSON, unknown job, duplicate; to the manifest's staging base URL only, each recorded as evidence.
import { createHmac, randomUUID } from 'node:crypto';
import type { ProbeEvidence, ProbeResult } from '../evidence/probe.ts';
import type { ProbeCase, ProbeSpec } from '../manifest/probe.ts';

class ProbeRefused extends Error {
  override name = 'UsageError';
}

const MAX_RESPONSE = 2000;

/** Replaces `{{jobId}}` in every string of the payload. */
function fill(value: unknown, jobId: string): unknown {
  if (typeof value === 'string') return value.replaceAll('{{jobId}}', jobId);
  if (Array.isArray(value)) return value.map((item) => fill(item, jobId));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fill(item, jobId)]));
  return value;
}

function sign(spec: ProbeSpec, secret: string, body: string): string {
  return `${spec.signature.prefix}${createHmac(spec.signature.algorithm, secret).update(body).digest(spec.signature.encoding)}`;
}

interface PlannedRequest {
  case: ProbeCase;
  expected: string;
  accepts(status: number): boolean;
  body: string;
  signature: string;
}

/** The requests of each case; the duplicate case is the valid delivery sent twice (its second answer is judged). */
function plan(spec: ProbeSpec, secret: string): PlannedRequest[] {
  const valid = JSON.stringify(fill(spec.payload, spec.jobId));
  const unknown = JSON.stringify(fill(spec.payload, `fracas-probe-unknown-${randomUUID()}`));
  const malformed = `${valid.slice(0, Math.max(1, valid.length - 1))},`;
  const planned: Record<ProbeCase, PlannedRequest> = {
    valid: { case: 'valid', expected: '2xx', accepts: (status) => status >= 200 && status < 300, body: valid, signature: sign(spec, secret, valid) },
    'bad-signature': { case: 'bad-signature', expected: '401 or 403', accepts: (status) => status === 401 || status === 403, body: valid, signature: sign(spec, `${secret}-wrong`, valid) },
    'malformed-json': { case: 'malformed-json', expected: '400 or 422', accepts: (status) => status === 400 || status === 422, body: malformed, signature: sign(spec, secret, malformed) },
    'unknown-job': { case: 'unknown-job', expected: '4xx, or 2xx that changes nothing (not 5xx)', accepts: (status) => status < 500, body: unknown, signature: sign(spec, secret, unknown) },
    duplicate: {
      case: 'duplicate',
      expected: '2xx or 409 on the repeat (idempotent, not 5xx)',
      accepts: (status) => (status >= 200 && status < 300) || status === 409,
      body: valid,
      signature: sign(spec, secret, valid),
    },
  };
  return spec.cases.map((name) => planned[name]);
}

/** Refuses a target that is not the manifest's staging base URL. */
function probeTarget(spec: ProbeSpec): URL {
  const base = new URL(spec.baseUrl);
  const target = new URL(spec.path, base);
  if (target.origin !== base.origin) throw new ProbeRefused(`probe.path ${spec.path} leaves ${base.origin}: fracas sends probes to the base URL's host only`);
  return target;
}

async function send(spec: ProbeSpec, target: URL, request: PlannedRequest): Promise<Omit<ProbeResult, 'case' | 'expected' | 'outcome'>> {
  const started = performance.now();
  const base = { method: spec.method, url: target.toString(), body: request.body };
  try {
    const response = await fetch(target, {
      method: spec.method,
      headers: { 'content-type': 'application/json', 'user-agent': 'fracas-probe', ...spec.headers, [spec.signature.header]: request.signature },
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(spec.timeoutMs),
    });
    const text = await response.text();
    return { ...base, status: response.status, latencyMs: Math.round(performance.now() - started), response: text.length > MAX_RESPONSE ? `${text.slice(0, MAX_RESPONSE)}…` : text };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return {
      ...base,
      latencyMs: Math.round(performance.now() - started),
      error: (error as Error).name === 'TimeoutError' ? `no answer within ${spec.timeoutMs} ms` : `${(error as Error).message}${cause ? ` (${cause})` : ''}`,
    };
  }
}

/** Sends each case's request in order and judges its answer; never throws for a failing request. */
export async function runProbe(spec: ProbeSpec, env: NodeJS.ProcessEnv): Promise<ProbeEvidence> {
  const secret = env[spec.secretEnv];
  if (!secret) throw new ProbeRefused(`${spec.secretEnv} is not set: export the staging webhook secret in ${spec.secretEnv} (it is used to sign the probes and never written)`);
  const target = probeTarget(spec);
  const results: ProbeResult[] = [];
  for (const request of plan(spec, secret)) {
    if (request.case === 'duplicate') await send(spec, target, request);
    const sent = await send(spec, target, request);
    const outcome: ProbeResult['outcome'] = sent.status === undefined ? 'no-response' : request.accepts(sent.status) && !(sent.status >= 300 && sent.status < 400) ? 'as-expected' : 'unexpected';
    results.push({ case: request.case, expected: request.expected, ...sent, outcome });
  }
  return { probedAt: new Date().toISOString(), baseUrl: new URL(spec.baseUrl).origin, environment: 'staging', results };
}
