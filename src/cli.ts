// The fracas command line: parse arguments, run a command, print, return the exit code.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { CHECK_EXIT_HELP, DOCTOR_EXIT_HELP, EXIT_CODE_HELP, EXIT_CODES, exitCodeForError, PROBE_EXIT_HELP, VERIFY_EXIT_HELP } from './cli/exit-codes.ts';
import type { InitOptions } from './cli/init.ts';
import { DEFAULT_THRESHOLDS as DEFAULT_CHECK_THRESHOLDS } from './analysis/monitoring-thresholds.ts';
import type { IncidentSummary } from './cli/run.ts';
import { safeStream, terminalSafe } from './lib/terminal-text.ts';
import type { OutputFormat } from './render/outputs.ts';

class UsageError extends Error {
  override name = 'UsageError';
}

function nonNegative(value: string, flag: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new InvalidArgumentError(`${flag} takes a number of 0 or more, not "${value}"`);
  return parsed;
}

// Command modules load when their command runs, so `fracas --help` starts without the pipeline.
const runModule = () => import('./cli/run.ts');
const progressModule = () => import('./cli/progress.ts');

function parseFormats(value: string): OutputFormat[] {
  const formats = value
    .split(',')
    .map((format) => format.trim().toLowerCase())
    .filter(Boolean);
  for (const format of formats) if (format !== 'md' && format !== 'pdf') throw new InvalidArgumentError(`unknown format "${format}" (use md, pdf or md,pdf)`);
  if (formats.length === 0) throw new InvalidArgumentError('give at least one format: md, pdf or md,pdf');
  return [...new Set(formats)] as OutputFormat[];
}

/** Every environment variable fracas reads (also in the README). */
export const ENV_HELP = [
  'DATABASE_URL               the database of the sample manifests and of `init --database-url` (url: ${DATABASE_URL:-...});',
  '                           any ${VAR} or ${VAR:-default} in incident.yaml reads the environment the same way',
  'PGPASSWORD                 the password when a database url has none (read by node-postgres; `init --database-url` leaves it out)',
  "RENDER_API_KEY             key of render-api sources (a source's apiKeyEnv names another variable) and of `init --from-render`",
  'PUPPETEER_EXECUTABLE_PATH  Chrome or Chromium for the PDF (default: /usr/bin/chromium, chromium-browser, google-chrome)',
  'GITHUB_TOKEN, GITHUB_API_URL, JIRA_BASE_URL, JIRA_EMAIL, JIRA_API_TOKEN, JIRA_PAT, LINEAR_API_KEY, LINEAR_API_URL,',
  'GITLAB_TOKEN, GITLAB_URL, CI_API_V4_URL',
  '                           `fracas publish`: tracker credentials and API base URLs (see the README)',
  'FRACAS_PDFTOTEXT           `fracas publish`: the pdftotext binary used to check the PDF for secrets before sending it',
  'FRACAS_WORKERS             worker threads reading pieces of large log files (default one per core, up to 4; 0: none); same evidence for any number',
  'FRACAS_TEST_PG             tests only: superuser URL of the PostgreSQL 15 test server (default postgres://fracas:fracas@127.0.0.1:5432/fracas_test)',
  'FRACAS_TEST_SEED           tests only: seed of generated test data',
  'FRACAS_BENCH_PG, BENCH_*, LOGHUB_DIR',
  '                           benchmarks only (npm run bench:*; see the README)',
].join('\n');

/** Warnings printed per source on the terminal; the rest are counted. */
const MAX_PRINTED_WARNINGS = 20;

interface Io {
  out: NodeJS.WritableStream;
  err: NodeJS.WriteStream;
}

function printSummaries(summaries: IncidentSummary[], json: boolean, io: Io): number {
  if (json)
    io.out.write(`${JSON.stringify(summaries.length === 1 ? summaries[0] : summaries, null, 2).replace(/[\u007f-\u009f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`);
  else {
    for (const summary of summaries) {
      for (const output of summary.outputs) io.out.write(`${output}\n`);
      for (const warning of summary.warnings) io.err.write(`fracas: ${summary.incident}: warning: ${warning}\n`);
      const failed = summary.sources.filter((source) => source.status !== 'ok');
      for (const source of failed) {
        io.err.write(`fracas: source ${source.id} is ${source.status}${source.error ? `: ${source.error}` : ''}${source.hint ? ` (${source.hint})` : ''}\n`);
        // Every reason the source is not ok, each with its hint, not only in --json and the report.
        for (const warning of source.warnings.slice(0, MAX_PRINTED_WARNINGS)) io.err.write(`fracas:   - ${warning}\n`);
        const more = source.warnings.length - MAX_PRINTED_WARNINGS;
        if (more > 0) io.err.write(`fracas:   - … and ${more} more (all of them are in --json and the report's Evidence sources section)\n`);
      }
      const top = summary.hypotheses[0];
      if (top) io.err.write(`fracas: ${summary.incident}: top hypothesis ${top.category} (score ${top.score.toFixed(2)}, ${top.status})\n`);
      if (summary.pdf === 'failed') io.err.write(`fracas: the PDF was not written: ${summary.pdfError ?? ''}\n`);
    }
  }
  return Math.max(...summaries.map((summary) => summary.exitCode), 0);
}

async function askOnTerminal(question: string): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await prompt.question(question);
  } finally {
    prompt.close();
  }
}

export function buildProgram(rawIo: Io, setExit: (code: number) => void): Command {
  // Everything printed goes through terminalSafe (log text and file names are data); --json stays valid JSON.
  const io: Io = { out: safeStream(rawIo.out), err: safeStream(rawIo.err) };
  const program = new Command('fracas')
    .description(
      'Incident investigations from evidence: collects logs, PostgreSQL and configuration, finds what they say, and writes the FRACAS deliverables (root cause, solution design, implementation plan, prevention) as Markdown and PDF.',
    )
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (text) => io.out.write(text), writeErr: (text) => io.err.write(text) })
    .addHelpText(
      'after',
      `\nExit codes:\n${EXIT_CODE_HELP.replace(/^/gm, '  ')}\n\nEnvironment variables:\n${ENV_HELP.replace(/^/gm, '  ')}\n\nQuick start:\n  fracas report docs/incidents/fm_028\n  fracas init incidents/inc-1 --id INC-1 --title "..." --since 6h --from-render srv-... --database-url 'postgres://...'\n  fracas doctor incidents/inc-1 && fracas report incidents/inc-1\n`,
    )
    .exitOverride();

  const formatOption = () => new Option('--format <list>', 'outputs to write: md, pdf or md,pdf').default(['md', 'pdf'], 'md,pdf').argParser(parseFormats);

  program
    .command('init')
    .description('scaffold <dir>/incident.yaml: a manifest that validates and runs as written (sources fracas cannot know are commented examples)')
    .argument('<dir>', 'incident directory (created if missing)')
    .requiredOption('--id <id>', 'incident id, e.g. FM-028')
    .requiredOption('--title <title>', 'one-line title')
    .option('--severity <P0-P4>', 'severity (default P2)')
    .option('--environment <name>', 'environment (default staging)')
    .option('--service <name>', 'service (default: the Render service name, else api)')
    .option('--since <duration>', 'incident window: this long back from now (30m, 6h, 2d, 1w)')
    .option('--window <start..end>', 'incident window: two ISO 8601 times, e.g. 2026-11-19T06:00:00Z..2026-11-20T06:00:00Z')
    .option('--from-render <service-id>', 'add a render-api source for this Render service (srv-...); its owner is looked up with RENDER_API_KEY')
    .option('--render-owner <owner-id>', 'the Render owner (workspace) id, tea-... or usr-..., instead of looking it up')
    .option('--render-api-url <url>', 'Render API base URL (default https://api.render.com)')
    .option('--database-url <url>', 'add a database source for this PostgreSQL URL (the password is not written to the file)')
    .option('--force', 'overwrite an existing incident.yaml', false)
    .action(async (dir: string, options: InitOptions) => {
      const { runInit } = await import('./cli/init.ts');
      const terminal = process.stdin.isTTY && io.err.isTTY;
      const file = await runInit(dir, options, {
        env: process.env,
        note: (message) => io.err.write(`fracas: ${message}\n`),
        ...(terminal ? { ask: askOnTerminal } : {}),
      });
      io.out.write(`${file}\n`);
      io.err.write(`fracas: check what a run needs with \`fracas doctor ${dir}\`, then run \`fracas report ${dir}\`\n`);
      setExit(EXIT_CODES.complete);
    });

  program
    .command('validate')
    .description('check <dir>/incident.yaml against the schema: each problem with its key path, line and the nearest allowed key or value')
    .argument('<dir>', 'incident directory or manifest file')
    .option('--json', 'print {file, valid, problems: [{path, line, message, suggestion}]} on stdout', false)
    .action(async (dir: string, options: { json: boolean }) => {
      const { loadManifest, ManifestError } = await import('./manifest/index.ts');
      let loaded: ReturnType<typeof loadManifest>;
      try {
        loaded = loadManifest(dir);
      } catch (error) {
        if (!options.json || !(error instanceof ManifestError)) throw error;
        io.out.write(`${JSON.stringify({ file: error.file, valid: false, problems: error.details }, null, 2)}\n`);
        setExit(EXIT_CODES.usage);
        return;
      }
      if (options.json) {
        const sources = loaded.manifest.sources.map((source) => ({ id: source.id, kind: source.kind }));
        io.out.write(`${JSON.stringify({ file: loaded.file, valid: true, id: loaded.manifest.id, window: loaded.manifest.window, sources, problems: [] }, null, 2)}\n`);
      } else io.out.write(`${loaded.file}: valid (${loaded.manifest.sources.length} source(s))\n`);
      setExit(EXIT_CODES.complete);
    });

  program
    .command('doctor')
    .description(
      'check what a run needs: Chromium and fonts, each database reachable with the privileges the checks use, RENDER_API_KEY for the named services, log files, writable outputs; each with how to fix it',
    )
    .argument('[dir]', 'incident directory (without it: only the browser and fonts)')
    .option('--json', 'print {checks: [{id, status, message, fix}], exitCode} on stdout', false)
    .option('--no-launch', 'do not start Chromium, only look for it')
    .addHelpText('after', `\nExit codes: ${DOCTOR_EXIT_HELP}\n`)
    .action(async (dir: string | undefined, options: { json: boolean; launch: boolean }) => {
      const { formatDoctor, runDoctor } = await import('./cli/doctor.ts');
      const result = await runDoctor(dir, { env: process.env, noLaunch: !options.launch });
      io.out.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : formatDoctor(result));
      setExit(result.exitCode);
    });

  program
    .command('collect')
    .description('collect evidence only, into <dir>/evidence/evidence.json')
    .argument('<dirs...>', 'incident directories')
    .option('--json', 'print a machine-readable summary on stdout', false)
    .option('-q, --quiet', 'no progress on stderr', false)
    .action(async (dirs: string[], options: { json: boolean; quiet: boolean }) => {
      const [{ runCollect }, { createReporter }] = await Promise.all([runModule(), progressModule()]);
      const reporter = createReporter({ quiet: options.quiet, stream: io.err });
      const summaries: IncidentSummary[] = [];
      for (const dir of dirs) summaries.push(await runCollect(dir, { formats: [], reporter }));
      if (!options.json) for (const summary of summaries) if (summary.evidence) io.out.write(`${summary.evidence}\n`);
      setExit(printSummaries(summaries, options.json, io));
    });

  const renderingCommand = (name: string, description: string, dirsHelp: string, collect: boolean) =>
    program
      .command(name)
      .description(description)
      .argument('<dirs...>', dirsHelp)
      .addOption(formatOption())
      .option('--out <dir>', 'write the outputs to <dir> instead of <dir>/report (one subdirectory per incident when several are given)')
      .option('--json', 'print a machine-readable summary on stdout', false)
      .option('-q, --quiet', 'no progress on stderr', false)
      .action(async (dirs: string[], options: { format: OutputFormat[]; json: boolean; quiet: boolean; out?: string }) => {
        const [{ runReport }, { createReporter }] = await Promise.all([runModule(), progressModule()]);
        const reporter = createReporter({ quiet: options.quiet, stream: io.err });
        setExit(printSummaries(await runReport(dirs, { formats: options.format, reporter, collect, ...(options.out ? { outDir: options.out } : {}) }), options.json, io));
      });
  renderingCommand('render', 'render the deliverables from saved evidence, without touching the sources', 'incident directories', false);
  renderingCommand('report', 'collect, analyse and render: writes <dir>/report/ (four deliverables, <ID>.md and <ID>.pdf)', 'incident directories (one browser renders them all)', true);

  program
    .command('templates')
    .description('mine log templates from a file: a table of templates, or one JSON object per record with --jsonl')
    .argument('<file>', 'log file (any supported format; .gz is fine)')
    .option('--format <header>', "logparser header format, e.g. '<Date> <Time> <Level> <Component>: <Content>'")
    .option('--jsonl', 'one {"line","templateId","template"} object per input record, in input order', false)
    .option('--service <name...>', 'keep records of these services or resources (the same filters as a log source in incident.yaml)')
    .option('--level <level>', 'keep records at this level or above (debug, info, warn, error, fatal), or a comma-separated list')
    .option('--text <text>', 'keep records whose message contains this text (case-insensitive)')
    .option('--regex <re>', 'keep records whose message matches this regular expression (RE2 syntax)')
    .option('--field <key=value...>', 'keep records whose field equals the value')
    .action(async (file: string, options: { format?: string; jsonl: boolean; service?: string[]; level?: string; text?: string; regex?: string; field?: string[] }) => {
      const { filterFromFlags, runTemplates } = await import('./cli/templates.ts');
      let filter: ReturnType<typeof filterFromFlags>;
      try {
        filter = filterFromFlags(options);
      } catch (error) {
        io.err.write(`fracas templates: ${(error as Error).message}\n`);
        setExit(EXIT_CODES.usage);
        return;
      }
      setExit(await runTemplates(file, { ...(options.format ? { format: options.format } : {}), jsonl: options.jsonl, ...(filter ? { filter } : {}) }, io.out, io.err));
    });

  program
    .command('verify')
    .description(
      "after a fix: collect the same sources for a window after it and compare them with the incident's failure signature (verdict, before/after table; the report gets a Verification section)",
    )
    .argument('<dir>', 'incident directory (its evidence must have been collected: fracas report <dir>)')
    .option('--window <start..end>', 'the window to verify, ISO 8601 times (default: from the end of the incident window until now)')
    .option('--since <duration>', 'the window ending now, e.g. 6h, 2d')
    .addOption(formatOption())
    .option('--no-render', 'do not re-render the report with the Verification section')
    .option('--json', 'print the verification as JSON on stdout', false)
    .option('-q, --quiet', 'no progress on stderr', false)
    .addHelpText('after', `\nExit codes:\n${VERIFY_EXIT_HELP.replace(/^/gm, '  ')}\n`)
    .action(async (dir: string, options: { window?: string; since?: string; format: OutputFormat[]; render: boolean; json: boolean; quiet: boolean }) => {
      const [{ runVerify, verificationLines, defaultVerifyWindow }, { windowFrom }, { loadManifest }, { runReport }, { createReporter }] = await Promise.all([
        import('./cli/verify.ts'),
        import('./cli/window.ts'),
        import('./manifest/index.ts'),
        runModule(),
        progressModule(),
      ]);
      const window = windowFrom(options, () => defaultVerifyWindow(loadManifest(dir).manifest.window.end));
      const reporter = createReporter({ quiet: options.quiet, stream: io.err });
      const result = await runVerify(dir, window, reporter);
      const summaries = options.render ? await runReport([dir], { formats: options.format, reporter, collect: false }) : [];
      if (options.json)
        io.out.write(`${JSON.stringify({ ...result.verification, files: result.files, outputs: summaries.flatMap((summary) => summary.outputs), exitCode: result.exitCode }, null, 2)}\n`);
      else {
        for (const line of verificationLines(result.verification)) io.out.write(`${line}\n`);
        for (const summary of summaries) for (const output of summary.outputs) io.err.write(`fracas: wrote ${output}\n`);
      }
      setExit(result.exitCode);
    });

  program
    .command('check')
    .description("run the monitoring the report proposes once: the incident's failure families, stuck jobs, failed requests and database health over the last minutes (for cron or a CI schedule)")
    .argument('<dir>', 'incident directory')
    .option('--minutes <n>', 'look at the last n minutes', '60')
    .option('--window <start..end>', 'look at this window instead (ISO 8601 times)')
    .option('--since <duration>', 'look at the window ending now, e.g. 30m, 6h')
    .option('--max-family <n>', "alert when one of the incident's failure families occurs more than n times", String(DEFAULT_CHECK_THRESHOLDS.family))
    .option('--max-stuck-jobs <n>', 'alert when more than n jobs are stuck', String(DEFAULT_CHECK_THRESHOLDS.stuckJobs))
    .option('--max-failed-share <share>', 'alert when more than this share of requests fail (0..1)', String(DEFAULT_CHECK_THRESHOLDS.failedRequestShare))
    .option('--json', 'print the checks as JSON on stdout', false)
    .option('-q, --quiet', 'no progress on stderr', false)
    .addHelpText('after', `\nExit codes:\n${CHECK_EXIT_HELP.replace(/^/gm, '  ')}\n`)
    .action(async (dir: string, options: { minutes: string; window?: string; since?: string; maxFamily: string; maxStuckJobs: string; maxFailedShare: string; json: boolean; quiet: boolean }) => {
      const [{ runCheck, checkLines }, { windowFrom, parseDuration }, { createReporter }] = await Promise.all([import('./cli/check.ts'), import('./cli/window.ts'), progressModule()]);
      const minutes = parseDuration(`${options.minutes}m`);
      const window = windowFrom(options, () => ({ start: new Date(Date.now() - minutes).toISOString(), end: new Date().toISOString() }));
      const thresholds = {
        ...DEFAULT_CHECK_THRESHOLDS,
        family: nonNegative(options.maxFamily, '--max-family'),
        stuckJobs: nonNegative(options.maxStuckJobs, '--max-stuck-jobs'),
        failedRequestShare: nonNegative(options.maxFailedShare, '--max-failed-share'),
      };
      const run = await runCheck(dir, window, createReporter({ quiet: options.quiet, stream: io.err }), thresholds);
      if (options.json) io.out.write(`${JSON.stringify(run, null, 2)}\n`);
      else for (const line of checkLines(run)) io.out.write(`${line}\n`);
      setExit(run.exitCode);
    });

  program
    .command('history')
    .description('the incident memory: every incident under <dir> with status, severity, root-cause signature, time to resolve and verification verdict')
    .argument('[dir]', 'directory of incident directories', 'docs/incidents')
    .option('--json', 'print the records as JSON on stdout', false)
    .action(async (dir: string, options: { json: boolean }) => {
      const { loadHistory, historyLines } = await import('./cli/history.ts');
      const { existsSync } = await import('node:fs');
      if (!existsSync(dir)) throw new UsageError(`${dir}: no such directory (give the directory that holds your incident directories)`);
      const history = loadHistory(dir);
      if (options.json) io.out.write(`${JSON.stringify(history, null, 2)}\n`);
      else for (const line of historyLines(history)) io.out.write(`${line}\n`);
      setExit(history.skipped.length > 0 ? EXIT_CODES.partial : EXIT_CODES.complete);
    });

  program
    .command('probe')
    .description(
      "send the manifest's test webhook deliveries (valid, bad signature, malformed JSON, unknown job, duplicate) to its staging base URL; answers are saved as evidence and shown in the report",
    )
    .argument('<dir>', 'incident directory whose incident.yaml has a probe: section')
    .option('--json', 'print the results as JSON on stdout', false)
    .addHelpText('after', `\nExit codes:\n${PROBE_EXIT_HELP.replace(/^/gm, '  ')}\n`)
    .action(async (dir: string, options: { json: boolean }) => {
      const { probeIncident, probeLines } = await import('./cli/probe.ts');
      const { evidence, file, exitCode } = await probeIncident(dir);
      if (options.json) io.out.write(`${JSON.stringify({ ...evidence, file, exitCode }, null, 2)}\n`);
      else {
        for (const line of probeLines(evidence)) io.out.write(`${line}\n`);
        io.err.write(`fracas: saved to ${file}; \`fracas render ${dir}\` adds the results to the report\n`);
      }
      setExit(exitCode);
    });

  program
    .command('publish')
    .description('attach the report to tickets: the summary as a comment (edited on a re-run), the PDF attached or linked')
    .argument('<dir>', 'incident directory (reads <dir>/report/summary.md and <dir>/report/<ID>.pdf)')
    .option(
      '--to <target>',
      "github:OWNER/REPO#N, jira:KEY-N, linear:TEAM-N or gitlab:GROUP/PROJECT#N (repeatable; default: the manifest's tickets: list)",
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--dry-run', 'print exactly what would be sent, and send nothing', false)
    .option('--json', 'print the URLs created or updated (or, with --dry-run, the requests) as JSON on stdout', false)
    .option('--no-pdf', 'send the summary only')
    .option('--base-url <url>', 'API base URL for the --to targets (GitHub Enterprise https://HOST/api/v3, Jira site, Linear GraphQL endpoint, GitLab instance)')
    .addOption(new Option('--github-pdf <where>', 'GitHub: the PDF as a release asset, committed to a branch, or not sent').choices(['release', 'branch', 'none']))
    .option('--tag <tag>', 'GitHub release tag that holds the PDFs (default fracas-reports)')
    .option('--branch <branch>', 'GitHub branch the PDF is committed to with --github-pdf branch (default fracas-reports)')
    .option('--path <path>', 'GitHub path of the PDF with --github-pdf branch; {id} is the incident id (default incidents/{id}.pdf)')
    .addOption(new Option('--jira-api <api>', 'Jira: cloud (REST v3, ADF) or datacenter (REST v2, wiki markup); default from the credentials').choices(['cloud', 'datacenter']))
    .addHelpText(
      'after',
      `\nCredentials (from the environment, never printed or written): GITHUB_TOKEN; JIRA_BASE_URL with JIRA_EMAIL + JIRA_API_TOKEN (Cloud)\nor JIRA_PAT (Data Center); LINEAR_API_KEY; GITLAB_TOKEN (GITLAB_URL for self-managed). GITHUB_API_URL sets GitHub Enterprise.\n\nExit codes:\n  0  published to every ticket\n  1  usage error (bad target, missing credential, no report): nothing was sent\n  2  partly published: some ticket or step failed; what was left is printed\n  3  failed: nothing was published\n`,
    )
    .action(
      async (
        dir: string,
        options: {
          to?: string[];
          dryRun: boolean;
          json: boolean;
          pdf: boolean;
          baseUrl?: string;
          githubPdf?: 'release' | 'branch' | 'none';
          tag?: string;
          branch?: string;
          path?: string;
          jiraApi?: 'cloud' | 'datacenter';
        },
      ) => {
        const { runPublish } = await import('./publish/run.ts');
        const targetOptions = {
          ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
          ...(options.githubPdf ? { pdf: options.githubPdf } : {}),
          ...(options.tag ? { tag: options.tag } : {}),
          ...(options.branch ? { branch: options.branch } : {}),
          ...(options.path ? { path: options.path } : {}),
          ...(options.jiraApi ? { api: options.jiraApi } : {}),
        };
        const outcome = await runPublish(dir, {
          targets: (options.to ?? []).map((to) => ({ to, options: targetOptions })),
          dryRun: options.dryRun,
          json: options.json,
          includePdf: options.pdf,
          out: io.out,
          err: io.err,
        });
        setExit(outcome.exitCode);
      },
    );

  program
    .command('schema')
    .description('print the JSON Schema of incident.yaml')
    .action(async () => {
      const { manifestJsonSchemaText } = await import('./cli/schema.ts');
      io.out.write(manifestJsonSchemaText());
      setExit(EXIT_CODES.complete);
    });

  return program;
}

export async function main(argv: string[], io: Io = { out: process.stdout, err: process.stderr }): Promise<number> {
  let exitCode: number = EXIT_CODES.complete;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT_CODES.complete;
      return EXIT_CODES.usage;
    }
    const { createRedactor } = await import('./lib/secrets/redact.ts');
    io.err.write(terminalSafe(`fracas: ${createRedactor().error(error)}\n`));
    return exitCodeForError(error);
  }
}
