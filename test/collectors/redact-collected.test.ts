// The bundle-level redaction of gather (redactCollected): a secret found in one source disappears from the others; a source redacted with nothing found since is kept as it is.
import { describe, expect, it } from 'vitest';
import { redactCollected } from '../../src/collectors/gather.ts';
import type { AnySourceResult, EvidenceBundle } from '../../src/evidence/schema.ts';
import { createRedactor } from '../../src/lib/secrets/redact.ts';

const source = (id: string, message: string, extra: Record<string, unknown> = {}): AnySourceResult =>
  ({ id, kind: 'logs', status: 'ok', warnings: [message], provenance: { description: id, collectedAt: '2026-11-19T06:00:00.000Z' }, durationMs: 1, ...extra }) as unknown as AnySourceResult;

function gathered(sources: AnySourceResult[]) {
  const redactor = createRedactor();
  const redactedAt = new Map<AnySourceResult, number>();
  const results = sources.map((raw) => {
    const result = redactor.deep(raw);
    redactedAt.set(result, redactor.version());
    return result;
  });
  const bundle = { schemaVersion: 1, incident: { id: 'X', title: 'token Qw7rT2zP9xLm4KdV seen' }, collectedAt: '2026-11-19T06:00:00.000Z', sources: results } as unknown as EvidenceBundle;
  return { results, bundle: redactCollected(bundle, redactor, redactedAt) };
}

describe('redactCollected', () => {
  it('removes a secret found in a later source from the sources redacted before it, and from the incident', () => {
    const { bundle } = gathered([source('first', 'retrying with Qw7rT2zP9xLm4KdV'), source('second', 'ok', { config: { api_token: 'Qw7rT2zP9xLm4KdV' } })]);
    const text = JSON.stringify(bundle);
    expect(text).not.toContain('Qw7rT2zP9xLm4KdV');
    expect(bundle.sources[0]!.warnings[0]).toMatch(/^retrying with \[REDACTED:token:1\]$/);
    expect(bundle.incident.title).toBe('token [REDACTED:token:1] seen');
  });

  it('keeps a source as it is when no secret was found after it was redacted', () => {
    const { results, bundle } = gathered([source('first', 'password=hunter2-long-enough'), source('second', 'nothing to see here')]);
    expect(bundle.sources[0]).toBe(results[0]);
    expect(bundle.sources[1]).toBe(results[1]);
    expect(JSON.stringify(bundle)).not.toContain('hunter2-long-enough');
  });
});
