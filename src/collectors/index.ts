// The collector registry: one module per source kind, looked up by the manifest's `kind`.
import type { SourceKind } from '../evidence/schema.ts';
import type { SourceSpec } from '../manifest/index.ts';
import type { CollectContext, CollectorOutput } from './types.ts';

type SpecOf<K extends SourceKind> = Extract<SourceSpec, { kind: K }>;
export type Collector<K extends SourceKind> = (spec: SpecOf<K>, context: CollectContext) => Promise<CollectorOutput<K>>;

/** Loaded lazily so that a run only pays for the collectors its manifest uses. */
export const collectors: { [K in SourceKind]: () => Promise<Collector<K>> } = {
  logs: async () => (await import('./logs/index.ts')).collectLogs,
  'render-api': async () => (await import('./render-api.ts')).collectRenderApi,
  database: async () => (await import('./database/index.ts')).collectDatabase,
  config: async () => (await import('./config/index.ts')).collectConfig,
  code: async () => (await import('./code.ts')).collectCode,
  git: async () => (await import('./git.ts')).collectGit,
};
