// Opens a log file as a stream of byte blocks or decoded text chunks, gunzipping when the file starts with the gzip magic bytes.
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { TextDecoder } from 'node:util';
import { createGunzip, gunzipSync } from 'node:zlib';
import { checkRegularFile } from '../read-file.ts';

/** Logs may be large, but must be regular files: opening a FIFO or device would block or never end. */
async function assertRegularFile(file: string): Promise<void> {
  checkRegularFile(await stat(file), Number.POSITIVE_INFINITY);
}

async function isGzip(file: string): Promise<boolean> {
  await assertRegularFile(file);
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(2);
    const { bytesRead } = await handle.read(buffer, 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** Bytes read at a time: large reads cost less per byte; the text is decoded in smaller slices (DECODE_SLICE). */
const READ_BYTES = 1 << 20;
/** Text is decoded in slices of this many bytes, so each decoded string dies young. */
const DECODE_SLICE = 64 << 10;

/** The (possibly gzipped) file's bytes, decompressed, in blocks; a block is valid only until the next one is read (the read buffer is reused). */
export async function* byteChunks(file: string, signal?: AbortSignal): AsyncIterable<Buffer> {
  if (await isGzip(file)) {
    const raw = createReadStream(file, { highWaterMark: READ_BYTES, signal });
    const stream = raw.pipe(createGunzip({ chunkSize: READ_BYTES }));
    raw.on('error', (error) => stream.destroy(error));
    for await (const chunk of stream as AsyncIterable<Buffer>) yield chunk;
    return;
  }
  const handle = await open(file, 'r');
  const block = Buffer.allocUnsafeSlow(READ_BYTES);
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { bytesRead } = await handle.read(block, 0, READ_BYTES, null);
      if (bytesRead === 0) return;
      yield bytesRead === READ_BYTES ? block : block.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

/** A UTF-8 decoder of a file's text: invalid UTF-8 becomes U+FFFD; a BOM is dropped only at the file's start. */
export function textDecoder(atFileStart = true): TextDecoder {
  return new TextDecoder('utf-8', { ignoreBOM: !atFileStart });
}

/** Decode one block of a stream of bytes into text slices of at most DECODE_SLICE bytes each (pushed to `into`). */
export function decodeBlock(decoder: TextDecoder, block: Uint8Array, into: string[]): void {
  for (let at = 0; at < block.length; at += DECODE_SLICE) {
    const text = decoder.decode(block.subarray(at, at + DECODE_SLICE), { stream: true });
    if (text.length > 0) into.push(text);
  }
}

/** Decoded text chunks of a (possibly gzipped) file; invalid UTF-8 becomes U+FFFD, a BOM is dropped. */
export async function* textChunks(file: string, signal?: AbortSignal): AsyncIterable<string> {
  const decoder = textDecoder();
  const texts: string[] = [];
  for await (const block of byteChunks(file, signal)) {
    decodeBlock(decoder, block, texts);
    yield* texts;
    texts.length = 0;
  }
  const tail = decoder.decode();
  if (tail.length > 0) yield tail;
}

/** The first `bytes` bytes of a file's decoded text (for format detection). */
export async function headText(file: string, bytes = 64 * 1024): Promise<string> {
  await assertRegularFile(file);
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    let data = buffer.subarray(0, bytesRead);
    if (data[0] === 0x1f && data[1] === 0x8b) {
      try {
        data = gunzipSync(data, { finishFlush: 2 }).subarray(0, bytes);
      } catch {
        data = Buffer.alloc(0);
      }
    }
    return new TextDecoder().decode(data);
  } finally {
    await handle.close();
  }
}
