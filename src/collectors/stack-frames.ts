// Gather-step join: stack frames found in log records become code excerpts of the code source, with the failing lines.
import { extractStackFrames, listFiles, matchFrameFile, resolveStackFrames } from './code.ts';
import { commitsTouching } from './git.ts';
import { logEvidenceOf, STACK_FRAME_REASON, type CodeExcerpt, type EvidenceBundle, type EvidenceRef, type LogRecord } from '../evidence/schema.ts';
import type { CodeSourceSpec, LoadedManifest } from '../manifest/index.ts';

const LIBRARY_PATH = /(site-packages|dist-packages|node_modules|\/lib\/python\d|<frozen|\/usr\/lib\/)/;
const MAX_FRAMES = 400;
const MAX_LOG_REFS = 4;

interface FrameHit {
  file: string;
  line: number;
  refs: EvidenceRef[];
  occurrences: number;
}

function sharedSuffix(left: string, right: string): number {
  const a = left.split('/').filter(Boolean);
  const b = right.split('/').filter(Boolean);
  let shared = 0;
  while (shared < a.length && shared < b.length && a[a.length - 1 - shared] === b[b.length - 1 - shared]) shared += 1;
  return shared;
}

function recordRef(source: string, record: LogRecord): EvidenceRef {
  return {
    kind: 'log-record',
    source,
    file: record.file,
    line: record.line,
    excerpt:
      record.message
        .split('\n')
        .find((line) => line.includes('File "') || /:\d+:\d+\)?$/.test(line))
        ?.trim() ?? record.message.slice(0, 200),
    ...(record.timestamp ? { timestamp: record.timestamp } : {}),
  };
}

/** Frames of application code (not libraries) that resolve to a file under the code root. */
function frameHits(bundle: EvidenceBundle, files: string[]): FrameHit[] {
  const hits = new Map<string, FrameHit>();
  for (const { source, evidence } of logEvidenceOf(bundle)) {
    for (const record of evidence.records) {
      for (const frame of extractStackFrames(record.message)) {
        if (LIBRARY_PATH.test(frame.file)) continue;
        const match = matchFrameFile(frame.file, files);
        if (!match || sharedSuffix(match, frame.file) < Math.min(2, match.split('/').length)) continue;
        const key = `${match}:${frame.line}`;
        const hit = hits.get(key) ?? { file: match, line: frame.line, refs: [], occurrences: 0 };
        hit.occurrences += 1;
        if (hit.refs.length < MAX_LOG_REFS) hit.refs.push(recordRef(source.id, record));
        hits.set(key, hit);
        if (hits.size >= MAX_FRAMES) return [...hits.values()];
      }
    }
  }
  return [...hits.values()];
}

const COMMITS_PER_EXCERPT = 5;

/** Add stack-frame excerpts (with the commits that last touched their lines) to every collected code source. */
export async function joinStackFrames(bundle: EvidenceBundle, loaded: LoadedManifest): Promise<EvidenceBundle> {
  const specs = new Map(loaded.manifest.sources.filter((spec): spec is CodeSourceSpec => spec.kind === 'code').map((spec) => [spec.id, spec]));
  const sources = [];
  for (const source of bundle.sources) {
    const spec = specs.get(source.id);
    if (source.kind !== 'code' || !source.evidence || !spec) {
      sources.push(source);
      continue;
    }
    const root = loaded.resolve(spec.root);
    const files = listFiles(root);
    const hits = frameHits(bundle, files).sort((left, right) => left.file.localeCompare(right.file) || left.line - right.line);
    const excerpts: CodeExcerpt[] = [];
    for (const hit of hits) {
      const [excerpt] = resolveStackFrames([{ file: hit.file, line: hit.line }], root, spec.contextLines, files);
      if (!excerpt) continue;
      const commits = await commitsTouching(root, excerpt.path, excerpt.startLine, excerpt.endLine, COMMITS_PER_EXCERPT);
      excerpts.push({ ...excerpt, reason: `${STACK_FRAME_REASON}: ${hit.file}:${hit.line}`, highlight: [hit.line], occurrences: hit.occurrences, logRefs: hit.refs, commits });
    }
    sources.push({ ...source, evidence: { ...source.evidence, excerpts: [...source.evidence.excerpts.filter((excerpt) => !excerpt.reason.startsWith(STACK_FRAME_REASON)), ...excerpts] } });
  }
  return { ...bundle, sources };
}
