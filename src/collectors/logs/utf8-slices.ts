// Decodes a stream of UTF-8 bytes into text slices with the whole-input decoder (several times faster than a streaming one): a slice ends before a character it would split, and that character's bytes start the next slice.

/** Text is decoded in slices of at most this many bytes, so each decoded string dies young. */
const SLICE_BYTES = 64 << 10;
const BYTE_ORDER_MARK = 0xfeff;
/** Keeps a U+FEFF wherever it is: only the file's first one is a byte-order mark, and it is dropped by hand. */
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** Bytes of the sequence a UTF-8 lead byte starts (invalid leads count as long ones: holding them back changes nothing). */
const sequenceLength = (lead: number): number => (lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2);

/**
 * Where a slice of `bytes[at, end)` may end: `end`, or the start of a multi-byte sequence that `end` would cut short.
 * Past an ASCII byte or a complete sequence the decoder is between characters, so decoding the two sides apart gives the
 * same text (with the same U+FFFD for invalid bytes) as decoding them together.
 */
function characterEnd(bytes: Uint8Array, at: number, end: number): number {
  for (let back = 1; back <= 3 && end - back >= at; back++) {
    const byte = bytes[end - back]!;
    if (byte < 0x80) return end;
    if (byte >= 0xc0) return back < sequenceLength(byte) ? end - back : end;
  }
  return end;
}

export class Utf8Slices {
  /** The bytes of a character the last block cut short. */
  private carry: Uint8Array | null = null;

  /** `atFileStart`: the bytes start the file, so a leading byte-order mark is dropped. */
  constructor(
    private atFileStart = true,
    private readonly sliceBytes = SLICE_BYTES,
  ) {}

  /** Decode a block (the caller may reuse it afterwards), pushing its text slices to `into`. */
  push(block: Uint8Array, into: string[]): void {
    const bytes = this.carry ? Buffer.concat([this.carry, block]) : block;
    let at = 0;
    while (at < bytes.length) {
      const end = characterEnd(bytes, at, Math.min(at + this.sliceBytes, bytes.length));
      if (end === at) break;
      this.emit(decoder.decode(bytes.subarray(at, end)), into);
      at = end;
    }
    this.carry = at < bytes.length ? Uint8Array.from(bytes.subarray(at)) : null;
  }

  /** The end of the input: a character cut short decodes as U+FFFD. */
  end(into: string[]): void {
    if (this.carry) this.emit(decoder.decode(this.carry), into);
    this.carry = null;
  }

  private emit(text: string, into: string[]): void {
    if (this.atFileStart && text.length > 0) {
      this.atFileStart = false;
      if (text.charCodeAt(0) === BYTE_ORDER_MARK) text = text.slice(1);
    }
    if (text.length > 0) into.push(text);
  }
}
