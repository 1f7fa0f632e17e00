// The config collector: reads both sides (files, directories, git revisions) and stores each file as parsed, with key lines.
import path from 'node:path';
import type { ConfigEvidence, ConfigMissingSide, ConfigPair } from '../../evidence/schema.ts';
import type { ConfigSideSpec, ConfigSourceSpec } from '../../manifest/index.ts';
import { SourceFailure, type CollectContext, type CollectorOutput } from '../types.ts';
import { readRegularFileSync, UnreadableFile } from '../read-file.ts';
import { boundEnvValues } from './bounds.ts';
import { parseEnvText } from './env-file.ts';
import { readConfigFile } from './file-evidence.ts';
import { envLookup, type EnvLookup } from './placeholders.ts';
import { listSide, type SideFile, type SideListing } from './sides.ts';

interface Reader {
  warnings: string[];
  paths: Set<string>;
  evidence: ConfigEvidence;
  /** display path + label -> index in evidence.files (a file read once even when several pairs use it). */
  loaded: Map<string, number | undefined>;
}

function lookupFor(side: ConfigSideSpec, context: CollectContext, reader: Reader): EnvLookup {
  const files: Record<string, string>[] = [];
  for (const envFile of side.envFiles) {
    const absolute = context.resolve(envFile);
    try {
      files.push(boundEnvValues(parseEnvText(readRegularFileSync(absolute)).values));
      reader.paths.add(path.relative(context.dir, absolute));
    } catch (error) {
      reader.warnings.push(
        `${side.label}: env file ${envFile} cannot be read (${error instanceof UnreadableFile ? error.message : ((error as NodeJS.ErrnoException).code ?? (error as Error).message)}); placeholders stay unresolved`,
      );
    }
  }
  return envLookup(files, context.env);
}

/** Read and parse one file into evidence.files; its index, or undefined when it cannot be read (a warning). */
async function load(listing: SideListing, file: SideFile, lookup: EnvLookup, reader: Reader): Promise<number | undefined> {
  const key = `${listing.label}\u0000${file.display}`;
  if (reader.loaded.has(key)) return reader.loaded.get(key);
  let text: string;
  try {
    text = await file.read();
  } catch (error) {
    reader.warnings.push(`${listing.label}: ${file.display} cannot be read (${(error as Error).message})`);
    reader.loaded.set(key, undefined);
    return undefined;
  }
  if (!file.display.includes(':')) reader.paths.add(file.display);
  const parsed = readConfigFile(listing.label, file.display, text, lookup);
  for (const problem of parsed.errors) {
    reader.warnings.push(`${listing.label}: ${file.display}${problem.line ? ` line ${problem.line}, column ${problem.col ?? 1}` : ''}: ${problem.message}`);
  }
  for (const warning of parsed.warnings ?? []) reader.warnings.push(`${listing.label}: ${warning}`);
  reader.evidence.files.push(parsed);
  const index = reader.evidence.files.length - 1;
  reader.loaded.set(key, index);
  return index;
}

function missingSide(present: SideFile, absent: SideListing): ConfigMissingSide {
  const expected = absent.kind === 'dir' ? `${absent.display}/${present.name}` : absent.display;
  return { label: absent.label, file: expected, problem: absent.problem ?? 'does not exist' };
}

/** Pairs of files to compare: by name for directories, the two files themselves otherwise. */
function pairs(left: SideListing, right: SideListing): { name: string; left?: SideFile; right?: SideFile }[] {
  if (left.kind === 'file' && right.kind === 'file') return [{ name: left.files[0]?.name ?? '', left: left.files[0], right: right.files[0] }];
  const names = [...new Set([...left.files.map((file) => file.name), ...right.files.map((file) => file.name)])].sort();
  const byName = (listing: SideListing, name: string): SideFile | undefined =>
    listing.files.find((file) => file.name === name) ?? (listing.kind === 'file' ? listing.files.find((file) => path.posix.basename(file.name) === path.posix.basename(name)) : undefined);
  const wanted = left.kind === 'file' ? left.files.map((file) => file.name) : right.kind === 'file' ? right.files.map((file) => file.name) : names;
  return wanted.map((name) => ({ name, left: byName(left, name), right: byName(right, name) }));
}

export async function collectConfig(spec: ConfigSourceSpec, context: CollectContext): Promise<CollectorOutput<'config'>> {
  const reader: Reader = { warnings: [], paths: new Set(), evidence: { files: [], pairs: [] }, loaded: new Map() };
  const [left, right, ...others] = await Promise.all([spec.left, spec.right, ...spec.others].map((side) => listSide(side, context.dir)));
  if (!left || !right) throw new SourceFailure('config source needs a left and a right side', 'invalid-spec');
  if (left.kind === 'missing' && right.kind === 'missing') {
    throw new SourceFailure(
      `neither ${left.display} (${left.problem}) nor ${right.display} (${right.problem}) can be read`,
      'ENOENT',
      'Check left.path and right.path (relative to incident.yaml) and, for revisions, that `rev` exists (git log).',
    );
  }
  const lookups = [spec.left, spec.right, ...spec.others].map((side) => lookupFor(side, context, reader));
  for (const listing of [left, right, ...others]) {
    if (listing.kind === 'missing') reader.warnings.push(`${listing.label}: ${listing.display}: ${listing.problem}`);
    if (listing.note) reader.warnings.push(`${listing.label}: ${listing.note}`);
  }
  for (const pair of pairs(left, right)) {
    context.progress(`reading ${pair.left?.display ?? pair.name} and ${pair.right?.display ?? pair.name}`);
    if (!pair.left || !pair.right) {
      const present = (pair.left ?? pair.right) as SideFile;
      const missing = missingSide(present, pair.left ? right : left);
      if (left.kind !== 'missing' && right.kind !== 'missing')
        reader.warnings.push(`${present.display} (${pair.left ? left.label : right.label}) has no counterpart in ${missing.label}: ${missing.file} ${missing.problem}`);
      const index = await load(pair.left ? left : right, present, lookups[pair.left ? 0 : 1] as EnvLookup, reader);
      if (index === undefined) continue;
      reader.evidence.pairs.push({ name: pair.name, left: pair.left ? index : missing, right: pair.left ? missing : index, others: [] });
      continue;
    }
    const leftIndex = await load(left, pair.left, lookups[0] as EnvLookup, reader);
    const rightIndex = await load(right, pair.right, lookups[1] as EnvLookup, reader);
    if (leftIndex === undefined || rightIndex === undefined) continue;
    const entry: ConfigPair = { name: pair.name, left: leftIndex, right: rightIndex, others: [] };
    for (const [index, other] of others.entries()) {
      const file = other.kind === 'file' ? other.files[0] : other.files.find((candidate) => candidate.name === pair.name);
      const loaded = file ? await load(other, file, lookups[index + 2] as EnvLookup, reader) : undefined;
      if (loaded !== undefined) entry.others.push(loaded);
    }
    reader.evidence.pairs.push(entry);
  }
  return {
    evidence: reader.evidence,
    status: reader.warnings.length > 0 ? 'partial' : 'ok',
    warnings: reader.warnings,
    provenance: {
      description: `configuration: ${[left, right, ...others].map((side) => `${side.label} (${side.display})`).join(' vs ')}`,
      paths: [...reader.paths].sort(),
    },
  };
}
