// Loads the loghub-2k datasets (raw lines, header format, original and LH2 labels) for the template benchmark.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const LOGHUB_DIR =
  process.env.LOGHUB_DIR ??
  [path.resolve(import.meta.dirname, '../../shared/data/loghub-2k'), '/work/shared/data/loghub-2k'].find((dir) => existsSync(path.join(dir, 'datasets.json'))) ??
  path.resolve(import.meta.dirname, '../../shared/data/loghub-2k');

export interface Dataset {
  name: string;
  /** Absolute path of the raw log file. */
  file: string;
  format: string;
  lines: string[];
  eventIds: string[];
  templates: string[];
}

/** Minimal RFC 4180 CSV parser (quoted fields, doubled quotes, CRLF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"') {
        if (text[index + 1] === '"') {
          field += '"';
          index++;
        } else quoted = false;
      } else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (field.length > 0 || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function column(file: string, name: string): string[] {
  const rows = parseCsv(readFileSync(file, 'utf8'));
  const header = rows[0]!;
  const index = header.indexOf(name);
  return rows
    .slice(1)
    .filter((row) => row.length === header.length)
    .map((row) => row[index]!);
}

export function loadDatasets(): Dataset[] {
  const meta = JSON.parse(readFileSync(path.join(LOGHUB_DIR, 'datasets.json'), 'utf8')) as Record<string, { log: string; labels: string; labels_lh2: string; format: string }>;
  return Object.entries(meta).map(([name, entry]) => ({
    name,
    file: path.join(LOGHUB_DIR, entry.log),
    format: entry.format,
    lines: readFileSync(path.join(LOGHUB_DIR, entry.log), 'utf8')
      .split(/\r?\n/)
      .filter((line) => line.length > 0),
    eventIds: column(path.join(LOGHUB_DIR, entry.labels), 'EventId'),
    templates: column(path.join(LOGHUB_DIR, entry.labels_lh2), 'EventTemplate'),
  }));
}

/** Grouping accuracy: a line is correct when its predicted group equals its true group as a set. */
export function groupingAccuracy(predicted: string[], truth: string[]): number {
  const byPredicted = new Map<string, number[]>();
  const byTruth = new Map<string, number[]>();
  for (const [index, id] of predicted.entries()) (byPredicted.get(id) ?? byPredicted.set(id, []).get(id)!).push(index);
  for (const [index, id] of truth.entries()) (byTruth.get(id) ?? byTruth.set(id, []).get(id)!).push(index);
  let correct = 0;
  for (const members of byPredicted.values()) {
    const truths = new Set(members.map((index) => truth[index]));
    if (truths.size === 1 && byTruth.get(truth[members[0]!]!)!.length === members.length) correct += members.length;
  }
  return correct / truth.length;
}

/** Parsing accuracy: share of lines whose template equals the true one (tokens joined by one space). */
export function parsingAccuracy(predicted: string[], truth: string[]): number {
  let correct = 0;
  predicted.forEach((template, index) => {
    if (template.split(/\s+/).join(' ') === truth[index]!.trim().split(/\s+/).join(' ')) correct++;
  });
  return correct / truth.length;
}
