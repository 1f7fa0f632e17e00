// YAML tags outside the core schema (!Ref, !Sub, !GetAtt, custom): kept in the parsed value so they compare and show.
import { isCollection, Pair, Scalar, visit, YAMLMap, type Document } from 'yaml';

const CORE_TAG = /^tag:yaml\.org,2002:/;

/** A tag the YAML core schema does not resolve (local `!Ref`, global `!<tag:example.com:x>`). */
function isCustomTag(tag: string | undefined): tag is string {
  return tag !== undefined && tag !== '!' && !CORE_TAG.test(tag);
}

/**
 * Rewrite custom-tagged nodes in place, before toJS: a tagged scalar becomes the text `!Tag value` (so `!Ref Bucket`
 * and `Bucket` differ, and two `!Ref Bucket` are equal), a tagged mapping or sequence becomes `{ "!Tag": content }`.
 * Anchors, aliases and merge keys are left to the parser, which resolves them. Returns the number of tags rewritten.
 */
export function keepCustomTags(doc: Document.Parsed): number {
  let count = 0;
  visit(doc, {
    Scalar(_key, node) {
      if (!isCustomTag(node.tag)) return undefined;
      count += 1;
      const value = node.value === null || node.value === undefined ? '' : String(node.value);
      const replaced = new Scalar(value === '' ? node.tag : `${node.tag} ${value}`);
      replaced.range = node.range;
      return replaced;
    },
    Map(_key, node) {
      return wrap(node);
    },
    Seq(_key, node) {
      return wrap(node);
    },
  });
  function wrap(node: unknown): YAMLMap | undefined {
    if (!isCollection(node) || !isCustomTag(node.tag)) return undefined;
    count += 1;
    const tag = node.tag;
    node.tag = undefined;
    const wrapper = new YAMLMap();
    wrapper.items.push(new Pair(new Scalar(tag), node));
    wrapper.range = node.range;
    return wrapper;
  }
  return count;
}
