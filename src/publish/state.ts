// Publish state in <dir>/evidence/publish.json: per target, the ids of the comment and attachment fracas made.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../lib/atomic-write.ts';
import type { TargetState } from './types.ts';

export interface PublishState {
  version: 1;
  targets: Record<string, TargetState>;
}

export function publishStateFile(dir: string): string {
  return path.join(dir, 'evidence', 'publish.json');
}

/** Read the state; a missing file is empty state, an unreadable one is named (and not overwritten blindly). */
export async function readPublishState(dir: string): Promise<PublishState> {
  const file = publishStateFile(dir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, targets: {} };
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<PublishState>;
    if (!parsed || typeof parsed !== 'object' || typeof parsed.targets !== 'object' || parsed.targets === null) throw new Error('no "targets" object');
    const targets: Record<string, TargetState> = {};
    for (const [key, value] of Object.entries(parsed.targets)) {
      if (!value || typeof value !== 'object') continue;
      const entry: TargetState = {};
      for (const field of ['commentId', 'commentUrl', 'attachmentId', 'attachmentUrl', 'attachmentName', 'publishedAt'] as const) {
        const item = (value as Record<string, unknown>)[field];
        if (typeof item === 'string' || typeof item === 'number') entry[field] = String(item);
      }
      targets[key] = entry;
    }
    return { version: 1, targets };
  } catch (error) {
    throw Object.assign(new Error(`${file}: cannot read the publish state (${(error as Error).message}); fix or delete it (a re-run then adds new comments instead of editing the earlier ones)`), {
      name: 'UsageError',
    });
  }
}

/** Write the whole state atomically (temp file + rename). */
export async function writePublishState(dir: string, state: PublishState): Promise<void> {
  await writeFileAtomic(publishStateFile(dir), `${JSON.stringify(state, null, 2)}\n`);
}
