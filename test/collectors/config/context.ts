// A CollectContext for collector tests, rooted at a directory.
import path from 'node:path';
import type { CollectContext } from '../../../src/collectors/types.ts';

export function testContext(dir: string, env: NodeJS.ProcessEnv = {}, window = { start: '2026-11-20T00:00:00Z', end: '2026-11-21T00:00:00Z' }): CollectContext {
  return {
    dir,
    resolve: (relative: string) => path.resolve(dir, relative),
    incident: { id: 'FM-028', title: 't', severity: 'P1', environment: 'staging', service: 'api', window },
    env,
    progress: () => undefined,
  };
}
