// Ticket target parsing: the four forms, normalisation, and errors that say what a target looks like.
import { describe, expect, it } from 'vitest';
import { parseTarget } from '../../src/publish/target.ts';

describe('parseTarget', () => {
  it('parses the four trackers', () => {
    expect(parseTarget('github:acme/api#123')).toEqual({ tracker: 'github', owner: 'acme', repo: 'api', number: 123, text: 'github:acme/api#123' });
    expect(parseTarget('jira:ops-42')).toEqual({ tracker: 'jira', key: 'OPS-42', text: 'jira:OPS-42' });
    expect(parseTarget(' linear:ENG-7 ')).toEqual({ tracker: 'linear', identifier: 'ENG-7', text: 'linear:ENG-7' });
    expect(parseTarget('gitlab:group/sub.group/proj#9')).toEqual({ tracker: 'gitlab', project: 'group/sub.group/proj', iid: 9, text: 'gitlab:group/sub.group/proj#9' });
    expect(parseTarget('GitHub:my-org/my.repo#1').tracker).toBe('github');
  });

  it.each([
    ['github:acme/api', /github:OWNER\/REPO#NUMBER/],
    ['github:acme/api#0', /github:OWNER\/REPO#NUMBER/],
    ['github:../api#1', /github:OWNER\/REPO#NUMBER/],
    ['jira:42', /jira:PROJECT-NUMBER/],
    ['linear:ENG', /linear:TEAM-NUMBER/],
    ['gitlab:proj#9', /gitlab:GROUP\/PROJECT#IID/],
    ['gitlab:group/../proj#9', /gitlab:GROUP\/PROJECT#IID/],
    ['trello:abc', /unknown tracker "trello"/],
    ['OPS-42', /unknown tracker; use github:/],
  ])('%s is refused with what a target looks like', (input, message) => {
    expect(() => parseTarget(input)).toThrow(message);
  });
});
