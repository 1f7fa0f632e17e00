// Markdown -> Jira wiki markup (Data Center REST v2): the documented notation, and escaping of text that looks like markup.
import { describe, expect, it } from 'vitest';
import { markdownToJiraWiki } from '../../../src/publish/markdown/jira-wiki.ts';

describe('markdownToJiraWiki', () => {
  it('headings, marks, links, nested and ordered lists, tables, code, quotes, rules', () => {
    const wiki = markdownToJiraWiki(
      [
        '## Root cause',
        '',
        'The **pool** hit `max_connections` ([graph](https://grafana.example/d/1)), *not* ~~DNS~~.',
        '',
        '- first',
        '  1. sub one',
        '- second',
        '',
        '| Key | Value |',
        '| --- | --- |',
        '| pool | 20 |',
        '',
        '```sql',
        'SELECT count(*) FROM pg_stat_activity;',
        '```',
        '',
        '> quoted',
        '',
        '---',
      ].join('\n'),
    );
    expect(wiki).toBe(
      [
        'h2. Root cause',
        'The *pool* hit {{max_connections}} ([graph|https://grafana.example/d/1]), _not_ -DNS-.',
        '',
        '* first',
        '*# sub one',
        '* second',
        '',
        '||Key||Value||',
        '|pool|20|',
        '',
        '{code:sql}',
        'SELECT count(*) FROM pg_stat_activity;',
        '{code}',
        '',
        '{quote}',
        'quoted',
        '',
        '{quote}',
        '',
        '----',
        '',
      ].join('\n'),
    );
  });

  it('text that looks like wiki markup is escaped; a code block holding {code} uses {noformat}; cells keep pipes escaped', () => {
    const wiki = markdownToJiraWiki('Use {color:red}x{color} and [not a link] or *star\\* -dash-\n\n```\n{code}\n```\n\n| a |\n| - |\n| x \\| y |\n');
    expect(wiki).toContain('Use \\{color:red\\}x\\{color\\} and \\[not a link\\]');
    expect(wiki).toContain('{noformat}\n{code}\n{noformat}');
    expect(wiki).toContain('|x \\| y|');
  });
});
