// Resolve an evidence reference back into the bundle: the record, row, config path or code line it names.
import { evidenceOf, logEvidenceOf, type EvidenceBundle, type EvidenceRef } from '../evidence/schema.ts';
import { resolveConfigRef } from './config/refs.ts';

/** The evidence text a reference points at, or undefined when it points at nothing in the bundle. */
export function resolveRef(bundle: EvidenceBundle, ref: EvidenceRef): string | undefined {
  const source = bundle.sources.find((candidate) => candidate.id === ref.source);
  if (!source?.evidence) return undefined;
  switch (ref.kind) {
    case 'log-record': {
      for (const { source: logSource, evidence } of logEvidenceOf(bundle)) {
        if (logSource.id !== ref.source) continue;
        const record = evidence.records.find((candidate) => candidate.file === ref.file && candidate.line === ref.line);
        if (record) return record.message;
        const event = evidence.events.find((candidate) => candidate.file === ref.file && candidate.line === ref.line);
        if (event) return event.message;
        const sample = evidence.templates.flatMap((template) => template.samples).find((candidate) => candidate.file === ref.file && candidate.line === ref.line);
        if (sample) return sample.message;
      }
      return undefined;
    }
    case 'query-row': {
      const database = evidenceOf(bundle, 'database').find(({ source: candidate }) => candidate.id === ref.source);
      const row = database?.evidence.checks.find((check) => check.id === ref.check)?.rows[ref.row];
      return row ? JSON.stringify(row) : undefined;
    }
    case 'config-path': {
      const config = evidenceOf(bundle, 'config').find(({ source: candidate }) => candidate.id === ref.source);
      return config ? resolveConfigRef(config.evidence, ref) : undefined;
    }
    case 'file-line': {
      const code = evidenceOf(bundle, 'code').find(({ source: candidate }) => candidate.id === ref.source);
      if (code) {
        const excerpt = code.evidence.excerpts.find((candidate) => candidate.path === ref.file && ref.line >= candidate.startLine && ref.line <= candidate.endLine);
        if (excerpt) return excerpt.lines[ref.line - excerpt.startLine];
        const commit = code.evidence.commits.find((candidate) => ref.excerpt.startsWith(candidate.hash.slice(0, 12)));
        if (commit) return commit.subject;
      }
      const git = evidenceOf(bundle, 'git').find(({ source: candidate }) => candidate.id === ref.source);
      const commit = git?.evidence.commits.find((candidate) => ref.excerpt.startsWith(candidate.hash.slice(0, 12)));
      return commit?.subject;
    }
  }
}
