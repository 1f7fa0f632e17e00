// Pieces' shared memory: a slot is reused only after its piece is released, once, and large pieces get memory of their own.
import { describe, expect, it } from 'vitest';
import { PieceBuffers } from '../../../src/collectors/logs/piece-buffers.ts';

describe('PieceBuffers', () => {
  it('reuses a slot only once it is released, and a slot released twice is handed out once', () => {
    const buffers = new PieceBuffers(64);
    const first = buffers.take(10);
    const second = buffers.take(20);
    expect(first.buffer).not.toBe(second.buffer);
    expect(first.buffer).toBeInstanceOf(SharedArrayBuffer);
    buffers.release(first);
    buffers.release(first);
    const third = buffers.take(30);
    const fourth = buffers.take(30);
    expect(third.buffer).toBe(first.buffer);
    expect(fourth.buffer).not.toBe(first.buffer);
    expect([third.length, fourth.length]).toEqual([30, 30]);
  });

  it('gives a piece larger than a slot, or any piece when no slot size is known, memory of its own that is never pooled', () => {
    const buffers = new PieceBuffers(64);
    const large = buffers.take(65);
    expect(large.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    buffers.release(large);
    expect(buffers.take(10).buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(new PieceBuffers(Number.POSITIVE_INFINITY).take(10).buffer).not.toBeInstanceOf(SharedArrayBuffer);
  });
});
