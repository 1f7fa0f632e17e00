// Values that look like another environment's: a staging host in production, a production URL in staging, localhost remote.
import type { ConfigAnomaly } from './types.ts';
import { domainOf, environmentOf, environmentsIn, hostsIn, isLocalHost, isRemoteEnvironment, stripEnvironment } from './environments.ts';
import { maskValue } from '../../lib/secrets/secret-keys.ts';
import { leaves, lineOf, type ParsedConfig } from '../../lib/config-tree.ts';

interface Side {
  label: string;
  parsed: ParsedConfig;
  /** Resolved ${VAR} values by positional path, as collected (secrets masked). */
  resolved?: Map<string, { shown: string }>;
}

interface HostUse {
  path: string;
  host: string;
  value: string;
}

function hostUses(side: Side): HostUse[] {
  const uses: HostUse[] = [];
  for (const [path, value] of leaves(side.parsed.value)) {
    if (typeof value !== 'string') continue;
    for (const host of hostsIn(value)) uses.push({ path, host, value: maskValue(path, value) });
    const shown = side.resolved?.get(path)?.shown;
    if (shown !== undefined) for (const host of hostsIn(shown)) uses.push({ path, host, value: shown });
  }
  return uses;
}

const PUBLIC_PATH = /webhook|callback|public|base_?url|external|redirect|origin|notify/i;

/** Anomalies for values in `side` that belong to another environment (compared with the `others`). */
export function foreignValueAnomalies(side: Side, others: Side[]): ConfigAnomaly[] {
  const env = environmentOf(side.label);
  const known = new Set(['production', 'staging', 'development', 'test']);
  const uses = hostUses(side);
  const ownHosts = uses.filter((use) => environmentsIn(use.host).has(env));
  const strippedOwn = new Set(ownHosts.map((use) => stripEnvironment(use.host)));
  const ownDomains = new Set(ownHosts.map((use) => domainOf(use.host)));
  const productionHosts = new Set(others.filter((other) => environmentOf(other.label) === 'production' && env !== 'production').flatMap((other) => hostUses(other).map((use) => use.host)));
  const anomalies: ConfigAnomaly[] = [];
  const seen = new Set<string>();
  const add = (use: HostUse, detail: string, risk: ConfigAnomaly['risk']): void => {
    const key = `${use.path}|${use.host}`;
    if (seen.has(key)) return;
    seen.add(key);
    anomalies.push({ kind: 'foreign-environment-value', path: use.path, file: side.parsed.file, line: lineOf(side.parsed.lines, use.path), detail, risk, value: use.value });
  };
  for (const use of uses) {
    const envs = environmentsIn(use.host);
    const where = `\`${use.path}\` in ${side.label}`;
    if (isLocalHost(use.host)) {
      if (isRemoteEnvironment(env) && known.has(env)) add(use, `${where} points at ${use.host} (${use.value}) in a remote environment`, PUBLIC_PATH.test(use.path) ? 'high' : 'medium');
      continue;
    }
    if (!known.has(env)) continue;
    const foreign = [...envs].filter((other) => other !== env);
    if (foreign.length > 0 && !envs.has(env)) {
      add(use, `${where} names ${foreign.join('/')} host ${use.host}: a value copied from another environment?`, 'high');
      continue;
    }
    if (envs.size > 0 || env === 'production') continue;
    if (strippedOwn.has(use.host)) {
      add(use, `${where} uses ${use.host}, the un-prefixed (production) form of this environment's own hosts (e.g. ${ownHosts.find((own) => stripEnvironment(own.host) === use.host)?.host})`, 'high');
    } else if (productionHosts.has(use.host) && ownDomains.has(domainOf(use.host))) {
      add(
        use,
        `${where} uses ${use.host}, which production also uses, while its other ${domainOf(use.host)} hosts name ${env}: a production URL in ${env}?`,
        PUBLIC_PATH.test(use.path) ? 'high' : 'medium',
      );
    }
  }
  return anomalies;
}
