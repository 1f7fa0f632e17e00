// `fracas init`: scaffold an incident directory with an incident.yaml that validates and runs as written.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeFileAtomic } from '../lib/atomic-write.ts';
import { MANIFEST_FILE, parseManifest } from '../manifest/index.ts';

/** The JSON Schema shipped with this fracas (schema/ beside src/ and dist/), as a file URL editors resolve on this machine. */
const INSTALLED_SCHEMA = pathToFileURL(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'schema', 'incident.schema.json')).href;

export interface InitOptions {
  id: string;
  title: string;
  severity?: string;
  environment?: string;
  service?: string;
  force: boolean;
  /** Duration before now: 30m, 6h, 2d, 1w. */
  since?: string;
  /** START..END, ISO 8601 times. */
  window?: string;
  /** A Render service id (srv-...): adds a render-api source. */
  fromRender?: string;
  /** The Render owner (workspace) id; looked up from the service with RENDER_API_KEY when not given. */
  renderOwner?: string;
  renderApiUrl?: string;
  /** A postgres:// URL: adds a database source (its password is not written to the file). */
  databaseUrl?: string;
}

export interface InitIo {
  env: NodeJS.ProcessEnv;
  /** Ask a question on the terminal; undefined when there is no terminal. */
  ask?: (question: string) => Promise<string>;
  /** Notes for the user (stderr). */
  note: (message: string) => void;
  now?: Date;
  fetch?: typeof fetch;
}

export interface IncidentWindow {
  start: string;
  end: string;
}

class UsageError extends Error {
  override name = 'UsageError';
}

const DURATION = /^(\d+(?:\.\d+)?)\s*(m|min|h|d|w)$/i;
const UNIT_MS: Record<string, number> = { m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

function parseTime(text: string, what: string): string {
  const value = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(Date.parse(value))) throw new UsageError(`${what} "${text}" is not an ISO 8601 time such as 2026-11-19T06:00:00Z`);
  return new Date(value).toISOString();
}

/** `--since 6h` -> the last six hours up to now; `--window START..END` -> that range. */
export function parseWindow(options: { since?: string; window?: string }, now = new Date()): IncidentWindow | undefined {
  if (options.since && options.window) throw new UsageError('give either --since or --window, not both');
  if (options.since) {
    const match = DURATION.exec(options.since.trim());
    if (!match) throw new UsageError(`--since "${options.since}" is not a duration such as 30m, 6h, 2d or 1w`);
    const end = new Date(Math.ceil(now.getTime() / 60_000) * 60_000);
    const start = new Date(end.getTime() - Number(match[1]) * UNIT_MS[match[2]!.toLowerCase()]!);
    return { start: start.toISOString(), end: end.toISOString() };
  }
  if (options.window) {
    const parts = options.window.split('..');
    if (parts.length !== 2) throw new UsageError(`--window "${options.window}" is not START..END, e.g. 2026-11-19T06:00:00Z..2026-11-20T06:00:00Z`);
    const window = { start: parseTime(parts[0]!, 'window start'), end: parseTime(parts[1]!, 'window end') };
    if (Date.parse(window.start) > Date.parse(window.end)) throw new UsageError(`--window: the start ${window.start} is after the end ${window.end}`);
    return window;
  }
  return undefined;
}

async function askWindow(io: InitIo): Promise<IncidentWindow> {
  if (!io.ask) {
    throw new UsageError('give the incident window: --since 6h (the last six hours) or --window 2026-11-19T06:00:00Z..2026-11-20T06:00:00Z; logs outside it are counted, not analysed');
  }
  const answer = (await io.ask('When did the incident happen? A duration back from now (6h, 2d) or START..END in ISO 8601: ')).trim();
  return parseWindow(answer.includes('..') ? { window: answer } : { since: answer }, io.now)!;
}

/** Log files already in <dir>/logs (so the logs source can be written live instead of as an example). */
function existingLogs(dir: string): string[] {
  const logs = path.join(dir, 'logs');
  try {
    return readdirSync(logs)
      .filter((name) => !name.startsWith('.') && statSync(path.join(logs, name)).isFile())
      .sort();
  } catch {
    return [];
  }
}

interface RenderService {
  ownerId: string;
  name?: string;
}

/** GET /v1/services/{id} with RENDER_API_KEY: the owner id (and name) of a service. */
async function lookUpRenderService(serviceId: string, baseUrl: string, env: NodeJS.ProcessEnv, fetcher: typeof fetch = fetch): Promise<RenderService> {
  const key = env.RENDER_API_KEY;
  if (!key) throw new UsageError(`--from-render needs the service's owner: pass --render-owner tea-... (or export RENDER_API_KEY so fracas can look it up)`);
  const url = `${baseUrl.replace(/\/+$/, '')}/v1/services/${encodeURIComponent(serviceId)}`;
  let response: Response;
  try {
    response = await fetcher(url, { headers: { authorization: `Bearer ${key}`, accept: 'application/json' }, signal: AbortSignal.timeout(15_000) });
  } catch (error) {
    throw new UsageError(`cannot reach ${url} to look up ${serviceId}: ${(error as Error).message}; pass --render-owner tea-... instead`);
  }
  if (!response.ok) {
    const reason = response.status === 401 ? 'RENDER_API_KEY was refused' : response.status === 404 ? `no service ${serviceId} for this API key` : `HTTP ${response.status}`;
    throw new UsageError(`looking up Render service ${serviceId}: ${reason}; pass --render-owner tea-... or check the key and the id`);
  }
  const body = (await response.json().catch(() => ({}))) as { ownerId?: unknown; name?: unknown; service?: { ownerId?: unknown; name?: unknown } };
  const service = body.service ?? body;
  if (typeof service.ownerId !== 'string' || !service.ownerId) throw new UsageError(`the Render API's answer for ${serviceId} has no ownerId; pass --render-owner tea-...`);
  return { ownerId: service.ownerId, ...(typeof service.name === 'string' ? { name: service.name } : {}) };
}

const yamlString = (value: string) => JSON.stringify(value);

/** The database URL as written to the file: without its password, overridable by DATABASE_URL. */
function databaseUrlForManifest(url: string): { text: string; hadPassword: boolean } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError('--database-url is not a URL such as postgres://user@host:5432/postgres?sslmode=require');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') throw new UsageError(`--database-url: use postgres:// or postgresql://, not ${parsed.protocol}`);
  const hadPassword = parsed.password !== '' || parsed.searchParams.has('password');
  parsed.password = '';
  parsed.searchParams.delete('password');
  // ${...} would be read as a placeholder: keep the URL free of "}".
  const text = parsed.toString().replace(/}/g, '%7D');
  return { text, hadPassword };
}

interface ScaffoldInput {
  id: string;
  title: string;
  severity: string;
  environment: string;
  service: string;
  window: IncidentWindow;
  logs: string[];
  render?: { serviceId: string; ownerId: string; baseUrl?: string };
  databaseUrl?: string;
}

function scaffoldManifest(input: ScaffoldInput): string {
  const logs = input.logs.length
    ? `  - id: app-logs
    kind: logs
    paths: [${input.logs.map((name) => yamlString(`logs/${name}`)).join(', ')}]   # files or globs; .gz is read too
    format: auto
`
    : `  # - id: app-logs
  #   kind: logs
  #   paths: [logs/*.log, logs/*.json]   # files or globs, relative to this file; .gz is read too
  #   format: auto
`;
  const render = input.render
    ? `  - id: render-logs
    kind: render-api                    # Render's logs API; the key is read from RENDER_API_KEY
    ownerId: ${yamlString(input.render.ownerId)}
    resources: [${yamlString(input.render.serviceId)}]
${input.render.baseUrl ? `    baseUrl: ${yamlString(input.render.baseUrl)}\n` : ''}`
    : `  # - id: render-logs
  #   kind: render-api                  # Render's logs API; export RENDER_API_KEY=rnd_...
  #   ownerId: tea-xxxx
  #   resources: [srv-xxxx]
`;
  const database = input.databaseUrl
    ? `  - id: database
    kind: database                      # no jobs: block: fracas finds job tables (a state/status column and an update time)
    url: ${yamlString(`${'$'}{DATABASE_URL:-${input.databaseUrl}}`)}
`
    : `  # - id: database
  #   kind: database
  #   url: \${DATABASE_URL}               # postgres://user:password@host:5432/postgres?sslmode=require
  #   jobs: { table: public.jobs }      # optional: without it fracas finds job tables itself
`;
  return `# yaml-language-server: $schema=${INSTALLED_SCHEMA}
# Incident manifest for fracas. Paths are relative to this file; \${VAR} and \${VAR:-default} read the environment.
# Check it with \`fracas validate <dir>\` and what a run needs with \`fracas doctor <dir>\`.
id: ${yamlString(input.id)}
title: ${yamlString(input.title)}
severity: ${input.severity}          # P0 .. P4
environment: ${yamlString(input.environment)}
service: ${yamlString(input.service)}
window:                              # records outside it are counted, not analysed
  start: ${input.window.start}
  end: ${input.window.end}
# summary: one paragraph for the reader of the report

${input.logs.length || input.render || input.databaseUrl ? 'sources:' : 'sources: []                          # none yet: remove the [] when you uncomment one below'}
${logs}${render}${database}  # - id: environment-config
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

export async function runInit(dir: string, options: InitOptions, io: InitIo): Promise<string> {
  const file = path.resolve(dir, MANIFEST_FILE);
  if (existsSync(file) && !options.force) throw new UsageError(`${file} already exists (use --force to overwrite)`);
  const severity = (options.severity ?? 'P2').toUpperCase();
  if (!/^P[0-4]$/.test(severity)) throw new UsageError(`--severity "${options.severity}" is not one of P0, P1, P2, P3, P4`);
  const window = parseWindow(options, io.now) ?? (await askWindow(io));
  let render: ScaffoldInput['render'];
  let serviceName: string | undefined;
  if (options.fromRender) {
    const baseUrl = options.renderApiUrl;
    const owner = options.renderOwner ? { ownerId: options.renderOwner } : await lookUpRenderService(options.fromRender, baseUrl ?? 'https://api.render.com', io.env, io.fetch);
    serviceName = 'name' in owner ? owner.name : undefined;
    render = { serviceId: options.fromRender, ownerId: owner.ownerId, ...(baseUrl ? { baseUrl } : {}) };
    if (!io.env.RENDER_API_KEY) io.note('export RENDER_API_KEY=rnd_... (Account settings > API keys) before `fracas report`');
  }
  let databaseUrl: string | undefined;
  if (options.databaseUrl) {
    const written = databaseUrlForManifest(options.databaseUrl);
    databaseUrl = written.text;
    if (written.hadPassword) io.note('the database password was not written to incident.yaml: export DATABASE_URL with it, or PGPASSWORD');
  }
  const text = scaffoldManifest({
    id: options.id,
    title: options.title,
    severity,
    environment: options.environment ?? 'staging',
    service: options.service ?? serviceName ?? 'api',
    window,
    logs: existingLogs(path.resolve(dir)),
    ...(render ? { render } : {}),
    ...(databaseUrl ? { databaseUrl } : {}),
  });
  parseManifest(text, file, {});
  await writeFileAtomic(file, text);
  return file;
}
