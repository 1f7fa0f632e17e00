// Impact: affected jobs, documents and users, request failure rate over the window, and how long it lasted.
import { findCheck, jobTables } from '../evidence/database-checks.ts';
import { evidenceOf, logEvidenceOf, type EvidenceBundle, type EvidenceRef } from '../evidence/schema.ts';
import { entityIds } from './entities.ts';
import type { Impact } from './model.ts';
import { FAILURE_SIGNALS, type Finding } from './types.ts';

const FAILED_STATE = /fail|error|dead/i;

function failedJobs(bundle: EvidenceBundle): { count: number; refs: EvidenceRef[] } {
  let count = 0;
  const refs: EvidenceRef[] = [];
  for (const { source, evidence } of evidenceOf(bundle, 'database')) {
    for (const table of jobTables(evidence)) {
      const check = findCheck(evidence, 'state-distribution', table);
      if (!check) continue;
      check.rows.forEach((row, index) => {
        const labels = [row[table.stateColumn], table.statusColumn ? row[table.statusColumn] : undefined];
        const jobs = Number(row.jobs ?? 0);
        if (labels.some((label) => typeof label === 'string' && FAILED_STATE.test(label)) && Number.isFinite(jobs)) {
          count += jobs;
          refs.push({ kind: 'query-row', source: source.id, check: check.id, row: index, excerpt: JSON.stringify(row) });
        }
      });
    }
  }
  return { count, refs };
}

export function assessImpact(bundle: EvidenceBundle, findings: Finding[], statement?: string): Impact {
  const stuckFindings = findings.filter((finding) => finding.signal === 'stuck-jobs');
  const stuckJobs = stuckFindings.reduce((total, finding) => total + finding.count, 0);
  const failed = failedJobs(bundle);
  const jobIds = entityIds(findings, 'job-id');
  const documents = entityIds(findings, 'document-id');
  const users = entityIds(findings, 'user-id');
  let requests = 0;
  let failedRequests = 0;
  for (const { evidence } of logEvidenceOf(bundle)) {
    for (const minute of evidence.perMinute) {
      requests += minute.requests;
      failedRequests += minute.failedRequests;
    }
  }
  const errorFindings = findings.filter((finding) => FAILURE_SIGNALS.includes(finding.signal));
  const firsts = errorFindings
    .map((finding) => finding.firstSeen)
    .filter((time): time is string => Boolean(time))
    .sort();
  const lasts = errorFindings
    .map((finding) => finding.lastSeen ?? finding.firstSeen)
    .filter((time): time is string => Boolean(time))
    .sort();
  const firstError = firsts[0];
  const lastError = lasts[lasts.length - 1];
  const refs = [...stuckFindings.flatMap((finding) => finding.refs.slice(0, 3)), ...failed.refs.slice(0, 3), ...errorFindings.flatMap((finding) => finding.refs.slice(0, 1))];
  const jobTablesRead = evidenceOf(bundle, 'database').some(({ evidence }) => jobTables(evidence).length > 0);
  return {
    jobsInEvidence: jobTablesRead || jobIds.size > 0 || stuckJobs > 0 || documents.size > 0,
    affectedJobs: Math.max(jobIds.size, stuckJobs + failed.count),
    stuckJobs,
    failedJobs: failed.count,
    affectedDocuments: documents.size,
    ...(users.size > 0 ? { affectedUsers: users.size } : {}),
    requests,
    failedRequests,
    ...(requests > 0 ? { failureRate: failedRequests / requests } : {}),
    ...(firstError ? { firstError } : {}),
    ...(lastError ? { lastError } : {}),
    ...(firstError && lastError ? { durationMinutes: (Date.parse(lastError) - Date.parse(firstError)) / 60_000 } : {}),
    refs: refs.slice(0, 12),
    ...(statement ? { statement } : {}),
  };
}
