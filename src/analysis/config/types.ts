// What configuration analysis concludes from the collected files: differences, anomalies and their risk.

export type ConfigChange = 'added' | 'removed' | 'changed' | 'type-changed';
/** `unknown`: nothing could be compared (a file that does not parse); never ranked above medium. */
export type Risk = 'high' | 'medium' | 'unknown' | 'low';

/** What a setting is, read from its key and values; each kind has its own risk rule (classify.ts). */
export type ConfigKind = 'boolean-switch' | 'size' | 'count' | 'timeout' | 'url-host' | 'credential' | 'feature-flag' | 'version' | 'durability' | 'environment-name' | 'block' | 'other';

export interface ConfigDifference {
  /** Key path, e.g. database.pool_size */
  path: string;
  change: ConfigChange;
  left?: string;
  right?: string;
  leftLine?: number;
  rightLine?: number;
  /** Area of the setting (urls-hosts, timeouts, pool-workers, ...), used by drafted solutions. */
  category: string;
  /** What the setting is; the reason names it. */
  kind: ConfigKind;
  risk: Risk;
  reason: string;
  /** Values with ${VAR} placeholders resolved against env files or the environment (secrets masked). */
  leftResolved?: string;
  rightResolved?: string;
  /** Ranks differences within one risk level, higher first. */
  score?: number;
}

export interface ConfigAnomaly {
  kind: 'moved-subtree' | 'duplicate-key' | 'only-in-one' | 'foreign-environment-value' | 'missing-file' | 'parse-error' | 'template' | 'truncated';
  path: string;
  file: string;
  line?: number;
  detail: string;
  risk: Risk;
  /** For moved subtrees and duplicate keys: the other location (path, file, line). */
  otherPath?: string;
  otherFile?: string;
  otherLine?: number;
  /** The offending value as written (secrets masked), e.g. for foreign-environment values. */
  value?: string;
}

export interface ConfigComparison {
  left: { label: string; path: string };
  right: { label: string; path: string };
  differences: ConfigDifference[];
  anomalies: ConfigAnomaly[];
}

export const RISK_ORDER: Record<Risk, number> = { high: 0, medium: 1, unknown: 2, low: 3 };
