// Progress on stderr while collecting: a cli-progress bar on a terminal, plain lines otherwise, nothing with --quiet.
import cliProgress from 'cli-progress';
import type { AnySourceResult } from '../evidence/schema.ts';
import type { SourceSpec } from '../manifest/index.ts';
import { silentProgress, type ProgressSink } from '../collectors/gather.ts';
import { safeStream, terminalSafe } from '../lib/terminal-text.ts';

export interface Reporter extends ProgressSink {
  step(message: string): void;
  stop(): void;
}

const STATUS_MARK: Record<AnySourceResult['status'], string> = { ok: 'ok', partial: 'partial', failed: 'FAILED', skipped: 'skipped' };
const MAX_WARNINGS_SHOWN = 8;
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** A source's warnings as terminal lines (what was skipped, outside the window, unparsed), the rest counted. */
function warningLines(result: AnySourceResult): string[] {
  const warnings = result.warnings ?? [];
  const lines = warnings.slice(0, MAX_WARNINGS_SHOWN).map((warning) => `fracas:   ${result.id}: warning: ${warning.replace(CONTROL, '?')}`);
  if (warnings.length > MAX_WARNINGS_SHOWN) lines.push(`fracas:   ${result.id}: ${warnings.length - MAX_WARNINGS_SHOWN} more warning(s) in the report's Sources section`);
  return lines;
}

export function createReporter(options: { quiet: boolean; stream?: NodeJS.WriteStream }): Reporter {
  const raw = options.stream ?? process.stderr;
  // Lines from us go through terminalSafe; the bar itself (its own cursor sequences) gets the raw stream, its texts safe.
  const stream = safeStream(raw);
  if (options.quiet) return { ...silentProgress, step() {}, stop() {} };
  if (!stream.isTTY) {
    return {
      sourceStarted: (spec, index, total) => stream.write(`fracas: [${index + 1}/${total}] collecting ${spec.id} (${spec.kind})\n`),
      sourceMessage: (spec, message) => stream.write(`fracas:   ${spec.id}: ${message}\n`),
      sourceFinished: (result) =>
        stream.write(
          `fracas:   ${result.id}: ${STATUS_MARK[result.status]} in ${result.durationMs} ms${result.error ? `: ${result.error.message}` : ''}\n${warningLines(result)
            .map((line) => `${line}\n`)
            .join('')}`,
        ),
      step: (message) => stream.write(`fracas: ${message}\n`),
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { stream: raw, format: 'fracas {bar} {value}/{total} sources | {source} {message}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const lines: string[] = [];
  return {
    sourceStarted(spec: SourceSpec, _index: number, total: number) {
      if (!started) bar.start(total, 0, { source: terminalSafe(spec.id), message: '' });
      started = true;
      bar.update({ source: terminalSafe(spec.id), message: '' });
    },
    sourceMessage: (_spec, message) => bar.update({ message: terminalSafe(message).slice(0, 60) }),
    sourceFinished(result) {
      bar.increment(1, { message: STATUS_MARK[result.status] });
      lines.push(`fracas: ${result.id}: ${STATUS_MARK[result.status]} in ${result.durationMs} ms${result.error ? `: ${result.error.message}` : ''}`, ...warningLines(result));
    },
    step(message) {
      if (started) {
        bar.stop();
        started = false;
        stream.write(`${lines.splice(0).join('\n')}\n`);
      }
      stream.write(`fracas: ${message}\n`);
    },
    stop() {
      if (started) bar.stop();
      started = false;
      if (lines.length) stream.write(`${lines.splice(0).join('\n')}\n`);
    },
  };
}
