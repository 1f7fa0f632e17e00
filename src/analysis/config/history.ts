// Commits in the incident window that changed configuration: findings with the 'config-changed-in-window' signal.
import type { Commit, EvidenceRef } from '../../evidence/schema.ts';
import type { Finding } from '../types.ts';

const CONFIG_FILE = /(^|\/)(config|conf|settings|environments?)(\/|\.)|\.(ya?ml|json|env|toml|ini|cfg|conf)$|(^|\/)\.env(\.[^/]*)?$|(^|\/)(Dockerfile|render\.yaml|docker-compose[^/]*)$/i;
const NOT_CONFIG = /(^|\/)(package(-lock)?\.json|tsconfig[^/]*\.json|[^/]*\.lock|yarn\.lock|pnpm-lock\.yaml|\.github\/)/i;

/** Is the file configuration? Named config files (relative paths, compared by suffix) always count. */
export function isConfigFile(file: string, named: string[] = []): boolean {
  if (named.some((name) => name && (file === name || file.endsWith(`/${name}`) || name.endsWith(`/${file}`)))) return true;
  return CONFIG_FILE.test(file) && !NOT_CONFIG.test(file);
}

/**
 * One finding per commit authored in the window that touched configuration (files named in `configFiles`, or files
 * that look like configuration). `sourceId` is the git or code source holding the commits.
 */
export function configChangeFindings(sourceId: string, commits: Commit[], window: { start: string; end: string }, configFiles: string[] = []): Finding[] {
  const start = Date.parse(window.start);
  const end = Date.parse(window.end);
  const findings: Finding[] = [];
  for (const commit of commits) {
    const time = Date.parse(commit.authorTime);
    if (!(time >= start && time <= end)) continue;
    const files = commit.files.filter((file) => isConfigFile(file, configFiles));
    if (files.length === 0) continue;
    const refs: EvidenceRef[] = files.slice(0, 5).map((file) => ({ kind: 'file-line', source: sourceId, file, line: 1, excerpt: `${commit.hash.slice(0, 12)} ${commit.subject}` }));
    findings.push({
      id: `${sourceId}-config-change-${commit.hash.slice(0, 10)}`,
      signal: 'config-changed-in-window',
      area: 'config',
      title: `Configuration changed in the window: ${commit.subject}`,
      detail: `${commit.hash.slice(0, 12)} by ${commit.author} at ${commit.authorTime} changed ${files.join(', ')}${commit.files.length > files.length ? ` (and ${commit.files.length - files.length} other file(s))` : ''}`,
      severity: 'medium',
      count: files.length,
      refs,
      firstSeen: commit.authorTime,
      lastSeen: commit.authorTime,
    });
  }
  return findings;
}

/** Files the config evidence compared (working-tree paths only, without `REV:`), for `configFiles` above. */
export function comparedConfigFiles(comparisons: { left: { path: string }; right: { path: string } }[]): string[] {
  const paths = comparisons.flatMap((comparison) => [comparison.left.path, comparison.right.path]);
  return [...new Set(paths.map((file) => file.replace(/^[^:/]+:/, '').replace(/^(\.\.\/)+/, '')))];
}
