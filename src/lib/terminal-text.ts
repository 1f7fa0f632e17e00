// Text for a terminal: escape sequences removed (strip-ansi), other control characters (C0 but newline and tab, DEL, C1) made visible.
import stripAnsi from 'strip-ansi';

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Log text and file names are data: never let them move the cursor, set a window title or ring the bell. */
export function terminalSafe(text: string): string {
  return stripAnsi(text).replace(CONTROL, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A stream whose every write goes through terminalSafe. */
export function safeStream<T extends NodeJS.WritableStream>(stream: T): T {
  return new Proxy(stream, {
    get(target, property, receiver) {
      if (property === 'write') {
        return (chunk: unknown, ...rest: unknown[]) => (target.write as (...args: unknown[]) => boolean).call(target, typeof chunk === 'string' ? terminalSafe(chunk) : chunk, ...rest);
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
