// Opens a log file as a stream of decoded text chunks, gunzipping when the file starts with the gzip magic bytes.
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip, gunzipSync } from 'node:zlib';
import { checkRegularFile } from '../read-file.ts';

const CHUNK = 64 << 10;

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

/** Decoded text chunks of a (possibly gzipped) file; invalid UTF-8 becomes U+FFFD, a BOM is dropped. */
export async function* textChunks(file: string, signal?: AbortSignal): AsyncIterable<string> {
  const gzip = await isGzip(file);
  const raw = createReadStream(file, { highWaterMark: CHUNK, signal });
  const stream = gzip ? raw.pipe(createGunzip({ chunkSize: CHUNK })) : raw;
  if (gzip) raw.on('error', (error) => stream.destroy(error));
  const decoder = new TextDecoder('utf-8', { ignoreBOM: false });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const text = decoder.decode(chunk, { stream: true });
    if (text.length > 0) yield text;
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
