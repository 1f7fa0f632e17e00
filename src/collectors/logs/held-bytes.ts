// The bytes a piece cutter holds between two cuts: one growing buffer, addressed by absolute file offsets, so a read block can be reused once pushed.

const INITIAL_BYTES = 2 << 20;

export class HeldBytes {
  private buffer = Buffer.allocUnsafeSlow(INITIAL_BYTES);
  private length = 0;

  /** Absolute offset of the first byte held. */
  constructor(private first: number) {}

  get start(): number {
    return this.first;
  }

  /** Absolute offset just past the last byte held. */
  get end(): number {
    return this.first + this.length;
  }

  /** Copy a block in (the caller may reuse it afterwards). */
  push(block: Uint8Array): void {
    if (this.length + block.length > this.buffer.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(this.buffer.length * 2, this.length + block.length));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    this.buffer.set(block, this.length);
    this.length += block.length;
  }

  /** Absolute offset of the next `search` (a byte or a byte sequence) at or after absolute offset `from`, or -1. */
  indexOf(search: number | Buffer, from: number): number {
    const found = this.view().indexOf(search, Math.max(0, from - this.first));
    return found === -1 ? -1 : this.first + found;
  }

  /** Absolute offset of the last `search` that ends at or before absolute offset `before`, no earlier than `from`; or -1. */
  lastIndexOf(search: Buffer, from: number, before: number): number {
    const low = Math.max(0, from - this.first);
    const found = this.view()
      .subarray(low, Math.max(low, before - this.first))
      .lastIndexOf(search);
    return found === -1 ? -1 : this.first + low + found;
  }

  /** The byte at absolute offset `at` (held). */
  byte(at: number): number {
    return this.buffer[at - this.first]!;
  }

  /** The bytes between two absolute offsets (clipped to what is held), as a view valid until the next push or take. */
  slice(from: number, to: number): Buffer {
    return this.view().subarray(Math.max(0, from - this.first), Math.max(0, to - this.first));
  }

  /** The bytes up to absolute offset `at`, copied to memory of their own (from `room`); the bytes after it stay held. */
  take(at: number, room: (count: number) => Buffer = Buffer.allocUnsafeSlow): Buffer {
    const count = at - this.first;
    const taken = room(count);
    this.buffer.copy(taken, 0, 0, count);
    this.buffer.copy(this.buffer, 0, count, this.length);
    this.length -= count;
    this.first = at;
    return taken;
  }

  private view(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}
