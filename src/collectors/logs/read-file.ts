// Reads one log file (gzip-aware) with the given or detected format and pushes its records to a sink, streaming.
import { createHeadedParser } from './headed.ts';
import { compileHeaderFormat, headerFormatHead, isHeaderFormat } from './header-format.ts';
import { createJsonLinesParser } from './json-lines.ts';
import { LineSplitter } from './lines.ts';
import { createPostgresParser } from './postgres.ts';
import { createRenderJsonParser, type RenderJsonParser, type RenderJsonState } from './render-json.ts';
import { headText, textChunks } from './source.ts';
import { detectFormat, FORMAT_NAMES, JSON_LINE_FORMATS, type LogFormatName } from './detect.ts';
import { accessLogHead } from './access-log.ts';
import { apacheErrorHead, CONTINUATION, EXCEPTION_LINE, goHead, herokuHead, javaHead, logfmtLineHead, nginxErrorHead, pgbouncerHead, rubyHead } from './app-formats.ts';
import { createCriParser } from './cri.ts';
import { createPostgresSyslogParser, createSyslogHead, inferSyslogYear, type SyslogYear } from './syslog.ts';
import type { Head } from './headed.ts';
import type { LogRecord } from '../../evidence/schema.ts';
import { stat } from 'node:fs/promises';
import { plainHead, pythonHead, renderTextHead, timestampedHead } from './text-formats.ts';
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

/** Where a reader starts: at the file's beginning, or inside it at a piece boundary (line number, and the state there that earlier lines set). */
export interface ReaderStart {
  line: number;
  json?: RenderJsonState;
  /** Syslog without a year: the year in force and the last month seen before the piece. */
  syslog?: SyslogYear;
  /** PostgreSQL: the log_line_prefix chosen from the file's first lines (the same for every piece). */
  postgresPrefix?: string;
}

/** How a piece of a JSON document ended: the scan's state there (null: inside a string or record), and its first and last records as parsed (before joining). */
export interface PieceEdge {
  state: RenderJsonState | null;
  first?: LogRecord;
  last?: LogRecord;
}

export interface ReaderSetup {
  format: string;
  postgresPrefix?: string;
  /** Syslog's missing year, inferred once per file (see `readerYear`). */
  year?: number;
  start?: ReaderStart;
}

export interface Reader {
  push(text: string): void;
  /** A whole piece, in the slices it was read in (Render JSON may parse it at once). */
  pushPiece(parts: readonly string[]): void;
  /** Flush the last record; the lines read, a detected PostgreSQL prefix, and how a JSON document's piece ended. */
  end(): { lines: number; postgresPrefix?: string; edge?: PieceEdge };
}

/** Passes records on, noting the first and the last (how a JSON piece begins and ends). */
function noteEdges(sink: RecordSink, edge: PieceEdge): RecordSink {
  return {
    record(record) {
      edge.first ??= record;
      edge.last = record;
      sink.record(record);
    },
    unparsed: (line, reason, text) => sink.unparsed(line, reason, text),
  };
}

/** The format's reader chain (parser, multi-line joiner) over a record sink. */
export function createReader(displayPath: string, setup: ReaderSetup, sink: RecordSink): Reader {
  const { format } = setup;
  const startLine = setup.start?.line ?? 0;
  const year: SyslogYear | undefined = setup.start?.syslog ?? (setup.year === undefined ? undefined : { year: setup.year });
  const postgresPrefix = setup.start?.postgresPrefix ?? setup.postgresPrefix;
  const joiner =
    format === 'render-json' || format === 'render-text' || format === 'syslog' || format === 'heroku'
      ? joinMultiline(sink)
      : format === 'docker-json'
        ? joinTraceLines(
            sink,
            (text, previous, joined) => CONTINUATION.test(text) || (EXCEPTION_LINE.test(text) && (joined > 0 || previous.level === 'error' || previous.level === 'fatal' || previous.level === 'warn')),
          )
        : null;
  if (joiner) sink = joiner;
  let parser: ChunkParser;
  let json: RenderJsonParser | null = null;
  let splitter: LineSplitter | null = null;
  let postgres: ReturnType<typeof createPostgresParser> | null = null;
  const edge: PieceEdge = { state: null };
  if (format === 'render-json') {
    parser = json = createRenderJsonParser(displayPath, noteEdges(sink, edge), { line: startLine + 1, state: setup.start?.json });
  } else {
    let lineParser: LineParser;
    if (JSON_LINE_FORMATS.has(format)) lineParser = createJsonLinesParser(displayPath, sink);
    else if (format === 'postgres') lineParser = postgres = createPostgresParser({ file: displayPath, prefix: postgresPrefix }, sink);
    else if (format === 'postgres-syslog') lineParser = postgres = createPostgresSyslogParser(displayPath, year, sink, postgresPrefix);
    else if (format === 'cri') lineParser = createCriParser(displayPath, sink);
    else {
      const lineHead = textHead(format, year?.year, year?.month);
      const continuation = format !== 'syslog' && format !== 'heroku' && format !== 'access-log';
      lineParser = createHeadedParser(
        {
          file: displayPath,
          head: lineHead,
          continuation,
          joinTraces: continuation,
          orphanAsRecord: format === 'plain' || format === 'timestamped',
          reason: `not-${(FORMAT_NAMES as string[]).includes(format) ? format : 'header-format'}`,
        },
        sink,
      );
    }
    splitter = new LineSplitter(lineParser, sink, startLine);
    parser = splitter;
  }
  return {
    push: (text) => parser.push(text),
    pushPiece(parts) {
      if (json) json.pushPiece(parts);
      else for (const part of parts) parser.push(part);
    },
    end() {
      parser.end();
      joiner?.flush();
      const lines = splitter ? splitter.lines - startLine : 0;
      const prefix = postgres?.prefix();
      if (json) return { lines, edge: { ...edge, state: json.state() } };
      return prefix ? { lines, postgresPrefix: prefix } : { lines };
    },
  };
}

/** The line-header parser of a text format (a named one, or a logparser header format); syslog's from the year and month in force. */
export function textHead(format: string, year: number | undefined, month?: number): (text: string) => Head | null {
  const heads: Record<string, (text: string) => Head | null> = {
    syslog: createSyslogHead(year, month),
    python: pythonHead,
    'render-text': renderTextHead,
    plain: plainHead,
    timestamped: timestampedHead,
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
  return heads[format] ?? headerFormatHead(compileHeaderFormat(format));
}

/** The format to read a file as: the requested one, or the one detected from its head. */
export function resolveFormat(requested: string, head: string): string {
  return requested === 'auto' ? detectFormat(head) : requested;
}

/** The format's display name in summaries (`header: ...` for a header format). */
export function formatLabel(format: string): string {
  return (FORMAT_NAMES as string[]).includes(format as LogFormatName) ? format : `header: ${format}`;
}

/** The year syslog lines leave out, inferred from the file's head and modification time (other formats: none). */
export async function readerYear(format: string, head: string, absolutePath: string): Promise<number | undefined> {
  return format === 'syslog' || format === 'postgres-syslog' ? inferSyslogYear(head, (await stat(absolutePath)).mtime) : undefined;
}

export async function readLogFile(absolutePath: string, displayPath: string, options: ReadOptions, sink: RecordSink): Promise<ReadResult> {
  const requested = options.format ?? 'auto';
  checkFormat(requested);
  const head = await headText(absolutePath);
  const format = resolveFormat(requested, head);
  options.onFormat?.(formatLabel(format));
  const year = await readerYear(format, head, absolutePath);
  const reader = createReader(displayPath, { format, postgresPrefix: options.postgresPrefix, year }, sink);
  let characters = 0;
  for await (const chunk of textChunks(absolutePath, options.signal)) {
    reader.push(chunk);
    characters += chunk.length;
    options.progress?.(characters);
  }
  const { lines, postgresPrefix } = reader.end();
  const result: ReadResult = { format: formatLabel(format), lines };
  if (postgresPrefix) result.postgresPrefix = postgresPrefix;
  return result;
}
