// The config collector: reads both sides (files, directories, git revisions), diffs them and records anomalies.
import path from 'node:path';
import type { ConfigAnomaly, ConfigComparison, ConfigEvidence } from '../../evidence/schema.ts';
import type { ConfigSideSpec, ConfigSourceSpec } from '../../manifest/index.ts';
import { diffConfigs, rankAnomalies, type ConfigSide } from '../../analysis/config-diff.ts';
import { parseEnvText } from '../../analysis/config/env-file.ts';
import { foreignValueAnomalies } from '../../analysis/config/foreign-values.ts';
import { onlyInOneEnvironment } from '../../analysis/config/only-in-one.ts';
import { parseConfigText } from '../../analysis/config/parse.ts';
import { boundEnvValues } from '../../analysis/config/bounds.ts';
import { envLookup, type EnvLookup } from '../../analysis/config/placeholders.ts';
import { SourceFailure, type CollectContext, type CollectorOutput } from '../types.ts';
import { readRegularFileSync, UnreadableFile } from '../read-file.ts';
import { listSide, type SideFile, type SideListing } from './sides.ts';

interface Reader {
  warnings: string[];
  paths: Set<string>;
}

function lookupFor(side: ConfigSideSpec, context: CollectContext, reader: Reader): EnvLookup {
  const files: Record<string, string>[] = [];
  for (const envFile of side.envFiles) {
    const absolute = context.resolve(envFile);
    try {
      files.push(boundEnvValues(parseEnvText(readRegularFileSync(absolute)).values));
      reader.paths.add(path.relative(context.dir, absolute));
    } catch (error) {
      reader.warnings.push(`${side.label}: env file ${envFile} cannot be read (${error instanceof UnreadableFile ? error.message : ((error as NodeJS.ErrnoException).code ?? (error as Error).message)}); placeholders stay unresolved`);
    }
  }
  return envLookup(files, context.env);
}

async function load(listing: SideListing, file: SideFile, lookup: EnvLookup, reader: Reader): Promise<ConfigSide | undefined> {
  let text: string;
  try {
    text = await file.read();
  } catch (error) {
    reader.warnings.push(`${listing.label}: ${file.display} cannot be read (${(error as Error).message})`);
    return undefined;
  }
  if (!file.display.includes(':')) reader.paths.add(file.display);
  const parsed = parseConfigText(text, file.display, undefined);
  for (const problem of parsed.errors) {
    reader.warnings.push(`${listing.label}: ${file.display}${problem.line ? ` line ${problem.line}, column ${problem.col ?? 1}` : ''}: ${problem.message}`);
  }
  for (const warning of parsed.warnings ?? []) reader.warnings.push(`${listing.label}: ${warning}`);
  return { label: listing.label, parsed, lookup };
}

/** Kept per comparison, highest-ranked first (10,000 differences are about 5 MB of evidence). */
const MAX_DIFFERENCES = 10_000;
const MAX_ANOMALIES = 1_000;

/** Cut a comparison of two huge files to the highest-ranked differences and anomalies, with a warning. */
function capComparison(comparison: ConfigComparison, reader: Reader): void {
  const { differences, anomalies } = comparison;
  if (differences.length <= MAX_DIFFERENCES && anomalies.length <= MAX_ANOMALIES) return;
  comparison.differences = differences.slice(0, MAX_DIFFERENCES);
  comparison.anomalies = anomalies.slice(0, MAX_ANOMALIES);
  reader.warnings.push(
    `${comparison.left.path} vs ${comparison.right.path}: ${differences.length} differences and ${anomalies.length} anomalies; ` +
      `the evidence keeps the ${comparison.differences.length} and ${comparison.anomalies.length} ranked highest`,
  );
}

function missingComparison(present: SideListing, presentFile: SideFile, absent: SideListing, presentIsLeft: boolean): ConfigComparison {
  const expected = absent.kind === 'dir' ? `${absent.display}/${presentFile.name}` : absent.display;
  const anomaly: ConfigAnomaly = {
    kind: 'missing-file',
    path: '',
    file: expected,
    detail: `${presentFile.display} (${present.label}) has no counterpart in ${absent.label}: ${expected} ${absent.problem ?? 'does not exist'}`,
    risk: 'high',
  };
  const presentSide = { label: present.label, path: presentFile.display };
  const absentSide = { label: absent.label, path: expected };
  return presentIsLeft
    ? { left: presentSide, right: absentSide, differences: [], anomalies: [anomaly] }
    : { left: absentSide, right: presentSide, differences: [], anomalies: [anomaly] };
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

/** Diff two loaded files, adding the anomalies only a third environment shows (keys in one only, foreign values). */
async function compareSides(leftSide: ConfigSide, rightSide: ConfigSide, name: string, others: SideListing[], lookups: EnvLookup[], reader: Reader): Promise<ConfigComparison> {
  const comparison = diffConfigs(leftSide, rightSide);
  const extra: ConfigSide[] = [];
  for (const [index, other] of others.entries()) {
    const file = other.kind === 'file' ? other.files[0] : other.files.find((candidate) => candidate.name === name);
    const loaded = file ? await load(other, file, lookups[index + 2] as EnvLookup, reader) : undefined;
    if (loaded && loaded.parsed.errors.length === 0) extra.push(loaded);
  }
  if (extra.length > 0 && leftSide.parsed.errors.length === 0 && rightSide.parsed.errors.length === 0) {
    const all = [leftSide, rightSide, ...extra];
    comparison.anomalies.push(...onlyInOneEnvironment(all));
    for (const side of extra) comparison.anomalies.push(...foreignValueAnomalies(side, all.filter((other) => other !== side)));
    comparison.anomalies = rankAnomalies(comparison.anomalies);
  }
  return comparison;
}

export async function collectConfig(spec: ConfigSourceSpec, context: CollectContext): Promise<CollectorOutput<'config'>> {
  const reader: Reader = { warnings: [], paths: new Set() };
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
  const comparisons: ConfigComparison[] = [];
  for (const listing of [left, right, ...others]) {
    if (listing.kind === 'missing') reader.warnings.push(`${listing.label}: ${listing.display}: ${listing.problem}`);
    if (listing.note) reader.warnings.push(`${listing.label}: ${listing.note}`);
  }
  for (const pair of pairs(left, right)) {
    context.progress(`comparing ${pair.left?.display ?? pair.name} with ${pair.right?.display ?? pair.name}`);
    if (!pair.left || !pair.right) {
      const comparison = pair.left ? missingComparison(left, pair.left, right, true) : missingComparison(right, pair.right as SideFile, left, false);
      if (left.kind !== 'missing' && right.kind !== 'missing') reader.warnings.push(comparison.anomalies[0]?.detail ?? `${pair.name} missing on one side`);
      comparisons.push(comparison);
      continue;
    }
    const leftSide = await load(left, pair.left, lookups[0] as EnvLookup, reader);
    const rightSide = await load(right, pair.right, lookups[1] as EnvLookup, reader);
    if (!leftSide || !rightSide) continue;
    let comparison: ConfigComparison;
    try {
      comparison = await compareSides(leftSide, rightSide, pair.name, others, lookups, reader);
    } catch (error) {
      // The parser and the diff bound their input; anything else that goes wrong is one pair's warning, not the source's end.
      reader.warnings.push(`cannot compare ${pair.left.display} with ${pair.right.display}: ${String((error as Error).message).split('\n')[0]?.slice(0, 300)}`);
      continue;
    }
    capComparison(comparison, reader);
    comparisons.push(comparison);
  }
  const evidence: ConfigEvidence = { comparisons };
  return {
    evidence,
    status: reader.warnings.length > 0 ? 'partial' : 'ok',
    warnings: reader.warnings,
    provenance: {
      description: `configuration: ${[left, right, ...others].map((side) => `${side.label} (${side.display})`).join(' vs ')}`,
      paths: [...reader.paths].sort(),
    },
  };
}
