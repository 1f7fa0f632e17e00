// `fracas templates <file> [--format '<...>'] [--jsonl]`: mine a log file's templates; a table, or one JSON object per record.
import { access } from 'node:fs/promises';
import path from 'node:path';
import { EXIT_CODES } from './exit-codes.ts';
import { miningText } from '../collectors/logs/aggregate.ts';
import { checkFormat, readLogFile } from '../collectors/logs/read-file.ts';
import { TemplateMiner } from '../lib/log-templates/miner.ts';
import { createRedactor } from '../lib/secrets/redact.ts';
import { terminalSafe } from '../lib/terminal-text.ts';
import type { Level } from '../evidence/schema.ts';

/** Growable Int32 column (line numbers and group ids of every record, 8 bytes per record). */
class IntColumn {
  data = new Int32Array(1 << 16);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
}

/** Write with back-pressure; a closed reader (EPIPE, e.g. `| head`) ends the output quietly. */
function write(out: NodeJS.WritableStream, text: string, state: { closed: boolean }): Promise<void> {
  return new Promise((resolve) => {
    if (state.closed) return resolve();
    if (out.write(terminalSafe(text))) resolve();
    else {
      const done = (): void => {
        out.removeListener('drain', done);
        out.removeListener('error', done);
        resolve();
      };
      out.once('drain', done);
      out.once('error', done);
    }
  });
}

export async function runTemplates(
  file: string,
  options: { format?: string; jsonl?: boolean },
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  const format = options.format ?? 'auto';
  try {
    checkFormat(format);
  } catch (error) {
    err.write(`fracas templates: ${(error as Error).message}\n`);
    return EXIT_CODES.usage;
  }
  const absolute = path.resolve(file);
  try {
    await access(absolute);
  } catch (error) {
    err.write(`fracas templates: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})\n`);
    return EXIT_CODES.failed;
  }
  const miner = new TemplateMiner();
  const lines = new IntColumn();
  const groups = new IntColumn();
  const levels: Partial<Record<Level, number>>[] = [];
  let unparsed = 0;
  let result;
  try {
    result = await readLogFile(absolute, file, { format }, {
      record: (record) => {
        const group = miner.add(miningText(record.message));
        lines.push(record.line);
        groups.push(group);
        if (record.level) {
          const counts = levels[group] ?? (levels[group] = {});
          counts[record.level] = (counts[record.level] ?? 0) + 1;
        }
      },
      unparsed: () => {
        unparsed++;
      },
    });
  } catch (error) {
    err.write(`fracas templates: cannot read ${file}: ${(error as Error).message}\n`);
    return EXIT_CODES.failed;
  }
  const { clusters: mined, clusterOf } = miner.finish();
  const redactor = createRedactor();
  const clusters = mined.map((cluster) => ({ ...cluster, template: redactor.text(cluster.template) }));
  const state = { closed: false };
  const onError = (): void => {
    state.closed = true;
  };
  out.on('error', onError);
  if (options.jsonl) {
    const encoded = clusters.map((cluster) => `,"templateId":${JSON.stringify(cluster.id)},"template":${JSON.stringify(cluster.template)}}\n`);
    let buffer = '';
    for (let index = 0; index < lines.length; index++) {
      buffer += `{"line":${lines.data[index]}${encoded[clusterOf[groups.data[index]!]!]}`;
      if (buffer.length > 1 << 16) {
        await write(out, buffer, state);
        buffer = '';
        if (state.closed) break;
      }
    }
    if (buffer) await write(out, buffer, state);
    return EXIT_CODES.complete;
  }
  const rows = clusters
    .map((cluster) => {
      const counts: Partial<Record<Level, number>> = {};
      for (const group of cluster.groups) for (const [level, count] of Object.entries(levels[group] ?? {}) as [Level, number][]) counts[level] = (counts[level] ?? 0) + count;
      return { ...cluster, levels: counts };
    })
    .sort((a, b) => b.count - a.count || a.template.localeCompare(b.template));
  const width = Math.max(5, ...rows.map((row) => String(row.count).length));
  let text = `${file}: ${lines.length} record(s), ${rows.length} template(s), format ${result.format}${unparsed ? `, ${unparsed} unparsed line(s)` : ''}\n\n`;
  text += `${'count'.padStart(width)}  ${'id'.padEnd(10)}  ${'levels'.padEnd(18)}  template\n`;
  for (const row of rows) {
    const levelText = (['fatal', 'error', 'warn', 'info', 'debug'] as Level[]).filter((level) => row.levels[level]).map((level) => `${level}:${row.levels[level]}`).join(' ');
    text += `${String(row.count).padStart(width)}  ${row.id}  ${levelText.padEnd(18)}  ${row.template}\n`;
  }
  await write(out, text, state);
  return EXIT_CODES.complete;
}
