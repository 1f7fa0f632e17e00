// `fracas history`: a directory of incidents is fracas's failure database: one record per incident (signature, status, verification, time to resolve).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { globSync } from 'tinyglobby';
import path from 'node:path';
import { analyzeIncident } from '../analysis/index.ts';
import { incidentStatus, timeToResolve, type IncidentRecord } from '../analysis/history.ts';
import { EVIDENCE_DIR, evidencePath, loadPreviousEvidence } from '../evidence/store.ts';
import { writeFileAtomic } from '../lib/atomic-write.ts';
import { loadManifest, MANIFEST_FILE } from '../manifest/index.ts';
import { loadVerification, verificationPath } from './verify.ts';
import type { Analysis } from '../analysis/model.ts';
import type { LoadedManifest } from '../manifest/index.ts';

const MEMORY_FILE = 'incident-record.json';
const MAX_DEPTH = 3;

export interface History {
  root: string;
  incidents: IncidentRecord[];
  /** Directories with a manifest that could not be read, and why: counted, never dropped silently. */
  skipped: { directory: string; reason: string }[];
}

function memoryPath(dir: string): string {
  return path.join(dir, EVIDENCE_DIR, MEMORY_FILE);
}

/** Directories at most `maxDepth` levels below `root` that hold an incident manifest. */
function incidentDirectories(root: string, maxDepth = MAX_DEPTH): string[] {
  const manifests = globSync(`**/${MANIFEST_FILE}`, { cwd: root, deep: maxDepth + 1, followSymbolicLinks: false, ignore: ['**/node_modules/**', '**/.*/**', `**/${EVIDENCE_DIR}/**`, '**/report/**'] });
  return manifests.map((file) => path.join(root, path.dirname(file))).sort();
}

/** The record of one incident from its manifest, its analysis and its verification. */
function incidentRecord(loaded: LoadedManifest, analysis: Pick<Analysis, 'signature' | 'rootCause'>, root: string): IncidentRecord {
  const verification = loadVerification(loaded.dir);
  const { manifest } = loaded;
  const resolution = timeToResolve(manifest.window, manifest.timeline, verification);
  return {
    id: manifest.id,
    title: manifest.title,
    severity: manifest.severity,
    environment: manifest.environment,
    service: manifest.service,
    window: manifest.window,
    directory: path.relative(root, loaded.dir).split(path.sep).join('/') || '.',
    signature: analysis.signature,
    status: incidentStatus(analysis.rootCause.confirmed, verification?.verdict),
    ...(verification ? { verification: { verdict: verification.verdict, window: verification.window, verifiedAt: verification.verifiedAt } } : {}),
    ...(resolution ? { hoursToResolve: resolution.hours, resolvedBasis: resolution.basis } : {}),
  };
}

/** Saves the record beside the evidence, so history and later reports read it without analysing again. */
export async function saveIncidentRecord(loaded: LoadedManifest, analysis: Pick<Analysis, 'signature' | 'rootCause'>): Promise<void> {
  const record = incidentRecord(loaded, analysis, loaded.dir);
  await writeFileAtomic(memoryPath(loaded.dir), `${JSON.stringify(record, null, 1)}\n`);
}

const mtime = (file: string): number => (existsSync(file) ? statSync(file).mtimeMs : 0);

/** A saved record still current: newer than the manifest, the evidence and the verification it was made from. */
function savedRecord(loaded: LoadedManifest): IncidentRecord | undefined {
  const file = memoryPath(loaded.dir);
  const saved = mtime(file);
  if (saved === 0 || saved < Math.max(mtime(loaded.file), mtime(evidencePath(loaded.dir)), mtime(verificationPath(loaded.dir)))) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as IncidentRecord;
  } catch {
    return undefined;
  }
}

/** Every incident under `root` (at most `maxDepth` levels down), with `exclude` (an incident directory) left out. */
export function loadHistory(root: string, exclude?: string, maxDepth = MAX_DEPTH): History {
  const incidents: IncidentRecord[] = [];
  const skipped: History['skipped'] = [];
  for (const dir of incidentDirectories(root, maxDepth)) {
    if (exclude && path.resolve(dir) === path.resolve(exclude)) continue;
    const directory = path.relative(root, dir) || '.';
    let loaded: LoadedManifest;
    try {
      loaded = loadManifest(dir);
    } catch (error) {
      skipped.push({ directory, reason: (error as Error).message.split('\n')[0] ?? 'invalid manifest' });
      continue;
    }
    const saved = savedRecord(loaded);
    if (saved) {
      incidents.push({ ...saved, directory: path.relative(root, loaded.dir).split(path.sep).join('/') || '.' });
      continue;
    }
    const bundle = loadPreviousEvidence(loaded.dir);
    if (!bundle) {
      skipped.push({ directory, reason: `no usable evidence (run \`fracas report ${dir}\`)` });
      continue;
    }
    incidents.push(incidentRecord(loaded, analyzeIncident(bundle, loaded.manifest.conclusions), root));
  }
  incidents.sort((left, right) => right.window.start.localeCompare(left.window.start) || left.id.localeCompare(right.id));
  return { root, incidents, skipped };
}

/** The history as a Markdown-style table for the terminal. */
export function historyLines(history: History): string[] {
  const lines = ['ID | severity | status | root cause | time to resolve | verification | directory', '--- | --- | --- | --- | --- | --- | ---'];
  for (const record of history.incidents) {
    const root = record.signature.hypothesis ? `${record.signature.hypothesis.category}${record.signature.families[0] ? `: ${record.signature.families[0].title}` : ''}` : 'not determined';
    lines.push(
      [record.id, record.severity, record.status, root, record.hoursToResolve === undefined ? '-' : `${record.hoursToResolve} h`, record.verification?.verdict ?? '-', record.directory].join(' | '),
    );
  }
  if (history.incidents.length === 0) lines.push(`(no incident with saved evidence under ${history.root})`);
  for (const skip of history.skipped) lines.push(`skipped ${skip.directory}: ${skip.reason}`);
  return lines;
}

/**
 * The incidents beside this one, for its report's similar incidents: the other incident directories in the same
 * parent, when that parent is inside a git repository (an incidents folder kept with the code), else none.
 */
export function siblingIncidents(dir: string): IncidentRecord[] {
  const parent = path.dirname(path.resolve(dir));
  for (let current = parent; ; current = path.dirname(current)) {
    if (existsSync(path.join(current, '.git'))) return loadHistory(parent, dir, 1).incidents;
    if (path.dirname(current) === current) return [];
  }
}
