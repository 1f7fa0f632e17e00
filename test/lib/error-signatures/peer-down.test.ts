// The peer-down trait names real catalogue signatures, each about a far end that did not answer (never about memory or code).
import { describe, expect, it } from 'vitest';
import { signatureById } from '../../../src/lib/error-signatures/index.ts';
import { PEER_DOWN_SIGNATURES } from '../../../src/lib/error-signatures/peer-down.ts';

describe('PEER_DOWN_SIGNATURES', () => {
  it('names signatures of the catalogue whose resource is a far end', () => {
    expect(PEER_DOWN_SIGNATURES.size).toBeGreaterThan(10);
    for (const id of PEER_DOWN_SIGNATURES) {
      const signature = signatureById(id);
      expect(signature, id).toBeDefined();
      expect(['network', 'http-upstream', 'postgres', 'redis', 'mysql', 'platform'], id).toContain(signature!.resource);
      expect(['memory-limit', 'restart', 'unhandled-exception'], id).not.toContain(signature!.signal);
    }
  });
});
