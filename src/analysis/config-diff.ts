// Pure semantic diff of two parsed configuration files by key path, with classification, risk and anomalies.
import { assess } from './config/classify.ts';
import { withoutEnvironment } from './config/environments.ts';
import { isTagged, tagOf } from './config/tagged.ts';
import { RISK_ORDER, type ConfigAnomaly, type ConfigChange, type ConfigComparison, type ConfigDifference } from './config/types.ts';
import { foreignValueAnomalies } from './config/foreign-values.ts';
import { documentPairs, type DocumentPair } from './config/documents.ts';
import { findMovedKeys } from './config/moved-keys.ts';
import { findMovedSubtrees, type Subtree } from './config/structure.ts';
import { childPath, indexPath, isMapValue, lineOf, type ConfigValue, type ParsedConfig } from '../lib/config-tree.ts';
import { renderValue } from './config/values.ts';
import { urlDifferences } from './config/url-parameters.ts';

/** A resolved ${VAR} value as collected: shown (secrets masked) and a fingerprint to compare by. */
export interface Resolution {
  shown: string;
  fingerprint: string;
}

export interface ConfigSide {
  label: string;
  parsed: ParsedConfig;
  /** Values with ${VAR} placeholders, resolved by the collector, by positional key path. */
  resolved?: Map<string, Resolution>;
}

interface RawDiff {
  path: string;
  leftPos: string;
  rightPos: string;
  change: ConfigChange;
  left?: ConfigValue;
  right?: ConfigValue;
  /** A part of the value at leftPos/rightPos (a URL's query parameter): that value's resolution is not this part's. */
  part?: true;
}

function identityOf(item: ConfigValue): string | undefined {
  if (!isMapValue(item)) return undefined;
  for (const key of ['name', 'id', 'key']) {
    const value = item[key];
    if (typeof value === 'string' || typeof value === 'number') return `${key}=${value}`;
  }
  const metadata = item.metadata;
  if (isMapValue(metadata) && typeof metadata.name === 'string') return `${typeof item.kind === 'string' ? `${item.kind}/` : ''}${metadata.name}`;
  return undefined;
}

function identities(list: ConfigValue[]): string[] | undefined {
  const ids = list.map(identityOf);
  if (ids.some((id) => id === undefined)) return undefined;
  return new Set(ids).size === ids.length ? (ids as string[]) : undefined;
}

function sameKind(a: ConfigValue, b: ConfigValue): boolean {
  // A tagged value is a computed scalar: against a literal it is a changed value, not a change of structure.
  if (isTagged(a) || isTagged(b)) return true;
  const kind = (value: ConfigValue): string => (value === null ? 'null' : Array.isArray(value) ? 'list' : typeof value);
  return kind(a) === kind(b);
}

function walk(left: ConfigValue, right: ConfigValue, at: { path: string; leftPos: string; rightPos: string }, out: RawDiff[]): void {
  if (isMapValue(left) && isMapValue(right) && tagOf(left) === tagOf(right)) {
    const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
    for (const key of keys) {
      const next = { path: childPath(at.path, key), leftPos: childPath(at.leftPos, key), rightPos: childPath(at.rightPos, key) };
      if (!Object.hasOwn(right, key)) out.push({ ...next, change: 'removed', left: left[key] });
      else if (!Object.hasOwn(left, key)) out.push({ ...next, change: 'added', right: right[key] });
      else walk(left[key] as ConfigValue, right[key] as ConfigValue, next, out);
    }
    return;
  }
  if (Array.isArray(left) && Array.isArray(right)) {
    const leftIds = identities(left);
    const rightIds = identities(right);
    if (leftIds && rightIds) {
      const rightIndex = new Map(rightIds.map((id, index) => [id, index]));
      const leftIndex = new Map(leftIds.map((id, index) => [id, index]));
      leftIds.forEach((id, index) => {
        const other = rightIndex.get(id);
        const next = { path: indexPath(at.path, id), leftPos: indexPath(at.leftPos, index), rightPos: indexPath(at.rightPos, other ?? index) };
        if (other === undefined) out.push({ ...next, change: 'removed', left: left[index] as ConfigValue });
        else walk(left[index] as ConfigValue, right[other] as ConfigValue, next, out);
      });
      rightIds.forEach((id, index) => {
        if (!leftIndex.has(id))
          out.push({ path: indexPath(at.path, id), leftPos: indexPath(at.leftPos, index), rightPos: indexPath(at.rightPos, index), change: 'added', right: right[index] as ConfigValue });
      });
      return;
    }
    const scalars = (list: ConfigValue[]): boolean => list.every((item) => item === null || typeof item !== 'object');
    if (scalars(left) && scalars(right) && left.length > 0 && right.length > 0) {
      // Lists of scalars (hosts, origins, names) are compared as sets: what one side has and the other lacks.
      const key = (item: ConfigValue): string => JSON.stringify(item);
      const rightKeys = new Set(right.map(key));
      const leftKeys = new Set(left.map(key));
      const items = `${at.path}[]`;
      const removed = left.flatMap((item, index) => (rightKeys.has(key(item)) ? [] : [{ item, index }]));
      const added = right.flatMap((item, index) => (leftKeys.has(key(item)) ? [] : [{ item, index }]));
      // One item on each side that differs only by the environment name (`api-staging.x` / `api.x`) is one changed value.
      const alike = (a: ConfigValue, b: ConfigValue): boolean =>
        typeof a === 'string' && typeof b === 'string' && withoutEnvironment(a).replace(/[-_.]<env>|<env>[-_.]|<env>/g, '') === withoutEnvironment(b).replace(/[-_.]<env>|<env>[-_.]|<env>/g, '');
      if (removed.length === 1 && added.length === 1 && alike((removed[0] as { item: ConfigValue }).item, (added[0] as { item: ConfigValue }).item)) {
        const [gone, come] = [removed[0] as { item: ConfigValue; index: number }, added[0] as { item: ConfigValue; index: number }];
        out.push({ path: items, leftPos: indexPath(at.leftPos, gone.index), rightPos: indexPath(at.rightPos, come.index), change: 'changed', left: gone.item, right: come.item });
        return;
      }
      for (const { item, index } of removed) out.push({ path: items, leftPos: indexPath(at.leftPos, index), rightPos: at.rightPos, change: 'removed', left: item });
      for (const { item, index } of added) out.push({ path: items, leftPos: at.leftPos, rightPos: indexPath(at.rightPos, index), change: 'added', right: item });
      return;
    }
    for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
      const next = { path: indexPath(at.path, index), leftPos: indexPath(at.leftPos, index), rightPos: indexPath(at.rightPos, index) };
      if (index >= right.length) out.push({ ...next, change: 'removed', left: left[index] as ConfigValue });
      else if (index >= left.length) out.push({ ...next, change: 'added', right: right[index] as ConfigValue });
      else walk(left[index] as ConfigValue, right[index] as ConfigValue, next, out);
    }
    return;
  }
  if (JSON.stringify(left) === JSON.stringify(right)) return;
  const url = typeof left === 'string' && typeof right === 'string' ? urlDifferences(left, right) : undefined;
  if (url) {
    if (url.baseDiffers) out.push({ ...at, change: 'changed', left, right });
    for (const parameter of url.parameters) {
      const change = parameter.left === undefined ? 'added' : parameter.right === undefined ? 'removed' : 'changed';
      out.push({
        ...at,
        path: childPath(at.path, parameter.name),
        change,
        ...(parameter.left !== undefined ? { left: parameter.left } : {}),
        ...(parameter.right !== undefined ? { right: parameter.right } : {}),
        part: true,
      });
    }
    return;
  }
  out.push({ ...at, change: sameKind(left, right) ? 'changed' : 'type-changed', left, right });
}

function resolvedAt(side: ConfigSide, pos: string): Resolution | undefined {
  return side.resolved?.get(pos);
}

/** Placeholders that read the same but resolve differently are differences too. */
function placeholderDiffs(left: ConfigSide, right: ConfigSide, pairs: DocumentPair[], out: RawDiff[]): void {
  if (!left.resolved?.size || !right.resolved?.size) return;
  const visit = (a: ConfigValue, b: ConfigValue, at: { path: string; leftPos: string; rightPos: string }): void => {
    if (typeof a === 'string' && a === b) {
      const ra = resolvedAt(left, at.leftPos);
      const rb = resolvedAt(right, at.rightPos);
      if (ra && rb && ra.fingerprint !== rb.fingerprint) out.push({ ...at, change: 'changed', left: a, right: b });
    } else if (isMapValue(a) && isMapValue(b)) {
      for (const key of Object.keys(a)) {
        if (Object.hasOwn(b, key)) visit(a[key] as ConfigValue, b[key] as ConfigValue, { path: childPath(at.path, key), leftPos: childPath(at.leftPos, key), rightPos: childPath(at.rightPos, key) });
      }
    }
  };
  for (const pair of pairs) {
    if (pair.left !== undefined && pair.right !== undefined) visit(pair.left, pair.right, { path: pair.path, leftPos: pair.leftPos, rightPos: pair.rightPos });
  }
}

function parseAnomalies(side: ConfigSide): ConfigAnomaly[] {
  const anomalies: ConfigAnomaly[] = [];
  const [first, ...rest] = side.parsed.errors;
  if (first) {
    // One finding per file that does not parse: the first problem, with its line; the rest only counted.
    const more = rest.length > 0 ? ` (and ${rest.length} more problem${rest.length === 1 ? '' : 's'})` : '';
    anomalies.push({
      kind: 'parse-error',
      path: '',
      file: side.parsed.file,
      ...(first.line !== undefined ? { line: first.line } : {}),
      detail: `${side.label}: ${side.parsed.file} does not parse${first.line ? ` at line ${first.line}, column ${first.col ?? 1}` : ''}: ${first.message}${more}; nothing in it was compared, so its risk is unknown`,
      risk: 'unknown',
    });
  }
  const template = side.parsed.template;
  if (template) {
    anomalies.push({
      kind: 'template',
      path: '',
      file: side.parsed.file,
      detail:
        template.mode === 'placeholders'
          ? `${side.label}: ${side.parsed.file} is a ${template.engine} template; its ${template.expressions} expression(s) are compared as written (opaque values), not rendered`
          : `${side.label}: ${side.parsed.file} is a ${template.engine} template that does not parse as YAML even with its expressions as placeholders; compared line by line as text`,
      risk: template.mode === 'placeholders' ? 'low' : 'unknown',
    });
  }
  for (const duplicate of side.parsed.duplicates) {
    anomalies.push({
      kind: 'duplicate-key',
      path: duplicate.path,
      file: side.parsed.file,
      line: duplicate.line,
      otherLine: duplicate.firstLine,
      otherFile: side.parsed.file,
      otherPath: duplicate.path,
      detail: `\`${duplicate.path}\` is defined twice in ${side.parsed.file} (lines ${duplicate.firstLine ?? '?'} and ${duplicate.line ?? '?'}); most loaders silently keep the last one`,
      risk: 'medium',
    });
  }
  return anomalies;
}

interface Move {
  left: { path: string; posPath: string };
  right: { path: string; posPath: string };
}

/** One moved-subtree anomaly: where the block or key is on each side, and what that costs. */
function movedAnomaly(left: ConfigSide, right: ConfigSide, move: Move, what: string, evidence: string): ConfigAnomaly {
  const leftLine = lineOf(left.parsed.lines, move.left.posPath);
  const rightLine = lineOf(right.parsed.lines, move.right.posPath);
  return {
    kind: 'moved-subtree',
    path: move.left.path,
    file: left.parsed.file,
    line: leftLine,
    otherPath: move.right.path,
    otherFile: right.parsed.file,
    otherLine: rightLine,
    detail:
      `moved or mis-indented ${what}: \`${move.left.path}\` in ${left.label} (${left.parsed.file}${leftLine ? `:${leftLine}` : ''}) is ` +
      `\`${move.right.path}\` in ${right.label} (${right.parsed.file}${rightLine ? `:${rightLine}` : ''}), ${evidence}; ` +
      `code reading one path finds nothing in the other environment`,
    risk: 'high',
  };
}

function movedAnomalies(left: ConfigSide, right: ConfigSide, raw: RawDiff[]): { anomalies: ConfigAnomaly[]; movedPaths: Set<string>; movedKeys: Set<string> } {
  const removed: Subtree[] = raw.filter((diff) => diff.change === 'removed').map((diff) => ({ path: diff.path, posPath: diff.leftPos, value: diff.left ?? null }));
  const added: Subtree[] = raw.filter((diff) => diff.change === 'added').map((diff) => ({ path: diff.path, posPath: diff.rightPos, value: diff.right ?? null }));
  const movedPaths = new Set<string>();
  const anomalies = findMovedSubtrees(removed, added).map((move): ConfigAnomaly => {
    movedPaths.add(move.left.path);
    movedPaths.add(move.right.path);
    const keys = move.sharedKeys.slice(0, 6).join(', ') + (move.sharedKeys.length > 6 ? ', ...' : '');
    return movedAnomaly(left, right, move, 'block', `same keys (${keys})`);
  });
  const before = raw
    .filter((diff) => diff.change !== 'added')
    .map((diff) => ({ path: diff.path, posPath: diff.leftPos, value: diff.left ?? null, origin: diff.change === 'removed' ? ('key' as const) : ('changed' as const) }));
  const after = raw
    .filter((diff) => diff.change !== 'removed')
    .map((diff) => ({ path: diff.path, posPath: diff.rightPos, value: diff.right ?? null, origin: diff.change === 'added' ? ('key' as const) : ('changed' as const) }));
  const movedKeys = new Set<string>();
  for (const move of findMovedKeys(before, after, (path) => isUnder(path, movedPaths))) {
    anomalies.push(movedAnomaly(left, right, move, 'key', `same value, and neither parent has \`${move.key}\` in the other file`));
    movedKeys.add(move.left.path);
    movedKeys.add(move.right.path);
  }
  return { anomalies, movedPaths, movedKeys };
}

function isUnder(path: string, roots: Set<string>): boolean {
  for (const root of roots) if (path === root || path.startsWith(`${root}.`) || path.startsWith(`${root}[`) || root.startsWith(`${path}.`)) return true;
  return false;
}

/** Sort: high risk first, then by score, then by path. */
function rankDifferences(differences: ConfigDifference[]): ConfigDifference[] {
  // Same risk, then score (kind priority and size of the change), then path: a total order, the same in every file.
  return [...differences].sort((a, b) => RISK_ORDER[a.risk] - RISK_ORDER[b.risk] || (b.score ?? 0) - (a.score ?? 0) || a.path.localeCompare(b.path));
}

export function rankAnomalies(anomalies: ConfigAnomaly[]): ConfigAnomaly[] {
  return [...anomalies].sort((a, b) => RISK_ORDER[a.risk] - RISK_ORDER[b.risk] || a.kind.localeCompare(b.kind) || a.path.localeCompare(b.path));
}

/** Compare two configuration files: differences by key path, ranked, and structural anomalies. */
export function diffConfigs(left: ConfigSide, right: ConfigSide): ConfigComparison {
  const comparison: ConfigComparison = {
    left: { label: left.label, path: left.parsed.file },
    right: { label: right.label, path: right.parsed.file },
    differences: [],
    anomalies: [...parseAnomalies(left), ...parseAnomalies(right)],
  };
  const asText = (side: ConfigSide): boolean => side.parsed.template?.mode === 'text';
  if (left.parsed.errors.length > 0 || right.parsed.errors.length > 0 || asText(left) !== asText(right)) {
    // Nothing to compare key by key: one side does not parse, or only one side could be read (as text) at all.
    comparison.anomalies = rankAnomalies(comparison.anomalies);
    return comparison;
  }
  const raw: RawDiff[] = [];
  const pairs = documentPairs(left.parsed, right.parsed);
  for (const pair of pairs) {
    const at = { path: pair.path, leftPos: pair.leftPos, rightPos: pair.rightPos };
    if (pair.right === undefined) raw.push({ ...at, change: 'removed', left: pair.left });
    else if (pair.left === undefined) raw.push({ ...at, change: 'added', right: pair.right });
    else walk(pair.left, pair.right, at, raw);
  }
  placeholderDiffs(left, right, pairs, raw);
  const { anomalies: moved, movedPaths, movedKeys } = movedAnomalies(left, right, raw);
  comparison.anomalies.push(...moved, ...foreignValueAnomalies(left, [right]), ...foreignValueAnomalies(right, [left]));
  comparison.differences = rankDifferences(
    raw.map((diff): ConfigDifference => {
      const path = diff.path || '(root)';
      const leftResolved = diff.left !== undefined && !diff.part ? resolvedAt(left, diff.leftPos)?.shown : undefined;
      const rightResolved = diff.right !== undefined && !diff.part ? resolvedAt(right, diff.rightPos)?.shown : undefined;
      const assessment = assess({ path, change: diff.change, left: diff.left, right: diff.right, leftResolved, rightResolved, leftLabel: left.label, rightLabel: right.label });
      const inBlock = isUnder(diff.path, movedPaths);
      const moved = inBlock || movedKeys.has(diff.path);
      const quote = diff.change === 'type-changed';
      const difference: ConfigDifference = {
        path,
        change: diff.change,
        category: assessment.category,
        kind: assessment.kind,
        risk: moved ? 'high' : assessment.risk,
        reason: moved ? `${inBlock ? 'part of a block that moved' : 'a key that moved'} between parents (see the moved-subtree anomaly); ${assessment.reason}` : assessment.reason,
        score: assessment.score + (moved ? 10 : 0),
      };
      const leftText = renderValue(diff.left, path, quote);
      const rightText = renderValue(diff.right, path, quote);
      if (leftText !== undefined) difference.left = leftText;
      if (rightText !== undefined) difference.right = rightText;
      if (diff.left !== undefined) difference.leftLine = lineOf(left.parsed.lines, diff.leftPos);
      if (diff.right !== undefined) difference.rightLine = lineOf(right.parsed.lines, diff.rightPos);
      if (leftResolved !== undefined) difference.leftResolved = leftResolved;
      if (rightResolved !== undefined) difference.rightResolved = rightResolved;
      return difference;
    }),
  );
  comparison.anomalies = rankAnomalies(comparison.anomalies);
  return comparison;
}
