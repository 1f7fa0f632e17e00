// Corpus test for src/lib/secrets/redact.ts: realistic logs, YAML, .env, JSON and headers with planted secrets that must all go.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRedactor, type Redactor } from '../../../src/lib/secrets/redact.ts';

const CORPUS = path.join(import.meta.dirname, '..', '..', 'fixtures', 'secrets-corpus');
const LISTS = new Set(['must-not-survive.txt', 'must-survive.txt']);

function list(name: string): string[] {
  return readFileSync(path.join(CORPUS, name), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'));
}

const files = readdirSync(CORPUS)
  .filter((name) => !LISTS.has(name))
  .sort()
  .map((name) => ({ name, text: readFileSync(path.join(CORPUS, name), 'utf8') }));
const secrets = list('must-not-survive.txt');
const keep = list('must-survive.txt');

/** Every way the pipeline sees corpus content: whole files, single lines (log records), parsed JSON values. */
function redactCorpus(redactor: Redactor): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { name, text } of files) {
    out[`${name} (text)`] = redactor.text(text);
    out[`${name} (lines)`] = text
      .split('\n')
      .map((line) => redactor.text(line))
      .join('\n');
    if (name.endsWith('.json')) out[`${name} (deep)`] = JSON.stringify(redactor.deep(JSON.parse(text)), null, 2);
    if (name.endsWith('.log') && text.trimStart().startsWith('{')) {
      const records = text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as unknown);
      out[`${name} (deep)`] = JSON.stringify(redactor.deep(records), null, 2);
    }
  }
  return out;
}

describe('redaction corpus', () => {
  it('has planted every listed secret in the corpus (the lists are not stale)', () => {
    const all = files.map((file) => file.text).join('\n');
    for (const secret of secrets) expect(all, secret).toContain(secret);
    expect(secrets.length).toBeGreaterThan(40);
  });

  const outputs = redactCorpus(createRedactor());

  it('leaves none of the planted secrets in any output', () => {
    const leaks: string[] = [];
    for (const [where, output] of Object.entries(outputs)) {
      for (const secret of secrets) if (output.includes(secret)) leaks.push(`${where}: ${secret}`);
    }
    expect(leaks).toEqual([]);
  });

  it('keeps ids, timestamps, hashes, hosts and ordinary settings', () => {
    const all = Object.values(outputs).join('\n');
    const lost = keep.filter((text) => !all.includes(text));
    expect(lost).toEqual([]);
  });

  it('gives the database password one placeholder in every file and format', () => {
    const redactor = createRedactor();
    const redacted = redactCorpus(redactor);
    const placeholder = /postgres(?:ql)?:\/\/upload_app:(\[REDACTED:[a-z-]+:\d+\])@/.exec(redacted['production.env (text)'] ?? '')?.[1];
    expect(placeholder).toBeDefined();
    for (const [where, output] of Object.entries(redacted)) {
      const source = files.find((file) => where.startsWith(`${file.name} `));
      // settings.json holds it inside a whole connection string, which is replaced as one value.
      if (source?.text.includes('Xk9#mQ2v!Lp7zR') && source.name !== 'settings.json') expect(output, where).toContain(placeholder);
    }
  });

  it('is deterministic: the same corpus in the same order gives the same output', () => {
    expect(redactCorpus(createRedactor())).toEqual(outputs);
  });

  it('is idempotent: redacting the output again changes nothing', () => {
    const redactor = createRedactor();
    const once = redactCorpus(redactor);
    for (const [where, output] of Object.entries(once)) {
      const again = where.endsWith('(lines)')
        ? output
            .split('\n')
            .map((line) => redactor.text(line))
            .join('\n')
        : redactor.text(output);
      expect(again, where).toBe(output);
    }
  });
});
