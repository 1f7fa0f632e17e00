// A log source's record filter (service or resource, level, text, RE2 regex, field equals), compiled once and applied while streaming.
import { RE2JS } from 're2js';
import type { Level, LogRecord } from '../../evidence/schema.ts';
import type { LogFilterSpec } from '../../manifest/index.ts';

const RANK: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3, fatal: 4 };
/** Fields that name the service or resource a record came from, across the readers. */
const SERVICE_FIELDS = ['service', 'resource', 'app', 'unit', 'container', 'serviceName', 'service.name', 'resource.labels.service_name', 'kubernetes.container_name', 'logger'];
/** Most characters of a message searched by text and regex filters. */
const MAX_SEARCHED = 64 * 1024;

function list<T>(value: T | T[] | undefined): T[] | undefined {
  return value === undefined ? undefined : Array.isArray(value) ? value : [value];
}

/** The record's level, or the one its HTTP status implies (as the evidence builder assigns it). */
function levelOf(record: LogRecord): Level | undefined {
  if (record.level) return record.level;
  const status = Number(record.fields.statusCode);
  if (status >= 100 && status <= 599) return status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
  return undefined;
}

/** A predicate for the filter, or null when there is nothing to filter. Throws on a regex RE2 cannot compile. */
export function compileFilter(spec: LogFilterSpec | undefined): ((record: LogRecord) => boolean) | null {
  if (!spec) return null;
  const tests: ((record: LogRecord) => boolean)[] = [];
  const services = list(spec.service);
  if (services) {
    const wanted = new Set(services);
    tests.push((record) => SERVICE_FIELDS.some((name) => record.fields[name] !== undefined && wanted.has(record.fields[name]!)));
  }
  if (spec.level !== undefined) {
    const levels = Array.isArray(spec.level) ? new Set<Level>(spec.level) : null;
    const minimum = Array.isArray(spec.level) ? 0 : RANK[spec.level];
    tests.push((record) => {
      const level = levelOf(record);
      if (!level) return false;
      return levels ? levels.has(level) : RANK[level] >= minimum;
    });
  }
  if (spec.text !== undefined) {
    const needle = spec.text.toLowerCase();
    tests.push((record) => record.message.slice(0, MAX_SEARCHED).toLowerCase().includes(needle));
  }
  if (spec.regex !== undefined) {
    let regex: RE2JS;
    try {
      regex = RE2JS.compile(spec.regex);
    } catch (error) {
      throw new Error(`filter regex ${JSON.stringify(spec.regex)} does not compile (RE2 syntax): ${(error as Error).message}`);
    }
    tests.push((record) => regex.matcher(record.message.slice(0, MAX_SEARCHED)).find());
  }
  if (spec.fields) {
    const entries = Object.entries(spec.fields);
    tests.push((record) => entries.every(([name, value]) => record.fields[name] === value));
  }
  if (tests.length === 0) return null;
  return (record) => tests.every((test) => test(record));
}
