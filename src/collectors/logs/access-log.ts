// NCSA access logs, the default of nginx (`combined`) and Apache httpd (`common`, `combined`): one request per line.
import type { Head } from './headed.ts';
import { leadingTimestamp } from './text-formats.ts';

const HEAD_SPAN = 8192;
/** A quoted field as nginx (`\x22`) and Apache (`\"`) escape it. */
const QUOTED = String.raw`"((?:[^"\\]|\\.){0,4000})"`;
/** `%h %l %u %t "%r" %>s %b`, optionally `"%{Referer}i" "%{User-agent}i"`, then whatever the operator appended. */
const ACCESS = new RegExp(
  String.raw`^(\S{1,300}) (\S{1,100}) (\S{1,300}) (\[\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d(?:\.\d{1,9})? [+-]\d{4}\]) ${QUOTED} (\d{3}) (\d{1,15}|-)(?: ${QUOTED} ${QUOTED})?(.*)$`,
);
const REQUEST_LINE = /^([A-Z][A-Z_-]{0,19}) (\S{1,4000}?)(?: (HTTP\/[\d.]{1,5}))?$/;
/** A trailing request time, as `$request_time` (seconds) or Apache's `%D` (microseconds) are commonly appended. */
const TRAILING_TIME = /^\s+(?:rt=|request_time=)?(\d{1,6}\.\d{1,6})\b/;

function unescapeQuoted(text: string): string {
  return text.replace(/\\x([0-9a-fA-F]{2})|\\(.)/g, (_, hex: string | undefined, char: string | undefined) => (hex ? String.fromCharCode(Number.parseInt(hex, 16)) : char!));
}

export function accessLogHead(text: string): Head | null {
  const match = ACCESS.exec(text.length > HEAD_SPAN ? text.slice(0, HEAD_SPAN) : text);
  if (!match) return null;
  const [, remote, , user, bracketedTime, request, status, bytes, referer, agent, rest] = match;
  const timestamp = leadingTimestamp(bracketedTime!);
  if (!timestamp) return null;
  const fields: Record<string, string> = { remote: remote!, statusCode: status! };
  if (user !== '-') fields.user = user!;
  if (bytes !== '-') fields.bytes = bytes!;
  if (referer !== undefined && referer !== '-') fields.referer = unescapeQuoted(referer);
  if (agent !== undefined && agent !== '-') fields.userAgent = unescapeQuoted(agent);
  const requestText = unescapeQuoted(request!);
  const line = REQUEST_LINE.exec(requestText);
  if (line) {
    fields.method = line[1]!;
    fields.path = line[2]!;
    if (line[3]) fields.protocol = line[3];
  }
  const trailing = TRAILING_TIME.exec(rest ?? '');
  if (trailing) fields.requestTime = trailing[1]!;
  const code = Number(status);
  return {
    message: `${requestText || '-'} ${status}`,
    timestamp,
    level: code >= 500 ? 'error' : code >= 400 ? 'warn' : 'info',
    fields,
  };
}
