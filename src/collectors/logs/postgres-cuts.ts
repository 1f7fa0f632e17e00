// Where a PostgreSQL log (stderr, or through syslog) may be cut: before a record's first line that no later line can reach past; the log_line_prefix detected from the file's first lines goes to every piece.
import type { HeldBytes } from './held-bytes.ts';
import { heldLine } from './held-lines.ts';
import type { CarriedState, CutterSetup, CutVerdict, LineCuts } from './line-cuts.ts';
import { LineSplitter } from './lines.ts';
import { compilePrefix, createPostgresParser, FOLLOW_UP_WINDOW, postgresLineKind, type CompiledPrefix, type PostgresLineKind } from './postgres.ts';
import { createPostgresSyslogParser, postgresChunkLine } from './syslog.ts';
import { syslogHead } from './text-formats.ts';
import type { SyslogYears } from './syslog-years.ts';
import type { LineParser, RecordSink } from './types.ts';
import { Utf8Slices } from './utf8-slices.ts';

const IGNORE: RecordSink = { record: () => undefined, unparsed: () => undefined };

/** The file's first lines read by the format's own parser until it has chosen a prefix (the same lines, so the same choice). */
class PrefixProbe {
  private readonly decoder = new Utf8Slices(true);
  private readonly splitter: LineSplitter;
  private readonly parser: LineParser & { prefix(): string | undefined };

  constructor(file: string, setup: CutterSetup) {
    this.parser = setup.format === 'postgres' ? createPostgresParser({ file }, IGNORE) : createPostgresSyslogParser(file, setup.year === undefined ? undefined : { year: setup.year }, IGNORE);
    this.splitter = new LineSplitter(this.parser, IGNORE);
  }

  /** The prefix once chosen (after the parser's sample of lines). */
  push(bytes: Uint8Array): string | undefined {
    const parts: string[] = [];
    this.decoder.push(bytes, parts);
    for (const part of parts) this.splitter.push(part);
    return this.parser.prefix();
  }

  end(): string | undefined {
    const parts: string[] = [];
    this.decoder.end(parts);
    for (const part of parts) this.splitter.push(part);
    this.splitter.end();
    return this.parser.prefix();
  }
}

type LineKind = PostgresLineKind | { kind: 'other-program' };

/**
 * The PostgreSQL parser keeps a record open for follow-up lines (DETAIL, STATEMENT, ...) from its pid, and TAB lines
 * join the last record. A piece may begin at a record's first line L when, until the first record beginning
 * FOLLOW_UP_WINDOW lines after L, every follow-up line comes from a pid with a record begun since L (or has no pid): then
 * no line from L on joins a record before L (TAB lines join records since L), and at that first record every record
 * before L is old and flushed, in order, before any since L. Through syslog, another program's line in that stretch
 * (a record passed on at once, ahead of PostgreSQL records still open) rules L out too.
 */
export class PostgresCuts implements LineCuts {
  private compiled: CompiledPrefix | null;
  private probe: PrefixProbe | null = null;

  constructor(
    file: string,
    setup: CutterSetup,
    known: string | undefined,
    /** Through syslog: the year in force (its pieces' headers follow it). */
    private readonly years: SyslogYears | null,
  ) {
    const prefix = known ?? setup.postgresPrefix;
    this.compiled = prefix === undefined ? null : compilePrefix(prefix);
    if (!this.compiled) this.probe = new PrefixProbe(file, setup);
  }

  pushed(held: HeldBytes, from: number): void {
    if (!this.probe) return;
    const prefix = this.probe.push(held.slice(from, held.end));
    if (prefix !== undefined) this.chosen(prefix);
  }

  private chosen(prefix: string): void {
    this.compiled = compilePrefix(prefix);
    this.probe = null;
  }

  private kind(text: string): LineKind {
    if (!this.years) return postgresLineKind(this.compiled!, text);
    // The year does not change how a line is taken: any will do here.
    const head = syslogHead(text, 2000, true);
    if (!head) return { kind: 'none' };
    const line = postgresChunkLine(head);
    return line === null ? { kind: 'other-program' } : postgresLineKind(this.compiled!, line);
  }

  check(held: HeldBytes, at: number): CutVerdict {
    if (!this.compiled) return 'more';
    const first = heldLine(held, at);
    if (!first) return 'more';
    const kind = first.text === null ? null : this.kind(first.text);
    if (kind?.kind !== 'record') return { retryFrom: at };
    const begun = new Set([kind.pid]);
    let lines = 0;
    for (let next = first.next; ; ) {
      const line = heldLine(held, next);
      if (!line) return 'more';
      lines++;
      const taken = line.text === null ? null : this.kind(line.text);
      // Every line tried before this one has it in its stretch.
      if (taken?.kind === 'other-program' || (taken?.kind === 'follow-up' && taken.pid !== '' && !begun.has(taken.pid))) return { retryFrom: next };
      if (taken?.kind === 'record') {
        if (lines >= FOLLOW_UP_WINDOW) return 'cut';
        begun.add(taken.pid);
      }
      next = line.next;
    }
  }

  carried(held: HeldBytes, at: number): CarriedState {
    return this.years?.carried(held, at) ?? {};
  }

  shared(ended: boolean): CarriedState {
    if (!this.compiled && this.probe && ended) {
      const prefix = this.probe.end();
      if (prefix !== undefined) this.chosen(prefix);
    }
    return this.compiled ? { postgresPrefix: this.compiled.prefix } : {};
  }
}
