// Reads one log file (gzip-aware) with the given or detected format and pushes its records to a sink, streaming.
import { createHeadedParser } from './headed.ts';
import { compileHeaderFormat, headerFormatHead, isHeaderFormat } from './header-format.ts';
import { createJsonLinesParser } from './json-lines.ts';
import { LineSplitter } from './lines.ts';
import { createPostgresParser } from './postgres.ts';
import { createRenderJsonParser } from './render-json.ts';
import { headText, textChunks } from './source.ts';
import { detectFormat, FORMAT_NAMES, JSON_LINE_FORMATS, type LogFormatName } from './detect.ts';
import { accessLogHead } from './access-log.ts';
import { apacheErrorHead, CONTINUATION, EXCEPTION_LINE, goHead, herokuHead, javaHead, logfmtLineHead, nginxErrorHead, pgbouncerHead, rubyHead } from './app-formats.ts';
import { createCriParser } from './cri.ts';
import { createPostgresSyslogParser, createSyslogHead, inferSyslogYear } from './syslog.ts';
import type { Head } from './headed.ts';
import { stat } from 'node:fs/promises';
import { plainHead, pythonHead, renderTextHead } from './text-formats.ts';
import type { ChunkParser, LineParser, RecordSink } from './types.ts';
import { joinMultiline, joinTraceLines } from './tracebacks.ts';

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
  const head = await headText(absolutePath);
  const format: string = requested === 'auto' ? detectFormat(head) : requested;
  options.onFormat?.((FORMAT_NAMES as string[]).includes(format) ? format : `header: ${format}`);
  const joiner =
    format === 'render-json' || format === 'render-text' || format === 'syslog' || format === 'heroku'
      ? joinMultiline(sink)
      : format === 'docker-json'
        ? joinTraceLines(
            sink,
            (text, previous, joined) => CONTINUATION.test(text) || (EXCEPTION_LINE.test(text) && (joined > 0 || previous.level === 'error' || previous.level === 'fatal' || previous.level === 'warn')),
          )
        : null;
  const year = format === 'syslog' || format === 'postgres-syslog' ? inferSyslogYear(head, (await stat(absolutePath)).mtime) : undefined;
  if (joiner) sink = joiner;
  let parser: ChunkParser;
  let splitter: LineSplitter | null = null;
  let postgres: ReturnType<typeof createPostgresParser> | null = null;
  if (format === 'render-json') parser = createRenderJsonParser(displayPath, sink);
  else {
    let lineParser: LineParser;
    if (JSON_LINE_FORMATS.has(format)) lineParser = createJsonLinesParser(displayPath, sink);
    else if (format === 'postgres') lineParser = postgres = createPostgresParser({ file: displayPath, prefix: options.postgresPrefix }, sink);
    else if (format === 'postgres-syslog') lineParser = postgres = createPostgresSyslogParser(displayPath, year, sink);
    else if (format === 'cri') lineParser = createCriParser(displayPath, sink);
    else {
      const heads: Record<string, (text: string) => Head | null> = {
        syslog: createSyslogHead(year),
        python: pythonHead,
        'render-text': renderTextHead,
        plain: plainHead,
        heroku: herokuHead,
        'access-log': accessLogHead,
        'nginx-error': nginxErrorHead,
        'apache-error': apacheErrorHead,
        ruby: rubyHead,
        pgbouncer: pgbouncerHead,
        java: javaHead,
        go: goHead,
        logfmt: logfmtLineHead,
      };
      const lineHead = heads[format] ?? headerFormatHead(compileHeaderFormat(format));
      const continuation = format !== 'syslog' && format !== 'heroku' && format !== 'access-log';
      lineParser = createHeadedParser(
        {
          file: displayPath,
          head: lineHead,
          continuation,
          joinTraces: continuation,
          orphanAsRecord: format === 'plain',
          reason: `not-${(FORMAT_NAMES as string[]).includes(format) ? format : 'header-format'}`,
        },
        sink,
      );
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
