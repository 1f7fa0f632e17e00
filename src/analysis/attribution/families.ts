// Error families: error/warning templates of every log source, grouped by their catalogue signature (or mined family).
import { evidenceOf, type EvidenceBundle, type EvidenceRef, type LogRecord } from '../../evidence/schema.ts';
import { classifyError } from '../../lib/error-signatures/index.ts';
import type { ErrorHints, SignatureMatch } from '../../lib/error-signatures/types.ts';
import { isTracebackFragment } from '../../lib/log-templates/families.ts';
import type { HypothesisCategory, Signal } from '../types.ts';
import { appFrames, failingFrame, shortFile, type AppFrame } from './frames.ts';
import type { JobOutcomes } from './jobs.ts';

export interface ErrorFamily {
  key: string;
  /** `source:templateId` of every template in the family (for a job table's recorded error, its group key). */
  templates: string[];
  /** Templates of the same error recorded in another source (a job table's error and the log lines printing it). */
  aliases?: string[];
  sources: string[];
  match?: SignatureMatch;
  signal?: Signal;
  category: HypothesisCategory;
  categoryFrom: 'signature' | 'family' | 'exception' | 'unclassified';
  resource?: string;
  title: string;
  /** The most frequent template's text and a real sample of it. */
  template: string;
  sample: string;
  /** The decisive line of the sample to quote. */
  quote: string;
  /** Minutes with counts (warning-or-worse records), all records. */
  minutes: [string, number][];
  count: number;
  /** Records at level fatal (what a runtime prints as it dies). */
  fatalCount?: number;
  /** Whether its records carry each entity kind. */
  entityKinds: Set<string>;
  frames: AppFrame[];
  frame?: AppFrame;
  refs: EvidenceRef[];
  firstSeen?: string;
  /** Times (ms) of the records kept for it (up to 50 a template), to tell lines of one event from errors of their own. */
  times?: number[];
}

/** Category for a mined family's signal when the catalogue does not recognise the text. */
const SIGNAL_CATEGORY: Partial<Record<Signal, HypothesisCategory>> = {
  'pool-exhaustion': 'db-pool-exhaustion',
  'idle-in-transaction': 'db-pool-exhaustion',
  deadlock: 'db-lock-contention',
  'lock-timeout': 'db-lock-contention',
  'lock-wait': 'db-lock-contention',
  'statement-timeout': 'db-lock-contention',
  'blocking-chain': 'db-lock-contention',
  'constraint-violation': 'db-constraint-violation',
  'upstream-rate-limit': 'upstream-dependency',
  'upstream-error': 'upstream-dependency',
  'connection-refused': 'network-connectivity',
  'network-error': 'network-connectivity',
  'memory-limit': 'resource-exhaustion',
  'unhandled-exception': 'code-defect',
  'job-errors': 'code-defect',
  'code-stack-frame': 'code-defect',
  'config-risky-difference': 'config-drift',
  'config-changed-in-window': 'config-drift',
  'config-structural-anomaly': 'config-drift',
  'errors-after-deploy': 'deploy-regression',
  deploy: 'deploy-regression',
};

export function categoryOfSignal(signal: Signal): HypothesisCategory | undefined {
  return SIGNAL_CATEGORY[signal];
}

const EXCEPTION = /(?:^|\s|:)((?:[A-Za-z_][\w$]*\.)*[A-Z][\w$]*(?:Error|Exception|Panic|Fault))\b/;
const ERRNO = /\b(E(?:CONNREFUSED|CONNRESET|TIMEDOUT|HOSTUNREACH|NETUNREACH|NOTFOUND|AI_AGAIN|PIPE|ADDRINUSE|MFILE|NOSPC|ACCES|CONNABORTED|PROTO))\b/;
const SQLSTATE = /\b(?:SQLSTATE|sqlstate|code)[\s:=[("']*([0-9A-Z]{5})\b/;

function hintsOf(text: string, record?: LogRecord): ErrorHints {
  const hints: ErrorHints = {};
  const exception = record?.fields['err.type'] ?? record?.fields['error.type'] ?? record?.fields.exc_type ?? EXCEPTION.exec(text)?.[1];
  if (exception) hints.exceptionType = exception;
  const errno = record?.fields['err.code'] ?? record?.fields['error.code'] ?? ERRNO.exec(text)?.[1];
  if (errno && /^E[A-Z_]+$/.test(errno)) hints.errno = errno;
  const sqlstate = record?.fields.sqlstate ?? record?.fields.sql_state_code ?? SQLSTATE.exec(text)?.[1];
  if (sqlstate && /^[0-9A-Z]{5}$/.test(sqlstate) && /\d/.test(sqlstate)) hints.sqlstate = sqlstate;
  const status = Number(record?.fields.statusCode ?? record?.fields.status ?? NaN);
  if (status >= 100 && status <= 599) hints.httpStatus = status;
  return hints;
}

/** Whole record text for classification: the message plus the structured error fields (pino `err`, structlog `exception`). */
function recordText(record: (Pick<LogRecord, 'message'> & { fields?: LogRecord['fields'] }) | undefined, fallback: string): string {
  if (!record) return fallback;
  // A template's sample (when none of its records was kept) has its message only.
  if (!record.fields) return record.message;
  const extra = Object.entries(record.fields)
    .filter(([key]) => /^(?:err|error|exception|exc_info|stack|stack_trace|reason|cause)(?:\.|$)/i.test(key))
    .map(([, value]) => value);
  return [record.message, ...extra].join('\n');
}

/** Request lines answered with a server error: the symptom itself, not a candidate cause (outbound calls answered 429 stay candidates). */
function isRequestTemplate(records: LogRecord[]): boolean {
  return records.some((record) => /^[1-5]\d\d$/.test(record.fields.statusCode ?? '') && (record.fields.path !== undefined || record.fields.method !== undefined));
}

/** Signatures at or below this priority are generic symptoms (an uncaught exception, a traceback, "timed out"). */
const GENERIC_PRIORITY = 12;

const LOG_PREFIX =
  /^(?:\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}: [A-Z]+\/[\w.-]+\] |\[?\d{4}-\d\d-\d\d[T ][\d:.,]+(?:Z|[+-]\d\d:?\d\d)?\]?\s+(?:-\s+)?(?:\S+\s+-\s+)?(?:\[?(?:DEBUG|INFO|WARN(?:ING)?|ERROR|CRITICAL|FATAL)\]?\s*[-:]?\s*)?|[DIWEFAU], \[[^\]]{10,40}\]\s+[A-Z]+ -- [\w.-]*: (?:\[[\w.:-]{1,80}\] )*|(?:DEBUG|INFO|WARNING|ERROR|CRITICAL):\s+)/;

/** The line to quote as the decisive error: a traceback's exception line, a panic line, else the first line without its log prefix. */
export function quoteLine(text: string, exception?: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  // Java: the deepest "Caused by:" is the error that started it.
  const causes = lines.filter((line) => line.startsWith('Caused by: '));
  if (causes.length > 0) return causes[causes.length - 1]!.slice('Caused by: '.length);
  // Tomcat and Spring: "Servlet.service() ... threw exception [...] with root cause", then the root exception and its trace.
  const rootCause = lines.findIndex((line) => line.endsWith('with root cause'));
  if (rootCause !== -1 && lines[rootCause + 1] && !lines[rootCause + 1]!.startsWith('at ')) return lines[rootCause + 1]!;
  // logfmt (Go slog, logrus): the msg and err values.
  const logfmt = /(?:^|\s)msg=("(?:[^"\\]|\\.)*"|\S+)/.exec(lines[0] ?? '');
  if (logfmt) {
    const value = (raw: string): string => (raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw);
    const err = /(?:^|\s)(?:err|error)=("(?:[^"\\]|\\.)*"|\S+)/.exec(lines[0]!);
    return err ? `${value(logfmt[1]!)}: ${value(err[1]!)}` : value(logfmt[1]!);
  }
  if (/Traceback \(most recent call last\)/.test(text)) {
    const last = [...lines].reverse().find((line) => /^(?:(?:[A-Za-z_]\w*\.)+[A-Za-z_]\w*|[A-Za-z_]\w*(?:Error|Exception|Exit|Interrupt|Warning|Violation|Timeout))(?::\s|$)/.test(line));
    if (last) return last;
  }
  const panic = lines.find((line) => /^panic: /.test(line));
  if (panic) return panic;
  if (exception) {
    const named = lines.find((line) => line.includes(exception) && !/^at /.test(line));
    if (named) return named.replace(LOG_PREFIX, '');
  }
  return (lines[0] ?? '').replace(LOG_PREFIX, '');
}

const ref = (source: string, record: { file: string; line: number; message: string; timestamp?: string }): EvidenceRef => ({
  kind: 'log-record',
  source,
  file: record.file,
  line: record.line,
  excerpt: record.message.split('\n', 1)[0]!.slice(0, 200),
  ...(record.timestamp ? { timestamp: record.timestamp } : {}),
});

function describe(match: SignatureMatch | undefined, exception: string | undefined, template: string): string {
  if (match) return match.signature.title;
  if (exception) return exception;
  return template.split('\n', 1)[0]!.slice(0, 80);
}

/** Every error family in the bundle's log sources. Request lines (the symptom itself) and traceback fragments are left out. */
export function errorFamilies(bundle: EvidenceBundle): { families: ErrorFamily[]; requestTemplates: Set<string> } {
  const families = new Map<string, ErrorFamily>();
  const requestTemplates = new Set<string>();
  for (const { source, evidence } of [...evidenceOf(bundle, 'logs'), ...evidenceOf(bundle, 'render-api')]) {
    const records = new Map<string, LogRecord[]>();
    for (const record of evidence.records) if (record.templateId) (records.get(record.templateId) ?? records.set(record.templateId, []).get(record.templateId)!).push(record);
    for (const template of evidence.templates) {
      if (!template.minutes || template.minutes.length === 0) continue;
      const own = records.get(template.id) ?? [];
      const key = `${source.id}:${template.id}`;
      if (isRequestTemplate(own)) {
        requestTemplates.add(key);
        continue;
      }
      const sample = template.samples[0]?.message ?? template.template;
      if (isTracebackFragment(sample)) continue;
      const first = own[0];
      const text = recordText(first, sample);
      const hints = hintsOf(text, first);
      // The decisive line (deepest cause, exception line, logfmt msg/err) is classified first; then the whole record.
      let quote = quoteLine(text, hints.exceptionType);
      const quoteException = EXCEPTION.exec(quote)?.[1];
      const exception = quoteException ?? hints.exceptionType;
      const quoted = classifyError(quote, { ...hints, ...(exception ? { exceptionType: exception } : {}) });
      // A generic match of the quoted line ("Uncaught exception: PrismaClientKnownRequestError") gives way to a
      // specific signature the whole record matches (the message or err object names the real failure).
      const whole = !quoted || (quoted.signature.priority ?? 50) <= GENERIC_PRIORITY ? classifyError(text, hints) : undefined;
      const match = whole && (!quoted || (whole.signature.priority ?? 50) > (quoted.signature.priority ?? 50)) ? whole : quoted;
      // Quote the record's line that says it, when the quoted line matched only through a hint (a SQLSTATE or errno of
      // another line) or only generically ("query failed" above "FATAL: sorry, too many clients already").
      if (match && classifyError(quote, {})?.signature.id !== match.signature.id) {
        const lines = text
          .split('\n')
          .map((item) => item.trim())
          .filter((item) => item.length > 0 && item !== quote);
        const named = [hints.sqlstate, hints.errno].filter((value): value is string => value !== undefined);
        const line =
          lines.find((item) => classifyError(item, {})?.signature.id === match.signature.id) ??
          lines.find((item) => classifyError(item, hints)?.signature.id === match.signature.id) ??
          (match.by === 'sqlstate' || match.by === 'errno' ? lines.find((item) => named.some((value) => item.includes(value))) : undefined);
        if (line) quote = line.replace(LOG_PREFIX, '');
      }
      const frames = new Map<string, AppFrame>();
      let failing: AppFrame | undefined;
      for (const record of own.length > 0 ? own : template.samples) {
        const recordWhole = recordText(record, record.message);
        for (const frame of appFrames(recordWhole)) frames.set(`${frame.file}:${frame.line}`, frame);
        failing ??= failingFrame(recordWhole);
      }
      // A record that is one frame line behind a logger prefix (a backtrace logged line by line).
      if (frames.size === 0 && /\.(?:rb|py|go|js|ts|java|kt):\d/.test(quote) && !quote.includes('\n')) {
        const bare = quote.replace(LOG_PREFIX, '');
        for (const frame of appFrames(bare)) frames.set(`${frame.file}:${frame.line}`, frame);
        failing ??= failingFrame(bare);
      }
      const level = (template.levels.error ?? 0) + (template.levels.fatal ?? 0);
      let category: HypothesisCategory;
      let categoryFrom: ErrorFamily['categoryFrom'];
      // The catalogue is the one source of error-to-category decisions; what it does not know is an application error.
      if (match) [category, categoryFrom] = [match.signature.category, 'signature'];
      else if (exception || frames.size > 0) [category, categoryFrom] = ['code-defect', 'exception'];
      else if (level > 0) [category, categoryFrom] = ['code-defect', 'unclassified'];
      else continue; // a warning nothing recognises is not a candidate cause
      const resource = match ? (match.resourceName ?? match.signature.resource) : categoryFrom === 'exception' ? 'application code' : undefined;
      const familyKey = match ? `sig:${source.id}:${match.signature.id}:${match.resourceName ?? ''}` : `tpl:${key}`;
      let family = families.get(familyKey);
      if (!family) {
        family = {
          key: familyKey,
          templates: [],
          sources: [],
          ...(match ? { match } : {}),
          ...(match ? { signal: match.signature.signal } : {}),
          category,
          categoryFrom,
          ...(resource ? { resource } : {}),
          title: describe(match, exception, template.template),
          template: template.template,
          sample: text.slice(0, 600),
          quote,
          minutes: [],
          count: 0,
          entityKinds: new Set(),
          frames: [],
          refs: [],
          times: [],
        };
        families.set(familyKey, family);
      }
      family.templates.push(key);
      if (!family.sources.includes(source.id)) family.sources.push(source.id);
      family.minutes.push(...template.minutes);
      const count = template.minutes.reduce((sum, [, n]) => sum + n, 0);
      if (count > family.count - count && family.templates.length > 1) {
        family.template = template.template;
        family.sample = text.slice(0, 600);
        family.quote = quote;
      }
      family.count += count;
      family.fatalCount = (family.fatalCount ?? 0) + (template.levels.fatal ?? 0);
      for (const kind of Object.keys(template.entities)) if (template.entities[kind]!.length > 0) family.entityKinds.add(kind);
      for (const frame of frames.values()) if (!family.frames.some((known) => known.file === frame.file && known.line === frame.line)) family.frames.push(frame);
      family.frame ??= failing;
      for (const record of own.slice(0, 3)) family.refs.push(ref(source.id, record));
      for (const record of own.slice(0, 50)) {
        const time = record.timestamp ? Date.parse(record.timestamp) : Number.NaN;
        if (!Number.isNaN(time)) family.times?.push(time);
      }
      if (own.length === 0) for (const item of template.samples.slice(0, 2)) family.refs.push(ref(source.id, item));
      if (template.firstSeen && (!family.firstSeen || template.firstSeen < family.firstSeen)) family.firstSeen = template.firstSeen;
    }
  }
  for (const family of families.values()) {
    family.refs.sort((a, b) => ((a as { timestamp?: string }).timestamp ?? '').localeCompare((b as { timestamp?: string }).timestamp ?? ''));
    if (family.frame && family.categoryFrom !== 'signature') family.resource = 'application code';
  }
  return { families: [...families.values()], requestTemplates };
}

export function frameLabel(frame: AppFrame | undefined): string | undefined {
  return frame ? `${shortFile(frame.file)}:${frame.line}` : undefined;
}

/**
 * Families of the errors the job tables record (one per signature, or per normalised error), counted over every
 * failed job's row; each is linked (`aliases`) to the log families of the same signature, which print the same error.
 */
export function jobErrorFamilies(outcomes: JobOutcomes, logFamilies: ErrorFamily[]): ErrorFamily[] {
  const families = new Map<string, ErrorFamily>();
  for (const group of outcomes.groups) {
    const match = group.match;
    const familyKey = match ? `sig:${group.source}:${match.signature.id}:${match.resourceName ?? ''}` : `job:${group.key}`;
    let family = families.get(familyKey);
    if (!family) {
      const quote = quoteLine(group.sample || group.normalized);
      family = {
        key: familyKey,
        templates: [],
        sources: [group.source],
        ...(match ? { match, signal: match.signature.signal } : {}),
        category: match ? match.signature.category : 'code-defect',
        categoryFrom: match ? 'signature' : 'unclassified',
        ...(match ? { resource: match.resourceName ?? match.signature.resource } : {}),
        title: match ? match.signature.title : `Job error recorded in ${group.table}`,
        template: group.normalized,
        sample: group.sample.slice(0, 600),
        quote,
        minutes: [],
        count: 0,
        entityKinds: new Set(['job-id']),
        frames: [],
        refs: [],
      };
      families.set(familyKey, family);
    }
    family.templates.push(group.key);
    family.minutes.push(...group.minutes);
    family.count += group.minutes.length;
    family.refs.push(...group.refs);
    for (const [minute] of group.minutes) if (!family.firstSeen || minute < family.firstSeen) family.firstSeen = minute;
    for (const frame of appFrames(group.sample)) if (!family.frames.some((known) => known.file === frame.file && known.line === frame.line)) family.frames.push(frame);
  }
  const out = [...families.values()];
  for (const family of out) {
    if (!family.match) continue;
    const same = logFamilies.filter((other) => other.match?.signature.id === family.match!.signature.id);
    if (same.length === 0) continue;
    family.aliases = same.flatMap((other) => other.templates);
    for (const other of same) other.aliases = [...(other.aliases ?? []), ...family.templates];
  }
  return out;
}

/** Whether most kept records of one family have a record of the other within a second: printed together, one event. */
function sameMoments(a: number[] | undefined, b: number[] | undefined): boolean {
  if (!a || !b || a.length < 3 || b.length < 3) return false;
  const sorted = [...b].sort((x, y) => x - y);
  let near = 0;
  for (const time of a) {
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (sorted[middle]! < time - 1000) low = middle + 1;
      else high = middle;
    }
    if (low < sorted.length && sorted[low]! <= time + 1000) near++;
  }
  return near >= 0.8 * a.length;
}

/** A stack frame line as runtimes print them (Ruby, Python, Node/Java, Go). */
const FRAME_LINE =
  /^(?:[\w./@-]+\.(?:rb|py|js|mjs|ts|go|java|kt|php|cs|ex|exs):\d+(?::\d+)?(?::in [`'].*)?|at \S.*\(.*:\d+(?::\d+)?\)|File "[^"]+", line \d+.*|[\w./@-]+ \([\d.]+\) [\w./-]+:\d+:in [`'].*)$/;

/** A family that is a line of a bigger event rather than an error of its own: generic, a frame, or only a logger prefix. */
function isFragment(family: ErrorFamily): boolean {
  if (family.match) return (family.match.signature.priority ?? 50) <= GENERIC_PRIORITY;
  const line = family.quote.trim();
  return line === '' || /^\[[\w.:-]{1,80}\]$/.test(line) || FRAME_LINE.test(line);
}

/** How specific a family's error is: a specific signature, then a generic one or a named exception, then unclassified text. */
function specificity(family: ErrorFamily): number {
  if (family.match) return (family.match.signature.priority ?? 50) > GENERIC_PRIORITY ? 3 : 1;
  return family.categoryFrom === 'exception' ? 1 : 0;
}

/**
 * Families that are lines of one event: in one source, the same number of records in the same minutes (a traceback
 * or backtrace split into one record per line by journald, Docker or a platform's log router, a header line and the
 * exception under it). Each group becomes its most specific family, carrying the others' templates and frames.
 */
export function mergeCoEmitted(families: ErrorFamily[], series: (family: ErrorFamily) => number[]): ErrorFamily[] {
  const bySource = new Map<string, ErrorFamily[]>();
  for (const family of families) {
    const key = `${family.sources.join(',')}\u0000${family.count}`;
    bySource.set(key, [...(bySource.get(key) ?? []), family]);
  }
  const dropped = new Set<ErrorFamily>();
  for (const group of bySource.values()) {
    if (group.length < 2 || group[0]!.count < 3) continue;
    const bins = new Map(group.map((family) => [family, series(family)]));
    const remaining = [...group];
    while (remaining.length > 1) {
      const seed = remaining.shift()!;
      const seedBins = bins.get(seed)!;
      const together = [
        seed,
        ...remaining.filter((other) => {
          const otherBins = bins.get(other)!;
          let shared = 0;
          for (let index = 0; index < seedBins.length; index++) shared += Math.min(seedBins[index]!, otherBins[index] ?? 0);
          return shared >= 0.9 * seed.count && sameMoments(seed.times, other.times);
        }),
      ];
      if (together.length < 2) continue;
      for (const member of together.slice(1)) remaining.splice(remaining.indexOf(member), 1);
      const keep = [...together].sort((a, b) => specificity(b) - specificity(a) || b.frames.length - a.frames.length || a.key.localeCompare(b.key))[0]!;
      for (const member of together) {
        // Only lines that are no error of their own fold in: a generic header, a stack frame, a bare logger prefix.
        if (member === keep || !isFragment(member)) continue;
        dropped.add(member);
        keep.templates.push(...member.templates);
        if (member.aliases) keep.aliases = [...(keep.aliases ?? []), ...member.aliases];
        for (const frame of member.frames) if (!keep.frames.some((known) => known.file === frame.file && known.line === frame.line)) keep.frames.push(frame);
        keep.frame ??= member.frame;
        for (const kind of member.entityKinds) keep.entityKinds.add(kind);
      }
      if (keep.frame && keep.categoryFrom !== 'signature') keep.resource = 'application code';
    }
  }
  return families.filter((family) => !dropped.has(family));
}
