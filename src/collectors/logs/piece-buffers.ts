// Reusable shared memory for pieces' bytes: a piece reaches a worker thread without a copy, and no piece needs an allocation of its own (whose churn the C allocator kept, about 25 MB on 1 GB of logs).

/** Pieces are about PIECE_BYTES; a slot this large or more would hold memory few pieces use. */
const MAX_SLOT_BYTES = 8 << 20;

export class PieceBuffers {
  private readonly free: SharedArrayBuffer[] = [];
  /** Slots holding a piece (weakly: a piece dropped unreleased, as when a file is cut again, is simply collected). */
  private readonly taken = new WeakSet<SharedArrayBuffer>();

  private readonly slotBytes: number;

  /** `slotBytes`: the room of one slot (at most MAX_SLOT_BYTES); a larger piece gets memory of its own. */
  constructor(slotBytes: number) {
    this.slotBytes = Number.isFinite(slotBytes) ? Math.min(slotBytes, MAX_SLOT_BYTES) : 0;
  }

  /** Room for `count` bytes: a free slot, a new one, or (past a slot's size) memory of its own. */
  take(count: number): Buffer {
    if (count > this.slotBytes) return Buffer.allocUnsafeSlow(count);
    const slot = this.free.pop() ?? new SharedArrayBuffer(this.slotBytes);
    this.taken.add(slot);
    return Buffer.from(slot, 0, count);
  }

  /** A piece's bytes are no longer read by anyone (its result was merged): its slot may hold another piece. */
  release(bytes: Uint8Array): void {
    const slot = bytes.buffer;
    if (!(slot instanceof SharedArrayBuffer) || !this.taken.delete(slot)) return;
    this.free.push(slot);
  }
}
