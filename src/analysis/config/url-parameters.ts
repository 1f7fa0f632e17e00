// Connection URLs compared part by part: a query parameter that differs (connection_limit=5 against 25, sslmode) is a setting of its own, apart from the host and credentials each environment names.

/** scheme://rest?query#fragment, for schemes such as postgresql, redis, amqps and jdbc:postgresql. */
const URL_WITH_QUERY = /^([a-z][\w+.:-]*:\/\/[^?#\s]*)(?:\?([^#\s]*))?(#\S*)?$/i;

interface UrlParts {
  /** Everything but the query string. */
  base: string;
  parameters: Map<string, string>;
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** A URL's query parameters by name (the last of a repeated name), or undefined for a value that is not a URL. */
function urlParts(value: string): UrlParts | undefined {
  const match = URL_WITH_QUERY.exec(value.trim());
  if (!match) return undefined;
  const parameters = new Map<string, string>();
  for (const pair of (match[2] ?? '').split('&')) {
    if (pair.length === 0) continue;
    const equals = pair.indexOf('=');
    parameters.set(decoded(equals === -1 ? pair : pair.slice(0, equals)), equals === -1 ? '' : decoded(pair.slice(equals + 1)));
  }
  return { base: match[1]! + (match[3] ?? ''), parameters };
}

export interface ParameterDifference {
  name: string;
  left?: string;
  right?: string;
}

/**
 * How two URLs differ: whether the part before the query does, and each query parameter that differs. Undefined when
 * either value is not a URL or neither has a query (the values are then compared whole).
 */
export function urlDifferences(left: string, right: string): { baseDiffers: boolean; parameters: ParameterDifference[] } | undefined {
  const a = urlParts(left);
  const b = urlParts(right);
  if (!a || !b || (a.parameters.size === 0 && b.parameters.size === 0)) return undefined;
  const parameters: ParameterDifference[] = [];
  for (const name of new Set([...a.parameters.keys(), ...b.parameters.keys()])) {
    const l = a.parameters.get(name);
    const r = b.parameters.get(name);
    if (l === r) continue;
    const difference: ParameterDifference = { name };
    if (l !== undefined) difference.left = l;
    if (r !== undefined) difference.right = r;
    parameters.push(difference);
  }
  return { baseDiffers: a.base !== b.base, parameters };
}
