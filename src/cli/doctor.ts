// `fracas doctor`: checks what a run needs (browser, fonts, database access, Render API key, writable outputs) and says how to fix each.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { connectionFailure, parseDatabaseUrl, scrub } from '../collectors/database/connect.ts';
import { candidateTablesSql, jobTableCandidate } from '../collectors/database/discovery.ts';
import { SERVER_INFO_SQL } from '../collectors/database/health-checks.ts';
import { openPgSession, type DbSession } from '../collectors/database/session.ts';
import { relationOid } from '../collectors/database/sql.ts';
import { toDbRow } from '../collectors/database/values.ts';
import { expandPaths } from '../collectors/logs/files.ts';
import type { DatabaseSourceSpec, LoadedManifest, RenderApiSourceSpec } from '../manifest/index.ts';
import { loadManifest, ManifestError } from '../manifest/index.ts';
import { findBrowser, launchPdfRenderer } from '../render.ts';

const run = promisify(execFile);

type DoctorStatus = 'ok' | 'warn' | 'fail';

export interface DoctorCheck {
  /** kebab-case: browser, fonts, manifest, database:<source>, render-api:<source>, logs:<source>, output-directory. */
  id: string;
  status: DoctorStatus;
  message: string;
  /** What to do about it (absent when ok). */
  fix?: string;
}

export interface DoctorResult {
  checks: DoctorCheck[];
  exitCode: 0 | 1 | 2 | 3;
}

export interface DoctorOptions {
  env: NodeJS.ProcessEnv;
  /** Skip starting the browser (checks only that it is found). */
  noLaunch?: boolean;
  fetch?: typeof fetch;
}

const APT_FONTS = 'apt-get install -y fonts-noto-core fonts-noto-color-emoji';

async function browserCheck(options: DoctorOptions): Promise<DoctorCheck> {
  let executable: string;
  try {
    executable = findBrowser(options.env);
  } catch (error) {
    return {
      id: 'browser',
      status: 'fail',
      message: (error as Error).message.split('\n')[0]!,
      fix: 'apt-get install -y chromium, or set PUPPETEER_EXECUTABLE_PATH to a Chrome or Chromium binary (or render with --format md)',
    };
  }
  if (options.noLaunch) return { id: 'browser', status: 'ok', message: `${executable} (not started)` };
  try {
    const renderer = await launchPdfRenderer(options.env);
    await renderer.close();
    return { id: 'browser', status: 'ok', message: `${executable} starts headless` };
  } catch (error) {
    return {
      id: 'browser',
      status: 'fail',
      message: (error as Error).message.split('\n')[0]!,
      fix: 'reinstall it (apt-get install --reinstall chromium) or point PUPPETEER_EXECUTABLE_PATH at one that starts',
    };
  }
}

async function fontsCheck(env: NodeJS.ProcessEnv): Promise<DoctorCheck> {
  let families: string;
  try {
    families = (await run('fc-list', [':', 'family'], { timeout: 15_000, maxBuffer: 16 * 1024 * 1024, env })).stdout;
  } catch {
    return { id: 'fonts', status: 'warn', message: 'fc-list not found: cannot tell which fonts Chromium has', fix: `apt-get install -y fontconfig; ${APT_FONTS}` };
  }
  const missing = [
    ['Noto Sans', 'fonts-noto-core (Latin, Greek, Cyrillic and more)'],
    ['Noto Color Emoji', 'fonts-noto-color-emoji'],
  ].filter(([family]) => !families.split('\n').some((line) => line.split(',').some((name) => name.trim() === family)));
  if (missing.length === 0) return { id: 'fonts', status: 'ok', message: 'Noto Sans and Noto Color Emoji installed' };
  return {
    id: 'fonts',
    status: 'warn',
    message: `missing ${missing.map(([family, pkg]) => `${family} (${pkg})`).join(', ')}: text in those scripts prints as boxes in the PDF`,
    fix: APT_FONTS + ' (CJK text also needs fonts-noto-cjk)',
  };
}

/** Connect as the manifest's role and check the privileges the checks use (pg_monitor, SELECT on the job tables). */
async function databaseCheck(spec: DatabaseSourceSpec, loaded: LoadedManifest): Promise<DoctorCheck> {
  const id = `database:${spec.id}`;
  const url = spec.url?.trim();
  if (!url) {
    const missing = spec.seed.filter((file) => !existsSync(loaded.resolve(file)));
    if (missing.length > 0)
      return { id, status: 'fail', message: `no url, and seed file(s) ${missing.join(', ')} do not exist`, fix: 'set url (or DATABASE_URL) to the incident database, or fix the seed paths' };
    return { id, status: 'ok', message: `no url: the embedded PGlite database, seeded from ${spec.seed.length} file(s)` };
  }
  let target: ReturnType<typeof parseDatabaseUrl>;
  try {
    target = parseDatabaseUrl(url, { connectTimeoutMs: spec.connectTimeoutMs, statementTimeoutMs: spec.statementTimeoutMs, applicationName: 'fracas-doctor' });
  } catch (error) {
    return { id, status: 'fail', message: (error as Error).message, fix: (error as { hint?: string }).hint ?? 'write it as postgres://user:password@host:5432/database?sslmode=require' };
  }
  const limits = { statementTimeoutMs: spec.statementTimeoutMs, lockTimeoutMs: spec.lockTimeoutMs };
  let session: DbSession;
  try {
    try {
      session = await openPgSession(target.config, limits);
    } catch (error) {
      if (target.sslmode !== 'prefer' || !/does not support SSL/i.test(String((error as Error).message))) throw error;
      session = await openPgSession({ ...target.config, ssl: false }, limits);
    }
  } catch (error) {
    const failure = connectionFailure(error, target, spec.connectTimeoutMs);
    return { id, status: 'fail', message: `${target.masked}: ${failure.message}`, fix: failure.hint ?? 'check host, port, user, password and sslmode' };
  }
  try {
    const info = toDbRow((await session.readOnly(SERVER_INFO_SQL)).rows[0] ?? {});
    const role = String(info.role ?? '');
    const superuser = info.superuser === true;
    const readAllStats = superuser || info.read_all_stats === true;
    const problems: string[] = [];
    const fixes: string[] = [];
    if (!readAllStats) {
      problems.push(`role "${role}" is not a member of pg_monitor (or pg_read_all_stats): other sessions, their queries and locks are hidden, so the health checks are limited`);
      fixes.push(`GRANT pg_monitor TO ${role};`);
    }
    const named = spec.jobs?.table;
    const tables = named ? [named] : await discoveredTables(session);
    const unreadable: string[] = [];
    for (const table of tables) {
      const row = toDbRow(
        (await session.readOnly(`SELECT ${relationOid(table)} IS NOT NULL AS found, coalesce(has_table_privilege(${relationOid(table)}, 'SELECT'), false) AS readable`)).rows[0] ?? {},
      );
      if (row.found !== true) {
        problems.push(`job table ${table} not found`);
        fixes.push('set jobs.table to the schema-qualified name of the job table, or leave jobs: out to have fracas find job tables');
      } else if (row.readable !== true) unreadable.push(table);
    }
    if (unreadable.length > 0) {
      problems.push(`role "${role}" may not SELECT from ${unreadable.join(', ')}: the job checks on ${unreadable.length > 1 ? 'them' : 'it'} are limited`);
      fixes.push(`GRANT SELECT ON ${unreadable.join(', ')} TO ${role}; (and USAGE on the schema), or GRANT pg_read_all_data TO ${role};`);
    }
    const where = `${target.masked} as ${role}${superuser ? ' (superuser)' : readAllStats ? ' (pg_monitor)' : ''}${target.pooler ? `, ${target.pooler}-mode pooler` : ''}`;
    const jobs = named ? `job table ${named}` : tables.length ? `job tables found: ${tables.join(', ')}` : 'no job table found (health checks only)';
    if (problems.length === 0) return { id, status: 'ok', message: `${where}; ${jobs}` };
    return { id, status: 'warn', message: scrub(`${where}; ${problems.join('; ')}`, target.password), fix: fixes.join(' ') };
  } catch (error) {
    return {
      id,
      status: 'fail',
      message: scrub(`connected to ${target.masked}, but a query failed: ${(error as Error).message}`, target.password),
      fix: 'check that the role may run queries on this database',
    };
  } finally {
    await session.close();
  }
}

async function discoveredTables(session: DbSession): Promise<string[]> {
  const rows = (await session.readOnly(candidateTablesSql())).rows.map(toDbRow);
  return rows
    .flatMap((row) => {
      const candidate = jobTableCandidate(row);
      return 'reason' in candidate ? [] : [candidate.table];
    })
    .slice(0, 5);
}

/** GET /v1/services/{id} for each resource, with the source's API key, against its base URL. */
async function renderCheck(spec: RenderApiSourceSpec, options: DoctorOptions): Promise<DoctorCheck> {
  const id = `render-api:${spec.id}`;
  const key = options.env[spec.apiKeyEnv];
  if (!key) return { id, status: 'fail', message: `${spec.apiKeyEnv} is not set`, fix: `export ${spec.apiKeyEnv}=rnd_... (Render dashboard: Account settings > API keys)` };
  const fetcher = options.fetch ?? fetch;
  const base = spec.baseUrl.replace(/\/+$/, '');
  const problems: string[] = [];
  let fix: string | undefined;
  for (const resource of spec.resources) {
    const url = `${base}/v1/services/${encodeURIComponent(resource)}`;
    let response: Response;
    try {
      response = await fetcher(url, { headers: { authorization: `Bearer ${key}`, accept: 'application/json' }, signal: AbortSignal.timeout(15_000) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      return { id, status: 'fail', message: `cannot reach ${base}: ${cause}`, fix: 'check baseUrl and the network (a proxy must allow api.render.com)' };
    }
    await response.body?.cancel().catch(() => undefined);
    if (response.status === 401 || response.status === 403) {
      return { id, status: 'fail', message: `${spec.apiKeyEnv} was refused (HTTP ${response.status})`, fix: `create a new API key in the Render dashboard and export ${spec.apiKeyEnv}` };
    }
    if (response.status === 404) {
      problems.push(`no service ${resource} for this key`);
      fix = 'check the resource ids (srv-..., from the service URL in the dashboard) and that the key belongs to their workspace';
    } else if (!response.ok) {
      problems.push(`${resource}: HTTP ${response.status}`);
      fix = 'try again later; https://status.render.com shows outages';
    }
  }
  if (problems.length > 0) return { id, status: 'fail', message: problems.join('; '), ...(fix ? { fix } : {}) };
  return { id, status: 'ok', message: `${spec.apiKeyEnv} reads ${spec.resources.join(', ')} at ${base}` };
}

async function logsCheck(spec: { id: string; paths: string[] }, loaded: LoadedManifest): Promise<DoctorCheck> {
  const id = `logs:${spec.id}`;
  const expanded = await expandPaths(spec.paths, loaded.resolve);
  const empty = expanded.filter((entry) => entry.files.length === 0 || entry.files.every((file) => !existsSync(file))).map((entry) => entry.pattern);
  const files = expanded.reduce((count, entry) => count + entry.files.filter((file) => existsSync(file)).length, 0);
  if (empty.length === expanded.length)
    return { id, status: 'fail', message: `no file matches ${empty.join(', ')}`, fix: `put the log files under ${loaded.dir} or fix paths (relative to incident.yaml)` };
  if (empty.length > 0) return { id, status: 'warn', message: `${files} file(s); nothing matches ${empty.join(', ')}`, fix: 'fix or remove those paths' };
  return { id, status: 'ok', message: `${files} file(s)` };
}

async function outputCheck(dir: string): Promise<DoctorCheck> {
  const problems: string[] = [];
  for (const sub of ['evidence', 'report']) {
    const target = path.join(dir, sub);
    const probe = path.join(target, `.fracas-doctor-${process.pid}`);
    try {
      await mkdir(target, { recursive: true });
      await writeFile(probe, '');
      await rm(probe, { force: true });
    } catch (error) {
      problems.push(`${target}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  if (problems.length > 0)
    return {
      id: 'output-directory',
      status: 'fail',
      message: `cannot write ${problems.join('; ')}`,
      fix: `make ${dir} writable for this user (chown or chmod), or copy the incident directory somewhere writable`,
    };
  return { id: 'output-directory', status: 'ok', message: `${path.join(dir, 'evidence')} and ${path.join(dir, 'report')} are writable` };
}

export async function runDoctor(dir: string | undefined, options: DoctorOptions): Promise<DoctorResult> {
  const checks: DoctorCheck[] = [await browserCheck(options), await fontsCheck(options.env)];
  if (dir !== undefined) {
    let loaded: LoadedManifest | undefined;
    try {
      loaded = loadManifest(dir, options.env);
      checks.push({ id: 'manifest', status: 'ok', message: `${loaded.file}: valid (${loaded.manifest.sources.length} source(s))` });
    } catch (error) {
      if (!(error instanceof ManifestError)) throw error;
      checks.push({ id: 'manifest', status: 'fail', message: error.message, fix: 'fix the problems listed (fracas validate --json prints them as data)' });
      return { checks, exitCode: 1 };
    }
    for (const source of loaded.manifest.sources) {
      if (source.kind === 'database') checks.push(await databaseCheck(source, loaded));
      else if (source.kind === 'render-api') checks.push(await renderCheck(source, options));
      else if (source.kind === 'logs') checks.push(await logsCheck(source, loaded));
    }
    checks.push(await outputCheck(loaded.dir));
  }
  const exitCode = checks.some((check) => check.status === 'fail') ? 3 : checks.some((check) => check.status === 'warn') ? 2 : 0;
  return { checks, exitCode };
}

const MARK: Record<DoctorStatus, string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' };

export function formatDoctor(result: DoctorResult): string {
  return result.checks.map((check) => `${MARK[check.status]} ${check.id}: ${check.message}${check.fix ? `\n     fix: ${check.fix}` : ''}`).join('\n') + '\n';
}
