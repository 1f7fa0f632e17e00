// Where the database server's connection slots ran out, the per-instance connection settings (pool sizes, replicas, workers) set higher in the failing environment are contributing causes.
import type { EvidenceRef } from '../../evidence/schema.ts';
import { signatureById } from '../../lib/error-signatures/index.ts';
import type { ConfigComparison, ConfigDifference } from '../config/types.ts';
import { round } from './series.ts';
import type { Candidate } from './types.ts';

export interface SourcedDifference {
  difference: ConfigDifference;
  source: string;
  file: string;
  comparison: ConfigComparison;
}

const NUMBER = /^\d+(?:\.\d+)?$/;

/** A family whose error is the server refusing connections for want of slots (PostgreSQL's 53300 and the clients' wording of it). */
function slotsFull(family: Candidate): boolean {
  const signature = family.signatureId ? signatureById(family.signatureId) : undefined;
  return signature?.category === 'db-pool-exhaustion' && signature.signal === 'connection-refused';
}

/**
 * Count settings of the pool-and-workers kind (maximum-pool-size, replicas, workers, concurrency) that are higher in the
 * failing environment, for each family of server-slots-full errors: every instance opens more connections there, so the
 * same server runs out first. Contributing, not the cause: the limit itself is the server's.
 */
export function connectionDemandCandidates(differences: readonly SourcedDifference[], families: readonly Candidate[], environment: string | undefined): Candidate[] {
  const out: Candidate[] = [];
  for (const family of families.filter((candidate) => candidate.score >= 0.3 && slotsFull(candidate)).slice(0, 1)) {
    for (const { difference, source, file, comparison } of differences) {
      if (difference.category !== 'pool-workers' || difference.kind !== 'count') continue;
      const incidentIsRight = comparison.right.label === environment && comparison.left.label !== environment;
      const [mine, theirs] = incidentIsRight ? [difference.right, difference.left] : [difference.left, difference.right];
      const [failing, working] = incidentIsRight ? [comparison.right.label, comparison.left.label] : [comparison.left.label, comparison.right.label];
      if (!mine || !theirs || !NUMBER.test(mine) || !NUMBER.test(theirs) || Number(mine) <= Number(theirs)) continue;
      const line = incidentIsRight ? difference.rightLine : difference.leftLine;
      const refs: EvidenceRef[] = [
        { kind: 'config-path', source, file: incidentIsRight ? comparison.right.path : file, path: difference.path, ...(line ? { line } : {}), excerpt: `${difference.path}: ${mine}` },
        ...family.refs.slice(0, 2),
      ];
      out.push({
        id: `config-demand-${difference.path}`,
        kind: 'config-difference',
        category: 'config-drift',
        resource: 'configuration',
        title: `Configuration ${difference.path} asks for more connections in ${failing} than in ${working}`,
        statement: `\`${difference.path}\` is \`${mine}\` in ${failing} but \`${theirs}\` in ${working}: each instance opens more connections where the server's connection slots ran out: ${family.statement}`,
        decisive: refs[0]!,
        refs,
        features: { ...family.features },
        score: round(Math.max(0, family.score - 0.05), 3),
        rule: `score = the score of the server-slots-full errors (${family.score}) − 0.05: a count of connections, instances or workers set higher here (${difference.reason}); a contributing factor`,
        templates: family.templates,
        remedies: [
          {
            id: 'fit-connection-demand',
            option: 'B',
            action: `Keep ${difference.path} × the instances that use it within the server's max_connections (less its reserved slots), or put a pooler (PgBouncer) in front; ${working} runs with ${theirs}.`,
            settings: [difference.path, 'max_connections'],
          },
        ],
        findingIds: [],
      });
    }
  }
  return out;
}
