// `fracas init`: scaffold an incident directory with a commented incident.yaml that validates.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../lib/atomic-write.ts';
import { MANIFEST_FILE, parseManifest } from '../manifest/index.ts';

export interface InitOptions {
  id: string;
  title: string;
  severity: string;
  environment: string;
  service: string;
  force: boolean;
}

const yamlString = (value: string) => JSON.stringify(value);

export function scaffoldManifest(options: InitOptions, now = new Date()): string {
  const end = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
  const start = new Date(end.getTime() - 24 * 3_600_000);
  return `# yaml-language-server: $schema=https://unpkg.com/fracas/schema/incident.schema.json
# Incident manifest for fracas. Paths are relative to this file; \${VAR} and \${VAR:-default} read the environment.
id: ${yamlString(options.id)}
title: ${yamlString(options.title)}
severity: ${options.severity}          # P0 .. P4
environment: ${yamlString(options.environment)}
service: ${yamlString(options.service)}
window:
  start: ${start.toISOString()}
  end: ${end.toISOString()}
# summary: one paragraph for the reader of the report

sources:
  - id: app-logs
    kind: logs
    paths: [logs/*.log, logs/*.json]   # globs; .gz is read too
    format: auto
  # - id: database
  #   kind: database
  #   url: \${DATABASE_URL:-}            # empty: the embedded database seeded below
  #   seed: [db/seed.sql]
  #   jobs:
  #     table: upload_pipeline.upload_jobs
  #     inFlightStates: [queued, working]
  #     stuckAfterMinutes: 60
  # - id: environment-config
  #   kind: config
  #   left: { label: staging, path: config/staging.yaml }
  #   right: { label: production, path: config/production.yaml }
  # - id: code
  #   kind: code
  #   root: ../..                       # repository root; stack frames resolve against it
  #   files:
  #     - { path: api/handlers.py, lines: 40-120 }

conclusions:
  # rootCause: "confirmed root cause, in your words"
  # hypotheses: { code-defect: { status: confirmed } }
  # chosenOption: A
  # owners: [{ role: fix, name: "..." }]
  done: []
`;
}

export async function runInit(dir: string, options: InitOptions): Promise<string> {
  const file = path.resolve(dir, MANIFEST_FILE);
  if (existsSync(file) && !options.force) throw Object.assign(new Error(`${file} already exists (use --force to overwrite)`), { name: 'UsageError' });
  const text = scaffoldManifest(options);
  parseManifest(text, file, {});
  await writeFileAtomic(file, text);
  return file;
}
