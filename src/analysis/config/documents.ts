// Multi-document YAML: pair the documents of two files by identity (kind and metadata.name, or name), else by position.
import { isMapValue, type ConfigValue, type ParsedConfig } from '../../lib/config-tree.ts';

/** Two documents to compare (one side undefined when a document exists on one side only), with their paths. */
export interface DocumentPair {
  /** Display path of the document: `[Deployment/api]`, `[name=x]` or `[index]`; `` for single-document files. */
  path: string;
  /** Line-map path of the document on each side: `[index]` in multi-document files, `` otherwise. */
  leftPos: string;
  rightPos: string;
  left?: ConfigValue;
  right?: ConfigValue;
}

interface Doc {
  value: ConfigValue;
  /** Line-map prefix. */
  pos: string;
  index: number;
  id?: string;
}

/** `Kind/name` (Kubernetes-style kind with metadata.name or name), `name=x`, `kind=K`, or undefined. */
export function documentIdentity(doc: ConfigValue): string | undefined {
  if (!isMapValue(doc)) return undefined;
  const kind = typeof doc.kind === 'string' && doc.kind ? doc.kind : undefined;
  const named = isMapValue(doc.metadata) && doc.metadata.name !== undefined ? doc.metadata.name : doc.name;
  const name = typeof named === 'string' || typeof named === 'number' ? String(named) : undefined;
  if (kind && name) return `${kind}/${name}`;
  if (name) return `name=${name}`;
  return kind ? `kind=${kind}` : undefined;
}

function documents(parsed: ParsedConfig): Doc[] {
  const values = parsed.documents !== undefined && Array.isArray(parsed.value) ? parsed.value : [parsed.value];
  const prefix = (index: number): string => (parsed.documents !== undefined ? `[${index}]` : '');
  // Empty documents (a trailing `---`, an empty file) hold nothing to compare.
  return values.map((value, index) => ({ value, pos: prefix(index), index })).filter((doc) => doc.value !== null);
}

/** Give each document its identity when that identity is unique within its file. */
function identify(docs: Doc[]): void {
  const counts = new Map<string, number>();
  for (const doc of docs) {
    doc.id = documentIdentity(doc.value);
    if (doc.id !== undefined) counts.set(doc.id, (counts.get(doc.id) ?? 0) + 1);
  }
  for (const doc of docs) if (doc.id !== undefined && counts.get(doc.id) !== 1) doc.id = undefined;
}

/**
 * Pairs of documents to diff. Files with one document each give one pair at the root (paths as usual). When either
 * file has several documents, documents are paired by identity where both files have it, then documents without
 * identity in order of position, then the rest in order (never two different identities); a document without a
 * partner is added or removed as a whole.
 */
export function documentPairs(left: ParsedConfig, right: ParsedConfig): DocumentPair[] {
  if (left.documents === undefined && right.documents === undefined) return [{ path: '', leftPos: '', rightPos: '', left: left.value, right: right.value }];
  const lefts = documents(left);
  const rights = documents(right);
  identify(lefts);
  identify(rights);
  const rightById = new Map(rights.flatMap((doc) => (doc.id === undefined ? [] : [[doc.id, doc] as const])));
  const partners = new Map<Doc, Doc>();
  for (const doc of lefts) {
    const partner = doc.id === undefined ? undefined : rightById.get(doc.id);
    if (partner) partners.set(doc, partner);
  }
  // Then documents without identity with each other, in order of position; then what is left, in order, except that
  // two documents with different identities are never paired.
  const unpaired = (docs: Doc[], taken: Set<Doc>): Doc[] => docs.filter((doc) => !taken.has(doc));
  const pairInOrder = (looseLefts: Doc[], looseRights: Doc[]): void => {
    const nextWithoutId: number[] = new Array<number>(looseRights.length + 1).fill(looseRights.length);
    for (let index = looseRights.length - 1; index >= 0; index -= 1) nextWithoutId[index] = looseRights[index]?.id === undefined ? index : (nextWithoutId[index + 1] as number);
    let next = 0;
    for (const doc of looseLefts) {
      const at = doc.id === undefined ? next : (nextWithoutId[next] as number);
      if (at >= looseRights.length) continue;
      partners.set(doc, looseRights[at] as Doc);
      next = at + 1;
    }
  };
  const withoutId = (doc: Doc): boolean => doc.id === undefined;
  pairInOrder(unpaired(lefts, new Set(partners.keys())).filter(withoutId), unpaired(rights, new Set(partners.values())).filter(withoutId));
  pairInOrder(unpaired(lefts, new Set(partners.keys())), unpaired(rights, new Set(partners.values())));
  const paired = new Set(partners.values());
  const pairs: DocumentPair[] = lefts.map((doc) => {
    const partner = partners.get(doc);
    const path = `[${doc.id ?? partner?.id ?? doc.index}]`;
    return partner ? { path, leftPos: doc.pos, rightPos: partner.pos, left: doc.value, right: partner.value } : { path, leftPos: doc.pos, rightPos: '', left: doc.value };
  });
  for (const doc of rights) if (!paired.has(doc)) pairs.push({ path: `[${doc.id ?? doc.index}]`, leftPos: '', rightPos: doc.pos, right: doc.value });
  return pairs;
}
