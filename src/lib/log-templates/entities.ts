// Extracts entity ids (job, document, request, user) from a message and its fields: key=value, "job 123", /jobs/<id>, JSON keys.

type EntityKind = 'job-id' | 'document-id' | 'request-id' | 'user-id';
export interface EntityMention {
  kind: EntityKind;
  id: string;
}

const NOUNS: Record<string, EntityKind> = {
  job: 'job-id',
  jobs: 'job-id',
  task: 'job-id',
  tasks: 'job-id',
  document: 'document-id',
  documents: 'document-id',
  doc: 'document-id',
  docs: 'document-id',
  file: 'document-id',
  files: 'document-id',
  upload: 'document-id',
  uploads: 'document-id',
  request: 'request-id',
  requests: 'request-id',
  req: 'request-id',
  trace: 'request-id',
  correlation: 'request-id',
  user: 'user-id',
  users: 'user-id',
  account: 'user-id',
  accounts: 'user-id',
  customer: 'user-id',
  customers: 'user-id',
};
const NOUN = 'job|task|document|doc|file|upload|request|req|trace|correlation|user|account|customer';
const KEY_VALUE = new RegExp(`(?:^|[^A-Za-z0-9])(${NOUN})[_-]?(?:id|uuid)["']?\\s*[=:]\\s*["']?([A-Za-z0-9][\\w.:-]{0,80})`, 'gi');
const NOUN_VALUE = /\b(job|task|document|doc|upload|request|user)\s+#?([A-Za-z0-9][\w-]{1,80})/gi;
const PATH_VALUE = /\/(jobs|tasks|documents|docs|files|uploads|requests|users|accounts|customers)\/([A-Za-z0-9][\w-]{0,80})/gi;
const FIELD_KEY = new RegExp(`^(?:.*[._])?(${NOUN})[_.-]?(?:id|uuid)$`, 'i');
const PREFILTER = /job|task|doc|file|upload|req|trace|correlation|user|account|customer/i;
const LOOKS_LIKE_ID = /\d/;
const MAX_PER_RECORD = 16;

const ID_HINT = /id\b|id["'=:]|uuid/i;
const fieldKinds = new Map<string, EntityKind | null>();

/** Entity kind named by a structured field key (job_id, jobId, req.id...), cached: keys repeat across records. */
function fieldKind(key: string): EntityKind | undefined {
  let kind = fieldKinds.get(key);
  if (kind === undefined) {
    const match = FIELD_KEY.exec(key);
    kind = match ? (kindOf(match[1]!) ?? null) : null;
    if (fieldKinds.size < 10_000) fieldKinds.set(key, kind);
  }
  return kind ?? undefined;
}

function kindOf(noun: string): EntityKind | undefined {
  return NOUNS[noun.toLowerCase()];
}

const TRAILING_PUNCTUATION = /[.:,-]+$/;

function clean(value: string): string {
  const last = value.charCodeAt(value.length - 1);
  return last === 46 || last === 58 || last === 44 || last === 45 ? value.replace(TRAILING_PUNCTUATION, '') : value;
}

function addMention(found: EntityMention[], kind: EntityKind | undefined, raw: string): void {
  if (!kind || found.length >= MAX_PER_RECORD) return;
  const id = clean(raw);
  if (id.length < 2 || !LOOKS_LIKE_ID.test(id)) return;
  for (const mention of found) if (mention.id === id && mention.kind === kind) return;
  found.push({ kind, id });
}

/** Entity ids named by a message or its structured fields (ids must contain a digit, so words are not taken for ids). */
export function extractEntities(message: string, fields?: Record<string, string>): EntityMention[] {
  const found: EntityMention[] = [];
  if (fields) {
    for (const key in fields) {
      const kind = fieldKind(key);
      if (kind) addMention(found, kind, fields[key]!);
    }
  }
  const text = message.length > 4000 ? message.slice(0, 4000) : message;
  if (!PREFILTER.test(text)) return found;
  if (ID_HINT.test(text)) addMatches(found, KEY_VALUE, text);
  if (text.indexOf('/') !== -1) addMatches(found, PATH_VALUE, text);
  addMatches(found, NOUN_VALUE, text);
  return found;
}

/** Every (noun, id) match of a global pattern, in order (an exec loop: `matchAll` copies the pattern on each call; none of the patterns matches empty text). */
function addMatches(found: EntityMention[], pattern: RegExp, text: string): void {
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) addMention(found, kindOf(match[1]!), match[2]!);
}
