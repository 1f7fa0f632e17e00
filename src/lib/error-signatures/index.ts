// The error-signature catalogue's entry points: classify one error text (with hints) to its signature.
import type { ErrorHints, ErrorSignature, SignatureMatch } from './types.ts';

/** Every signature, in priority order. (Filled by the catalogue; empty until then.) */
export const SIGNATURES: readonly ErrorSignature[] = [];

/** The signature an error text is evidence of, or undefined when none fits. */
export function classifyError(_text: string, _hints: ErrorHints = {}): SignatureMatch | undefined {
  return undefined;
}

export function signatureById(id: string): ErrorSignature | undefined {
  return SIGNATURES.find((signature) => signature.id === id);
}
