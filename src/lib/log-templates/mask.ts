// Tokenises a message on whitespace and replaces variable parts (numbers, ids, IPs, URLs, paths, emails...) with <*>.

import { FNV_OFFSET, FNV_PRIME } from './fnv.ts';

export const WILDCARD = '<*>';
const MAX_TOKENS = 120;

const WHOLE_VARIABLE = new RegExp(
  [
    '[-+]?\\d+(?:[.,]\\d+)*(?:[eE][-+]?\\d+)?[a-zA-Z%]{0,3}', // numbers, 12ms, 3.5GB, 50%
    '0[xX][0-9a-fA-F]+',
    '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}',
    '(?=[a-fA-F]*\\d)[0-9a-fA-F]{6,}',
    '\\d{4}-\\d\\d-\\d\\d(?:[T ]\\d\\d:\\d\\d(?::\\d\\d(?:[.,]\\d+)?)?)?(?:Z|[+-]\\d\\d:?\\d\\d)?',
    '\\d{1,2}:\\d\\d(?::\\d\\d)?(?:[.,]\\d+)?',
  ]
    .map((pattern) => `(?:${pattern})`)
    .join('|'),
);
const WHOLE = new RegExp(`^(?:${WHOLE_VARIABLE.source})$`);
const IP_PORT = /^\/?(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?$|^\[?[0-9a-fA-F]*:[0-9a-fA-F:]+:[0-9a-fA-F]+\]?$/;
const URL = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/\S+$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[a-zA-Z]{2,}$/;
const PATH = /^(?:~|\.{1,2})?\/[^/\s]+\/[^\s]*$|^[A-Za-z]:\\\S+$/;
/** File-system paths (a root directory or a file extension) are values; URL routes keep their constant segments. */
const FILE_PATH = /^(?:~|\.{1,2})?\/(?:var|usr|home|tmp|etc|opt|proc|dev|mnt|srv|root|Users)\/|\.[A-Za-z][A-Za-z0-9]{0,4}$|^[A-Za-z]:\\/;
const LEADING = /^[(["'<{]+/;
const TRAILING = /[)\]"'>},;.:!?]+$/;

function hasDigit(token: string): boolean {
  for (let index = 0; index < token.length; index++) {
    const code = token.charCodeAt(index);
    if (code >= 48 && code <= 57) return true;
  }
  return false;
}

/** Identifiers with one digit inside letters (ssh2, log4j, jk2_init, utf8) are words, not values. */
const DIGIT_WORD = /^[A-Za-z]{2,}\d(?:[A-Za-z_]+)?$/;
const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)/;

/** Cheap tests of what URL, EMAIL and IP_PORT each need, so most tokens skip them. */
const mayBeUrl = (core: string): boolean => core.includes('://');
const mayBeEmail = (core: string): boolean => core.includes('@');
const mayBeAddress = (core: string): boolean => core.includes('.') || core.includes(':');

function maskCore(core: string): string {
  if (DIGIT_WORD.test(core)) return core;
  if (WHOLE.test(core)) return WILDCARD;
  if (mayBeAddress(core) && IP_PORT.test(core)) return core.includes('.') && /:\d+$/.test(core) ? `${WILDCARD}:${WILDCARD}` : WILDCARD;
  if (mayBeUrl(core) && URL.test(core)) return SCHEME.exec(core)![1] + WILDCARD;
  if (mayBeEmail(core) && EMAIL.test(core)) return WILDCARD;
  let out = '';
  let start = 0;
  let digit = false;
  for (let index = 0; index <= core.length; index++) {
    const code = index < core.length ? core.charCodeAt(index) : -1;
    if (code !== -1 && !isDelimiter(code)) {
      if (code >= 48 && code <= 57) digit = true;
      continue;
    }
    if (index > start) {
      const piece = core.slice(start, index);
      if (digit && !DIGIT_WORD.test(piece)) {
        const dotted = piece.indexOf('.') > 0 && !WHOLE.test(piece) ? maskDotted(piece) : WILDCARD;
        if (!(dotted === WILDCARD && out.endsWith(WILDCARD))) out += dotted;
      } else out += piece;
    }
    if (code !== -1) out += core[index];
    start = index + 1;
    digit = false;
  }
  return out;
}

/** The characters a token is split at into pieces masked one by one: = : , / ( ) [ ] { } < > " ' @ # ; | & ? + * */
const DELIMITER_CODES = new Uint8Array(128);
for (const character of '=:,/()[]{}<>"\'@#;|&?+*') DELIMITER_CODES[character.charCodeAt(0)] = 1;
const isDelimiter = (code: number): boolean => code < 128 && DELIMITER_CODES[code] === 1;

/** `core.2275`, `instruction......0`: the word parts of a dotted piece stay, its numeric parts become <*>. */
const HOSTNAME = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.){2,}[A-Za-z]{2,6}$/;

function maskDotted(piece: string): string {
  if (HOSTNAME.test(piece)) return WILDCARD;
  const parts = piece.split('.');
  const words = parts.filter((part) => part.length > 0 && !hasDigit(part));
  if (words.length === 0) return WILDCARD;
  let out = '';
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index]!;
    const masked = hasDigit(part) && !DIGIT_WORD.test(part) ? WILDCARD : part;
    if (index > 0) out += '.';
    out += masked;
  }
  return out.replace(/<\*>(?:\.<\*>)+/g, WILDCARD);
}

const isHexCode = (code: number): boolean => (code >= 48 && code <= 57) || (code >= 97 && code <= 102) || (code >= 65 && code <= 70);

/** 8-4-4-4-12 hex digits (what WHOLE_VARIABLE's uuid alternative matches), checked without a regular expression. */
function isUuid(token: string): boolean {
  for (let index = 0; index < 36; index++) {
    const code = token.charCodeAt(index);
    if (index === 8 || index === 13 || index === 18 || index === 23 ? code !== 45 : !isHexCode(code)) return false;
  }
  return true;
}

/**
 * Masked forms of repeated tokens, in a direct-mapped table indexed by the token's FNV-1a hash (which the splitter takes
 * as it scans, so no second hash of the token): a token is stored the second time it is seen, so unique ones (ids, times)
 * take no slot; a later token with the same slot replaces it. The table only decides what is recomputed, never a mask.
 */
const SLOTS = 1 << 16;
const seenHash = new Int32Array(SLOTS);
const cachedToken: (string | undefined)[] = new Array(SLOTS).fill(undefined);
const cachedMask: string[] = new Array(SLOTS).fill('');
/** The token masked last and its mask: a request's path is masked as a message token and again as a field. */
let lastToken = '';
let lastMask = '';

/** Mask one whitespace-separated token. */
export function maskToken(token: string): string {
  let digits = 0;
  let special = false;
  let hash = FNV_OFFSET;
  for (let index = 0; index < token.length; index++) {
    const code = token.charCodeAt(index);
    hash = Math.imul(hash ^ code, FNV_PRIME);
    if (code >= 48 && code <= 57) digits++;
    else if (code === 47 || code === 64) special = true;
  }
  return maskCounted(token, digits, special, hash);
}

/** `maskToken` once the token's digits and slashes or @ are counted and its FNV-1a hash taken (the message splitter does so as it goes). */
function maskCounted(token: string, digits: number, special: boolean, hash: number): string {
  if (digits > 0 && digits === token.length) return WILDCARD;
  // Words without digits, slashes or @ are constants: no lookup needed.
  if (digits === 0 && (!special || token.length <= 3)) return token;
  // A bare uuid (request and job ids: mostly unique, so not worth a slot) is a value.
  if (token.length === 36 && isUuid(token)) return WILDCARD;
  const slot = hash & (SLOTS - 1);
  if (cachedToken[slot] === token) return cachedMask[slot]!;
  if (token === lastToken) return lastMask;
  const masked = maskUncached(token);
  if (seenHash[slot] === hash) {
    cachedToken[slot] = token;
    cachedMask[slot] = masked;
  } else seenHash[slot] = hash;
  lastToken = token;
  lastMask = masked;
  return masked;
}

function maskUncached(token: string): string {
  const digit = hasDigit(token);
  if (!digit) {
    if (token.length > 3 && (token.indexOf('/') !== -1 || token.indexOf('@') !== -1)) {
      const core = token.replace(LEADING, '').replace(TRAILING, '');
      const url = mayBeUrl(core) && URL.test(core);
      if (url || (mayBeEmail(core) && EMAIL.test(core)) || (PATH.test(core) && FILE_PATH.test(core))) {
        const start = token.indexOf(core);
        return token.slice(0, start) + (url ? SCHEME.exec(core)![1] : '') + WILDCARD + token.slice(start + core.length);
      }
    }
    return token;
  }
  const lead = LEADING.exec(token)?.[0] ?? '';
  const rest = token.slice(lead.length);
  const trail = TRAILING.exec(rest)?.[0] ?? '';
  const core = rest.slice(0, rest.length - trail.length);
  if (core.length === 0) return token;
  if (mayBeUrl(core) && URL.test(core)) return lead + SCHEME.exec(core)![1] + WILDCARD + trail;
  if (PATH.test(core) && FILE_PATH.test(core)) return lead + WILDCARD + trail;
  return lead + maskCore(core) + trail;
}

/** Auto-scaled size units belong to the number before them ("16.0 B", "366.1 KB" are one value each). */
const SIZE_UNIT = /^(?:[KMGTP]i?B|B)([,;:.)\]]*)$/;
/** Day and month names (and zone abbreviations) next to a value are parts of a written date. */
const DATE_WORD = /^[[(]?(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|UTC|GMT|[ECMP][SD]T|CES?T)[,.]?$/;

/** Rules over neighbouring tokens: a size unit joins its number, a day/month name next to a value is a value. */
function neighbourRules(tokens: string[]): string[] {
  let out = tokens;
  for (let index = 0; index < out.length; index++) {
    const token = out[index]!;
    const previous = index > 0 ? out[index - 1]! : '';
    if (previous === WILDCARD && SIZE_UNIT.test(token)) {
      if (out === tokens) out = [...tokens];
      out[index - 1] = WILDCARD + SIZE_UNIT.exec(token)![1]!;
      out.splice(index, 1);
      index--;
      continue;
    }
    const bracket = token.charCodeAt(0) === 91 || token.charCodeAt(0) === 40 ? 1 : 0;
    const first = token.charCodeAt(bracket);
    if (token.length <= 5 + bracket && first >= 65 && first <= 90 && DATE_WORD.test(token)) {
      const next = out[index + 1] ?? '';
      if (previous.endsWith(WILDCARD) || next.startsWith(WILDCARD) || DATE_WORD.test(previous) || DATE_WORD.test(next)) {
        if (out === tokens) out = [...tokens];
        out[index] = bracket ? token[0] + WILDCARD : WILDCARD;
      }
    }
  }
  return out;
}

/** Whitespace tokens of a message, masked; at most MAX_TOKENS (the rest becomes one <*>). */
export function maskedTokens(message: string): string[] {
  return neighbourRules(splitMasked(message));
}

function splitMasked(message: string): string[] {
  const tokens: string[] = [];
  const length = message.length;
  let start = -1;
  let digits = 0;
  let special = false;
  let hash = FNV_OFFSET;
  for (let index = 0; index <= length; index++) {
    const code = index < length ? message.charCodeAt(index) : 32;
    if (code === 32 || (code >= 9 && code <= 13)) {
      if (start !== -1) {
        if (tokens.length === MAX_TOKENS) {
          tokens.push(WILDCARD);
          return tokens;
        }
        // A number needs no token of its own: it is a value.
        tokens.push(digits > 0 && digits === index - start ? WILDCARD : maskCounted(message.slice(start, index), digits, special, hash));
        start = -1;
        digits = 0;
        special = false;
        hash = FNV_OFFSET;
      }
    } else {
      if (start === -1) start = index;
      hash = Math.imul(hash ^ code, FNV_PRIME);
      if (code >= 48 && code <= 57) digits++;
      else if (code === 47 || code === 64) special = true;
    }
  }
  return tokens;
}
