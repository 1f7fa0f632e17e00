// Ticket targets: `github:acme/api#123`, `jira:OPS-42`, `linear:ENG-7`, `gitlab:group/proj#9` parsed into typed values.

export type TrackerKind = 'github' | 'jira' | 'linear' | 'gitlab';

export type Target =
  | { tracker: 'github'; owner: string; repo: string; number: number; text: string }
  | { tracker: 'jira'; key: string; text: string }
  | { tracker: 'linear'; identifier: string; text: string }
  | { tracker: 'gitlab'; project: string; iid: number; text: string };

const TARGET_EXAMPLES = 'github:acme/api#123, jira:OPS-42, linear:ENG-7 or gitlab:group/proj#9';

export class TargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const GITHUB = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})#([1-9]\d{0,9})$/;
const JIRA = /^([A-Z][A-Z0-9_]{0,49}-[1-9]\d{0,9})$/;
const LINEAR = /^([A-Za-z][A-Za-z0-9]{0,19}-[1-9]\d{0,9})$/;
const GITLAB = /^([A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)+)#([1-9]\d{0,9})$/;

/** Parse one target; throws TargetError (a usage error) saying what a valid target looks like. */
export function parseTarget(input: string): Target {
  const text = input.trim();
  const colon = text.indexOf(':');
  const kind = colon > 0 ? text.slice(0, colon).toLowerCase() : '';
  const rest = colon > 0 ? text.slice(colon + 1) : '';
  const bad = (expected: string) => new TargetError(`ticket target "${text}": expected ${expected}`);
  switch (kind) {
    case 'github': {
      const match = GITHUB.exec(rest);
      if (!match) throw bad('github:OWNER/REPO#NUMBER, e.g. github:acme/api#123');
      return { tracker: 'github', owner: match[1] as string, repo: match[2] as string, number: Number(match[3]), text: `github:${rest}` };
    }
    case 'jira': {
      const key = rest.toUpperCase();
      if (!JIRA.test(key)) throw bad('jira:PROJECT-NUMBER, e.g. jira:OPS-42');
      return { tracker: 'jira', key, text: `jira:${key}` };
    }
    case 'linear': {
      const identifier = rest.toUpperCase();
      if (!LINEAR.test(identifier)) throw bad('linear:TEAM-NUMBER, e.g. linear:ENG-7');
      return { tracker: 'linear', identifier, text: `linear:${identifier}` };
    }
    case 'gitlab': {
      const match = GITLAB.exec(rest);
      if (
        !match ||
        rest
          .split('#')[0]
          ?.split('/')
          .some((part) => part === '.' || part === '..')
      )
        throw bad('gitlab:GROUP/PROJECT#IID, e.g. gitlab:group/proj#9');
      return { tracker: 'gitlab', project: match[1] as string, iid: Number(match[2]), text: `gitlab:${rest}` };
    }
    default:
      throw new TargetError(`ticket target "${text}": unknown tracker${kind ? ` "${kind}"` : ''}; use ${TARGET_EXAMPLES}`);
  }
}
