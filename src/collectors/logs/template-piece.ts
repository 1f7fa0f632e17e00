// Mines one piece of a log file for `fracas templates`: its template groups, levels per group, and every record's line and group.
import type { Level, LogRecord } from '../../evidence/schema.ts';
import { TemplateMiner } from '../../lib/log-templates/miner.ts';
import type { LogFilterSpec } from '../../manifest/index.ts';
import { miningText } from './aggregate.ts';
import { compileFilter } from './filter.ts';
import { createReader, type PieceEdge, type ReaderSetup } from './read-file.ts';

export interface TemplateTask {
  file: string;
  setup: ReaderSetup;
  filter?: LogFilterSpec;
}

export interface TemplatePieceResult {
  records: number;
  untimed: number;
  textRecords: number;
  firstSeen?: string;
  lastSeen?: string;
  unparsed: number;
  filteredOut: number;
  /** How a JSON document's piece ended (checked against the next piece's guessed start). */
  edge?: PieceEdge;
  /** Physical lines read. */
  lines: number;
  groups: { tokens: string[]; count: number; coarse: boolean }[];
  levels: Partial<Record<Level, number>>[];
  /** Per record mined, in order: its line and its group (in this piece's numbering). */
  recordLines: Int32Array;
  recordGroups: Int32Array;
}

/** Growable Int32 column (4 bytes per record). */
export class IntColumn {
  data = new Int32Array(1 << 12);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
  values(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

export function templatePieceReader(task: TemplateTask, filter: ((record: LogRecord) => boolean) | null = compileFilter(task.filter)) {
  const miner = new TemplateMiner();
  const lines = new IntColumn();
  const groups = new IntColumn();
  const levels: Partial<Record<Level, number>>[] = [];
  const result = { records: 0, untimed: 0, textRecords: 0, unparsed: 0, filteredOut: 0 } as TemplatePieceResult;
  const reader = createReader(task.file, task.setup, {
    record: (record) => {
      result.records++;
      const time = record.timestamp;
      if (time) {
        if (!result.firstSeen || time < result.firstSeen) result.firstSeen = time;
        if (!result.lastSeen || time > result.lastSeen) result.lastSeen = time;
      } else result.untimed++;
      if (record.fields.readAs === 'text') result.textRecords++;
      if (filter && !filter(record)) {
        result.filteredOut++;
        return;
      }
      const group = miner.add(miningText(record.message));
      lines.push(record.line);
      groups.push(group);
      if (record.level) {
        levels[group] ??= {};
        const counts = levels[group];
        counts[record.level] = (counts[record.level] ?? 0) + 1;
      }
    },
    unparsed: () => {
      result.unparsed++;
    },
  });
  return {
    push: (text: string) => reader.push(text),
    pushPiece: (parts: readonly string[]) => reader.pushPiece(parts),
    end(): TemplatePieceResult {
      const { lines: read, edge } = reader.end();
      result.lines = read;
      if (edge) result.edge = edge;
      result.groups = miner.exportGroups();
      result.levels = levels;
      result.recordLines = lines.values();
      result.recordGroups = groups.values();
      return result;
    },
  };
}

export function readTemplatePiece(task: TemplateTask, parts: readonly string[], filter?: ((record: LogRecord) => boolean) | null): TemplatePieceResult {
  const reader = templatePieceReader(task, filter);
  reader.pushPiece(parts);
  return reader.end();
}
