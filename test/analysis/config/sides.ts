// Test helpers: a configuration side read the way the collector reads it (text -> evidence file -> analysis side).
import type { ConfigEvidence, ConfigFile } from '../../../src/evidence/schema.ts';
import { sideOf } from '../../../src/analysis/config/comparisons.ts';
import type { ConfigSide } from '../../../src/analysis/config-diff.ts';
import { readConfigFile } from '../../../src/collectors/config/file-evidence.ts';
import { envLookup } from '../../../src/collectors/config/placeholders.ts';

export function configFile(label: string, text: string, file = `${label}.yaml`, env?: Record<string, string>): ConfigFile {
  return readConfigFile(label, file, text, env ? envLookup([env]) : undefined);
}

export function side(label: string, text: string, file = `${label}.yaml`, env?: Record<string, string>): ConfigSide {
  return sideOf(configFile(label, text, file, env));
}

/** Evidence with one pair of files (and further environments). */
export function pairEvidence(left: ConfigFile, right: ConfigFile, ...others: ConfigFile[]): ConfigEvidence {
  return { files: [left, right, ...others], pairs: [{ name: right.file, left: 0, right: 1, others: others.map((_, index) => index + 2) }] };
}
