// Secret redaction for evidence, reports and error messages: one redactor per run, same secret -> same placeholder.
import type { EvidenceBundle } from '../../evidence/schema.ts';
import { findCatalogueSecrets } from './catalogue.ts';
import {
  isIdentifierKey,
  isNonSecretValue,
  isSecretKey,
  isStrongSecretKey,
  kindForKey,
  mayNameSecretKey,
  PLACEHOLDER_EXACT,
  PLACEHOLDER_GLOBAL,
  PLACEHOLDER_PATTERN,
  secretValueKind,
} from './recognise.ts';

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
  /**
   * Grows whenever a secret that is looked for everywhere (not only by its shape) is found: a value `deep` returned
   * when the version was the same as now needs no second pass.
   */
  version(): number;
}

// `n-r<digits>` marks a placeholder from an earlier run's evidence (see src/evidence/merge.ts).
export { PLACEHOLDER_PATTERN, isSecretKey } from './recognise.ts';

/** 1 for the hex digits (either case), per UTF-16 code unit. */
const HEX_DIGIT = new Uint8Array(1 << 16);
for (const char of '0123456789abcdefABCDEF') HEX_DIGIT[char.charCodeAt(0)] = 1;
/** An ASCII digit (false past the text's end: NaN). */
const isDigit = (code: number): boolean => code >= 48 && code <= 57;

function hexRun(text: string, from: number, to: number): boolean {
  for (let index = from; index < to; index++) if (HEX_DIGIT[text.charCodeAt(index)] !== 1) return false;
  return true;
}

function digitRun(text: string, from: number, to: number): boolean {
  for (let index = from; index < to; index++) if (!isDigit(text.charCodeAt(index))) return false;
  return true;
}

/** /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i on a 36-character text with dashes at 8 and 23, without a pattern. */
function isUuidText(text: string): boolean {
  return text.charCodeAt(13) === 45 && text.charCodeAt(18) === 45 && hexRun(text, 0, 8) && hexRun(text, 9, 13) && hexRun(text, 14, 18) && hexRun(text, 19, 23) && hexRun(text, 24, 36);
}

/**
 * /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/ on a text of 10+ characters with dashes at 4 and 7, without a
 * pattern: the run of [\d:.] ends at the first other character (none of Z, + and - is in it), and what follows it must be
 * nothing, Z or an offset.
 */
function isTimeText(text: string): boolean {
  const length = text.length;
  if (!digitRun(text, 0, 4) || !digitRun(text, 5, 7) || !digitRun(text, 8, 10)) return false;
  if (length === 10) return true;
  const separator = text.charCodeAt(10);
  if (separator !== 84 && separator !== 32) return false;
  let end = 11;
  while (end < length) {
    const code = text.charCodeAt(end);
    if (!isDigit(code) && code !== 58 && code !== 46) break;
    end += 1;
  }
  if (end === 11) return false;
  if (end === length) return true;
  const sign = text.charCodeAt(end);
  if (sign === 90) return end + 1 === length;
  if (sign !== 43 && sign !== 45) return false;
  const rest = length - end - 1;
  const at = end + 1;
  if (rest === 4) return digitRun(text, at, at + 4);
  return rest === 5 && digitRun(text, at, at + 2) && text.charCodeAt(at + 2) === 58 && digitRun(text, at + 3, at + 5);
}

/** A uuid or an ISO date/time on its own: evidence that must survive (ids and times are never secrets, nor hold one). */
function isIdOrTime(text: string): boolean {
  const length = text.length;
  // The dashes first: most texts fail there.
  if (length === 36) return text.charCodeAt(8) === 45 && text.charCodeAt(23) === 45 && isUuidText(text);
  return length >= 10 && length <= 35 && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45 && isTimeText(text);
}

/** Secrets long and varied enough to be replaced wherever they appear again, even without context. */
function isPropagatable(secret: string): boolean {
  if (secret.length < 8 || secret.length > 4096) return false;
  if (PLACEHOLDER_PATTERN.test(secret)) return false;
  if (/^\d+$/.test(secret)) return false;
  // Never ids or times: they must survive even if a secret field happens to hold one.
  if (isIdOrTime(secret)) return false;
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
const URL_CREDENTIALS = /(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]{0,30}:\/\/)([^\s:@/?#"'<>[\]]{0,256}):([^\s@/"<>]{1,1024})@/g;

interface PrefixRule {
  kind: string;
  pattern: RegExp;
  /** Extra check on the match (e.g. needs a digit), to avoid ordinary words. */
  accept?: (match: string) => boolean;
}

const hasDigitAndLetter = (match: string): boolean => /\d/.test(match) && /[A-Za-z]/.test(match.slice(3));

/**
 * Formats the catalogue (gitleaks' rules, src/lib/secrets/catalogue.ts) lacks or matches only in a stricter, older
 * shape: keep them next to it. Everything else with a provider prefix comes from the catalogue.
 */
const PREFIX_RULES: PrefixRule[] = [
  { kind: 'anthropic-key', pattern: /(?<![A-Za-z0-9])sk-ant-[A-Za-z0-9_-]{20,4096}/g },
  { kind: 'openai-key', pattern: /(?<![A-Za-z0-9_-])sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,4096}/g, accept: hasDigitAndLetter },
  { kind: 'webhook-secret', pattern: /(?<![A-Za-z0-9])whsec_[A-Za-z0-9+/=_-]{10,4096}/g },
  { kind: 'llamacloud-key', pattern: /(?<![A-Za-z0-9])llx-[A-Za-z0-9_-]{20,4096}/g },
  { kind: 'render-key', pattern: /(?<![A-Za-z0-9])rnd_[A-Za-z0-9]{16,4096}/g },
  { kind: 'supabase-key', pattern: /(?<![A-Za-z0-9])sb_secret_[A-Za-z0-9_-]{10,4096}/g },
  // The catalogue's shapes are exact (base32 AWS ids, 36/82-character GitHub tokens); these also catch near misses.
  { kind: 'aws-access-key', pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g },
  { kind: 'github-token', pattern: /(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{20,4096}|github_pat_[A-Za-z0-9_]{20,4096})/g },
  { kind: 'slack-token', pattern: /(?<![A-Za-z0-9])(?:xox[abposr]-[A-Za-z0-9-]{10,4096}|xapp-\d-[A-Za-z0-9-]{10,4096})/g },
  { kind: 'twilio-account-sid', pattern: /(?<![A-Za-z0-9])AC[0-9a-f]{32}(?![A-Za-z0-9])/g },
];
/** What one of PREFIX_RULES needs (tested once per text before any of them runs). */
const PREFIX_TRIGGER = /sk-|whsec_|llx-|rnd_|sb_secret_|AKIA|ASIA|gh[pousr]_|github_pat_|xox[abposr]-|xapp-|AC[0-9a-f]{32}/;
/** The words some pattern below needs (bearer, secret, aws, auth, password, identified), case-insensitive. */
const WORD_TRIGGER = /bearer|secret|aws|auth|password|identified/i;
const HMAC_TRIGGER = /(?:sha1|sha256|sha512|v0|v1)=/;
/**
 * What LONG_VALUE_AHEAD and the line pass's shape check need: 24 base64/hex characters right after a separator (and
 * optional quote). A bare uuid there is skipped: it is never a secret by its shape (secretValueKind).
 */
const SHAPED_VALUE_TRIGGER = /[:=]>?\s*["']?(?![0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![A-Za-z0-9+/_=-]))[A-Za-z0-9+/_-]{24}/;
/** Which PREFIX_RULES can match: a literal each needs, checked before its pattern runs. */
const PREFIX_LITERALS = ['sk-ant-', 'sk-', 'whsec_', 'llx-', 'rnd_', 'sb_secret_', 'A', 'g', 'x', 'AC'];

/**
 * A 40-character AWS-style secret (or any 32+ character base64/hex run) in free text after words that say what it is:
 * `aws secret key wJalr...`, `using secret access key: ...`. Bounded gap, so linear.
 */
const CONTEXT_SECRET =
  /\b(?:secret(?:[ _-]?access)?[ _-]?key|aws[ _-]?secret|access[ _-]?key[ _-]?secret|client[ _-]?secret|api[ _-]?secret|auth[ _-]?token)\b[^A-Za-z0-9+/\n]{1,12}(?:(?:is|of|was|=|:)[^A-Za-z0-9+/\n]{0,4})?([A-Za-z0-9+/]{32,256}={0,2})(?![A-Za-z0-9+/=])/gi;

/** Webhook URLs whose path is the secret: keep the host, redact the rest. */
const WEBHOOK_URLS = /(https?:\/\/(?:hooks\.slack\.com\/(?:services|workflows|triggers)|(?:discord(?:app)?\.com)\/api\/webhooks)\/)([A-Za-z0-9/_-]{1,1024})/g;
const BEARER = /(?<![A-Za-z0-9])(Bearer)([ \t]+)([A-Za-z0-9\-._~+/]{8,4096}={0,2})/gi;
const HMAC = /(?<![A-Za-z0-9])(sha1|sha256|sha512|v0|v1)=([0-9a-fA-F]{32,4096})(?![0-9a-fA-F])/g;
/** A line of a PEM body on its own (40-76 base64 characters), e.g. a private key split over log records. */
const KEY_MATERIAL_LINE = /^([ \t]*)((?=[A-Za-z0-9+/]{0,76}\d)(?=[A-Za-z0-9+/]{0,76}[a-z])(?=[A-Za-z0-9+/]{0,76}[A-Z])[A-Za-z0-9+/]{40,76}={0,2})[ \t]*$/gm;
const LINE_BREAK = /[\n\r\u2028\u2029]/;

/** False when KEY_MATERIAL_LINE cannot match: one line (the whole text), longer than a key line and not padded with blanks. */
function mayHoldKeyMaterialLine(text: string): boolean {
  if (text.length <= 78 || LINE_BREAK.test(text)) return true;
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(text.length - 1);
  return first === 32 || first === 9 || last === 32 || last === 9;
}
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
    '|((?:(?:Bearer|Basic|Digest|Token|Bot)[ \\t]{1,16})?)([^\\s"\'](?:[^\\s"\'&;<]|&(?![A-Za-z_][\\w.-]{0,100}=)|;(?![ \\t]{0,8}[A-Za-z_][\\w.-]{0,100}=)|<(?!\\/[A-Za-z_][\\w.:-]{0,100}>)){0,65536})', // 5: auth scheme, 6: bare value (ends before &key=, ;key=, </tag>)
  ].join(''),
  'y',
);

/** A whole line `key: value`, `KEY=value`, `export KEY="value"`, `- key: value`, `"key": "value",`. */
const LINE_KEY_VALUE = /^([ \t]*(?:export[ \t]+|-[ \t]+)?)(["']?)([A-Za-z_][A-Za-z0-9_.-]{0,100})\2([ \t]*[:=][ \t]*)(.*)$/;

// ------------------------------------------------------------------ the redactor

/** Characters that end a token when looking known secrets up again (see SecretTable.propagate). */
const TOKEN_DELIMITER = /[\s"'=,;&<>(){}[\]|`/@:\\]/;
const MAX_COMPLEX_SECRETS = 200;

/** ASCII characters that end a token when looking known secrets up again (see SecretTable.propagate). */
const DELIMITERS = new Uint8Array(1 << 16);
for (const char of ' \t\n\r\f\v"\'=,;&<>(){}[]|`/@:\\') DELIMITERS[char.charCodeAt(0)] = 1;
/** One load a character (every UTF-16 code unit has its entry; past the text's end, NaN, is none). */
const isDelimiter = (code: number): boolean => DELIMITERS[code] === 1;
/** A token's first four characters packed into a number: the cheap first test before a lookup. */
const pack4 = (text: string, at: number): number =>
  (text.charCodeAt(at) & 0xff) | ((text.charCodeAt(at + 1) & 0xff) << 8) | ((text.charCodeAt(at + 2) & 0xff) << 16) | ((text.charCodeAt(at + 3) & 0x7f) << 24);
/** With at most this many secrets new since a text was last redacted, they are looked for one by one. */
const FEW_NEW_SECRETS = 16;
/** A packed four characters folded to 16 bits: the index of SecretTable's bitmap in front of its maps. */
const fold = (packed: number): number => (packed ^ (packed >>> 16)) & 0xffff;
/** Bits of SecretTable.packedBits: some token secret starts with these four characters, some anchor does, some tail ends with them. */
const TOKEN_BIT = 1;
const ANCHOR_BIT = 2;
const TAIL_BIT = 4;
/** The complex secrets are first looked for together by one pattern while their text is at most this long. */
const COMPLEX_GATE_CHARS = 65_536;
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Where a secret's first delimiter is (its first run of token characters ends there). */
function firstDelimiter(secret: string): number {
  let index = 0;
  while (index < secret.length && !isDelimiter(secret.charCodeAt(index))) index += 1;
  return index;
}

/** Where a delimited secret's anchor starts: its longest run of 4+ token characters right after a delimiter. */
function anchorOf(secret: string): number | undefined {
  let best: number | undefined;
  let bestLength = 3;
  for (let index = 1; index < secret.length; index++) {
    if (!isDelimiter(secret.charCodeAt(index - 1)) || isDelimiter(secret.charCodeAt(index))) continue;
    let end = index;
    while (end < secret.length && !isDelimiter(secret.charCodeAt(end))) end += 1;
    if (end - index > bestLength) {
      best = index;
      bestLength = end - index;
    }
  }
  return best;
}

class SecretTable {
  private readonly bySecret = new Map<string, string>();
  private readonly kinds = new Map<string, number>();
  private counter = 0;
  /** Propagatable secrets in the order they were found; `version` is their count. */
  private readonly ordered: string[] = [];
  /** Propagatable secrets without delimiter characters, found again as whole tokens (O(1) per token). */
  private readonly tokens = new Map<string, string>();
  private readonly prefixes = new Set<number>();
  /** Which of `prefixes`, `anchors` and `tails` may hold a packed four characters (by fold): most tokens stop here. */
  private readonly packedBits = new Uint8Array(1 << 16);
  /**
   * Propagatable secrets with delimiters inside (spaces, '=', '/'...), found again through an anchor: their longest
   * run after a delimiter (4+ characters), which starts a token wherever the secret appears. Those without one but
   * with a first run of 4+ characters (`<base64>==`, `<key>/`) are found through its last four characters, which end a
   * token wherever the secret appears (`tails`, offset: where the run ends); the rest by substring search (capped).
   */
  private readonly anchors = new Map<number, Array<{ secret: string; offset: number }>>();
  private readonly tails = new Map<number, Array<{ secret: string; offset: number }>>();
  private readonly complex: string[] = [];

  /** Grows whenever a secret that `propagate` looks for is added: texts redacted at an older version may need it. */
  get version(): number {
    return this.ordered.length;
  }

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
      if (!TOKEN_DELIMITER.test(secret)) {
        this.tokens.set(secret, placeholder);
        this.prefixes.add(pack4(secret, 0));
        this.packedBits[fold(pack4(secret, 0))]! |= TOKEN_BIT;
        this.ordered.push(secret);
      } else {
        const anchor = anchorOf(secret);
        if (anchor !== undefined) {
          const key = pack4(secret, anchor);
          this.anchors.set(key, [...(this.anchors.get(key) ?? []), { secret, offset: anchor }]);
          this.packedBits[fold(key)]! |= ANCHOR_BIT;
          this.ordered.push(secret);
        } else if (firstDelimiter(secret) >= 4) {
          const offset = firstDelimiter(secret);
          const key = pack4(secret, offset - 4);
          // In the order found: where two could be replaced, the one found first is (as a substring search in that order would).
          this.tails.set(key, [...(this.tails.get(key) ?? []), { secret, offset }]);
          this.packedBits[fold(key)]! |= TAIL_BIT;
          this.ordered.push(secret);
        } else if (this.complex.length < MAX_COMPLEX_SECRETS) {
          this.complex.push(secret);
          this.ordered.push(secret);
        }
      }
    }
    return placeholder;
  }

  /**
   * Replace known secrets where they appear again without context: as a whole token (between spaces, quotes,
   * '=', ':', '/', brackets...; a trailing '.', '!' or '?' is allowed), or anywhere for secrets that contain such
   * characters. `since`: the version the text was redacted at; only secrets found later are looked for. Linear in
   * the text whatever the number of secrets. Never touches existing placeholders.
   */
  propagate(text: string, since = 0): string {
    const fresh = this.ordered.length - since;
    if (fresh <= 0) return text;
    if (fresh <= FEW_NEW_SECRETS) {
      let out = text;
      for (let index = since; index < this.ordered.length; index++) {
        const secret = this.ordered[index]!;
        if (out.includes(secret)) out = this.tokens.has(secret) ? this.replaceToken(out, secret) : out.split(secret).join(this.bySecret.get(secret) ?? '');
      }
      return out;
    }
    let out = text;
    if (this.complex.length > 0 && this.complexGate().test(out)) {
      for (const secret of this.complex) {
        if (out.includes(secret)) out = out.split(secret).join(this.bySecret.get(secret) ?? '');
      }
    }
    return this.tokens.size === 0 && this.anchors.size === 0 && this.tails.size === 0 ? out : this.scanTokens(out);
  }

  private gate: { count: number; pattern: RegExp } | undefined;

  /**
   * A pattern that matches where one of the complex secrets occurs (any of them: one pass instead of a search each); while
   * their text is long, a pattern that matches everything (each is searched for, as before).
   */
  private complexGate(): RegExp {
    if (this.gate?.count !== this.complex.length) {
      const chars = this.complex.reduce((total, secret) => total + secret.length, 0);
      this.gate = { count: this.complex.length, pattern: chars <= COMPLEX_GATE_CHARS ? new RegExp(this.complex.map(escapeRegExp).join('|')) : /(?:)/ };
    }
    return this.gate.pattern;
  }

  /** Every occurrence of a token secret that stands alone (delimiters or the text's ends around it, or .!? after). */
  private replaceToken(text: string, secret: string): string {
    const placeholder = this.bySecret.get(secret) ?? '';
    let out = '';
    let copied = 0;
    // Occurrences do not overlap (as in replaceAll): a periodic secret inside a long run stays linear.
    for (let at = text.indexOf(secret); at !== -1; at = text.indexOf(secret, at + secret.length)) {
      const after = at + secret.length;
      const next = text.charCodeAt(after);
      const alone = (at === 0 || isDelimiter(text.charCodeAt(at - 1))) && (after >= text.length || isDelimiter(next) || next === 46 || next === 33 || next === 63);
      if (!alone || at < copied) continue;
      out += text.slice(copied, at) + placeholder;
      copied = after;
    }
    return copied === 0 ? text : out + text.slice(copied);
  }

  /** One pass over the text's tokens; a token is looked up only when its first four characters match a secret's. */
  private scanTokens(text: string): string {
    let out = '';
    let copied = 0;
    let start = 0;
    const length = text.length;
    while (start < length) {
      while (start < length && isDelimiter(text.charCodeAt(start))) start += 1;
      let end = start;
      while (end < length && !isDelimiter(text.charCodeAt(end))) end += 1;
      const head = end - start >= 4 ? this.packedBits[fold(pack4(text, start))]! : 0;
      if (end - start >= 4 && this.tails.size > 0 && (this.packedBits[fold(pack4(text, end - 4))]! & TAIL_BIT) !== 0) {
        // A secret whose first run ends where this token ends (and that starts in it): `<base64>==` after `AccountKey=`.
        const candidates = this.tails.get(pack4(text, end - 4));
        const hit = candidates?.find(({ secret, offset }) => end - offset >= start && end - offset >= copied && text.startsWith(secret, end - offset));
        if (hit !== undefined) {
          out += text.slice(copied, end - hit.offset) + (this.bySecret.get(hit.secret) ?? '');
          copied = end - hit.offset + hit.secret.length;
          start = copied;
          continue;
        }
      }
      if ((head & ANCHOR_BIT) !== 0) {
        const candidates = this.anchors.get(pack4(text, start));
        const hit = candidates?.find(({ secret, offset }) => start - offset >= copied && text.startsWith(secret, start - offset));
        if (hit !== undefined) {
          out += text.slice(copied, start - hit.offset) + (this.bySecret.get(hit.secret) ?? '');
          copied = start - hit.offset + hit.secret.length;
          start = copied;
          continue;
        }
      }
      if (end - start >= 8 && (head & TOKEN_BIT) !== 0 && this.prefixes.has(pack4(text, start))) {
        let tokenEnd = end;
        let placeholder = this.tokens.get(text.slice(start, tokenEnd));
        while (placeholder === undefined && tokenEnd - start > 8) {
          const last = text.charCodeAt(tokenEnd - 1);
          if (last !== 46 && last !== 33 && last !== 63) break;
          tokenEnd -= 1;
          placeholder = this.tokens.get(text.slice(start, tokenEnd));
        }
        if (placeholder !== undefined) {
          out += text.slice(copied, start) + placeholder;
          copied = tokenEnd;
        }
      }
      start = end;
    }
    return copied === 0 ? text : out + text.slice(copied);
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
    const value = rawValue.trim();
    if (!isSecretKey(key)) {
      const quoted = value[0] === '"' || value[0] === "'" ? /^(["'])(.*)\1[,;]?$/.exec(value)?.[2] : undefined;
      // A quoted value that is itself a line `SECRET_KEY=...` (a JSON log field holding a dotenv line): redacted as that line.
      const nested = quoted === undefined ? null : LINE_KEY_VALUE.exec(quoted);
      if (quoted !== undefined && nested && isSecretKey(nested[3] ?? '')) {
        const redacted = redactLines(table, quoted);
        parts[index] = line.slice(0, line.length - rawValue.length) + rawValue.replace(quoted, () => redacted);
        continue;
      }
      // An ordinary key (`auth_blob: <base64 of password=...>`, `twilio: <32 hex>`): only a value that is a credential by its shape.
      if (value.length < 24 || isIdentifierKey(key)) continue;
      const unquoted = quoted ?? value.replace(/[,;]$/, '');
      const kind = secretValueKind(unquoted);
      if (kind === undefined) continue;
      parts[index] = line.slice(0, line.length - rawValue.length) + rawValue.replace(unquoted, table.placeholder(kind, unquoted));
      continue;
    }
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

/** 24 characters of a base64/hex value right at the value's start: only then is an ordinary key's value checked by shape. */
const LONG_VALUE_AHEAD = /["']?[A-Za-z0-9+/_-]{24}/y;
/** A key whose value starts on the next line (`password=\n    'hunter2'` in a traceback, `"token":\n "..."`). */
const CONTINUATION = /[(\\]?[ \t]*\r?\n[ \t]{0,64}/y;

/**
 * The inline key=value pass. A secret key's value is replaced (also when it starts on the next line); an ordinary
 * key's value only when its shape says credential (high-entropy hex, base64 of a credential) and the key does not
 * name an identifier or hash. A pair with an ordinary key is skipped past its key only, so its value is scanned too.
 */
function redactKeyValues(table: SecretTable, text: string): string {
  KEY_SEPARATOR.lastIndex = 0;
  let out = '';
  let copied = 0;
  for (let found = KEY_SEPARATOR.exec(text); found !== null; found = KEY_SEPARATOR.exec(text)) {
    const key = found[2] ?? '';
    let valueStart = found.index + found[0].length;
    const secretKey = isSecretKey(key);
    if (!secretKey) {
      LONG_VALUE_AHEAD.lastIndex = valueStart;
      if (!LONG_VALUE_AHEAD.test(text) || isIdentifierKey(key)) continue;
    }
    KEY_VALUE.lastIndex = valueStart;
    let match = KEY_VALUE.exec(text);
    if (secretKey && (match === null || match[0] === '')) {
      CONTINUATION.lastIndex = valueStart;
      const continued = CONTINUATION.exec(text);
      if (continued !== null && copied <= valueStart) {
        valueStart += continued[0].length;
        KEY_VALUE.lastIndex = valueStart;
        match = KEY_VALUE.exec(text);
      }
    }
    if (!match || match[0] === '') continue;
    const [whole, escapedQuote, escaped, doubled, single, , bare] = match;
    KEY_SEPARATOR.lastIndex = valueStart + whole.length;
    let replacement = whole;
    const value = escaped ?? doubled ?? single;
    if (value !== undefined) {
      if (!isNonSecretValue(value) && !alreadyRedacted(value)) {
        const kind = secretKey ? undefined : secretValueKind(value);
        if (secretKey || kind !== undefined) {
          const start = whole.length - (escaped !== undefined ? (escapedQuote?.length ?? 2) : 1) - value.length;
          const redacted = kind !== undefined ? table.placeholder(kind, value) : redactKeyedValue(table, key, value);
          replacement = `${whole.slice(0, start)}${redacted}${whole.slice(start + value.length)}`;
        }
      }
    } else if (bare !== undefined) {
      const start = whole.length - bare.length;
      const stripped = trimTrailingPunctuation(bare);
      const trimmed = stripped === '' ? bare : stripped;
      if (isNonSecretValue(bare) || isNonSecretValue(trimmed) || alreadyRedacted(trimmed) || /^\d{1,4}$/.test(trimmed)) {
        // e.g. ${DB_PASSWORD}, `secret: str)` or a value redacted before
      } else {
        const kind = secretKey ? kindForKey(key) : secretValueKind(trimmed);
        if (kind !== undefined) replacement = `${whole.slice(0, start)}${table.placeholder(kind, trimmed)}${bare.slice(trimmed.length)}`;
      }
    }
    if (replacement !== whole) {
      out += text.slice(copied, valueStart) + replacement;
      copied = valueStart + whole.length;
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Replace the catalogue's findings (non-overlapping, first wins) with placeholders. */
function redactCatalogue(table: SecretTable, text: string): string {
  const found = findCatalogueSecrets(text);
  if (found.length === 0) return text;
  let out = '';
  let copied = 0;
  for (const finding of found) {
    if (finding.start < copied) continue;
    out += text.slice(copied, finding.start) + table.placeholder(finding.rule, text.slice(finding.start, finding.end), true);
    copied = finding.end;
  }
  return out + text.slice(copied);
}

/**
 * Every pattern runs only when a literal it needs occurs in the text (one `includes` each), so an ordinary log line
 * costs a few substring searches, the catalogue's keyword scan and the key=value pass. All patterns are bounded.
 * Known secrets are not looked for here: the caller propagates them (SecretTable.propagate), once per text.
 */
function redactText(table: SecretTable, input: string): string {
  let text = input;
  if (text.includes('PRIVATE KEY')) text = text.replace(PEM, (match) => table.placeholder('private-key', match, true));
  if (text.includes('eyJ')) text = text.replace(JWT, (match) => table.placeholder('jwt', match, true));
  if (text.includes('://')) {
    if (text.includes('@')) {
      text = text.replace(URL_CREDENTIALS, (whole, scheme: string, user: string, password: string) =>
        isNonSecretValue(password) || alreadyRedacted(password) ? whole : `${scheme}${user}:${table.placeholder('db-password', password)}@`,
      );
    }
    if (text.includes('hooks.slack.com') || text.includes('discord')) {
      text = text.replace(WEBHOOK_URLS, (_whole, base: string, secret: string) => `${base}${table.placeholder('webhook-url', secret, true)}`);
    }
  }
  if (text.length >= 16) text = redactCatalogue(table, text);
  if (PREFIX_TRIGGER.test(text)) {
    for (let index = 0; index < PREFIX_RULES.length; index++) {
      if (!text.includes(PREFIX_LITERALS[index]!)) continue;
      const rule = PREFIX_RULES[index]!;
      text = text.replace(rule.pattern, (match) => (rule.accept && !rule.accept(match) ? match : table.placeholder(rule.kind, match, true)));
    }
  }
  const lower = WORD_TRIGGER.test(text) ? text.toLowerCase() : '';
  if (lower.includes('bearer')) {
    text = text.replace(BEARER, (whole, word: string, space: string, token: string) => (/\d/.test(token) || token.length >= 24 ? `${word}${space}${table.placeholder('bearer', token)}` : whole));
  }
  if (lower.includes('secret') || lower.includes('aws') || lower.includes('auth')) {
    text = text.replace(CONTEXT_SECRET, (whole, secret: string) => {
      if (!/\d/.test(secret) || !/[A-Z]/.test(secret) || !/[a-z]/.test(secret)) return whole;
      return whole.slice(0, whole.length - secret.length) + table.placeholder('secret', secret);
    });
  }
  const hasEquals = text.includes('=');
  if (hasEquals && HMAC_TRIGGER.test(text)) text = text.replace(HMAC, (_whole, prefix: string, hex: string) => `${prefix}=${table.placeholder('hmac', hex, true)}`);
  if (lower.includes('password') || lower.includes('identified')) {
    text = text.replace(SQL_PASSWORD, (whole, head: string, password: string) =>
      alreadyRedacted(password) || isNonSecretValue(password) ? whole : `${head}${table.placeholder('password', password)}'`,
    );
  }
  if (text.includes('</')) text = text.replace(XML_ELEMENT, (whole, tag: string, value: string) => (isSecretKey(tag) ? `<${tag}>${redactKeyedValue(table, tag, value)}</${tag}>` : whole));
  if (text.includes('--')) text = text.replace(CLI_FLAG, (whole, head: string, flag: string, value: string) => (isSecretKey(flag) ? `${head}${redactKeyedValue(table, flag, value)}` : whole));
  // `--user` holds `-u`: one search.
  if (text.includes('-u')) {
    text = text.replace(CURL_USER, (whole, head: string, password: string) => (isNonSecretValue(password) || alreadyRedacted(password) ? whole : `${head}${table.placeholder('password', password)}`));
  }
  if (text.includes('"value"')) {
    text = text.replace(JSON_KEY_VALUE_PAIR, (whole, head: string, key: string, value: string) => (isSecretKey(key) ? `${head}${redactKeyedValue(table, key, value)}"` : whole));
  }
  if (text.length >= 40 && mayHoldKeyMaterialLine(text)) text = text.replace(KEY_MATERIAL_LINE, (_whole, head: string, body: string) => `${head}${table.placeholder('private-key', body, true)}`);
  // The key=value passes act on a secret key's value, or on a value that is a credential by its shape (24+ base64/hex characters right after the separator).
  if ((hasEquals || text.includes(':')) && (SHAPED_VALUE_TRIGGER.test(text) || mayNameSecretKey(text))) {
    text = redactLines(table, text);
    text = redactKeyValues(table, text);
  }
  return text;
}

const NAME_FIELDS = ['path', 'key', 'name', 'field', 'variable', 'setting', 'env', 'header'];
const VALUE_FIELDS = new Set(['value', 'left', 'right', 'before', 'after', 'old', 'new', 'previous', 'current', 'default']);
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

/** A new record with the first `count` properties of `source` (unchanged so far: same keys, same values). */
function copyFirst(source: Record<string, unknown>, keys: string[], count: number): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (let index = 0; index < count; index++) copy[keys[index]!] = source[keys[index]!];
  return copy;
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

/** Redacted texts remembered per redactor (a bundle repeats keys, messages and values; gather redacts each output twice). */
const MEMO_LIMIT = 200_000;

/** Strings shorter than this cannot hold a secret that is looked for everywhere (see isPropagatable). */
const MIN_PROPAGATED = 8;
const KEY_INFO_LIMIT = 50_000;

interface KeyInfo {
  entry: Redaction;
  secret: boolean;
  strong: boolean;
  identifier: boolean;
  /** One of VALUE_FIELDS. */
  value: boolean;
  /** Index in NAME_FIELDS, or -1. */
  name: number;
  /** The last text visited under this key (siblings repeat values: a file, a level, an excerpt) and its redaction. */
  lastText?: string;
  lastEntry?: Redaction;
  /** The last text whose shape was judged under this key, and the verdict (secretValueKind). */
  shapeText?: string;
  shapeKind?: string | undefined;
}

/** A record's keys as walkRecord reads them: siblings at one depth usually have the same keys, in the same order. */
interface RecordKeys {
  keys: string[];
  infos: KeyInfo[];
  named: boolean;
  secretKeys: boolean;
  /** The deep redaction in which the long keys' redactions were last noted. */
  run: number;
}

/** A text's redaction: `out` has every secret known at table version `version` replaced (0: only its own secrets). */
interface Redaction {
  out: string;
  version: number;
  /** The deep redaction that last noted it. */
  run?: number;
}

/**
 * One redactor's state and its deep walk. Methods rather than closures made per call, so the walk's compiled code
 * serves every value and every redactor (a one-shot CLI run pays the compiler once).
 */
class RedactorState {
  readonly table = new SecretTable();
  /**
   * text -> its redaction, shared with the redaction's own text (redacting is idempotent). An entry is brought up to
   * date in place when newer secrets are looked for, so a text is scanned for each known secret once.
   */
  private readonly memo = new Map<string, Redaction>();
  /** Per object key: its redaction and what the recogniser says about it (one lookup per key visited). */
  private readonly keyInfos = new Map<string, KeyInfo>();
  private runs = 0;
  /** The deep redaction under way (deep is not re-entrant): its number, the redactions it noted and their texts then. */
  private run = 0;
  private used: Redaction[] = [];
  private before: string[] = [];
  /** Per depth, the keys of the last record walked there (compared key by key with the next one's). */
  private readonly recordKeys: Array<RecordKeys | undefined> = [];

  /** The text's own secrets replaced; known secrets not looked for yet (the entry's version says which were). */
  redaction(s: string): Redaction {
    // Ids and times (half the strings of a log bundle) are kept as they are: no pattern matches them, and no known secret is looked for in them.
    if (isIdOrTime(s)) return { out: s, version: Number.POSITIVE_INFINITY };
    let entry = this.memo.get(s);
    if (entry !== undefined) return entry;
    const out = redactSafely(this.table, s);
    if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
    entry = { out, version: 0 };
    this.memo.set(s, entry);
    if (out !== s && !this.memo.has(out)) this.memo.set(out, entry);
    return entry;
  }

  /** The entry's text with every secret known now replaced. */
  current(entry: Redaction): string {
    if (entry.version < this.table.version) {
      const out = this.table.propagate(entry.out, entry.version);
      entry.version = this.table.version;
      if (out !== entry.out) {
        entry.out = out;
        if (!this.memo.has(out)) this.memo.set(out, entry);
      }
    }
    return entry.out;
  }

  text(s: string): string {
    return typeof s !== 'string' || s.length === 0 || isIdOrTime(s) ? s : this.current(this.redaction(s));
  }

  private keyInfo(key: string): KeyInfo {
    let info = this.keyInfos.get(key);
    if (info === undefined) {
      if (this.keyInfos.size >= KEY_INFO_LIMIT) this.keyInfos.clear();
      info = {
        entry: this.redaction(key),
        secret: isSecretKey(key),
        strong: isStrongSecretKey(key),
        identifier: isIdentifierKey(key),
        value: VALUE_FIELDS.has(key),
        name: NAME_FIELDS.indexOf(key),
      };
      this.keyInfos.set(key, info);
    }
    return info;
  }

  /**
   * One deep redaction: strings get their own secrets replaced as they are visited, and the redactions of those long
   * enough to hold a known secret are noted (once each); at the end each noted redaction is brought up to the table's
   * final version (each text scanned once), and only if one of them changed is the result walked again. Copy on
   * write: what holds no secret is returned as it is.
   */
  deep(value: unknown): unknown {
    this.runs += 1;
    this.run = this.runs;
    this.used = [];
    this.before = [];
    const result = this.walk(value, 0);
    const { used, before } = this;
    this.used = [];
    this.before = [];
    if (this.table.version === 0) return result;
    let changed = false;
    for (let index = 0; index < used.length; index++) if (this.current(used[index]!) !== before[index]) changed = true;
    return changed ? this.refresh(result, 0) : result;
  }

  private use(entry: Redaction): void {
    if (entry.run === this.run) return;
    entry.run = this.run;
    this.used.push(entry);
    this.before.push(entry.out);
  }

  private visitString(s: string): string {
    if (s.length === 0 || isIdOrTime(s)) return s;
    const entry = this.redaction(s);
    if (s.length >= MIN_PROPAGATED) this.use(entry);
    return entry.out;
  }

  private walk(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.visitString(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth > MAX_DEPTH) return `[REDACTED:too-deep:0]`;
    if (Array.isArray(value)) {
      let result: unknown[] | undefined;
      for (let index = 0; index < value.length; index++) {
        const item: unknown = value[index];
        const out = typeof item === 'number' ? item : this.walk(item, depth + 1);
        if (result !== undefined) result[index] = out;
        else if (out !== item) {
          result = value.slice(0, index);
          result[index] = out;
        }
      }
      return result ?? value;
    }
    if (value instanceof Error) return this.visitString(errorMessage(value));
    if (!isPlainObject(value)) return value;
    return this.walkRecord(value, depth);
  }

  /** What the recogniser says about a record's keys, from the last record at this depth when its keys are the same. */
  private keysOf(keys: string[], depth: number): RecordKeys {
    const last = this.recordKeys[depth];
    let same = last !== undefined && last.keys.length === keys.length;
    for (let index = 0; same && index < keys.length; index++) same = last!.keys[index] === keys[index];
    if (same) {
      if (last!.run !== this.run) {
        last!.run = this.run;
        for (let index = 0; index < keys.length; index++) if (keys[index]!.length >= MIN_PROPAGATED) this.use(last!.infos[index]!.entry);
      }
      return last!;
    }
    const infos = new Array<KeyInfo>(keys.length);
    let named = false;
    let secretKeys = false;
    for (let index = 0; index < keys.length; index++) {
      const key = keys[index]!;
      const info = this.keyInfo(key);
      if (key.length >= MIN_PROPAGATED) this.use(info.entry);
      infos[index] = info;
      if (info.name >= 0) named = true;
      if (info.secret || info.strong) secretKeys = true;
    }
    const found = { keys, infos, named, secretKeys, run: this.run };
    if (depth < 64) this.recordKeys[depth] = found;
    return found;
  }

  /** visitString for a value under a key: the key's last text and its redaction are reused when the value is the same. */
  private visitValue(info: KeyInfo, s: string): string {
    if (s.length === 0) return s;
    let entry: Redaction;
    if (info.lastText === s) entry = info.lastEntry!;
    else {
      entry = this.redaction(s);
      info.lastText = s;
      info.lastEntry = entry;
    }
    if (s.length >= MIN_PROPAGATED) this.use(entry);
    return entry.out;
  }

  /** secretValueKind of a value under a key, the key's last verdict reused when the value is the same. */
  private shapeOf(info: KeyInfo, s: string): string | undefined {
    if (info.shapeText !== s) {
      info.shapeText = s;
      info.shapeKind = secretValueKind(s.trim());
    }
    return info.shapeKind;
  }

  private walkRecord(source: Record<string, unknown>, depth: number): Record<string, unknown> {
    const keys = Object.keys(source);
    const { infos, named, secretKeys } = this.keysOf(keys, depth);
    // A {key|path|name: "DB_PASSWORD", value|left|right: "..."} record: the sibling values are secrets.
    // {path: "build.commit_sha", left: "<40 hex>"}: the values are named by the record's name field, not by `left`.
    let secretName: string | undefined;
    let recordName: string | undefined;
    if (named) {
      for (const field of NAME_FIELDS) {
        const name = source[field];
        if (typeof name !== 'string') continue;
        recordName ??= name;
        if (secretName === undefined && isSecretKey(lastSegment(name))) secretName = name;
      }
    }
    const identifierRecord = recordName !== undefined && isIdentifierKey(lastSegment(recordName));
    if (secretName !== undefined || secretKeys) return this.walkSecretRecord(source, keys, infos, secretName, identifierRecord, depth);
    // In the order of Object.keys; one call instead of a keyed load per property (the records' shapes vary).
    const values = Object.values(source);
    let result: Record<string, unknown> | undefined;
    for (let index = 0; index < keys.length; index++) {
      const key = keys[index]!;
      const info = infos[index]!;
      const item = values[index];
      const outKey = info.entry.out;
      let out: unknown;
      if (typeof item === 'string') {
        if (isIdOrTime(item) && (item.length === 36 || item.includes(':'))) {
          // Kept (as visitString keeps it) without a look at its shape: a uuid is never a credential's, and none has a ':'.
          out = item;
        } else {
          // A value that is a credential by its shape, whatever ordinary key holds it.
          const shapeKind = item.length >= 24 && !info.identifier && !(identifierRecord && info.value) ? this.shapeOf(info, item) : undefined;
          out = shapeKind !== undefined ? this.table.placeholder(shapeKind, item) : this.visitValue(info, item);
        }
      } else if (item === null || typeof item !== 'object') {
        // Counts, flags and nulls under ordinary keys are kept as they are.
        out = item;
      } else out = this.walk(item, depth + 1);
      // Copy on write: a record in which nothing changes is kept as it is.
      if (result === undefined) {
        if (out === item && outKey === key) continue;
        result = copyFirst(source, keys, index);
      }
      result[outKey] = out;
    }
    return result ?? source;
  }

  /** A record with a secret key, or whose name field names a secret (the values beside it are secrets). */
  private walkSecretRecord(source: Record<string, unknown>, keys: string[], infos: KeyInfo[], secretName: string | undefined, identifierRecord: boolean, depth: number): Record<string, unknown> {
    const { table } = this;
    const rawSecrets: string[] = [];
    const result: Record<string, unknown> = {};
    for (let index = 0; index < keys.length; index++) {
      const key = keys[index]!;
      const info = infos[index]!;
      const item = source[key];
      const outKey = info.entry.out;
      // Counts, flags and nulls under ordinary keys are kept as they are.
      if (!info.secret && !(info.value && secretName !== undefined) && (typeof item === 'number' || typeof item === 'boolean' || item === null || item === undefined)) {
        result[outKey] = item;
        continue;
      }
      const shapeKind = typeof item === 'string' && item.length >= 24 && !info.identifier && !(identifierRecord && info.value) ? secretValueKind(item.trim()) : undefined;
      if (shapeKind !== undefined) {
        result[outKey] = table.placeholder(shapeKind, item as string);
      } else if (secretName !== undefined && info.value && (typeof item === 'string' || typeof item === 'number')) {
        const raw = String(item);
        const redacted = typeof item === 'string' ? redactKeyedValue(table, lastSegment(secretName), item) : table.placeholder(kindForKey(lastSegment(secretName)), raw);
        if (redacted !== raw && raw.trim().length >= 4) rawSecrets.push(raw.trim());
        result[outKey] = redacted;
        if (redacted === raw && typeof item === 'string') this.use({ out: redacted, version: 0 });
      } else if (info.secret && (typeof item === 'string' || typeof item === 'number')) {
        const redacted = typeof item === 'string' ? redactKeyedValue(table, key, item) : table.placeholder(kindForKey(key), String(item));
        result[outKey] = redacted;
        if (redacted === item) this.use({ out: redacted, version: 0 });
      } else if (info.strong && typeof item === 'object' && item !== null) {
        result[outKey] = this.walkSecret(key, item, depth + 1);
      } else {
        result[outKey] = this.walk(item, depth + 1);
      }
    }
    if (rawSecrets.length > 0 && secretName !== undefined) {
      for (const field of TEXT_FIELDS) {
        const current = result[field];
        if (typeof current !== 'string') continue;
        let replaced = current;
        for (const raw of rawSecrets) if (replaced.includes(raw)) replaced = replaced.split(raw).join(table.placeholder(kindForKey(lastSegment(secretName)), raw));
        result[field] = replaced;
        if (replaced !== current) this.use({ out: replaced, version: 0 });
      }
    }
    return result;
  }

  /** Everything under a secret key (e.g. `secrets: {stripe: ..., db: ...}`): every leaf value is a secret. */
  private walkSecret(key: string, value: unknown, depth: number): unknown {
    if (typeof value === 'string') return redactKeyedValue(this.table, key, value);
    if (typeof value === 'number') return this.table.placeholder(kindForKey(key), String(value));
    if (value === null || typeof value !== 'object') return value;
    if (depth > MAX_DEPTH) return `[REDACTED:too-deep:0]`;
    if (Array.isArray(value)) return value.map((item) => this.walkSecret(key, item, depth + 1));
    if (!isPlainObject(value)) return value;
    const result: Record<string, unknown> = {};
    for (const [inner, item] of Object.entries(value)) {
      const entry = this.redaction(inner);
      this.use(entry);
      result[entry.out] = this.walkSecret(key, item, depth + 1);
    }
    return result;
  }

  /**
   * The second pass of a deep redaction, only when some string's redaction changed after it was visited (a secret
   * first seen later in the value): every string and key brought up to date, copying only what changes.
   */
  private refresh(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return value.length >= MIN_PROPAGATED ? this.text(value) : value;
    if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
    if (Array.isArray(value)) {
      let result: unknown[] | undefined;
      for (let index = 0; index < value.length; index++) {
        const item: unknown = value[index];
        const out = this.refresh(item, depth + 1);
        if (result !== undefined) result[index] = out;
        else if (out !== item) {
          result = value.slice(0, index);
          result[index] = out;
        }
      }
      return result ?? value;
    }
    if (!isPlainObject(value)) return value;
    const keys = Object.keys(value);
    let result: Record<string, unknown> | undefined;
    for (let index = 0; index < keys.length; index++) {
      const key = keys[index]!;
      const item = value[key];
      const outKey = key.length >= MIN_PROPAGATED ? this.text(key) : key;
      const out = this.refresh(item, depth + 1);
      if (result === undefined) {
        if (out === item && outKey === key) continue;
        result = copyFirst(value, keys, index);
      }
      result[outKey] = out;
    }
    return result ?? value;
  }
}

export function createRedactor(): Redactor {
  const state = new RedactorState();
  return {
    text: (s) => state.text(s),
    deep<T>(value: T): T {
      return state.deep(value) as T;
    },
    error(error: unknown): string {
      return state.text(errorMessage(error));
    },
    stats: () => state.table.stats(),
    version: () => state.table.version,
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
