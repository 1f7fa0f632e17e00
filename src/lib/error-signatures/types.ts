// The shape of the error-signature catalogue: one entry per error as a library prints it, with its category, resource and remedies.
import type { HypothesisCategory, Signal } from './vocabulary.ts';

/** What a signature's error concerns: the thing that failed or ran out. */
export type ResourceKind =
  | 'postgres'
  | 'redis'
  | 'mysql'
  | 'http-upstream'
  | 'dns'
  | 'tls'
  | 'network'
  | 'memory'
  | 'disk'
  | 'cpu'
  | 'process'
  | 'application-code'
  | 'configuration'
  | 'queue'
  | 'platform';

/** Where a signature's error comes from: the language, library family or platform that prints it. */
export type Ecosystem = 'python' | 'node' | 'go' | 'java' | 'ruby' | 'postgres' | 'redis' | 'http' | 'nginx' | 'platform' | 'tls' | 'dns' | 'disk' | 'os';

export interface Remedy {
  /** kebab-case, unique in the catalogue. */
  id: string;
  /** Which kind of change: A code, B configuration, C infrastructure (the report's solution options). */
  option: 'A' | 'B' | 'C';
  /** What to do, in one imperative sentence. */
  action: string;
  /** Settings or code constructs it touches (e.g. `ioredis maxRetriesPerRequest`), shown with the advice. */
  settings?: string[];
}

interface SignatureExample {
  /** The message exactly as the library prints it. */
  text: string;
  /** The library (and version) that prints it, e.g. `psycopg2 2.9`. */
  source: string;
}

export interface ErrorSignature {
  /** kebab-case, unique: e.g. `postgres-too-many-clients`. */
  id: string;
  title: string;
  category: HypothesisCategory;
  /** The finding signal this error is evidence of (what the hypothesis rules combine). */
  signal: Signal;
  resource: ResourceKind;
  /** Ways to recognise it; any one matching is enough. Patterns are RE2 syntax (linear time). */
  match: {
    patterns?: string[];
    exceptionTypes?: string[];
    errno?: string[];
    sqlstate?: string[];
    httpStatus?: number[];
  };
  remedies: Remedy[];
  examples: SignatureExample[];
  /** Higher wins when several signatures match one text (specific causes before generic symptoms). Default 50. */
  priority?: number;
  /** The language, library family or platform that prints it. */
  ecosystem?: Ecosystem;
  /** RE2 patterns whose first group names the resource in the record (host:port, upstream host, pool name). */
  resourceFrom?: string[];
}

/** Structured hints a reader may already know about an error record (beyond its message text). */
export interface ErrorHints {
  exceptionType?: string;
  errno?: string;
  sqlstate?: string;
  httpStatus?: number;
  /** A host or service name the error concerns, when the record says (upstream host, Redis host ...). */
  host?: string;
}

export interface SignatureMatch {
  signature: ErrorSignature;
  /** Which recogniser matched: `pattern`, `exception-type`, `errno`, `sqlstate`, `http-status`. */
  by: 'pattern' | 'exception-type' | 'errno' | 'sqlstate' | 'http-status';
  /** The resource as named by the record where it says (e.g. `cache:6379`, `api.example.com:443`), else undefined. */
  resourceName?: string;
  /** The resource kind: the signature's, refined by a well-known port in the record (5432 postgres, 6379 redis, 3306 mysql). */
  resource: ResourceKind;
  /** The text the winning recogniser matched (cut to 200 characters), for evidence excerpts. */
  matched?: string;
}
