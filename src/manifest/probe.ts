// The manifest's `probe:` section: webhook requests `fracas probe` may send, to one staging base URL, signed with a secret from the environment.
import { z } from 'zod';

const PROBE_CASES = ['valid', 'bad-signature', 'malformed-json', 'unknown-job', 'duplicate'] as const;
export type ProbeCase = (typeof PROBE_CASES)[number];

export const probeSchema = z.strictObject({
  /** Must be `staging`: fracas sends test webhooks to no other environment. */
  environment: z.literal('staging', { message: 'probe.environment must be "staging": fracas probes staging only' }),
  /** Scheme and host (and port) every request goes to; requests to any other host are refused. */
  baseUrl: z.url({ protocol: /^https?$/, message: 'probe.baseUrl must be an http(s) URL such as https://api-staging.example.com' }),
  /** The webhook endpoint's path, e.g. /webhooks/llamaparse. */
  path: z.string().startsWith('/'),
  method: z.enum(['POST', 'PUT']).default('POST'),
  /** Environment variable holding the webhook signing secret (never written anywhere). */
  secretEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name such as LLAMAPARSE_WEBHOOK_SECRET'),
  signature: z
    .strictObject({
      header: z.string().default('X-Signature'),
      algorithm: z.enum(['sha256', 'sha1', 'sha512']).default('sha256'),
      encoding: z.enum(['hex', 'base64']).default('hex'),
      /** Written before the digest, e.g. `sha256=` (GitHub style). */
      prefix: z.string().default(''),
    })
    .default({ header: 'X-Signature', algorithm: 'sha256', encoding: 'hex', prefix: '' }),
  /** The payload of a valid delivery; `{{jobId}}` in a string value is replaced by the job id of the case. */
  payload: z.record(z.string(), z.unknown()),
  /** A job id the staging service knows (for the valid and duplicate cases). */
  jobId: z.string().min(1),
  headers: z.record(z.string(), z.string()).default({}),
  timeoutMs: z.number().int().positive().max(120_000).default(10_000),
  cases: z
    .array(z.enum(PROBE_CASES))
    .min(1)
    .default([...PROBE_CASES]),
});

export type ProbeSpec = z.infer<typeof probeSchema>;
