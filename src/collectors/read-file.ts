// Read a regular file without ever blocking: FIFOs, sockets and devices are refused by type, huge files by size.
import { closeSync, constants, fstatSync, openSync, readFileSync, statSync, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';

/** Configuration and source files are small; anything larger is refused before reading. */
const MAX_READ_BYTES = 32 * 1024 * 1024;

/** Open flags: O_NONBLOCK so that a file swapped for a FIFO after the stat still cannot block the open. */
const FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

export class UnreadableFile extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'UnreadableFile';
  }
}

function kindOf(info: Stats): string {
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isDirectory()) return 'a directory';
  return 'not a regular file';
}

/** Throw an UnreadableFile unless `info` is a regular file of at most `max` bytes. */
export function checkRegularFile(info: Stats, max = MAX_READ_BYTES): void {
  if (!info.isFile()) throw new UnreadableFile(`${kindOf(info)}, not a regular file: not read`, info.isDirectory() ? 'EISDIR' : 'not-a-file');
  if (info.size > max) throw new UnreadableFile(`${Math.round(info.size / 1024 / 1024)} MB, larger than the ${Math.round(max / 1024 / 1024)} MB limit: not read`, 'too-large');
}

/** Read a regular file as UTF-8 (stat first, then open non-blocking and check the opened file again). */
export async function readRegularFile(file: string, max = MAX_READ_BYTES): Promise<string> {
  checkRegularFile(await stat(file), max);
  const handle = await open(file, FLAGS);
  try {
    checkRegularFile(await handle.stat(), max);
    return await handle.readFile({ encoding: 'utf8' });
  } finally {
    await handle.close();
  }
}

/** Synchronous readRegularFile, for callers that read small files in a loop. */
export function readRegularFileSync(file: string, max = MAX_READ_BYTES): string {
  checkRegularFile(statSync(file), max);
  const fd = openSync(file, FLAGS);
  try {
    checkRegularFile(fstatSync(fd), max);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}
