// Fingerprints of the manifest's source specifications, recorded in the bundle so `fracas render` can say when they changed.
import { createHash } from 'node:crypto';
import { createRedactor } from '../lib/secrets/redact.ts';

export interface SourceSpecHashes {
  /** sha256 over every source specification, in manifest order. */
  hash: string;
  /** Source id -> sha256 of its specification. */
  sources: Record<string, string>;
}

/** JSON with sorted keys, so the same specification always gives the same text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Hash each source specification (secrets in it, such as a URL's password, are redacted first: a hash of a weak password can be guessed). */
export function hashSourceSpecs(specs: readonly { id: string }[]): SourceSpecHashes {
  const sources: Record<string, string> = {};
  const texts: string[] = [];
  for (const spec of specs) {
    const text = canonical(createRedactor().deep(spec));
    texts.push(text);
    sources[spec.id] = sha256(text);
  }
  return { hash: sha256(`[${texts.join(',')}]`), sources };
}

/** What changed between the specifications the evidence was collected with and the manifest's now (empty: nothing). */
export function sourceSpecChanges(recorded: SourceSpecHashes | undefined, current: SourceSpecHashes): string[] {
  if (!recorded) return ['the evidence does not record the source specifications it was collected with (collected by an older fracas); re-run `fracas collect` to be sure it matches the manifest'];
  if (recorded.hash === current.hash) return [];
  const changes: string[] = [];
  for (const [id, hash] of Object.entries(current.sources)) {
    if (!(id in recorded.sources)) changes.push(`source ${id} was added to the manifest after the evidence was collected`);
    else if (recorded.sources[id] !== hash) changes.push(`source ${id} changed in the manifest since the evidence was collected`);
  }
  for (const id of Object.keys(recorded.sources)) if (!(id in current.sources)) changes.push(`source ${id} was removed from the manifest after the evidence was collected`);
  if (changes.length === 0) changes.push('the order of the sources changed since the evidence was collected');
  return changes;
}
