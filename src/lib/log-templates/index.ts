// The template miner's public surface: masking, streaming miner, clustering, entity extraction.
export { maskToken, maskedTokens } from './mask.ts';
export { TemplateMiner } from './miner.ts';
export { generalize } from './cluster.ts';
export { extractEntities } from './entities.ts';
