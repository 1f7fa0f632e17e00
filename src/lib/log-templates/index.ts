// The template miner's public surface: masking, streaming miner, clustering, entity extraction.
export { WILDCARD, maskToken, maskedTokens } from './mask.ts';
export { TemplateMiner, templateId, type MinedCluster } from './miner.ts';
export { clusterGroups, generalize } from './cluster.ts';
export { extractEntities, type EntityKind, type EntityMention } from './entities.ts';
