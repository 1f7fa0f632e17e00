// One configuration file as evidence: parsed tree, key lines, problems, and its ${VAR} placeholders resolved.
import { createHmac, randomBytes } from 'node:crypto';
import type { ConfigFile } from '../../evidence/schema.ts';
import { leaves, type ConfigValue } from '../../lib/config-tree.ts';
import { parseConfigText } from './parse.ts';
import { hasPlaceholder, resolveForDisplay, resolvePlaceholders, type EnvLookup } from './placeholders.ts';

/**
 * Key for the fingerprints of resolved values, new for every process: two environments' resolved values can be told
 * equal or different inside one bundle, and the fingerprint says nothing about a secret outside it.
 */
const RUN_KEY = randomBytes(32);

function fingerprint(text: string): string {
  return createHmac('sha256', RUN_KEY).update(text).digest('hex').slice(0, 16);
}

/** [path, shown, fingerprint] of every string with placeholders (positional paths, as in `lines`). */
function resolvedTable(tree: ConfigValue, lookup: EnvLookup): [string, string, string][] {
  const table: [string, string, string][] = [];
  for (const [path, value] of leaves(tree)) {
    if (typeof value !== 'string' || !hasPlaceholder(value)) continue;
    table.push([path, resolveForDisplay(value, path, lookup), fingerprint(resolvePlaceholders(value, lookup).value)]);
  }
  return table;
}

/** Parse a file's text into evidence; `lookup` (env files, then the environment) resolves its placeholders. */
export function readConfigFile(label: string, file: string, text: string, lookup?: EnvLookup): ConfigFile {
  const parsed = parseConfigText(text, file);
  const evidence: ConfigFile = {
    label,
    file,
    format: parsed.format,
    tree: parsed.value,
    lines: [...parsed.lines],
    duplicates: parsed.duplicates,
    errors: parsed.errors,
  };
  if (parsed.documents !== undefined) evidence.documents = parsed.documents;
  if (parsed.warnings?.length) evidence.warnings = parsed.warnings;
  if (parsed.template) evidence.template = parsed.template;
  if (lookup && parsed.errors.length === 0) {
    const resolved = resolvedTable(parsed.value, lookup);
    if (resolved.length > 0) evidence.resolved = resolved;
  }
  return evidence;
}
