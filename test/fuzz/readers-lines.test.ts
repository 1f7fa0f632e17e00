// No input makes a reader hang or fail the file: hostile 50,000-character lines through every format and header format and the miner, deep JSON records (readers.test.ts: hostile files through the collectors).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../src/evidence/schema.ts';
import { readLogFile } from '../../src/collectors/logs/read-file.ts';
import { FORMAT_NAMES } from '../../src/collectors/logs/detect.ts';
import { miningText } from '../../src/collectors/logs/aggregate.ts';
import { TemplateMiner } from '../../src/lib/log-templates/miner.ts';
import { compileHeaderFormat, headerFormatHead } from '../../src/collectors/logs/header-format.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'fracas-fuzz-readers-'));
const N = 50_000;

/** Lines built to make backtracking regexes explode: long runs of the separators and prefixes the formats look for. */
const HOSTILE = [
  'a'.repeat(N),
  ' '.repeat(N) + 'x',
  '\t'.repeat(N),
  'a '.repeat(N / 2),
  '['.repeat(N),
  '[a] '.repeat(N / 4),
  ': '.repeat(N / 2),
  'a@'.repeat(N / 2) + ' ',
  '=a '.repeat(N / 3),
  'k="'.repeat(N / 3),
  '"\\'.repeat(N / 2),
  '2026-11-20 08:00:00.000 UTC [1] ' + 'a@b '.repeat((N - 40) / 4),
  '2026-11-20 08:00:00 ' + '[x] '.repeat((N - 20) / 4),
  '2026/11/20 08:00:00 [error] ' + '1#1: '.repeat((N - 30) / 5),
  'Dec 10 06:55:46 host ' + 'app[1]: '.repeat((N - 20) / 8),
  '<134>1 2026-11-20T08:00:00Z h a p m ' + '[x a="b"]'.repeat((N - 40) / 9),
  '[Fri Nov 20 08:00:00 2026] ' + '[core:error] '.repeat((N - 30) / 13),
  'I, [2026-11-20T08:00:00.1 #1]  INFO -- ' + 'x: '.repeat((N - 40) / 3),
  '2026-11-20T08:00:00Z stdout P ' + 'x'.repeat(N),
  '08:00:00.000 [' + 'main] INFO '.repeat((N - 20) / 11),
  '{"a":'.repeat(N / 5),
  '{' + '"k":1,'.repeat(N / 6) + '"msg":"x"}',
  '{"log":"' + '{\\"a\\":'.repeat(N / 8) + '","stream":"stdout"}',
  'panic: ' + 'goroutine 1 ['.repeat((N - 10) / 13),
  'java.lang.IllegalStateException: ' + '\tat a.b('.repeat((N - 40) / 9),
  'ts=' + 'a=b '.repeat(N / 4),
];

const HEADER_FORMATS = [
  '<Date> <Time> <Level> <Component>: <Content>',
  '<Month>  <Date> <Time> <User> <Component>(\\[<PID>\\])?: <Content>',
  '<Date> <Time> - <Level>  \\[<Node>:<Component>@<Id>\\] - <Content>',
  '\\[<Time>\\] \\[<Level>\\] <Content>',
  '<Label> <Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> <Component> <Level> <Content>',
];

const file = path.join(dir, 'hostile.log');
writeFileSync(file, HOSTILE.join('\n') + '\n');

async function readAll(format: string): Promise<{ records: LogRecord[]; unparsed: number; ms: number }> {
  const records: LogRecord[] = [];
  let unparsed = 0;
  const started = performance.now();
  await readLogFile(file, 'hostile.log', { format }, { record: (record) => records.push(record), unparsed: () => unparsed++ });
  return { records, unparsed, ms: performance.now() - started };
}

describe('readers on hostile lines', () => {
  for (const format of [...FORMAT_NAMES, 'auto', ...HEADER_FORMATS]) {
    it(`${format}: every line read or counted, within the time bound`, async () => {
      const { records, unparsed, ms } = await readAll(format);
      expect(ms).toBeLessThan(5000);
      expect(records.length + unparsed).toBeGreaterThan(0);
      // The miner on what was read (its own bound: the same time limit).
      const miner = new TemplateMiner();
      const started = performance.now();
      for (const record of records) miner.add(miningText(record.message));
      miner.finish();
      expect(performance.now() - started).toBeLessThan(5000);
    }, 20_000);
  }

  it('header formats in the logparser convention: regex pieces such as an optional (\\[<PID>\\])? group match', () => {
    const head = headerFormatHead(compileHeaderFormat('<Month>  <Date> <Time> <User> <Component>(\\[<PID>\\])?: <Content>'));
    expect(head('Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0')).toMatchObject({
      message: 'authentication failure; logname= uid=0',
      fields: { Month: 'Jun', Date: '14', User: 'combo', Component: 'sshd(pam_unix)', PID: '19939' },
    });
    expect(head('Jun 15 04:06:18 combo su(pam_unix): session opened for user cyrus')).toMatchObject({ message: 'session opened for user cyrus', fields: { Component: 'su(pam_unix)' } });
    // Runs of spaces match any whitespace, as in logparser.
    expect(headerFormatHead(compileHeaderFormat('<Date> <Level> <Content>'))('2026-11-20\t\tERROR  boom')).toMatchObject({ message: 'boom', level: 'error' });
  });

  it('a JSON record nested 100,000 deep is kept as truncated text with a warning; the other records of the file are read', async () => {
    const deep = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    const docker = JSON.stringify({ log: deep + '\n', stream: 'stdout', time: '2026-11-20T08:00:01Z' });
    for (const [name, text] of [
      ['deep.jsonl', `{"msg":"before","time":"2026-11-20T08:00:00Z"}\n{"msg":${deep},"time":"2026-11-20T08:00:01Z"}\n${deep}\n{"msg":"after","time":"2026-11-20T08:00:02Z"}\n`],
      ['deep-array.json', `[{"message":"before","timestamp":"2026-11-20T08:00:00Z"},{"message":${deep},"timestamp":"2026-11-20T08:00:01Z"},{"message":"after","timestamp":"2026-11-20T08:00:02Z"}]`],
      ['deep-docker.log', `{"log":"before\\n","stream":"stdout","time":"2026-11-20T08:00:00Z"}\n${docker}\n{"log":"after\\n","stream":"stdout","time":"2026-11-20T08:00:02Z"}\n`],
    ] as const) {
      writeFileSync(path.join(dir, name), text);
      const records: LogRecord[] = [];
      await readLogFile(path.join(dir, name), name, {}, { record: (record) => records.push(record), unparsed: () => undefined });
      const messages = records.map((record) => record.message);
      expect(messages[0], name).toBe('before');
      expect(messages[messages.length - 1], name).toBe('after');
      const truncated = records.filter((record) => record.fields.truncated);
      expect(truncated.length, name).toBeGreaterThan(0);
      for (const record of truncated) expect(record.message.length).toBeLessThan(70_000);
    }
  }, 30_000);
});
