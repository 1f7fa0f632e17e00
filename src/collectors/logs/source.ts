// Opens a log file as a stream of byte blocks or decoded text chunks, gunzipping when the file starts with the gzip magic bytes.
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { TextDecoder } from 'node:util';
import { createGunzip, gunzipSync } from 'node:zlib';
import { checkRegularFile } from '../read-file.ts';
import { Utf8Slices } from './utf8-slices.ts';

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

/** Bytes read at a time: large reads cost less per byte; the text is decoded in smaller slices (see Utf8Slices). */
const READ_BYTES = 1 << 20;

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

/** Decoded text chunks of a (possibly gzipped) file; invalid UTF-8 becomes U+FFFD, a BOM is dropped. */
export async function* textChunks(file: string, signal?: AbortSignal): AsyncIterable<string> {
  const decoder = new Utf8Slices();
  const texts: string[] = [];
  for await (const block of byteChunks(file, signal)) {
    decoder.push(block, texts);
    yield* texts;
    texts.length = 0;
  }
  decoder.end(texts);
  yield* texts;
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
