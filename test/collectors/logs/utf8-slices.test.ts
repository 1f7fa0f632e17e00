// Decoding bytes in blocks and slices gives exactly the text of decoding them at once, invalid UTF-8 and byte-order marks included.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Utf8Slices } from '../../../src/collectors/logs/utf8-slices.ts';

/** Bytes that make UTF-8 hard: ASCII, every kind of lead byte (valid and not), continuation bytes, BOMs, whole characters. */
const piece = fc.oneof(
  fc.integer({ min: 0, max: 0x7f }).map((byte) => [byte]),
  fc.integer({ min: 0x80, max: 0xff }).map((byte) => [byte]),
  fc.constantFrom([0xef, 0xbb, 0xbf], [0xc3, 0xa9], [0xe2, 0x82, 0xac], [0xf0, 0x9f, 0x98, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe0, 0x80], [0xf0, 0x9f]),
  fc.string({ unit: 'grapheme', maxLength: 4 }).map((text) => [...Buffer.from(text)]),
);
const input = fc.array(piece, { maxLength: 80 }).map((pieces) => Uint8Array.from(pieces.flat()));

function decodeInBlocks(bytes: Uint8Array, cuts: number[], sliceBytes: number, atFileStart: boolean): string {
  const decoder = new Utf8Slices(atFileStart, sliceBytes);
  const parts: string[] = [];
  let at = 0;
  for (const cut of [...new Set(cuts.map((value) => value % (bytes.length + 1)))].sort((left, right) => left - right)) {
    decoder.push(bytes.subarray(at, cut), parts);
    at = cut;
  }
  decoder.push(bytes.subarray(at), parts);
  decoder.end(parts);
  return parts.join('');
}

describe('Utf8Slices', () => {
  it('decodes any bytes, cut into any blocks and slices, to the text of one decoding (U+FFFD alike; BOM dropped only at the file start)', () => {
    fc.assert(
      fc.property(input, fc.array(fc.nat(), { maxLength: 6 }), fc.integer({ min: 1, max: 9 }), fc.boolean(), (bytes, cuts, sliceBytes, atFileStart) => {
        const whole = new TextDecoder('utf-8', { ignoreBOM: !atFileStart }).decode(bytes);
        expect(decodeInBlocks(bytes, cuts, sliceBytes, atFileStart)).toBe(whole);
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps no text back between blocks but the bytes of one split character', () => {
    const decoder = new Utf8Slices(true, 4);
    const parts: string[] = [];
    decoder.push(Buffer.from('ab\u00e9'), parts);
    decoder.push(Buffer.from('\u{1f600}').subarray(0, 2), parts);
    expect(parts.join('')).toBe('ab\u00e9');
    decoder.push(Buffer.from('\u{1f600}').subarray(2), parts);
    decoder.end(parts);
    expect(parts.join('')).toBe('ab\u00e9\u{1f600}');
  });
});
