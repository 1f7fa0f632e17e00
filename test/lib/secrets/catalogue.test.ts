// The catalogue (gitleaks' rules): every rule compiles to JavaScript, and one example per rule, generated from the rule's own pattern, is found and redacted.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogueRules, findCatalogueSecrets, goRegexToJs } from '../../../src/lib/secrets/catalogue.ts';
import { createRedactor } from '../../../src/lib/secrets/redact.ts';
import { readFileSync } from 'node:fs';
import { parse } from 'smol-toml';

const toml = parse(readFileSync(new URL('../../../src/lib/secrets/rules/gitleaks.toml', import.meta.url), 'utf8')) as { rules: Array<{ id: string; regex?: string }> };
const sources = new Map(toml.rules.map((rule) => [rule.id.slice(0, 40), rule.regex ?? '']));

describe('the gitleaks catalogue', () => {
  it('loads the maintained rule set (200+ rules) and translates every pattern to a JavaScript RegExp', () => {
    const rules = catalogueRules();
    expect(rules.length).toBeGreaterThan(200);
    const untranslated = rules.filter((rule) => goRegexToJs(sources.get(rule.id) ?? '') === undefined).map((rule) => rule.id);
    expect(untranslated).toEqual([]);
  });

  it('translates inline flags exactly: (?i) letters, (?-i:...) groups, (?s:.) and named groups', () => {
    const check = (go: string, yes: string[], no: string[]) => {
      const js = new RegExp(`^(?:${goRegexToJs(go)})$`);
      for (const text of yes) expect(js.test(text), `${go} ~ ${text}`).toBe(true);
      for (const text of no) expect(js.test(text), `${go} !~ ${text}`).toBe(false);
    };
    check('(?i)abc[x-z]', ['ABCX', 'abcz'], ['abd']);
    check('(?i)key(?-i:[A-Z]{2})', ['KEYAB', 'keyAB'], ['keyab']);
    check('a(?s:.)b', ['a\nb', 'axb'], ['ab']);
    check('(?P<word>[a-z]+)', ['abc'], ['ABC']);
  });

  it('finds and redacts one example per rule, generated from the rule itself', () => {
    const missed: string[] = [];
    for (const rule of catalogueRules()) {
      const source = goRegexToJs(sources.get(rule.id) ?? '');
      if (source === undefined) continue;
      let examples: string[];
      try {
        // fast-check generates from the pattern; word boundaries are implied by the spaces around each example.
        examples = fc.sample(fc.stringMatching(new RegExp(source.replace(/\\b/g, ''))), { seed: 11, numRuns: 300 }).map((text) => ` ${text} `);
      } catch (error) {
        missed.push(`${rule.id} (cannot generate: ${(error as Error).message})`);
        continue;
      }
      const example = examples.find((text) => findCatalogueSecrets(text).some((found) => found.rule === rule.id));
      if (example === undefined) {
        missed.push(rule.id);
        continue;
      }
      const finding = findCatalogueSecrets(example).find((found) => found.rule === rule.id)!;
      const secret = example.slice(finding.start, finding.end);
      const output = createRedactor().text(example);
      if (output.includes(secret)) missed.push(`${rule.id} (not redacted)`);
    }
    // fast-check cannot generate \B; for the other four, no generated sample passes the rule's own entropy or allowlist.
    expect(missed.map((entry) => entry.split(' ')[0])).toEqual(['curl-auth-header', 'facebook-access-token', 'okta-access-token', 'sidekiq-sensitive-url', 'slack-webhook-url']);
  }, 300_000);
});
