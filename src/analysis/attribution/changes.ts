// Change events in the window: deploys, restarts, configuration changes and commits, each with its time and evidence.
import { evidenceOf, type EvidenceBundle, type EvidenceRef } from '../../evidence/schema.ts';
import type { Finding } from '../types.ts';

export interface ChangeEvent {
  kind: 'deploy' | 'restart' | 'config change' | 'commit';
  time: string;
  label: string;
  ref?: EvidenceRef;
  findingId?: string;
}

/** Every change event, ascending by time. Restarts are listed one per finding reference (each has its time). */
export function changeEvents(bundle: EvidenceBundle, findings: readonly Finding[]): ChangeEvent[] {
  const events: ChangeEvent[] = [];
  const configCommits = new Set<string>();
  for (const finding of findings) {
    if (finding.signal === 'deploy' && finding.firstSeen)
      events.push({ kind: 'deploy', time: finding.firstSeen, label: finding.title, ...(finding.refs[0] ? { ref: finding.refs[0] } : {}), findingId: finding.id });
    if (finding.signal === 'restart') {
      for (const ref of finding.refs) if (ref.kind === 'log-record' && ref.timestamp) events.push({ kind: 'restart', time: ref.timestamp, label: ref.excerpt, ref, findingId: finding.id });
    }
    if (finding.signal === 'config-changed-in-window' && finding.firstSeen) {
      events.push({ kind: 'config change', time: finding.firstSeen, label: finding.title, ...(finding.refs[0] ? { ref: finding.refs[0] } : {}), findingId: finding.id });
      configCommits.add(finding.firstSeen);
    }
  }
  const start = Date.parse(bundle.incident.window.start);
  const end = Date.parse(bundle.incident.window.end);
  for (const { source, evidence } of [...evidenceOf(bundle, 'git'), ...evidenceOf(bundle, 'code')]) {
    for (const commit of evidence.commits) {
      const time = Date.parse(commit.authorTime);
      if (!(time >= start && time <= end) || configCommits.has(commit.authorTime)) continue;
      events.push({
        kind: 'commit',
        time: new Date(time).toISOString(),
        label: `commit ${commit.hash.slice(0, 10)} ${commit.subject}`,
        ref: { kind: 'file-line', source: source.id, file: commit.files[0] ?? '.', line: 1, excerpt: `${commit.hash.slice(0, 12)} ${commit.subject}` },
      });
    }
  }
  return events.sort((a, b) => a.time.localeCompare(b.time));
}
