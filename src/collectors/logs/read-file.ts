// Reads one log file (gzip-aware) with the given or detected format and pushes its records to a sink, streaming.
import { createHeadedParser } from './headed.ts';
import { compileHeaderFormat, headerFormatHead, isHeaderFormat } from './header-format.ts';
import { createJsonLinesParser } from './json-lines.ts';
import { LineSplitter } from './lines.ts';
import { createPostgresParser } from './postgres.ts';
import { createRenderJsonParser } from './render-json.ts';
import { headText, textChunks } from './source.ts';
import { TRACEBACK_BODY } from './detect.ts';
import { detectFormat, FORMAT_NAMES, type LogFormatName } from './detect.ts';
import { plainHasTime, plainHead, pythonHead, renderTextHead, syslogHead, timedPlainHead } from './text-formats.ts';
import type { ChunkParser, RecordSink } from './types.ts';
import { joinMultiline } from './tracebacks.ts';

export interface ReadOptions {
  /** auto, a format name, or a logparser header format such as `<Date> <Time> <Level> <Content>`. */
  format?: string;
  postgresPrefix?: string;
  signal?: AbortSignal;
  /** Called once the format is known (detected or given), before any record. */
  onFormat?: (format: string) => void;
  /** Called after every chunk with the characters read so far. */
  progress?: (characters: number) => void;
}

export interface ReadResult {
  format: string;
  postgresPrefix?: string;
  lines: number;
}

export class UnknownFormatError extends Error {}

/** Validate a format option: a known name, auto, or a header format with <Content>. */
export function checkFormat(format: string): void {
  if (format === 'auto' || (FORMAT_NAMES as string[]).includes(format)) return;
  if (isHeaderFormat(format)) {
    compileHeaderFormat(format);
    return;
  }
  throw new UnknownFormatError(`unknown log format "${format}": use auto, ${FORMAT_NAMES.join(', ')} or a header format such as '<Date> <Time> <Level> <Content>'`);
}

export async function readLogFile(absolutePath: string, displayPath: string, options: ReadOptions, sink: RecordSink): Promise<ReadResult> {
  const requested = options.format ?? 'auto';
  checkFormat(requested);
  const sample = requested === 'auto' || requested === 'plain' ? await headText(absolutePath) : '';
  const format: string = requested === 'auto' ? detectFormat(sample) : requested;
  // Plain files whose lines mostly start with a time: the lines without one continue a record (panics, stack dumps).
  const sampled = sample.split('\n').slice(0, 200).filter((line) => line.trim().length > 0 && !TRACEBACK_BODY.test(line));
  const timedPlain = format === 'plain' && sampled.length > 0 && sampled.filter(plainHasTime).length / sampled.length >= 0.5;
  options.onFormat?.((FORMAT_NAMES as string[]).includes(format) ? format : `header: ${format}`);
  const joiner = format === 'render-json' || format === 'render-text' || format === 'syslog' ? joinMultiline(sink) : null;
  if (joiner) sink = joiner;
  let parser: ChunkParser;
  let splitter: LineSplitter | null = null;
  let postgres: ReturnType<typeof createPostgresParser> | null = null;
  if (format === 'render-json') parser = createRenderJsonParser(displayPath, sink);
  else {
    let lineParser;
    if (format === 'json-lines') lineParser = createJsonLinesParser(displayPath, sink);
    else if (format === 'postgres') lineParser = postgres = createPostgresParser({ file: displayPath, prefix: options.postgresPrefix }, sink);
    else {
      const head =
        format === 'syslog' ? (text: string) => syslogHead(text)
        : format === 'python' ? pythonHead
        : format === 'render-text' ? renderTextHead
        : format === 'plain' ? (timedPlain ? timedPlainHead : plainHead)
        : headerFormatHead(compileHeaderFormat(format));
      const continuation = format !== 'syslog';
      lineParser = createHeadedParser({ file: displayPath, head, continuation, orphanAsRecord: format === 'plain', reason: `not-${(FORMAT_NAMES as string[]).includes(format) ? format : 'header-format'}` }, sink);
    }
    splitter = new LineSplitter(lineParser, sink);
    parser = splitter;
  }
  let characters = 0;
  for await (const chunk of textChunks(absolutePath, options.signal)) {
    parser.push(chunk);
    characters += chunk.length;
    options.progress?.(characters);
  }
  parser.end();
  joiner?.flush();
  const result: ReadResult = { format: (FORMAT_NAMES as string[]).includes(format as LogFormatName) ? format : `header: ${format}`, lines: splitter?.lines ?? 0 };
  const prefix = postgres?.prefix();
  if (prefix) result.postgresPrefix = prefix;
  return result;
}
