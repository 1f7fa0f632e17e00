// Reads what `/usr/bin/time -v` prints on stderr: peak memory and wall time of the command it ran.
/** Maximum resident set size in MB, or undefined when the text has none. */
export function peakMegabytes(stderr: string): number | undefined {
  const kilobytes = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1];
  return kilobytes === undefined ? undefined : Number(kilobytes) / 1024;
}

/** Elapsed wall-clock time as printed (h:mm:ss or m:ss), or undefined. */
export function wallText(stderr: string): string | undefined {
  return /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)/.exec(stderr)?.[1];
}

/** Elapsed wall-clock time in seconds (0 when the text has none). */
export function wallSeconds(stderr: string): number {
  return (wallText(stderr) ?? '0')
    .split(':')
    .map(Number)
    .reduce((total, part) => total * 60 + part, 0);
}
