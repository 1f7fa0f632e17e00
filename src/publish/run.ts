// `fracas publish`: read the report, redact it, and post it to each ticket (or print the requests with --dry-run).
import { loadManifest } from '../manifest/index.ts';
import { createRedactor } from '../lib/secrets/redact.ts';
import { adapterFor, CREDENTIAL_VARIABLES } from './adapters.ts';
import { buildPayload } from './payload.ts';
import { defaultRetryPolicy, type RetryPolicy } from './retry.ts';
import { publishStateFile, readPublishState, writePublishState, type PublishState } from './state.ts';
import { parseTarget, TargetError, type Target } from './target.ts';
import type { PlannedRequest, PublishPayload, TargetOptions, TargetResult } from './types.ts';

/** Exit codes of `fracas publish` (the same numbers as the other commands: 0 done, 1 usage, 2 partial, 3 failed). */
const PUBLISH_EXIT_CODES = { complete: 0, usage: 1, partial: 2, failed: 3 } as const;
type PublishExitCode = (typeof PUBLISH_EXIT_CODES)[keyof typeof PUBLISH_EXIT_CODES];
const EXIT_CODES = PUBLISH_EXIT_CODES;
type ExitCode = PublishExitCode;

interface PublishTargetSpec {
  to: string;
  options: TargetOptions;
}

export interface PublishOptions {
  /** Targets from --to; when empty, the manifest's `tickets:` list. */
  targets: PublishTargetSpec[];
  dryRun: boolean;
  json: boolean;
  includePdf: boolean;
  env?: NodeJS.ProcessEnv;
  retry?: RetryPolicy;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

class PublishUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Replace every credential value from the environment (they must never be printed or sent). */
function credentialScrubber(env: NodeJS.ProcessEnv): (text: string) => string {
  const secrets: [string, string][] = [];
  for (const name of CREDENTIAL_VARIABLES) {
    const value = env[name];
    if (typeof value === 'string' && value.length >= 4) secrets.push([name, value]);
  }
  // Basic auth sends base64(email:token); scrub that form too.
  if (env.JIRA_EMAIL && env.JIRA_API_TOKEN) secrets.push(['JIRA_API_TOKEN', Buffer.from(`${env.JIRA_EMAIL}:${env.JIRA_API_TOKEN}`).toString('base64')]);
  return (text) => {
    let out = text;
    for (const [name, value] of secrets) if (out.includes(value)) out = out.split(value).join(`[REDACTED:${name}]`);
    return out;
  };
}

function describePlan(target: string, requests: PlannedRequest[]): string {
  const lines = [`== ${target}`];
  for (const request of requests) {
    lines.push(`${request.method} ${request.url}${request.note ? `    # ${request.note}` : ''}`);
    for (const [name, value] of Object.entries(request.headers)) lines.push(`  ${name}: ${value}`);
    if (request.body !== undefined) {
      const body = (request.body as { body?: unknown }).body;
      // The JSON exactly as it goes on the wire; a Markdown or wiki body is also shown as readable text.
      lines.push(`  ${JSON.stringify(request.body)}`);
      if (typeof body === 'string') lines.push('  body, as text:', ...body.split('\n').map((line) => `    | ${line}`));
    }
    lines.push('');
  }
  return lines.join('\n');
}

function exitCodeFor(results: TargetResult[]): ExitCode {
  if (results.length > 0 && results.every((result) => result.status === 'published')) return EXIT_CODES.complete;
  if (results.some((result) => result.status !== 'failed')) return EXIT_CODES.partial;
  return EXIT_CODES.failed;
}

export interface PublishOutcome {
  exitCode: ExitCode;
  results: TargetResult[];
  plans?: { target: string; requests: PlannedRequest[] }[];
}

/** Run `fracas publish <dir>`; returns the exit code (0 published, 2 partly, 3 failed; usage errors throw). */
export async function runPublish(dir: string, options: PublishOptions): Promise<PublishOutcome> {
  const env = options.env ?? process.env;
  const scrub = credentialScrubber(env);
  const write = (stream: NodeJS.WritableStream, text: string) => stream.write(scrub(text));
  const loaded = loadManifest(dir, env);
  const incidentDir = loaded.dir;
  const specs =
    options.targets.length > 0
      ? options.targets
      : loaded.manifest.tickets.map((ticket) => (typeof ticket === 'string' ? { to: ticket, options: {} } : { to: ticket.to, options: ticketOptions(ticket) }));
  if (specs.length === 0) throw new PublishUsageError(`no ticket to publish to: give --to (${'e.g. github:acme/api#123'}) or a tickets: list in ${loaded.file}`);
  let targets: { target: Target; options: TargetOptions }[];
  try {
    targets = specs.map((spec) => ({ target: parseTarget(spec.to), options: spec.options }));
  } catch (error) {
    if (error instanceof TargetError) throw new PublishUsageError(error.message);
    throw error;
  }
  const seen = new Set<string>();
  targets = targets.filter(({ target }) => {
    if (seen.has(target.text)) return false;
    seen.add(target.text);
    return true;
  });

  if (!options.dryRun) {
    const missing = targets.map(({ target, options: targetOptions }) => [target.text, adapterFor(target).checkCredentials(env, targetOptions)] as const).filter(([, problem]) => problem !== undefined);
    if (missing.length > 0) throw new PublishUsageError(`nothing was sent:\n${missing.map(([target, problem]) => `  - ${target}: ${problem}`).join('\n')}`);
  }

  const redactor = createRedactor();
  const raw = await buildPayload(incidentDir, { id: loaded.manifest.id, title: loaded.manifest.title }, redactor, { includePdf: options.includePdf });
  const payload: PublishPayload = { ...raw, markdown: scrub(raw.markdown), title: scrub(raw.title) };
  for (const note of payload.notes) write(options.err, `fracas: ${note}\n`);

  const state = await readPublishState(incidentDir);

  if (options.dryRun) {
    const plans = targets.map(({ target, options: targetOptions }) => ({
      target: target.text,
      requests: adapterFor(target).plan(target, payload, { options: targetOptions, env, state: state.targets[target.text] ?? {} }),
    }));
    if (options.json) write(options.out, `${JSON.stringify({ incident: payload.incidentId, dryRun: true, source: payload.source, notes: payload.notes, plans }, null, 2)}\n`);
    else {
      write(
        options.out,
        `# fracas publish --dry-run: nothing is sent. Summary from ${payload.source.file}${payload.pdf ? `, PDF ${payload.pdf.filename} (${payload.pdf.bytes.length} bytes, sha256 ${payload.pdf.sha256})` : ', no PDF'}\n\n`,
      );
      for (const plan of plans) write(options.out, `${describePlan(plan.target, plan.requests)}\n`);
    }
    return { exitCode: EXIT_CODES.complete, results: [], plans };
  }

  // State writes are serialised so two targets never interleave a read-modify-write of publish.json.
  let saving: Promise<void> = Promise.resolve();
  const save = (key: string) => (next: PublishState['targets'][string]) => {
    saving = saving.then(async () => {
      state.targets[key] = JSON.parse(scrub(JSON.stringify(next))) as PublishState['targets'][string];
      await writePublishState(incidentDir, state);
    });
    return saving;
  };
  const retry = options.retry ?? defaultRetryPolicy();
  const results: TargetResult[] = [];
  for (const { target, options: targetOptions } of targets) {
    const adapter = adapterFor(target);
    let result: TargetResult;
    try {
      result = await adapter.publish(target, payload, {
        options: targetOptions,
        env,
        state: state.targets[target.text] ?? {},
        saveState: save(target.text),
        retry,
        log: (message) => write(options.err, `fracas: ${redactor.text(message)}\n`),
      });
    } catch (error) {
      result = { target: target.text, tracker: target.tracker, status: 'failed', steps: [{ what: 'comment', status: 'failed', error: redactor.error(error) }], leftBehind: [], notes: [] };
    }
    if (payload.pdfWithheld) {
      // The PDF exists but was held back: the ticket did not get everything, so this target is at most partial.
      result.steps = result.steps.filter((step) => step.what !== 'attachment' || step.status !== 'skipped');
      result.steps.unshift({ what: 'attachment', status: 'failed', error: `not sent: ${payload.pdfWithheld}`, hint: 're-render the report and check its sources for the secret' });
      if (result.status === 'published') result.status = 'partial';
    }
    results.push(JSON.parse(scrub(JSON.stringify(result))) as TargetResult);
  }
  await saving;

  const exitCode = exitCodeFor(results);
  if (options.json) {
    const urls = results.flatMap((result) =>
      result.steps.filter((step) => step.status === 'ok' && step.url).map((step) => ({ target: result.target, what: step.what, action: step.action, url: step.url })),
    );
    write(
      options.out,
      `${JSON.stringify({ incident: payload.incidentId, exitCode, urls, source: payload.source, notes: payload.notes, state: publishStateFile(incidentDir), targets: results }, null, 2)}\n`,
    );
  }
  for (const result of results) {
    if (!options.json) for (const step of result.steps) if (step.status === 'ok' && step.url) write(options.out, `${step.url}\n`);
    // Failures, notes and what was left behind always go to stderr, with --json too.
    for (const step of result.steps) if (step.status === 'failed') write(options.err, `fracas: ${result.target}: ${step.what} not published: ${step.error}${step.hint ? ` (${step.hint})` : ''}\n`);
    for (const note of result.notes) write(options.err, `fracas: ${result.target}: ${note}\n`);
    for (const left of result.leftBehind) write(options.err, `fracas: ${result.target}: left behind: ${left}\n`);
    write(options.err, `fracas: ${result.target}: ${result.status}\n`);
  }
  return { exitCode, results };
}

type ManifestTicket = Exclude<ReturnType<typeof loadManifest>['manifest']['tickets'][number], string>;

function ticketOptions(ticket: ManifestTicket): TargetOptions {
  const options: TargetOptions = {};
  if (ticket.baseUrl !== undefined) options.baseUrl = ticket.baseUrl;
  if (ticket.pdf !== undefined) options.pdf = ticket.pdf;
  if (ticket.tag !== undefined) options.tag = ticket.tag;
  if (ticket.branch !== undefined) options.branch = ticket.branch;
  if (ticket.path !== undefined) options.path = ticket.path;
  if (ticket.api !== undefined) options.api = ticket.api;
  return options;
}
