// The default thresholds of `fracas check` (no imports, so --help can show them without loading analysis).

export interface MonitorThresholds {
  /** Occurrences of one of the incident's failure families in the window (default 0: any is an alert). */
  family: number;
  stuckJobs: number;
  /** Share of requests failing, 0..1. */
  failedRequestShare: number;
  /** Minimum share of connection slots still free, 0..1. */
  connectionHeadroom: number;
  /** Longest idle-in-transaction session, seconds. */
  idleInTransactionSeconds: number;
  blockedSessions: number;
}

export const DEFAULT_THRESHOLDS: MonitorThresholds = { family: 0, stuckJobs: 0, failedRequestShare: 0.05, connectionHeadroom: 0.1, idleInTransactionSeconds: 300, blockedSessions: 0 };
