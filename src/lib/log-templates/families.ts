// Shapes of error records that are not classification: traceback fragments and stack traces. (Which error a record
// is evidence of is decided by the error-signature catalogue, src/lib/error-signatures.)

/** Lines that are pieces of a traceback printed one record per line (frames, code, carets), not messages. */
export function isTracebackFragment(sample: string): boolean {
  return (
    /^\s/.test(sample) || /^File "/.test(sample) || /^\^+$/.test(sample.trim()) || /^During handling of the above exception/.test(sample) || /^The above exception was the direct cause/.test(sample)
  );
}

const STACK_TRACE = /Traceback \(most recent call last\)|\n\s+at [\w.$<>]+ \(|\n\s+at \S+:\d+:\d+|\n\s+at [\w.$]+\([\w.]+\.java:\d+\)|\ngoroutine \d+ \[[\w ,]+\]:\n/;

/** Whether a (multi-line) message carries a stack trace: Python traceback, Node, Java frames or Go goroutine dump. */
export function hasStackTrace(message: string): boolean {
  if (message.indexOf('\n') === -1) return message.startsWith('Traceback (most recent call last)');
  return STACK_TRACE.test(message);
}
