// Recognises deploy, build, restart, start-up and shutdown lines (Render build output, common servers) by keyword families.
import type { LogEvent, LogRecord } from '../../evidence/schema.ts';

const PREFILTER = /==>|deploy|build|listen|start|ready|boot|restart|exit|kill|crash|signal|sigterm|shut|stopp|live|release/i;
const RULES: [LogEvent['kind'], RegExp][] = [
  [
    'deploy',
    /^==> (?:Deploying|Your service is live)|\bdeploy(?:ment)?\s+(?:started|live|succeeded|successful|complete|completed|finished)\b|\bdeployed\s+(?:version|release|commit|revision)\b|\bnew (?:release|version) (?:deployed|is live)\b/i,
  ],
  ['build', /^==> (?:Cloning from|Checking out commit|Running build command|Build successful|Uploading build|Build failed)|\bbuild (?:started|succeeded|successful|failed|finished)\b/i],
  [
    'restart',
    /\b(?:restarting|restarted|instance failed|exited with (?:status|code|exit code)|exited unexpectedly|was killed|oom[- ]?kill(?:ed)?|crash ?loop|crashed|worker timeout|(?:re)?spawning worker)\b/i,
  ],
  ['shutdown', /\b(?:shutting down|received sigterm|handling signal: (?:term|int)|graceful(?:ly)? shut(?:ting)? ?down|worker exiting|stopping (?:server|service|worker)s?|server stopped)\b/i],
  [
    'start',
    /^==> (?:Starting service|Running '|Detected service running on port)|\b(?:listening on|listening at|server (?:started|running|listening)|uvicorn running on|application startup complete|booting worker|celery@\S+ ready|starting gunicorn|started server on|ready to accept connections|started \S+ in [\d.]+ ?s(?:econds)?|app(?:lication)? started|service started)\b/i,
  ],
];

/** The lifecycle event a record announces, if any. */
export function eventKind(record: LogRecord): LogEvent['kind'] | undefined {
  const message = record.message.length > 400 ? record.message.slice(0, 400) : record.message;
  if (!PREFILTER.test(message)) return undefined;
  for (const [kind, pattern] of RULES) if (pattern.test(message)) return kind;
  return undefined;
}
