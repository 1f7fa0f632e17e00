// Application stack frames in an error record, for Python, Node, Go, Java and Ruby traces (library frames left out).

export interface AppFrame {
  file: string;
  line: number;
  function?: string;
}

const PYTHON = /File "([^"\n]+)", line (\d+)(?:, in ([^\s\n]+))?/g;
const NODE = /\bat (?:(?:async )?([^\s(]+) \()?((?:file:\/\/)?\/?[^\s():]+\.(?:[cm]?js|ts|tsx|jsx)):(\d+):\d+\)?/g;
const GO = /^\s+((?:[A-Za-z]:)?\/?[^\s:]+\.go):(\d+)(?: \+0x[0-9a-f]+)?$/gm;
const JAVA = /\bat ((?:[\w$]+\.)+)([\w$<>]+)\(([\w$]+\.(?:java|kt|scala|groovy)):(\d+)\)/g;
const RUBY = /^\s*(?:from )?((?:\/|\.\/)?[^\s:]+\.rb):(\d+):in [`'"]([^'`"]+)['`"]/gm;
const GO_PANIC_LOCATION = /^\s*((?:[\w.-]+\/)*[\w.-]+\.go):(\d+)/gm;

/** Paths and packages of libraries, runtimes and frameworks: frames there are not the application's. */
const LIBRARY = /(?:site-packages|dist-packages|node_modules|\/lib\/python\d|<frozen|\/usr\/lib\/|\/usr\/local\/go\/|\/go\/pkg\/mod\/|GOROOT|\/gems\/|\/ruby\/\d|\/rubygems\/|^node:|^runtime\/)/;
const JAVA_LIBRARY =
  /^(?:java|javax|jakarta|jdk|sun|com\.sun|org\.springframework|org\.apache|org\.hibernate|com\.zaxxer|org\.postgresql|com\.mysql|org\.mariadb|io\.netty|okhttp3|okio|retrofit2|com\.squareup|feign|reactor|kotlin|kotlinx|io\.ktor|scala|akka|org\.eclipse|org\.glassfish|org\.jboss|io\.undertow|io\.vertx|ch\.qos|org\.slf4j|com\.fasterxml|com\.google|io\.grpc|io\.lettuce|redis\.clients|com\.mongodb|software\.amazon|com\.amazonaws|io\.micrometer|io\.opentelemetry|org\.jooq|io\.r2dbc)\./;
const GO_RUNTIME_FUNC = /^(?:runtime|net\/http|database\/sql|reflect|syscall|internal)\b/;

function push(frames: AppFrame[], seen: Set<string>, frame: AppFrame): void {
  const key = `${frame.file}:${frame.line}`;
  if (seen.has(key) || LIBRARY.test(frame.file)) return;
  seen.add(key);
  frames.push(frame);
}

/** Application frames in the order they appear in the record (capped text length is the caller's concern). */
export function appFrames(message: string): AppFrame[] {
  if (!message.includes('\n') && !/ at |\.go:|\.rb:|File "/.test(message)) return [];
  const frames: AppFrame[] = [];
  const seen = new Set<string>();
  const found: { index: number; frame: AppFrame }[] = [];
  for (const match of message.matchAll(PYTHON)) found.push({ index: match.index, frame: { file: match[1]!, line: Number(match[2]), ...(match[3] ? { function: match[3] } : {}) } });
  for (const match of message.matchAll(NODE)) {
    const file = match[2]!.replace(/^file:\/\//, '');
    found.push({ index: match.index, frame: { file, line: Number(match[3]), ...(match[1] ? { function: match[1] } : {}) } });
  }
  for (const match of message.matchAll(JAVA)) {
    const owner = match[1]!;
    if (JAVA_LIBRARY.test(owner)) continue;
    found.push({ index: match.index, frame: { file: match[3]!, line: Number(match[4]), function: `${owner}${match[2]}` } });
  }
  for (const match of message.matchAll(GO)) {
    // The function is on the line before: skip runtime and standard-library functions.
    const before =
      message
        .slice(Math.max(0, match.index - 300), match.index)
        .split('\n')
        .filter(Boolean)
        .pop() ?? '';
    if (GO_RUNTIME_FUNC.test(before.trim())) continue;
    found.push({ index: match.index, frame: { file: match[1]!, line: Number(match[2]), ...(before.trim() ? { function: before.trim().replace(/\(.*$/, '') } : {}) } });
  }
  if (!found.some((entry) => entry.frame.file.endsWith('.go'))) {
    for (const match of message.matchAll(GO_PANIC_LOCATION)) found.push({ index: match.index, frame: { file: match[1]!, line: Number(match[2]) } });
  }
  for (const match of message.matchAll(RUBY)) found.push({ index: match.index, frame: { file: match[1]!, line: Number(match[2]), function: match[3]! } });
  for (const { frame } of found.sort((a, b) => a.index - b.index)) push(frames, seen, frame);
  return frames;
}

/**
 * The frame to name as the failing line: Python prints the innermost frame last, every other runtime first.
 */
export function failingFrame(message: string): AppFrame | undefined {
  const frames = appFrames(message);
  if (frames.length === 0) return undefined;
  return /Traceback \(most recent call last\)/.test(message) ? frames[frames.length - 1] : frames[0];
}

export function shortFile(file: string): string {
  const parts = file.split('/').filter(Boolean);
  return parts.slice(-2).join('/');
}
