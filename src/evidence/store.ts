// The evidence store: where an incident's bundle lives, loading it with its schema check, and saving it atomically merged with the last run.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../lib/atomic-write.ts';
import { bundleProblems } from './check.ts';
import { mergeEvidence, needsEarlierEvidence } from './merge.ts';
import { EVIDENCE_SCHEMA_VERSION, type EvidenceBundle } from './schema.ts';

export const EVIDENCE_DIR = 'evidence';
const EVIDENCE_FILE = 'evidence.json';

export function evidencePath(dir: string): string {
  return path.join(dir, EVIDENCE_DIR, EVIDENCE_FILE);
}

class EvidenceMissingError extends Error {}

export function loadEvidence(dir: string): EvidenceBundle {
  const file = evidencePath(dir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new EvidenceMissingError(`${file}: no saved evidence (run \`fracas collect ${dir}\` first)`);
  }
  let bundle: EvidenceBundle;
  try {
    bundle = JSON.parse(text) as EvidenceBundle;
  } catch (error) {
    throw new EvidenceMissingError(`${file}: not valid JSON (${(error as Error).message}); re-run \`fracas collect ${dir}\``);
  }
  if (bundle?.schemaVersion !== EVIDENCE_SCHEMA_VERSION) {
    throw new EvidenceMissingError(`${file}: evidence schema ${String(bundle?.schemaVersion)} is not ${EVIDENCE_SCHEMA_VERSION}; re-run \`fracas collect ${dir}\``);
  }
  const problems = bundleProblems(bundle);
  if (problems.length > 0) {
    throw new EvidenceMissingError(`${file}: not a usable evidence bundle (${problems.slice(0, 3).join('; ')}); re-run \`fracas collect ${dir}\``);
  }
  return bundle;
}

/** The last saved bundle when there is a usable one; a missing, unreadable or foreign file gives undefined. */
export function loadPreviousEvidence(dir: string): EvidenceBundle | undefined {
  try {
    return loadEvidence(dir);
  } catch {
    return undefined;
  }
}

/**
 * Save the bundle atomically, keeping evidence from earlier runs that a now-failing source can no longer provide. The
 * earlier bundle is read (and checked) only when a source of this one failed or was skipped.
 */
export async function saveEvidence(dir: string, bundle: EvidenceBundle): Promise<EvidenceBundle> {
  const merged = mergeEvidence(needsEarlierEvidence(bundle) ? loadPreviousEvidence(dir) : undefined, bundle);
  await writeFileAtomic(evidencePath(dir), `${JSON.stringify(merged, null, 1)}\n`);
  return merged;
}
