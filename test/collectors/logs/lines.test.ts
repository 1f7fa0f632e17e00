// Line splitting is independent of how the input is chunked (CRLF, empty lines, last line without newline).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../../src/collectors/logs/lines.ts';

function split(chunks: string[]): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter({ line: (text, number) => lines.push(`${number}:${text}`), end: () => undefined }, { unparsed: (number, reason) => lines.push(`${number}!${reason}`) });
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return lines;
}

describe('LineSplitter', () => {
  it('gives the same numbered lines for any chunking', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z \r]{0,12}$/), { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 6 }), (lines, cuts) => {
        const text = lines.join('\n');
        const points = [...new Set(cuts.map((cut) => (text.length === 0 ? 0 : cut % text.length)))].sort((a, b) => a - b);
        const chunks: string[] = [];
        let from = 0;
        for (const point of points) {
          chunks.push(text.slice(from, point));
          from = point;
        }
        chunks.push(text.slice(from));
        expect(split(chunks)).toEqual(split([text]));
        const expected = text.length === 0 ? [] : text.split('\n').map((line, index) => `${index + 1}:${line.endsWith('\r') ? line.slice(0, -1) : line}`);
        expect(split([text])).toEqual(expected.filter((entry, index, all) => !(index === all.length - 1 && entry.endsWith(':') && text.endsWith('\n'))));
      }),
      { numRuns: 200 },
    );
  });
});
