// The one secret recogniser: which keys hold secrets, which values are secrets by their shape, and which values never are.
export const PLACEHOLDER_PATTERN = /\[REDACTED:[a-z0-9-]{1,40}:\d{1,12}(?:-r\d{1,20})?\]/;
export const PLACEHOLDER_GLOBAL = /\[REDACTED:[a-z0-9-]{1,40}:\d{1,12}(?:-r\d{1,20})?\]/g;
export const PLACEHOLDER_EXACT = /^\[REDACTED:[a-z0-9-]{1,40}:\d{1,12}(?:-r\d{1,20})?\]$/;

// ------------------------------------------------------------------ secret-like key names

/** Substrings of a normalised key (lowercase, only a-z0-9) that make its value a secret. */
const SECRET_KEY_SUBSTRINGS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'apikey',
  'accesskey',
  'accountkey',
  'privatekey',
  'signingkey',
  'encryptionkey',
  'masterkey',
  'sessionkey',
  'servicerolekey',
  'authorization',
  'authtoken',
  'credential',
  'signature',
  'token',
  'connectionstring',
  'connstring',
  'connstr',
  'setcookie',
];
/** Whole words of a key that make its value a secret. */
const SECRET_KEY_WORDS = new Set(['auth', 'pwd', 'pass', 'pw', 'dsn', 'cookie', 'cookies', 'sig', 'hmac', 'jwt', 'bearer', 'pat', 'otp', 'salt', 'pepper']);
/** A last word that says the value is about the secret, not the secret itself (max_tokens, token_type, apiKeyEnv). */
const NON_SECRET_LAST_WORDS = new Set([
  'tokens',
  'count',
  'counts',
  'limit',
  'limits',
  'length',
  'len',
  'size',
  'type',
  'types',
  'ttl',
  'expiry',
  'expires',
  'expired',
  'expiration',
  'at',
  'in',
  'env',
  'var',
  'file',
  'path',
  'dir',
  'name',
  'names',
  'hint',
  'policy',
  'enabled',
  'disabled',
  'required',
  'changed',
  'reset',
  'rotated',
  'present',
  'missing',
  'valid',
  'invalid',
  'status',
  'state',
  'usage',
  'used',
  'url',
  'uri',
  'endpoint',
  'host',
  'method',
  'mode',
  'provider',
  'scheme',
  'kind',
  'format',
  'version',
  'min',
  'max',
  'strength',
  'field',
  'column',
  'label',
  'prompt',
  'placeholder',
  'algorithm',
  'alg',
  'seconds',
  'secs',
  'sec',
  'ms',
  'minutes',
  'mins',
  'hours',
  'days',
  'timeout',
  'interval',
  'retries',
  'attempts',
  'header',
  'headers',
  'tolerance',
  'leeway',
  'skew',
  'prefix',
  'rotation',
  'refresh',
  'issuer',
  'audience',
  'scope',
  'scopes',
  'source',
  'store',
  'backend',
  'location',
  'ref',
  'arn',
  'id',
  'lifetime',
  'alive',
]);
/** Words before a last word `key` that make it an ordinary key (primary_key, cache_key, public_key), not a secret one. */
const ORDINARY_KEY_QUALIFIERS = new Set([
  'public',
  'primary',
  'foreign',
  'sort',
  'partition',
  'cache',
  'idempotency',
  'object',
  's3',
  'redis',
  'lookup',
  'map',
  'dedupe',
  'dedup',
  'routing',
  'shard',
  'group',
  'unique',
  'composite',
  'natural',
  'surrogate',
  'range',
  'row',
  'search',
  'i18n',
  'translation',
  'message',
  'label',
  'hash',
  'index',
  'join',
  'dict',
  'json',
  'config',
  'setting',
  'settings',
  'registry',
  'kms',
  'metric',
  'metrics',
  'event',
  'keep',
  'hot',
  'short',
  'idem',
  'ssh',
  'gpg',
  'pgp',
  'host',
]);
/** Key names whose last word is `id` but whose value is a credential all the same (GCP service accounts). */
const SECRET_IDS = new Set(['privatekeyid']);

interface KeyVerdict {
  secret: boolean;
  strong: boolean;
  kind: string;
  identifier: boolean;
}

const keyCache = new Map<string, KeyVerdict>();
const KEY_CACHE_LIMIT = 50_000;

function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);
}

function judgeKey(key: string): KeyVerdict {
  if (key.length === 0 || key.length > 200) return { secret: false, strong: false, kind: 'secret', identifier: false };
  const words = keyWords(key);
  const last = words[words.length - 1];
  const identifier = last !== undefined && IDENTIFIER_LAST_WORDS.has(last) && !SECRET_IDS.has(words.slice(-3).join(''));
  const none = { secret: false, strong: false, kind: 'secret', identifier };
  if (last === undefined) return none;
  const normalised = words.join('').replace(/tokeniz[a-z]*/g, '');
  const kind = kindFor(normalised);
  if (SECRET_IDS.has(words.slice(-3).join(''))) return { secret: true, strong: false, kind: 'private-key', identifier };
  if (NON_SECRET_LAST_WORDS.has(last)) return none;
  const strong = SECRET_KEY_SUBSTRINGS.some((part) => normalised.includes(part));
  if (strong) return { secret: true, strong, kind, identifier };
  if (words.some((word) => SECRET_KEY_WORDS.has(word))) return { secret: true, strong: false, kind, identifier };
  // `stripe.key`, `app_key`, `SIGNING_KEY`: a last word `key` after a qualifier that is not an ordinary key's.
  const before = words[words.length - 2];
  if (last === 'key' && before !== undefined && !ORDINARY_KEY_QUALIFIERS.has(before)) return { secret: true, strong: false, kind: 'api-key', identifier };
  return none;
}

/**
 * Pieces of which every secret key has one, matched in raw text without word boundaries: each normalised substring of
 * SECRET_KEY_SUBSTRINGS contains one (checked at load), and a last word `key` is `key`.
 */
const KEY_ROOTS = ['pass', 'secret', 'key', 'auth', 'token', 'credential', 'signature', 'conn(?:ection)?[^A-Za-z0-9]{0,4}str', 'cookie'];
for (const part of SECRET_KEY_SUBSTRINGS) {
  if (!KEY_ROOTS.some((root) => new RegExp(root, 'i').test(part))) throw new Error(`secret key substring ${part} has no root in KEY_ROOTS`);
}
/**
 * A short secret word as keyWords splits keys: `pat`, `Pat` or `PAT`, not inside a longer lowercase word or number (`path`,
 * `pat2`), after a separator, a lower-case letter or digit (camelCase) for `Pat`/`PAT`, after any upper-case letter for `Pat`.
 */
const wordPattern = (word: string): string => {
  const capital = word[0]!.toUpperCase() + word.slice(1);
  return `(?:(?<![A-Za-z0-9])${word}|${capital}|(?<![A-Z])${word.toUpperCase()})(?![a-z0-9])`;
};
const SHORT_WORDS = [...SECRET_KEY_WORDS].filter((word) => !KEY_ROOTS.some((root) => new RegExp(root, 'i').test(word)));
const MAY_NAME_SECRET = new RegExp(`${KEY_ROOTS.join('|')}`, 'i');
const MAY_NAME_SECRET_WORD = new RegExp(SHORT_WORDS.map(wordPattern).join('|'));

/**
 * False only when no key in the text can be a secret key (isSecretKey of every substring shaped like a key is false):
 * the cheap test before the key=value passes. May be true for texts without one (`monkey`, `author`).
 */
export function mayNameSecretKey(text: string): boolean {
  return MAY_NAME_SECRET.test(text) || MAY_NAME_SECRET_WORD.test(text);
}

function verdict(key: string): KeyVerdict {
  let found = keyCache.get(key);
  if (found === undefined) {
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
    found = judgeKey(key);
    keyCache.set(key, found);
  }
  return found;
}

/** True when a value stored under this key (JSON, YAML, .env, key=value, header, a config path) is a secret. */
export function isSecretKey(key: string): boolean {
  return verdict(key).secret;
}

/** A key whose whole subtree is secret (secrets:, credentials:, private_key: |), not just a weak word like auth. */
export function isStrongSecretKey(key: string): boolean {
  return verdict(key).strong;
}

/** The placeholder kind for a value found under a secret-like key. */
export function kindForKey(key: string): string {
  return verdict(key).kind;
}

function kindFor(normalised: string): string {
  if (/privatekey|signingkey|encryptionkey|masterkey/.test(normalised)) return 'private-key';
  if (/apikey|accesskey|accountkey|servicerolekey/.test(normalised)) return 'api-key';
  if (/pass|pwd|pw$/.test(normalised)) return 'password';
  if (/signature|sig$|hmac/.test(normalised)) return 'signature';
  if (/token|jwt|bearer|pat$|otp/.test(normalised)) return 'token';
  if (/dsn|conn/.test(normalised)) return 'dsn';
  if (/cookie/.test(normalised)) return 'cookie';
  if (/auth|credential/.test(normalised)) return 'credential';
  return 'secret';
}

// ------------------------------------------------------------------ values that never are secrets

/**
 * Values that are not secrets even under a secret key: empty, null, booleans, masks, references to variables,
 * SQL parameters, type annotations. Empty, null and absent values are never redacted (they are evidence: "unset").
 */
export function isNonSecretValue(value: string): boolean {
  if (value.length > 512) return false;
  const trimmed = value.trim();
  if (trimmed === '') return true;
  if (PLACEHOLDER_EXACT.test(trimmed)) return true;
  if (/^(null|nil|none|undefined|true|false|yes|no|on|off|~)$/i.test(trimmed)) return true;
  if (/^(\*+|x{3,4096}|X{3,4096}|\.{3}|…|<redacted>|\[redacted\]|\[filtered\]|\[hidden\]|redacted|filtered|<secret>|changeme-placeholder|""|'')$/i.test(trimmed)) return true;
  // Template wildcards of mined log templates (<*>, <NUM>, <uuid>).
  if (/^<[*A-Za-z_:-]{1,20}>$/.test(trimmed)) return true;
  // Already masked by a collector, e.g. the config reader's `**** (12 chars)`: keep it (equal masks are not equal secrets).
  if (/^\*{3,}( \(\d{1,9} chars?\))?$/.test(trimmed)) return true;
  // References to variables (${DB_PASSWORD}, $DB_PASSWORD, {{ secret }}) and SQL/format parameters ($1, ?, %s). A bare
  // reference must be an upper-case environment variable name (POSIX convention): `$a_bc0` is as likely a password.
  if (/^\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]{0,200})?\}$/.test(trimmed) || /^\$[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(trimmed)) return true;
  if (/^(\$\d+|\?|%s|\{\{\s*[\w.]+\s*\}\})$/.test(trimmed)) return true;
  if (/^([|>][+-]?\d*|\{|\[)$/.test(trimmed)) return true;
  // Type annotations in code excerpts: `password: str`, `token: string | undefined`, `secret: Optional[str] = None`.
  if (/^(str|string|bytes|int|bool|boolean|float|number|any|unknown|object|dict|list|text|secretstr|optional\[\w+\]|string\s*\|\s*(undefined|null)|none)\??$/i.test(trimmed)) return true;
  return false;
}

// ------------------------------------------------------------------ values that are secrets by their shape

/** Last words of keys whose values are hashes or identifiers, never credentials: their hex stays. */
const IDENTIFIER_LAST_WORDS = new Set([
  'id',
  'ids',
  'uuid',
  'guid',
  'hash',
  'hashes',
  'sha',
  'sha1',
  'sha256',
  'sha512',
  'md5',
  'crc',
  'digest',
  'checksum',
  'etag',
  'commit',
  'commits',
  'revision',
  'rev',
  'fingerprint',
  'trace',
  'traceparent',
  'span',
  'parent',
  'oid',
  'object',
  'head',
  'base',
  'tree',
  'blob',
  'version',
  'build',
  'image',
  'tag',
  'hex',
  'color',
  'colour',
  'nonce',
  'seed',
]);

/** True when the values of this key are identifiers or hashes (trace_id, commit_sha, checksum). */
export function isIdentifierKey(key: string): boolean {
  return verdict(key).identifier;
}

const HEX = /^[0-9a-fA-F]{32,4096}$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const BASE64 = /^[A-Za-z0-9+/_-]{24,8192}={0,2}$/;
/** Decoded text that says it holds a credential. */
const CREDENTIAL_TEXT = /pass(?:word|wd)?\s*[=:]|secret|api[_-]?key|private[_ ]key|token\s*[=:]|credential|AccountKey=|-----BEGIN/i;

/** Distinct characters as a cheap entropy floor (a run like 0000... or abab... is not a key). */
function variedEnough(value: string, minimum: number): boolean {
  const seen = new Set<string>();
  for (let index = 0; index < value.length && seen.size < minimum; index++) seen.add(value[index]!);
  return seen.size >= minimum;
}

/**
 * The kind of a value that is a credential by its shape alone, whatever key holds it: a high-entropy hex string of
 * 32+ characters (Twilio auth tokens, API secrets), or base64 of 24+ characters that decodes to text naming a
 * credential (`password=...`). Undefined otherwise. Callers skip identifier keys (trace_id, checksum, commit).
 */
export function secretValueKind(value: string): string | undefined {
  if (value.length < 24 || value.length > 8192) return undefined;
  // None of the shapes below has a space (most texts do: they end here).
  if (value.includes(' ')) return undefined;
  if (value.length === 36 && UUID.test(value)) return undefined;
  if (HEX.test(value)) {
    if (/^[0-9a-f]{8}-/.test(value)) return undefined;
    return variedEnough(value, 10) ? 'high-entropy-hex' : undefined;
  }
  if (BASE64.test(value) && variedEnough(value, 12)) {
    const decoded = decodeBase64Text(value);
    if (decoded !== undefined && CREDENTIAL_TEXT.test(decoded)) return 'encoded-secret';
  }
  return undefined;
}

/** Base64 (standard or URL alphabet) that decodes to mostly printable text, else undefined. */
function decodeBase64Text(value: string): string | undefined {
  const bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (bytes.length < 12) return undefined;
  let printable = 0;
  for (const byte of bytes) if ((byte >= 32 && byte < 127) || byte === 9 || byte === 10 || byte === 13) printable += 1;
  return printable / bytes.length >= 0.9 ? bytes.toString('latin1') : undefined;
}
