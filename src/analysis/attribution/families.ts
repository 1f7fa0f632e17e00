// Error families: error/warning templates of every log source, grouped by their catalogue signature (or mined family).
import { evidenceOf, type EvidenceBundle, type EvidenceRef, type LogRecord } from '../../evidence/schema.ts';
import { classifyError } from '../../lib/error-signatures/index.ts';
import type { ErrorHints, SignatureMatch } from '../../lib/error-signatures/types.ts';
import { isTracebackFragment } from '../../lib/log-templates/families.ts';
import type { HypothesisCategory, Signal } from '../types.ts';
import { appFrames, failingFrame, shortFile, type AppFrame } from './frames.ts';

export interface ErrorFamily {
  key: string;
  /** `source:templateId` of every template in the family. */
  templates: string[];
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
  /** Whether its records carry each entity kind. */
  entityKinds: Set<string>;
  frames: AppFrame[];
  frame?: AppFrame;
  refs: EvidenceRef[];
  firstSeen?: string;
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
function recordText(record: LogRecord | undefined, fallback: string): string {
  if (!record) return fallback;
  const extra = Object.entries(record.fields)
    .filter(([key]) => /^(?:err|error|exception|exc_info|stack|stack_trace|reason|cause)(?:\.|$)/i.test(key))
    .map(([, value]) => value);
  return [record.message, ...extra].join('\n');
}

/** Request lines answered with a server error: the symptom itself, not a candidate cause (outbound calls answered 429 stay candidates). */
function isRequestTemplate(records: LogRecord[]): boolean {
  return records.some((record) => /^[1-5]\d\d$/.test(record.fields.statusCode ?? '') && (record.fields.path !== undefined || record.fields.method !== undefined));
}

const LOG_PREFIX = /^\[?\d{4}-\d\d-\d\d[T ][\d:.,]+(?:Z|[+-]\d\d:?\d\d)?\]?\s+(?:-\s+)?(?:\S+\s+-\s+)?(?:\[?(?:DEBUG|INFO|WARN(?:ING)?|ERROR|CRITICAL|FATAL)\]?\s*[-:]?\s*)?/;

/** The line to quote as the decisive error: a traceback's exception line, a panic line, else the first line without its log prefix. */
export function quoteLine(text: string, exception?: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  // Java: the deepest "Caused by:" is the error that started it.
  const causes = lines.filter((line) => line.startsWith('Caused by: '));
  if (causes.length > 0) return causes[causes.length - 1]!.slice('Caused by: '.length);
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
      const quote = quoteLine(text, hints.exceptionType);
      const quoteException = EXCEPTION.exec(quote)?.[1];
      const exception = quoteException ?? hints.exceptionType;
      const match = classifyError(quote, { ...hints, ...(exception ? { exceptionType: exception } : {}) }) ?? classifyError(text, hints);
      const frames = new Map<string, AppFrame>();
      let failing: AppFrame | undefined;
      for (const record of own.length > 0 ? own : template.samples) {
        for (const frame of appFrames(recordText(record as LogRecord, record.message))) frames.set(`${frame.file}:${frame.line}`, frame);
        failing ??= failingFrame(recordText(record as LogRecord, record.message));
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
      for (const kind of Object.keys(template.entities)) if (template.entities[kind]!.length > 0) family.entityKinds.add(kind);
      for (const frame of frames.values()) if (!family.frames.some((known) => known.file === frame.file && known.line === frame.line)) family.frames.push(frame);
      family.frame ??= failing;
      for (const record of own.slice(0, 3)) family.refs.push(ref(source.id, record));
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
