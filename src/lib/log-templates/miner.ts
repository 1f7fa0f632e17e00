// Streaming template miner: masked-token groups (one Map lookup per record) clustered into templates.
import { WILDCARD, maskedTokens } from './mask.ts';
import { clusterGroups } from './cluster.ts';
import { fnv1a } from './fnv.ts';

interface Group {
  tokens: string[];
  count: number;
  coarse: boolean;
}

export interface MinedCluster {
  id: string;
  template: string;
  groups: number[];
  count: number;
}

/** Distinct masked messages kept exactly; past this, new ones are merged online into coarse groups (bounded memory). */
const MAX_GROUPS = 20_000;
const MAX_COARSE_GROUPS = 5_000;

export class TemplateMiner {
  private readonly groups: Group[] = [];
  private readonly byKey = new Map<string, number>();
  private readonly byCoarseKey = new Map<string, number>();

  constructor(private readonly maxGroups = MAX_GROUPS) {}

  /** Add one message; returns its group number (stable; resolve to a template with `finish().clusterOf`). */
  add(message: string): number {
    return this.addTokens(maskedTokens(message), 1, false);
  }

  /** Add a group mined from another piece of the same input (`count` records of these tokens); returns this miner's group. */
  addGroup(group: { tokens: string[]; count: number; coarse: boolean }): number {
    return this.addTokens(group.coarse ? [...group.tokens] : group.tokens, group.count, group.coarse);
  }

  /** The groups in order of first appearance, for merging into another miner with `addGroup`. */
  exportGroups(): { tokens: string[]; count: number; coarse: boolean }[] {
    return this.groups;
  }

  private addTokens(tokens: string[], count: number, coarse: boolean): number {
    if (coarse) {
      const group = this.coarse(tokens);
      this.groups[group]!.count += count;
      return group;
    }
    const key = tokens.join(' ');
    let group = this.byKey.get(key);
    if (group === undefined) {
      if (this.groups.length >= this.maxGroups) group = this.coarse(tokens);
      else {
        group = this.groups.length;
        this.groups.push({ tokens, count: 0, coarse: false });
        this.byKey.set(key, group);
      }
    }
    this.groups[group]!.count += count;
    return group;
  }

  /** Over the cap: one group per (length, first token, last token), its differing positions turned into <*>. */
  private coarse(tokens: string[]): number {
    const length = tokens.length;
    let key = `${length}\u0001${tokens[0] ?? ''}\u0001${tokens[length - 1] ?? ''}`;
    if (!this.byCoarseKey.has(key) && this.byCoarseKey.size >= MAX_COARSE_GROUPS) key = `${length}`;
    let group = this.byCoarseKey.get(key);
    if (group === undefined) {
      group = this.groups.length;
      this.groups.push({ tokens: [...tokens], count: 0, coarse: true });
      this.byCoarseKey.set(key, group);
      return group;
    }
    const existing = this.groups[group]!.tokens;
    for (let index = 0; index < length; index++) if (existing[index] !== tokens[index]) existing[index] = WILDCARD;
    return group;
  }

  /** Number of groups held (exact plus coarse). */
  get size(): number {
    return this.groups.length;
  }

  finish(): { clusters: MinedCluster[]; clusterOf: Int32Array } {
    const clusterOf = new Int32Array(this.groups.length);
    const clusters: MinedCluster[] = clusterGroups(this.groups).map((cluster, index) => {
      for (const member of cluster.members) clusterOf[member] = index;
      const template = cluster.tokens.join(' ');
      return { id: templateId(template), template, groups: cluster.members, count: cluster.count };
    });
    return { clusters, clusterOf };
  }
}
/** A stable id from the template text (FNV-1a, 32 bits). */
function templateId(template: string): string {
  return `t-${fnv1a(template).toString(16).padStart(8, '0')}`;
}
