// The evidence of `fracas probe`: each test webhook delivery as sent and answered (saved as evidence/probe.json).
import { z } from 'zod';

const probeResultSchema = z.object({
  case: z.enum(['valid', 'bad-signature', 'malformed-json', 'unknown-job', 'duplicate']),
  /** What a correct service answers, e.g. `2xx`, `401 or 403`. */
  expected: z.string(),
  method: z.string(),
  url: z.string(),
  /** The request body as sent (the signature is not recorded). */
  body: z.string(),
  status: z.number().int().optional(),
  latencyMs: z.number().nonnegative().optional(),
  /** The response body, at most 2,000 characters. */
  response: z.string().optional(),
  /** Network failure or time-out, when there was no response. */
  error: z.string().optional(),
  outcome: z.enum(['as-expected', 'unexpected', 'no-response']),
});
export type ProbeResult = z.infer<typeof probeResultSchema>;

export const probeEvidenceSchema = z.object({
  probedAt: z.string(),
  baseUrl: z.string(),
  environment: z.literal('staging'),
  results: z.array(probeResultSchema),
});
export type ProbeEvidence = z.infer<typeof probeEvidenceSchema>;
