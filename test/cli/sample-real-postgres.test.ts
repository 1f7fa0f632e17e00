// The FM-028 manifest pointed at a real PostgreSQL 15 through DATABASE_URL instead of the embedded database.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvidenceBundle } from '../../src/evidence/schema.ts';
import { connect, TEST_PG_URL, withUrl } from '../helpers/pg.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SAMPLE = path.join(ROOT, 'docs/incidents/fm_028');
const DATABASE = `fracas_fm028_${process.pid}`;
const ROLE = `fm028_reader_${process.pid}`;
const PASSWORD = `Pw-${process.pid}-${Date.now().toString(36)}-q7`;

describe('FM-028 sample on a real PostgreSQL server', () => {
  const url = withUrl(TEST_PG_URL, { database: DATABASE, user: ROLE, password: PASSWORD });

  beforeAll(async () => {
    const admin = await connect(TEST_PG_URL);
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
    await admin.query(`DROP ROLE IF EXISTS ${ROLE}`);
    await admin.query(`CREATE ROLE ${ROLE} LOGIN PASSWORD '${PASSWORD}' IN ROLE pg_monitor`);
    await admin.query(`CREATE DATABASE ${DATABASE} OWNER ${ROLE}`);
    await admin.end();
    const client = await connect(url);
    await client.query(readFileSync(path.join(SAMPLE, 'db/seed.sql'), 'utf8'));
    await client.end();
  }, 60_000);

  afterAll(async () => {
    const admin = await connect(TEST_PG_URL);
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await admin.query(`DROP ROLE IF EXISTS ${ROLE}`);
    await admin.end();
  });

  it('collects the job table as a pg_monitor role from the server named by DATABASE_URL, with the password kept out of the evidence', () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'fracas-real-pg-')), 'fm_028');
    cpSync(SAMPLE, dir, { recursive: true, filter: (source) => !/[/\\](report|evidence)$/.test(source) });
    const run = spawnSync(process.execPath, [path.join(ROOT, 'bin/fracas.js'), 'collect', dir, '--json', '--quiet'], {
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: url },
      timeout: 120_000,
    });
    const summary = JSON.parse(run.stdout) as { sources: { id: string; status: string }[] };
    expect(summary.sources.find((source) => source.id === 'supabase')?.status).toBe('ok');
    const text = readFileSync(path.join(dir, 'evidence', 'evidence.json'), 'utf8');
    const bundle = JSON.parse(text) as EvidenceBundle;
    const database = bundle.sources.find((source) => source.id === 'supabase');
    expect(database?.kind).toBe('database');
    const evidence = database?.evidence as { engine: string; checks: { id: string; rowCount: number }[] };
    expect(evidence.engine).toBe('postgres');
    expect(evidence.checks.find((check) => check.id === 'stuck-jobs')?.rowCount).toBe(14);
    expect(text).not.toContain(PASSWORD);
  }, 120_000);

  it('turns a wrong password into a partial report that names the source, with exit code 2 and no password in it', () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'fracas-real-pg-auth-')), 'fm_028');
    cpSync(SAMPLE, dir, { recursive: true, filter: (source) => !/[/\\](report|evidence)$/.test(source) });
    const wrong = withUrl(url, { password: `${PASSWORD}-wrong` });
    const run = spawnSync(process.execPath, [path.join(ROOT, 'bin/fracas.js'), 'report', dir, '--format', 'md', '--json', '--quiet'], {
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: wrong },
      timeout: 120_000,
    });
    expect(run.status).toBe(2);
    const summary = JSON.parse(run.stdout) as { sources: { id: string; status: string; error?: string }[] };
    const database = summary.sources.find((source) => source.id === 'supabase');
    expect(database?.status).toBe('failed');
    expect(database?.error).toMatch(/password authentication failed|28P01/);
    const report = readFileSync(path.join(dir, 'report', 'root-cause-report.md'), 'utf8');
    expect(report).toMatch(/`supabase` \| database \| ❌ failed/);
    for (const text of [run.stdout, run.stderr, report]) expect(text).not.toContain(PASSWORD);
  }, 120_000);
});
