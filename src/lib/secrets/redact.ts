// Secret redaction for evidence, reports and error messages: one redactor per run, same secret -> same placeholder.
import type { EvidenceBundle } from '../../evidence/schema.ts';

/**
 * A redactor remembers every secret it has replaced, so one secret gets one placeholder everywhere
 * (`[REDACTED:<kind>:<n>]`, n counts secrets in the order they were first seen: deterministic for the
 * same input order). Use one redactor for a whole run: collector outputs, bundle, reports, --json, errors.
 */
export interface Redactor {
  /** Redact secrets in free text (log lines, YAML, .env, JSON text, key=value, headers, URLs, PEM keys). */
  text(s: string): string;
  /**
   * Redact a JSON value: every string through `text`, and whole values under secret-like keys
   * (password, token, api_key, dsn, ...). Returns a new value; a number under a secret key becomes a
   * placeholder string, so the static type is only nominally preserved.
   */
  deep<T>(value: T): T;
  /** The redacted message of an error (or of any thrown value), with its causes. */
  error(error: unknown): string;
  /** How many distinct secrets were replaced, by kind. */
  stats(): Record<string, number>;
}

// `n-r<digits>` marks a placeholder from an earlier run's evidence (see src/evidence/merge.ts).
export const PLACEHOLDER_PATTERN = /\[REDACTED:[a-z0-9-]{1,40}:\d{1,12}(?:-r\d{1,20})?\]/;
const PLACEHOLDER_GLOBAL = /\[REDACTED:[a-z0-9-]{1,40}:\d{1,12}(?:-r\d{1,20})?\]/g;
const PLACEHOLDER_EXACT = /^\[REDACTED:[a-z0-9-]{1,40}:\d{1,12}(?:-r\d{1,20})?\]$/;

// ------------------------------------------------------------------ secret-like key names

/** Substrings of a normalised key (lowercase, only a-z0-9) that make its value a secret. */
const SECRET_KEY_SUBSTRINGS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'apikey',
  'accesskey',
  'privatekey',
  'signingkey',
  'encryptionkey',
  'masterkey',
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
const SECRET_KEY_WORDS = new Set(['auth', 'pwd', 'pass', 'pw', 'dsn', 'cookie', 'cookies', 'sig', 'hmac', 'jwt', 'bearer', 'pat', 'otp']);
/** A last word that says the value is about the secret, not the secret itself (max_tokens, token_type, apiKeyEnv). */
const NON_SECRET_LAST_WORDS = new Set([
  'tokens', 'count', 'counts', 'limit', 'limits', 'length', 'len', 'size', 'type', 'types', 'ttl', 'expiry', 'expires',
  'expired', 'expiration', 'at', 'in', 'env', 'var', 'file', 'path', 'dir', 'name', 'names', 'hint', 'policy', 'enabled',
  'disabled', 'required', 'changed', 'reset', 'rotated', 'present', 'missing', 'valid', 'invalid', 'status', 'state',
  'usage', 'used', 'url', 'uri', 'endpoint', 'host', 'method', 'mode', 'provider', 'scheme', 'kind', 'format',
  'version', 'min', 'max', 'strength', 'field', 'column', 'label', 'prompt', 'placeholder', 'algorithm', 'alg',
  'seconds', 'secs', 'sec', 'ms', 'minutes', 'mins', 'hours', 'days', 'timeout', 'interval', 'retries', 'attempts',
  'header', 'headers', 'tolerance', 'leeway', 'skew', 'prefix', 'rotation', 'refresh', 'issuer', 'audience', 'scope', 'scopes',
  'source', 'store', 'backend', 'location', 'ref', 'arn', 'id',
]);

function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);
}

/** True when a value stored under this key (JSON, YAML, .env, key=value, header) is a secret. */
export function isSecretKey(key: string): boolean {
  if (key.length === 0 || key.length > 200) return false;
  const words = keyWords(key);
  const last = words[words.length - 1];
  if (last === undefined || NON_SECRET_LAST_WORDS.has(last)) return false;
  const normalised = words.join('').replace(/tokeniz[a-z]*/g, '');
  if (SECRET_KEY_SUBSTRINGS.some((part) => normalised.includes(part))) return true;
  return words.some((word) => SECRET_KEY_WORDS.has(word));
}

/** A key whose whole subtree is secret (secrets:, credentials:, private_key: |), not just a weak word like auth. */
function isStrongSecretKey(key: string): boolean {
  const normalised = keyWords(key).join('').replace(/tokeniz[a-z]*/g, '');
  return isSecretKey(key) && SECRET_KEY_SUBSTRINGS.some((part) => normalised.includes(part));
}

/** The placeholder kind for a value found under a secret-like key. */
function kindForKey(key: string): string {
  const normalised = keyWords(key).join('');
  if (/privatekey|signingkey|encryptionkey|masterkey/.test(normalised)) return 'private-key';
  if (/apikey|accesskey|servicerolekey/.test(normalised)) return 'api-key';
  if (/pass|pwd|pw$/.test(normalised)) return 'password';
  if (/signature|sig$|hmac/.test(normalised)) return 'signature';
  if (/token|jwt|bearer|pat$|otp/.test(normalised)) return 'token';
  if (/dsn|conn/.test(normalised)) return 'dsn';
  if (/cookie/.test(normalised)) return 'cookie';
  if (/auth/.test(normalised)) return 'credential';
  if (/credential/.test(normalised)) return 'credential';
  return 'secret';
}

/** Values that are not secrets even under a secret key: empty, booleans, masks, references to variables, SQL parameters. */
function isNonSecretValue(value: string): boolean {
  if (value.length > 512) return false;
  const trimmed = value.trim();
  if (trimmed === '') return true;
  if (PLACEHOLDER_EXACT.test(trimmed)) return true;
  if (/^(null|nil|none|undefined|true|false|yes|no|on|off|~)$/i.test(trimmed)) return true;
  if (/^(\*+|x{3,4096}|X{3,4096}|\.{3}|…|<redacted>|\[redacted\]|\[filtered\]|\[hidden\]|redacted|filtered|<secret>|changeme-placeholder)$/i.test(trimmed)) return true;
  // Template wildcards of mined log templates (<*>, <NUM>, <uuid>).
  if (/^<[*A-Za-z_:-]{1,20}>$/.test(trimmed)) return true;
  // Already masked by a collector, e.g. the config reader's `**** (12 chars)`: keep it (equal masks are not equal secrets).
  if (/^\*{3,}( \(\d{1,9} chars?\))?$/.test(trimmed)) return true;
  // References to variables (${DB_PASSWORD}, $DB_PASSWORD, {{ secret }}) and SQL/format parameters ($1, ?, %s).
  if (/^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(trimmed) || /^\$[A-Za-z_]*[A-Za-z][A-Za-z_]*_[A-Za-z0-9_]*$/.test(trimmed)) return true;
  if (/^(\$\d+|\?|%s|\{\{\s*[\w.]+\s*\}\})$/.test(trimmed)) return true;
  if (/^([|>][+-]?\d*|\{|\[)$/.test(trimmed)) return true;
  // Type annotations in code excerpts: `password: str`, `token: string | undefined`, `secret: Optional[str] = None`.
  if (/^(str|string|bytes|int|bool|boolean|float|number|any|unknown|object|dict|list|text|secretstr|optional\[\w+\]|string\s*\|\s*(undefined|null)|none)\??$/i.test(trimmed)) return true;
  return false;
}

/** Secrets long and varied enough to be replaced wherever they appear again, even without context. */
function isPropagatable(secret: string): boolean {
  if (secret.length < 8 || secret.length > 4096) return false;
  if (PLACEHOLDER_PATTERN.test(secret)) return false;
  if (/^\d+$/.test(secret)) return false;
  // Never ids or times: they must survive even if a secret field happens to hold one.
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(secret)) return false;
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(secret)) return false;
  if (secret.length >= 20) return true;
  let classes = 0;
  if (/[a-z]/.test(secret)) classes += 1;
  if (/[A-Z]/.test(secret)) classes += 1;
  if (/\d/.test(secret)) classes += 1;
  if (/[^A-Za-z0-9]/.test(secret)) classes += 1;
  return classes >= 2;
}

// ------------------------------------------------------------------ patterns

const PEM = /-----BEGIN ([A-Z0-9 ]{0,40})PRIVATE KEY( BLOCK)?-----(?:[\s\S]{0,65536}?-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=\s\\:-]{0,65536})/g;
const JWT = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{2,16384}\.[A-Za-z0-9_-]{2,65536}\.[A-Za-z0-9_-]{0,16384}(?:\.[A-Za-z0-9_-]{1,65536}){0,2}/g;
const URL_CREDENTIALS = /(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]{0,30}:\/\/)([^\s:@/?#"'<>[\]]{0,256}):([^\s@/"'<>]{1,1024})@/g;

interface PrefixRule {
  kind: string;
  pattern: RegExp;
  /** Extra check on the match (e.g. needs a digit), to avoid ordinary words. */
  accept?: (match: string) => boolean;
}

const hasDigitAndLetter = (match: string): boolean => /\d/.test(match) && /[A-Za-z]/.test(match.slice(3));

const PREFIX_RULES: PrefixRule[] = [
  { kind: 'anthropic-key', pattern: /(?<![A-Za-z0-9])sk-ant-[A-Za-z0-9_-]{20,4096}/g },
  { kind: 'openai-key', pattern: /(?<![A-Za-z0-9_-])sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,4096}/g, accept: hasDigitAndLetter },
  { kind: 'stripe-key', pattern: /(?<![A-Za-z0-9])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,4096}/g },
  { kind: 'webhook-secret', pattern: /(?<![A-Za-z0-9])whsec_[A-Za-z0-9+/=_-]{10,4096}/g },
  { kind: 'llamacloud-key', pattern: /(?<![A-Za-z0-9])llx-[A-Za-z0-9_-]{20,4096}/g },
  { kind: 'github-token', pattern: /(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{20,4096}|github_pat_[A-Za-z0-9_]{20,4096})/g },
  { kind: 'aws-access-key', pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{16}(?![A-Za-z0-9])/g },
  { kind: 'render-key', pattern: /(?<![A-Za-z0-9])rnd_[A-Za-z0-9]{16,4096}/g },
  { kind: 'slack-token', pattern: /(?<![A-Za-z0-9])(?:xox[abposr]-[A-Za-z0-9-]{10,4096}|xapp-\d-[A-Za-z0-9-]{10,4096})/g },
  { kind: 'google-api-key', pattern: /(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{35}/g },
  { kind: 'npm-token', pattern: /(?<![A-Za-z0-9])npm_[A-Za-z0-9]{36}/g },
  { kind: 'supabase-key', pattern: /(?<![A-Za-z0-9])sb_secret_[A-Za-z0-9_-]{10,4096}/g },
  { kind: 'sendgrid-key', pattern: /(?<![A-Za-z0-9])SG\.[A-Za-z0-9_-]{16,4096}\.[A-Za-z0-9_-]{16,4096}/g },
];

/** Webhook URLs whose path is the secret: keep the host, redact the rest. */
const WEBHOOK_URLS = /(https?:\/\/(?:hooks\.slack\.com\/(?:services|workflows|triggers)|(?:discord(?:app)?\.com)\/api\/webhooks)\/)([A-Za-z0-9/_-]{1,1024})/g;
const BEARER = /(?<![A-Za-z0-9])(Bearer)([ \t]+)([A-Za-z0-9\-._~+/]{8,4096}={0,2})/gi;
const HMAC = /(?<![A-Za-z0-9])(sha1|sha256|sha512|v0|v1)=([0-9a-fA-F]{32,4096})(?![0-9a-fA-F])/g;
/** A line of a PEM body on its own (40-76 base64 characters), e.g. a private key split over log records. */
const KEY_MATERIAL_LINE = /^([ \t]*)((?=[A-Za-z0-9+/]{0,76}\d)(?=[A-Za-z0-9+/]{0,76}[a-z])(?=[A-Za-z0-9+/]{0,76}[A-Z])[A-Za-z0-9+/]{40,76}={0,2})[ \t]*$/gm;
/** SQL that sets a password: ALTER ROLE x WITH PASSWORD '...', CREATE USER x IDENTIFIED BY '...'. */
const SQL_PASSWORD = /(?<![A-Za-z0-9_])((?:PASSWORD|IDENTIFIED[ \t]+BY)[ \t]+')((?:[^'\n]|''){1,4096})'/gi;
/** {"key": "DB_PASSWORD", "value": "..."} written as JSON text (Render env vars, Kubernetes env, ...). */
const JSON_KEY_VALUE_PAIR = /("(?:key|name)"[ \t]*:[ \t]*"([^"\\\n]{1,100})"[ \t]*,[ \t]*"value"[ \t]*:[ \t]*")((?:[^"\\\n]|\\.){0,65536})"/g;
/** <password>...</password> and <api-key>...</api-key> in XML and HTML-ish logs. */
const XML_ELEMENT = /<([A-Za-z_][A-Za-z0-9_.:-]{0,60})>([^<\n]{1,4096})<\/\1>/g;
/** Command lines: `--password value`, `--api-key value`, `curl -u user:password`. */
const CLI_FLAG = /(?<![A-Za-z0-9_-])(--([A-Za-z][A-Za-z0-9_-]{0,60})[ \t]+)([^\s"'-][^\s"']{0,4096})/g;
const CURL_USER = /(?<![A-Za-z0-9_-])((?:-u|--user)[ \t]+[^\s:"']{1,256}:)([^\s"']{1,4096})/g;
const AUTH_SCHEME = /^(?:Bearer|Basic|Digest|Token|Bot|Negotiate)[ \t]{1,16}(?=\S)/i;

/** The key and separator of key: value / key=value / "key": "value" / \"key\":\"value\" anywhere in a line (bounded length). */
const KEY_SEPARATOR = /(?<![A-Za-z0-9_.-])(?<!\[REDACTED:)(?<!:\/\/)(\\{0,8}["']|)([A-Za-z_][A-Za-z0-9_.-]{0,100})\1[ \t]{0,64}(?::|=>|=)[ \t]{0,64}/g;
/** The value after a secret key's separator (matched only there, so long values are scanned once). */
const KEY_VALUE = new RegExp(
  [
    '(\\\\{1,8}["\'])((?:(?!\\1)[^\\n]){0,65536})\\1', // 1: escaped quote, 2: \"escaped\" value
    '|"((?:[^"\\\\\\n]|\\\\.){0,65536})"', // 3: "double quoted"
    "|'([^'\\n]{0,65536})'", // 4: 'single quoted'
    '|((?:(?:Bearer|Basic|Digest|Token|Bot)[ \\t]{1,16})?)([^\\s"\'](?:[^\\s"\'&;<]|&(?![A-Za-z_][\\w.-]{0,100}=)|;(?![ \\t]{0,8}[A-Za-z_][\\w.-]{0,100}=)|<(?!\\/)){0,65536})', // 5: auth scheme, 6: bare value (ends before &key=, ;key=, </tag)
  ].join(''),
  'y',
);

/** A whole line `key: value`, `KEY=value`, `export KEY="value"`, `- key: value`, `"key": "value",`. */
const LINE_KEY_VALUE = /^([ \t]*(?:export[ \t]+|-[ \t]+)?)(["']?)([A-Za-z_][A-Za-z0-9_.-]{0,100})\2([ \t]*[:=][ \t]*)(.*)$/;

// ------------------------------------------------------------------ the redactor

/** Characters that end a token when looking known secrets up again (see SecretTable.propagate). */
const TOKEN = /[^\s"'=,;&<>(){}[\]|`/@:\\]+/g;
const TOKEN_DELIMITER = /[\s"'=,;&<>(){}[\]|`/@:\\]/;
const MAX_COMPLEX_SECRETS = 200;

class SecretTable {
  private readonly bySecret = new Map<string, string>();
  private readonly kinds = new Map<string, number>();
  private counter = 0;
  /** Propagatable secrets without delimiter characters, found again as whole tokens (O(1) per token). */
  private readonly tokens = new Map<string, string>();
  /** Propagatable secrets with delimiters inside (spaces, '=', '/'...), found again by substring search; capped. */
  private readonly complex: string[] = [];

  /** `shaped`: the secret is recognised by its own shape wherever it appears (JWT, key prefix, PEM): no lookup needed. */
  placeholder(kind: string, secret: string, shaped = false): string {
    if (PLACEHOLDER_EXACT.test(secret)) return secret;
    const known = this.bySecret.get(secret);
    if (known !== undefined) return known;
    this.counter += 1;
    const placeholder = `[REDACTED:${kind}:${this.counter}]`;
    this.bySecret.set(secret, placeholder);
    this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + 1);
    if (!shaped && isPropagatable(secret)) {
      if (!TOKEN_DELIMITER.test(secret)) this.tokens.set(secret, placeholder);
      else if (this.complex.length < MAX_COMPLEX_SECRETS) this.complex.push(secret);
    }
    return placeholder;
  }

  /**
   * Replace known secrets where they appear again without context: as a whole token (between spaces, quotes,
   * '=', ':', '/', brackets...; a trailing '.', '!' or '?' is allowed), or anywhere for secrets that contain such
   * characters. Linear in the text whatever the number of secrets. Never touches existing placeholders.
   */
  propagate(text: string): string {
    let out = text;
    for (const secret of this.complex) {
      if (out.includes(secret)) out = out.split(secret).join(this.bySecret.get(secret) ?? '');
    }
    if (this.tokens.size === 0) return out;
    return out.replace(TOKEN, (token) => {
      const exact = this.tokens.get(token);
      if (exact !== undefined) return exact;
      const trimmed = token.replace(/[.!?]+$/, '');
      const found = trimmed !== token ? this.tokens.get(trimmed) : undefined;
      return found !== undefined ? `${found}${token.slice(trimmed.length)}` : token;
    });
  }

  stats(): Record<string, number> {
    return Object.fromEntries([...this.kinds.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}

/** The value of a key=value pair minus placeholders: redact it unless it is empty or only a prefix like `sha256=`. */
function alreadyRedacted(value: string): boolean {
  if (!PLACEHOLDER_PATTERN.test(value)) return false;
  const rest = value.replace(PLACEHOLDER_GLOBAL, '').trim();
  return rest.length < 12 && /^[A-Za-z0-9_ -]*[=:,]?$/.test(rest);
}

function redactKeyedValue(table: SecretTable, key: string, value: string): string {
  if (isNonSecretValue(value) || alreadyRedacted(value)) return value;
  const scheme = AUTH_SCHEME.exec(value)?.[0];
  if (scheme !== undefined) {
    const credential = value.slice(scheme.length);
    if (isNonSecretValue(credential) || alreadyRedacted(credential)) return value;
    return `${scheme}${table.placeholder(kindForKey(key), credential)}`;
  }
  return table.placeholder(kindForKey(key), value);
}

/** Redact `.env`, YAML and pretty-JSON lines whose key is secret-like, including YAML blocks under such a key. */
function redactLines(table: SecretTable, text: string): string {
  if (!/[:=]/.test(text)) return text;
  const parts = text.split(/(\r?\n)/);
  let blockIndent = -1;
  let blockKey = '';
  for (let index = 0; index < parts.length; index += 2) {
    const line = parts[index] ?? '';
    const indent = /^[ \t]*/.exec(line)?.[0].length ?? 0;
    if (blockIndent >= 0) {
      if (line.trim() === '') continue;
      if (indent > blockIndent) {
        parts[index] = redactBlockLine(table, blockKey, line, indent);
        continue;
      }
      blockIndent = -1;
    }
    if (line.length > 100_000) continue; // the inline pass still handles it
    const match = LINE_KEY_VALUE.exec(line);
    if (!match) continue;
    const [, , , key = '', , rawValue = ''] = match;
    if (!isSecretKey(key)) continue;
    const value = rawValue.trim();
    if ((value === '' || /^[|>][+-]?\d*$/.test(value)) && isStrongSecretKey(key)) {
      blockIndent = indent;
      blockKey = key;
      continue;
    }
    const quoteChar = value[0];
    const prefix = line.slice(0, line.length - rawValue.length);
    let replaced: string;
    if ((quoteChar === '"' || quoteChar === "'") && value.indexOf(quoteChar, 1) > 0) {
      const end = quoteChar === '"' ? findClosingQuote(value) : value.indexOf("'", 1);
      const inner = value.slice(1, end);
      replaced = `${quoteChar}${redactKeyedValue(table, key, inner)}${value.slice(end)}`;
    } else {
      const comment = /\s+#.*$/.exec(value);
      const body = comment ? value.slice(0, comment.index) : value;
      const trailing = /[,;]$/.exec(body)?.[0] ?? '';
      const bare = body.slice(0, body.length - trailing.length);
      replaced = `${redactKeyedValue(table, key, bare)}${trailing}${comment?.[0] ?? ''}`;
    }
    const leading = rawValue.slice(0, rawValue.length - rawValue.trimStart().length);
    const trailingSpace = rawValue.slice(rawValue.trimEnd().length);
    parts[index] = `${prefix}${leading}${replaced}${trailingSpace}`;
  }
  return parts.join('');
}

function findClosingQuote(value: string): number {
  for (let index = 1; index < value.length; index += 1) {
    if (value[index] === '\\') index += 1;
    else if (value[index] === '"') return index;
  }
  return value.length;
}

/** A line inside a YAML block under a secret key: redact its value (or the whole content of a block scalar). */
function redactBlockLine(table: SecretTable, blockKey: string, line: string, indent: number): string {
  const head = line.slice(0, indent);
  const body = line.slice(indent);
  if (body.length > 65_536) return `${head}${table.placeholder(kindForKey(blockKey), body)}`;
  const keyed = /^((?:-[ \t]+)?["']?[A-Za-z0-9_.-]+["']?[ \t]*:[ \t]+)(.+)$/.exec(body);
  if (keyed?.[1] !== undefined && keyed[2] !== undefined) return `${head}${keyed[1]}${redactKeyedValue(table, blockKey, keyed[2].trim())}`;
  const item = /^(-[ \t]+)(.+)$/.exec(body);
  if (item?.[1] !== undefined && item[2] !== undefined) return `${head}${item[1]}${redactKeyedValue(table, blockKey, item[2].trim())}`;
  if (/^["']?[A-Za-z0-9_.-]+["']?[ \t]*:$/.test(body)) return line;
  return `${head}${redactKeyedValue(table, blockKey, body.trim())}`;
}

/** `abc),` -> `abc`; a placeholder's closing bracket is kept (`[REDACTED:token:1])` -> `[REDACTED:token:1]`). */
function trimTrailingPunctuation(value: string): string {
  let end = value.length;
  while (end > 0 && ',.)]}'.includes(value[end - 1] as string)) {
    if (value[end - 1] === ']' && /\[REDACTED:[a-z0-9-]{1,40}:\d{1,12}(?:-r\d{1,20})?$/.test(value.slice(Math.max(0, end - 80), end - 1))) break;
    end -= 1;
  }
  return value.slice(0, end);
}

/** The inline key=value pass; a pair with an ordinary key is skipped past its key only, so its value is scanned too. */
function redactKeyValues(table: SecretTable, text: string): string {
  KEY_SEPARATOR.lastIndex = 0;
  let out = '';
  let copied = 0;
  for (let found = KEY_SEPARATOR.exec(text); found !== null; found = KEY_SEPARATOR.exec(text)) {
    const key = found[2] ?? '';
    if (!isSecretKey(key)) continue;
    const valueStart = found.index + found[0].length;
    KEY_VALUE.lastIndex = valueStart;
    const match = KEY_VALUE.exec(text);
    if (!match) continue;
    const [whole, escapedQuote, escaped, doubled, single, , bare] = match;
    KEY_SEPARATOR.lastIndex = valueStart + whole.length;
    let replacement = whole;
    const value = escaped ?? doubled ?? single;
    if (value !== undefined) {
      if (!isNonSecretValue(value) && !alreadyRedacted(value)) {
        const start = whole.length - (escaped !== undefined ? (escapedQuote?.length ?? 2) : 1) - value.length;
        replacement = `${whole.slice(0, start)}${redactKeyedValue(table, key, value)}${whole.slice(start + value.length)}`;
      }
    } else if (bare !== undefined) {
      const start = whole.length - bare.length;
      const stripped = trimTrailingPunctuation(bare);
      const trimmed = stripped === '' ? bare : stripped;
      if (isNonSecretValue(bare) || isNonSecretValue(trimmed) || alreadyRedacted(trimmed) || /^\d{1,4}$/.test(trimmed)) {
        // e.g. ${DB_PASSWORD}, `secret: str)` or a value redacted before
      } else {
        replacement = `${whole.slice(0, start)}${table.placeholder(kindForKey(key), trimmed)}${bare.slice(trimmed.length)}`;
      }
    }
    if (replacement !== whole) {
      out += text.slice(copied, valueStart) + replacement;
      copied = valueStart + whole.length;
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function redactText(table: SecretTable, input: string): string {
  let text = input;
  text = text.replace(PEM, (match) => table.placeholder('private-key', match, true));
  text = text.replace(JWT, (match) => table.placeholder('jwt', match, true));
  text = text.replace(URL_CREDENTIALS, (whole, scheme: string, user: string, password: string) =>
    isNonSecretValue(password) || alreadyRedacted(password) ? whole : `${scheme}${user}:${table.placeholder('db-password', password)}@`,
  );
  text = text.replace(WEBHOOK_URLS, (_whole, base: string, secret: string) => `${base}${table.placeholder('webhook-url', secret, true)}`);
  for (const rule of PREFIX_RULES) {
    text = text.replace(rule.pattern, (match) => (rule.accept && !rule.accept(match) ? match : table.placeholder(rule.kind, match, true)));
  }
  text = text.replace(BEARER, (whole, word: string, space: string, token: string) =>
    /\d/.test(token) || token.length >= 24 ? `${word}${space}${table.placeholder('bearer', token)}` : whole,
  );
  text = text.replace(HMAC, (_whole, prefix: string, hex: string) => `${prefix}=${table.placeholder('hmac', hex, true)}`);
  text = text.replace(SQL_PASSWORD, (whole, head: string, password: string) =>
    alreadyRedacted(password) || isNonSecretValue(password) ? whole : `${head}${table.placeholder('password', password)}'`,
  );
  text = text.replace(XML_ELEMENT, (whole, tag: string, value: string) => (isSecretKey(tag) ? `<${tag}>${redactKeyedValue(table, tag, value)}</${tag}>` : whole));
  text = text.replace(CLI_FLAG, (whole, head: string, flag: string, value: string) => (isSecretKey(flag) ? `${head}${redactKeyedValue(table, flag, value)}` : whole));
  text = text.replace(CURL_USER, (whole, head: string, password: string) => (isNonSecretValue(password) || alreadyRedacted(password) ? whole : `${head}${table.placeholder('password', password)}`));
  text = text.replace(JSON_KEY_VALUE_PAIR, (whole, head: string, key: string, value: string) =>
    isSecretKey(key) ? `${head}${redactKeyedValue(table, key, value)}"` : whole,
  );
  text = text.replace(KEY_MATERIAL_LINE, (_whole, head: string, body: string) => `${head}${table.placeholder('private-key', body, true)}`);
  text = redactLines(table, text);
  text = redactKeyValues(table, text);
  return table.propagate(text);
}

const NAME_FIELDS = ['path', 'key', 'name', 'field', 'variable', 'setting', 'env', 'header'];
const VALUE_FIELDS = ['value', 'left', 'right', 'before', 'after', 'old', 'new', 'previous', 'current', 'default'];
const TEXT_FIELDS = ['excerpt', 'detail', 'message', 'text', 'reason', 'line'];
const MAX_DEPTH = 2_000;

function lastSegment(name: string): string {
  const segments = name.split(/[./[\]:]+/).filter((segment) => segment.length > 0);
  return segments[segments.length - 1] ?? '';
}

/** JSON-like records only; Maps, Dates, Buffers and class instances are returned unchanged by `deep`. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function errorMessage(error: unknown, depth = 0): string {
  if (error instanceof Error) {
    let message = error.message || error.name;
    if (error instanceof AggregateError && Array.isArray(error.errors) && depth < 3) {
      message += error.errors.map((inner: unknown) => `\n  - ${errorMessage(inner, depth + 1)}`).join('');
    }
    const cause = (error as { cause?: unknown }).cause;
    if (cause !== undefined && depth < 3) message += ` (cause: ${errorMessage(cause, depth + 1)})`;
    return message;
  }
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

/**
 * Redact, and never fail open: if a pattern still gives up on some monstrous input (V8 throws RangeError when
 * a regular expression runs out of backtracking stack), redact line by line, and replace a line that still
 * cannot be scanned as a whole.
 */
function redactSafely(table: SecretTable, input: string): string {
  try {
    return redactText(table, input);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
  }
  return input
    .split(/(\r?\n)/)
    .map((part) => {
      if (part === '\n' || part === '\r\n' || part === '') return part;
      try {
        return redactText(table, part);
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        return table.placeholder('unscannable', part, true);
      }
    })
    .join('');
}

export function createRedactor(): Redactor {
  const table = new SecretTable();

  const text = (s: string): string => (typeof s === 'string' && s.length > 0 ? redactSafely(table, s) : s);

  const walk = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return text(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth > MAX_DEPTH) return `[REDACTED:too-deep:0]`;
    if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1));
    if (value instanceof Error) return text(errorMessage(value));
    if (!isPlainObject(value)) return value;
    const source = value;
    // A {key|path|name: "DB_PASSWORD", value|left|right: "..."} record: the sibling values are secrets.
    const secretName = NAME_FIELDS.map((field) => source[field]).find(
      (name): name is string => typeof name === 'string' && isSecretKey(lastSegment(name)),
    );
    const rawSecrets: string[] = [];
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(source)) {
      const outKey = text(key);
      if (secretName !== undefined && VALUE_FIELDS.includes(key) && (typeof item === 'string' || typeof item === 'number')) {
        const raw = String(item);
        const redacted = typeof item === 'string' ? redactKeyedValue(table, lastSegment(secretName), item) : table.placeholder(kindForKey(lastSegment(secretName)), raw);
        if (redacted !== raw && raw.trim().length >= 4) rawSecrets.push(raw.trim());
        result[outKey] = redacted;
      } else if (isSecretKey(key) && (typeof item === 'string' || typeof item === 'number')) {
        result[outKey] = typeof item === 'string' ? redactKeyedValue(table, key, item) : table.placeholder(kindForKey(key), String(item));
      } else if (isStrongSecretKey(key) && typeof item === 'object' && item !== null) {
        result[outKey] = walkSecret(key, item, depth + 1);
      } else {
        result[outKey] = walk(item, depth + 1);
      }
    }
    if (rawSecrets.length > 0 && secretName !== undefined) {
      for (const field of TEXT_FIELDS) {
        const current = result[field];
        if (typeof current !== 'string') continue;
        let replaced = current;
        for (const raw of rawSecrets) if (replaced.includes(raw)) replaced = replaced.split(raw).join(table.placeholder(kindForKey(lastSegment(secretName)), raw));
        result[field] = replaced;
      }
    }
    return result;
  };

  /** Everything under a secret key (e.g. `secrets: {stripe: ..., db: ...}`): every leaf value is a secret. */
  const walkSecret = (key: string, value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return redactKeyedValue(table, key, value);
    if (typeof value === 'number') return table.placeholder(kindForKey(key), String(value));
    if (value === null || typeof value !== 'object') return value;
    if (depth > MAX_DEPTH) return `[REDACTED:too-deep:0]`;
    if (Array.isArray(value)) return value.map((item) => walkSecret(key, item, depth + 1));
    if (!isPlainObject(value)) return value;
    return Object.fromEntries(Object.entries(value).map(([inner, item]) => [text(inner), walkSecret(key, item, depth + 1)]));
  };

  /** Second pass: secrets first seen late in the value also disappear from strings visited earlier. */
  const propagate = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return table.propagate(value);
    if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
    if (Array.isArray(value)) return value.map((item) => propagate(item, depth + 1));
    if (!isPlainObject(value)) return value;
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [table.propagate(key), propagate(item, depth + 1)]));
  };

  return {
    text,
    deep<T>(value: T): T {
      return propagate(walk(value, 0), 0) as T;
    },
    error(error: unknown): string {
      return text(errorMessage(error));
    },
    stats: () => table.stats(),
  };
}

/** The redacted message of an error; pass the run's redactor so placeholders match the report's. */
export function redactError(error: unknown, redactor: Redactor = createRedactor()): string {
  return redactor.error(error);
}

/** Redact a whole evidence bundle with one redactor (same secret, same placeholder across sources). */
export function redactBundle(bundle: EvidenceBundle, redactor: Redactor = createRedactor()): EvidenceBundle {
  return redactor.deep(bundle);
}
