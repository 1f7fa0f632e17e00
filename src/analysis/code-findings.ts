// Code evidence -> findings: stack frames from the logs that land in the code named in the manifest.
import { STACK_FRAME_REASON, type CodeEvidence, type EvidenceRef } from '../evidence/schema.ts';
import type { Finding } from './types.ts';

/** One finding per file whose lines appear as stack frames in error records. */
export function codeFindings(sourceId: string, evidence: CodeEvidence): Finding[] {
  const byFile = new Map<string, { lines: Set<number>; refs: EvidenceRef[]; hits: number }>();
  for (const excerpt of evidence.excerpts) {
    if (!excerpt.reason.startsWith(STACK_FRAME_REASON)) continue;
    const failing = excerpt.highlight ?? [];
    const entry = byFile.get(excerpt.path) ?? { lines: new Set<number>(), refs: [], hits: 0 };
    entry.hits += excerpt.occurrences ?? 1;
    for (const line of failing) {
      if (entry.lines.has(line)) continue;
      entry.lines.add(line);
      const text = excerpt.lines[line - excerpt.startLine] ?? '';
      entry.refs.push({ kind: 'file-line', source: sourceId, file: excerpt.path, line, excerpt: text.trim() });
    }
    entry.refs.push(...(excerpt.logRefs ?? []));
    byFile.set(excerpt.path, entry);
  }
  return [...byFile.entries()]
    .sort(([left], [right]) => left.localeCompare(right))
    .map(([file, entry], index) => ({
      id: `code-stack-frame-${index + 1}`,
      signal: 'code-stack-frame' as const,
      area: 'code' as const,
      title: `Errors raised in ${file}`,
      detail: `${entry.hits} error record(s) have stack frames in ${file} at line(s) ${[...entry.lines].sort((a, b) => a - b).join(', ')}.`,
      severity: 'high' as const,
      count: entry.hits,
      refs: entry.refs.slice(0, 12),
    }));
}
