// Property tests for src/lib/secrets/redact.ts: generated secrets of every kind never survive; ids and times do; placeholders are stable.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EvidenceBundle } from '../../../src/evidence/schema.ts';
import { createRedactor, isSecretKey, redactBundle, redactError } from '../../../src/lib/secrets/redact.ts';

const alnum = (length: number) => fc.stringMatching(new RegExp(`^[A-Za-z0-9]{${length}}$`));
const b64url = (min: number, max: number) => fc.stringMatching(new RegExp(`^[A-Za-z0-9_-]{${min},${max}}$`));
/** Mixed letters and digits, so no accidental word, number or mask (xxxx). */
const mixed = (min: number, max: number, extra = '') =>
  fc.tuple(fc.stringMatching(new RegExp(`^[A-Za-z0-9${extra}]{${min},${max}}$`)), fc.stringMatching(/^[a-z][0-9]$/)).map(([body, tail]) => `${body}${tail}`);
/** Password characters that survive in bare key=value text (no whitespace, quotes, &, ;, <, >). */
const PASSWORD_EXTRA = '!#$%()*+,./:=?@\\[\\]^_`{|}~\\-';

interface Planted {
  kind: string;
  /** The exact strings that must not appear in the output. */
  secrets: string[];
  /** The text that carries the secret (a line, header, URL, ...). */
  text: string;
}

const jwt = fc.tuple(b64url(10, 40), b64url(10, 80), b64url(20, 60)).map(([header, payload, signature]) => `eyJ${header}.eyJ${payload}.${signature}`);

const secretTexts: fc.Arbitrary<Planted> = fc.oneof(
  jwt.map((token) => ({ kind: 'jwt', secrets: [token], text: `apikey header: ${token}` })),
  jwt.map((token) => ({ kind: 'supabase', secrets: [token], text: `SUPABASE_SERVICE_ROLE_KEY=${token}` })),
  jwt.map((token) => ({ kind: 'jwt-bare', secrets: [token], text: `got ${token} from client` })),
  mixed(20, 60).map((token) => ({ kind: 'bearer', secrets: [token], text: `Authorization: Bearer ${token}` })),
  mixed(20, 60).map((token) => ({ kind: 'bearer-inline', secrets: [token], text: `curl -H "authorization: bearer ${token}" https://api` })),
  fc
    .tuple(fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/), mixed(8, 30, `${PASSWORD_EXTRA.replace('@', '').replace('\\/', '')}'`), fc.constantFrom('postgres', 'postgresql', 'mysql', 'redis', 'amqps'))
    .filter(([, password]) => !password.includes('/'))
    .map(([user, password, scheme]) => ({ kind: 'db-url', secrets: [password], text: `connecting to ${scheme}://${user}:${password}@db.internal:5432/app?sslmode=require` })),
  mixed(40, 60).map((body) => ({ kind: 'openai', secrets: [`sk-proj-${body}`], text: `OPENAI_API_KEY used sk-proj-${body} for request` })),
  mixed(40, 50).map((body) => ({ kind: 'openai-legacy', secrets: [`sk-${body}`], text: `client = OpenAI("sk-${body}")` })),
  alnum(40).map((body) => ({ kind: 'llamacloud', secrets: [`llx-${body}`], text: `LLAMA_CLOUD_API_KEY is llx-${body}` })),
  alnum(36).map((body) => ({ kind: 'github', secrets: [`ghp_${body}`], text: `remote https://ghp_${body}@github.com/org/repo.git` })),
  alnum(36).map((body) => ({ kind: 'github-oauth', secrets: [`gho_${body}`], text: `token=gho_${body}` })),
  fc.tuple(alnum(22), alnum(59)).map(([a, b]) => ({ kind: 'github-pat', secrets: [`github_pat_${a}_${b}`], text: `GH says github_pat_${a}_${b}` })),
  fc.stringMatching(/^[A-Z0-9]{16}$/).map((body) => ({ kind: 'aws', secrets: [`AKIA${body}`], text: `aws_access_key_id = AKIA${body}` })),
  fc.stringMatching(/^[A-Z0-9]{16}$/).map((body) => ({ kind: 'aws-bare', secrets: [`AKIA${body}`], text: `signing with AKIA${body} in us-east-1` })),
  alnum(32).map((body) => ({ kind: 'render', secrets: [`rnd_${body}`], text: `render api key rnd_${body}` })),
  fc.tuple(fc.constantFrom('b', 'p', 'a', 'r'), fc.stringMatching(/^\d{10,12}$/), alnum(24)).map(([type, team, body]) => ({
    kind: 'slack',
    secrets: [`xox${type}-${team}-${body}`],
    text: `slack client xox${type}-${team}-${body}`,
  })),
  alnum(24).map((body) => ({ kind: 'stripe', secrets: [`sk_live_${body}`], text: `stripe.api_key = 'sk_live_${body}'` })),
  alnum(32).map((body) => ({ kind: 'whsec', secrets: [`whsec_${body}`], text: `verify with whsec_${body}` })),
  fc.stringMatching(/^[0-9a-f]{64}$/).map((hex) => ({ kind: 'hmac', secrets: [hex], text: `X-Hub-Signature-256: sha256=${hex}` })),
  fc.stringMatching(/^[0-9a-f]{64}$/).map((hex) => ({ kind: 'hmac-bare', secrets: [hex], text: `computed sha256=${hex} mismatch` })),
  mixed(20, 44, '+/').map((sig) => ({ kind: 'signature-header', secrets: [sig], text: `x-signature: ${sig}` })),
  fc
    .tuple(
      fc.constantFrom(
        'password',
        'passwd',
        'secret',
        'token',
        'api_key',
        'apiKey',
        'client_secret',
        'webhook_secret',
        'DB_PASSWORD',
        'PGPASSWORD',
        'x-api-key',
        'private_key',
        'service_role_key',
        'access_token',
        'dsn',
      ),
      mixed(8, 30, PASSWORD_EXTRA),
      fc.constantFrom('=', ': ', ' = ', '=>'),
    )
    .map(([key, secret, separator]) => ({ kind: 'key-value', secrets: [secret], text: `user=bob ${key}${separator}${secret} host=db` })),
  fc
    .tuple(fc.constantFrom('password', 'secret', 'token', 'apiKey', 'authorization', 'connectionString'), mixed(8, 30, PASSWORD_EXTRA.replace('\\\\', '')))
    .map(([key, secret]) => ({ kind: 'json-text', secrets: [secret], text: JSON.stringify({ user: 'bob', [key]: secret, n: 1 }) })),
  fc
    .tuple(fc.constantFrom('password', 'api_key', 'token'), mixed(8, 30))
    .map(([key, secret]) => ({ kind: 'escaped-json', secrets: [secret], text: `msg="${JSON.stringify({ [key]: secret }).replaceAll('"', '\\"')}"` })),
  fc
    .tuple(fc.constantFrom('DATABASE_PASSWORD', 'STRIPE_SECRET', 'JWT_SECRET', 'SESSION_TOKEN', 'export API_KEY'), mixed(8, 30, ' !#$%&*+,./:;<=>?@_-'))
    .map(([key, secret]) => ({ kind: 'dotenv', secrets: [secret.trim()], text: `${key}="${secret}"` })),
  fc
    .tuple(fc.constantFrom('DATABASE_PASSWORD', 'STRIPE_SECRET', 'export API_KEY'), mixed(8, 30, '!#$%&*+,./:;<=>?@_-'))
    .map(([key, secret]) => ({ kind: 'dotenv-bare', secrets: [secret], text: `${key}=${secret}` })),
  fc
    .tuple(fc.constantFrom('password', 'secret', 'token'), mixed(8, 30, '!#$%&*+,./:;<=>?@_-'))
    .map(([key, secret]) => ({ kind: 'yaml', secrets: [secret], text: `database:\n  host: db\n  ${key}: ${secret}\n  port: 5432` })),
  fc
    .tuple(fc.constantFrom('password', 'apiKey', 'client_secret', 'token'), mixed(8, 30, '!#$%*+,./:;=?@_-'))
    .map(([tag, secret]) => ({ kind: 'xml', secrets: [secret], text: `<cfg><user>bob</user><${tag}>${secret}</${tag}></cfg>` })),
  fc
    .tuple(fc.constantFrom('--password', '--api-key', '--token', '--db-password'), mixed(8, 30, '!#$%*+,./:;=?@_'))
    .map(([flag, secret]) => ({ kind: 'cli-flag', secrets: [secret], text: `$ tool ${flag} ${secret} --verbose` })),
  mixed(8, 30, '!#$%*+,./;=?@_-').map((secret) => ({ kind: 'curl-user', secrets: [secret], text: `curl -u admin:${secret} https://api` })),
  fc.array(fc.stringMatching(/^[A-Za-z0-9+/]{64}$/), { minLength: 2, maxLength: 6 }).map((lines) => ({
    kind: 'pem',
    secrets: lines,
    text: `key:\n-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----\n`,
  })),
  fc.array(fc.stringMatching(/^[A-Za-z0-9+/]{64}$/), { minLength: 2, maxLength: 4 }).map((lines) => ({
    kind: 'pem-in-json',
    secrets: lines,
    text: JSON.stringify({ private_key_id: 'abc', pem: `-----BEGIN RSA PRIVATE KEY-----\n${lines.join('\n')}\n-----END RSA PRIVATE KEY-----\n` }),
  })),
);

/** Random surrounding text: printable ASCII without characters that would glue onto the secret's context. */
const noise = fc.stringMatching(/^[A-Za-z0-9 ,.()\-:[\]{}#!?]{0,60}$/);
const isoTime = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }).map((date) => date.toISOString());
const hexId = fc.constantFrom(32, 40, 64).chain((length) => fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`)));

function assertGone(output: string, planted: Planted): void {
  for (const secret of planted.secrets) {
    expect(output.includes(secret), `${planted.kind}: ${JSON.stringify(secret)} survived in ${JSON.stringify(output)}`).toBe(false);
  }
}

describe('redactor: properties', () => {
  it('removes every generated secret from text and keeps ids, times and hashes', () => {
    fc.assert(
      fc.property(secretTexts, noise, noise, fc.uuid(), isoTime, hexId, (planted, before, after, uuid, time, hex) => {
        const input = `${before}\n${planted.text}\n${after}\nrequest ${uuid} at ${time} commit ${hex} took 1234 ms`;
        const redactor = createRedactor();
        const output = redactor.text(input);
        assertGone(output, planted);
        expect(redactor.text(output)).toBe(output);
        expect(output).toContain(uuid);
        expect(output).toContain(time);
        expect(output).toContain(hex);
        expect(output).toContain('1234 ms');
      }),
      { numRuns: 600 },
    );
  });

  it('removes every generated secret from JSON values, whichever key holds them', () => {
    fc.assert(
      fc.property(secretTexts, fc.uuid(), isoTime, fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/), (planted, uuid, time, key) => {
        const value = { id: uuid, at: time, records: [{ message: planted.text, fields: { [key]: 'x', requestId: uuid } }], nested: { deep: [[planted.text]] } };
        const redactor = createRedactor();
        const output = JSON.stringify(redactor.deep(value));
        assertGone(output, planted);
        expect(JSON.stringify(redactor.deep(JSON.parse(output) as unknown))).toBe(output);
        expect(output).toContain(uuid);
        expect(output).toContain(time);
        // The JSON text itself, redacted as text, loses the secrets too.
        assertGone(createRedactor().text(JSON.stringify(value, null, 2)), planted);
      }),
      { numRuns: 300 },
    );
  });

  it('replaces any value under a secret-like key, whatever it looks like', () => {
    const keys = fc.constantFrom(
      'password',
      'db_password',
      'apiKey',
      'api_key',
      'token',
      'accessToken',
      'secret',
      'private_key',
      'webhook_secret',
      'service_role_key',
      'dsn',
      'Authorization',
      'X-Signature',
      'connection_string',
    );
    fc.assert(
      fc.property(
        keys,
        // Not the documented exceptions: block markers, variable references and type names of code (`password: String`).
        fc
          .string({ minLength: 6, maxLength: 40 })
          .filter(
            (value) => value.trim().length >= 6 && !/^[|>{[]/.test(value.trim()) && !/^\$\{?\w+\}?$/.test(value.trim()) && !/^(string|boolean|number|unknown|object|secretstr)\??$/i.test(value.trim()),
          ),
        (key, value) => {
          const output = createRedactor().deep({ config: { [key]: value }, env: [{ key: key.toUpperCase(), value }] });
          expect(JSON.stringify(output).includes(JSON.stringify(value).slice(1, -1))).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives the same secret the same placeholder and different secrets different ones, deterministically', () => {
    fc.assert(
      fc.property(fc.uniqueArray(mixed(20, 40), { minLength: 2, maxLength: 5 }), (tokens) => {
        const lines = tokens.flatMap((token, index) => [`req ${index} Authorization: Bearer ${token}`, `retry ${index} with token=${token}`]);
        const first = createRedactor();
        const output = lines.map((line) => first.text(line));
        const placeholders = output.map((line) => /\[REDACTED:[a-z-]+:\d+\]/.exec(line)?.[0]);
        for (let index = 0; index < tokens.length; index += 1) {
          expect(placeholders[index * 2]).toBeDefined();
          expect(placeholders[index * 2 + 1]).toBe(placeholders[index * 2]);
        }
        expect(new Set(placeholders).size).toBe(tokens.length);
        const again = createRedactor();
        expect(lines.map((line) => again.text(line))).toEqual(output);
        // Redacting redacted text changes nothing.
        expect(output.map((line) => first.text(line))).toEqual(output);
      }),
      { numRuns: 200 },
    );
  });
});

describe('redactor: examples', () => {
  it('covers Python, Ruby, XML, Java, query strings and command lines', () => {
    const redactor = createRedactor();
    const lines = [
      "{'password': 'Py7hon-Secret', 'user': 'bob'}",
      ':password => "Ruby-Secret-1", :user => "bob"',
      '<password>Xml-Secret-22</password><user>bob</user>',
      'GET /cb?code=abc&access_token=Query-Secret-3&state=x',
      'User{name=bob, password=Java-Secret-4, id=5}',
      'curl -u admin:Curl-Secret-9 https://x',
      'psql --password Flag-Secret-10 -h db --api-key Flag-Key-11',
    ];
    const output = lines.map((line) => redactor.text(line)).join('\n');
    for (const secret of ['Py7hon-Secret', 'Ruby-Secret-1', 'Xml-Secret-22', 'Query-Secret-3', 'Java-Secret-4', 'Curl-Secret-9', 'Flag-Secret-10', 'Flag-Key-11']) expect(output).not.toContain(secret);
    for (const kept of ["'user': 'bob'", '<user>bob</user>', 'state=x', 'id=5', 'curl -u admin:', '-h db']) expect(output).toContain(kept);
  });

  it('keeps the user and host of a database URL', () => {
    const output = createRedactor().text('postgres://app_user:Sup3r-Secret@db.prod.internal:5432/app');
    expect(output).toBe('postgres://app_user:[REDACTED:db-password:1]@db.prod.internal:5432/app');
  });

  it('uses numbered placeholders named by kind, in order of first appearance', () => {
    const redactor = createRedactor();
    const jwtText = 'eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.c2lnbmF0dXJlLXZhbHVl';
    expect(redactor.text(`anon ${jwtText}`)).toBe('anon [REDACTED:jwt:1]');
    expect(redactor.text('key sk-proj-abcdefghij1234567890ABCDEFGHIJ')).toBe('key [REDACTED:openai-key:2]');
    expect(redactor.text(`again ${jwtText}`)).toBe('again [REDACTED:jwt:1]');
    expect(redactor.stats()).toEqual({ jwt: 1, 'openai-key': 1 });
  });

  it('does not treat counters, types and variable references as secrets', () => {
    expect(createRedactor().text('login failed password=<*> token: <NUM>')).toBe('login failed password=<*> token: <NUM>');
    const text = 'max_tokens=4096 prompt_tokens: 120 token_type: bearer apiKeyEnv: RENDER_API_KEY password: ${DB_PASSWORD} passwordChangedAt=2026-11-20T08:00:00Z';
    expect(createRedactor().text(text)).toBe(text);
    expect(isSecretKey('tokenizer')).toBe(false);
    expect(isSecretKey('PGPASSWORD')).toBe(true);
    expect(isSecretKey('X-Hub-Signature-256')).toBe(true);
    expect(isSecretKey('stuckAfterMinutes')).toBe(false);
    for (const key of ['webhook.signature_tolerance', 'signature_header', 'token_refresh', 'jwt_issuer', 'secret_arn', 'api_key_id']) expect(isSecretKey(key), key).toBe(false);
    for (const key of ['refresh_token', 'client_secret', 'X-Api-Key', 'aws_secret_access_key', 'sentry_dsn', 'webhookSecret']) expect(isSecretKey(key), key).toBe(true);
  });

  it('keeps upper-case variable references but redacts passwords that only resemble one or hold a `</` or a quote', () => {
    const references = 'DATABASE_URL=postgres://app:$DB_PASSWORD@db:5432/app password: $PG_PASS';
    expect(createRedactor().text(references)).toBe(references);
    // Counterexamples fast-check found: a lower-case `$name_0` is a password, `</?A` is no closing tag.
    for (const [text, secret] of [
      ['connecting to postgres://a:$a_aaaaaaaaa0@db.internal:5432/app', '$a_aaaaaaaaa0'],
      ['"DATABASE_PASSWORD=?</?A!%a=,@a0"', '?</?A!%a=,@a0'],
      // A JSON field holding a dotenv line is that line: its value does not end at `;A=`, which would leave a mask (`*`).
      [JSON.stringify({ message: 'DATABASE_PASSWORD=*;A=%?*A%=-.a0' }, null, 2), '%?*A%=-.a0'],
      // RFC 3986 allows ' (a sub-delim) unencoded in a URL's user information.
      ["DATABASE_URL='postgres://app:it's9x@db:5432/app'", "it's9x"],
    ] as const) {
      expect(createRedactor().text(text)).not.toContain(secret);
    }
  });

  it('leaves type annotations in code alone and is idempotent next to punctuation', () => {
    const redactor = createRedactor();
    const code = 'def _signature_for(body: bytes, secret: str) -> str:\n  constructor(private readonly token: string) {}';
    expect(redactor.text(code)).toBe(code);
    const once = redactor.text('call(secret=Abcdef123456), f(token=Zyxw98765432].');
    expect(once).toBe('call(secret=[REDACTED:secret:1]), f(token=[REDACTED:token:2]].');
    expect(redactor.text(once)).toBe(once);
  });

  it('keeps values a collector already masked, so equal masks do not look like one secret', () => {
    const difference = { path: 'database.password', change: 'changed', left: '**** (16 chars)', right: '**** (16 chars)', reason: 'secret changed' };
    expect(createRedactor().deep(difference)).toEqual(difference);
  });

  it('redacts whole YAML blocks under a secret key', () => {
    const output = createRedactor().text('secrets:\n  stripe: abcd1234efgh\n  - listed-value-123\nnext: visible\n');
    expect(output).not.toContain('abcd1234efgh');
    expect(output).not.toContain('listed-value-123');
    expect(output).toContain('next: visible');
  });

  it('redacts the values of a {key, value} or config difference record whose key names a secret', () => {
    const redactor = createRedactor();
    const output = redactor.deep({
      envVars: [
        { key: 'STRIPE_SECRET', value: 'plain-but-secret-1' },
        { key: 'LOG_LEVEL', value: 'debug' },
      ],
      difference: { path: 'database.password', change: 'changed', left: 'oldPass99', right: 'newPass99', reason: 'changed from oldPass99 to newPass99' },
    });
    const text = JSON.stringify(output);
    for (const secret of ['plain-but-secret-1', 'oldPass99', 'newPass99']) expect(text).not.toContain(secret);
    expect(text).toContain('"debug"');
    expect(text).toContain('database.password');
  });

  it('replaces a known secret where it appears again without context', () => {
    const redactor = createRedactor();
    const output = redactor.deep({ early: 'user typed S3cretPassw0rd in the search box', config: { password: 'S3cretPassw0rd' } });
    expect(JSON.stringify(output)).not.toContain('S3cretPassw0rd');
    expect(output.early).toBe(`user typed ${String(output.config.password)} in the search box`);
  });

  it('replaces a secret found late in a value in the strings, array items and object keys visited before it, and in texts redacted earlier', () => {
    const redactor = createRedactor();
    const earlier = redactor.text('a token Xk29dLq0PzR7wY2b in an earlier text');
    const output = redactor.deep({
      first: ['saw Xk29dLq0PzR7wY2b twice', { Xk29dLq0PzR7wY2b: 'as a key', nested: 'Xk29dLq0PzR7wY2b' }],
      later: { api_token: 'Xk29dLq0PzR7wY2b' },
    });
    const text = JSON.stringify(output);
    expect(text).not.toContain('Xk29dLq0PzR7wY2b');
    const placeholder = String(output.later.api_token);
    expect(output.first[0]).toBe(`saw ${placeholder} twice`);
    expect(Object.keys(output.first[1] as object)).toEqual([placeholder, 'nested']);
    expect(redactor.text(earlier)).toBe(`a token ${placeholder} in an earlier text`);
    // Nothing new: a second deep redaction of the strings is the same.
    expect(redactor.deep(output.first[0])).toBe(output.first[0]);
  });

  it('finds delimited secrets again anywhere, also when more than a few are new (one pass over the text)', () => {
    // Secrets whose only delimiters come after their first run (base64 padding, a trailing slash), one with a delimiter
    // right after its first few characters, and one with an anchor; 20 of them, so the texts are scanned in one pass.
    const secrets = Array.from({ length: 20 }, (_, index) => {
      const body = `Q${index}w8ZpL2vKx9Rt4Nm7Yb3Hc6Jd1Fg5Se0${index}`;
      return index % 4 === 0 ? `${body}==` : index % 4 === 1 ? `${body}/` : index % 4 === 2 ? `Ab=${body}` : `${body}/${body.slice(3, 12)}`;
    });
    const redactor = createRedactor();
    const output = redactor.deep({
      earlier: secrets.map((secret) => `glued x${secret}. alone ${secret}, quoted "${secret}" and twice ${secret}${secret}`),
      config: Object.fromEntries(secrets.map((secret, index) => [`api_key_${index}`, secret])),
    });
    const text = JSON.stringify(output);
    for (const secret of secrets) expect(text).not.toContain(secret);
    const placeholder = String(output.config.api_key_0);
    expect(output.earlier[0]).toBe(`glued x${placeholder}. alone ${placeholder}, quoted "${placeholder}" and twice ${placeholder}${placeholder}`);
    // Later texts too (the secrets are known now).
    for (const secret of secrets) expect(redactor.text(`later:${secret};`)).not.toContain(secret);
  });

  it("reuses a key's last value and a record's keys without leaking a secret found later into what was redacted before", () => {
    const redactor = createRedactor();
    // Siblings with the same keys and the same values (the reused redactions), then the secret, as a value and as a key.
    const records = Array.from({ length: 4 }, (_, index) => ({ file: 'app.log', message: 'retry with Zq81mWx3Lp5tRk0v', Zq81mWx3Lp5tRk0v: index }));
    const output = redactor.deep({ records, config: { db_password: 'Zq81mWx3Lp5tRk0v' } });
    const placeholder = String(output.config.db_password);
    expect(JSON.stringify(output)).not.toContain('Zq81mWx3Lp5tRk0v');
    for (const record of output.records) expect(record.message).toBe(`retry with ${placeholder}`);
    // A later deep redaction (as redactCollected runs one when the version grew) reuses the same redactions, brought up to date.
    const again = redactor.deep({ records, note: 'retry with Zq81mWx3Lp5tRk0v' });
    expect(JSON.stringify(again)).not.toContain('Zq81mWx3Lp5tRk0v');
    expect(again.records[3]?.message).toBe(`retry with ${placeholder}`);
    // A secret found after the values were redacted and reused, in a second run: the version grew, the texts follow.
    const before = redactor.version();
    const later = redactor.deep({ records: records.map((record) => ({ ...record, message: 'sent Vb72kQp9Xs4mLz1c' })), late: { api_token: 'Vb72kQp9Xs4mLz1c' } });
    expect(redactor.version()).toBeGreaterThan(before);
    expect(JSON.stringify(later)).not.toContain('Vb72kQp9Xs4mLz1c');
    // A sibling whose keys differ (a secret key among them) is judged on its own.
    const mixedRecords = redactor.deep([
      { file: 'a', line: 1 },
      { file: 'a', line: 2 },
      { file: 'a', token: 'Pm3xK8qLz2Wv7tRb' },
    ]);
    expect(JSON.stringify(mixedRecords)).not.toContain('Pm3xK8qLz2Wv7tRb');
  });

  it('finds complex secrets (delimiters, no anchor) again in texts redacted before them, with many new secrets at once', () => {
    // Runs of at most three characters between delimiters: found again by substring, first all together by one pattern;
    // long ones (over the pattern's budget) each by its own search.
    const short = Array.from({ length: 20 }, (_, index) => `a${index % 10}/b${index}x/c${index}d/e1==`);
    const long = Array.from({ length: 20 }, (_, index) => `${`q${index}/`.repeat(1_000)}z9==`);
    for (const secrets of [short, long]) {
      const redactor = createRedactor();
      const output = redactor.deep({ earlier: secrets.map((secret) => `saw ${secret} here`), config: secrets.map((secret) => ({ password: secret })) });
      const text = JSON.stringify(output);
      for (const secret of secrets) expect(text).not.toContain(secret);
      expect(output.earlier[0]).toBe(`saw ${String(output.config[0]?.password)} here`);
    }
  });

  it('tells ids and times as the patterns do (uuid in either case, date, date and time with a zone or offset)', () => {
    const redactor = createRedactor();
    const kept = ['2026-11-19', '2026-11-19T06:00:08Z', '2026-11-19 06:00:08.123+02:00', '2026-11-19T06:00:08-0200', '2026-11-19T06:00', 'F33C869D-33e1-4d60-a39a-d0567714645c'];
    for (const value of kept) expect(redactor.deep({ at: value, message: value })).toEqual({ at: value, message: value });
    // Near misses are redacted like any text: a secret key's value, or a shape that is a credential's.
    expect(redactor.deep({ token: '2026-11-19T06:00:08+2:00' }).token).toMatch(/^\[REDACTED:token:\d+\]$/);
    expect(redactor.deep({ value: 'f33c869d33e14d60a39ad0567714645c9a' }).value).toMatch(/^\[REDACTED:high-entropy-hex:\d+\]$/);
  });

  it('returns what holds no secret as it is and never changes its input', () => {
    const redactor = createRedactor();
    const clean = { records: [{ message: 'GET /health 200', fields: { level: 'info' }, count: 3 }], ids: ['f33c869d-33e1-4d60-a39a-d0567714645c'] };
    expect(redactor.deep(clean)).toBe(clean);
    const input = {
      records: [
        { message: 'connecting', fields: { level: 'info' } },
        { message: 'with password=Hunter2-Prod-9', fields: { level: 'info' } },
      ],
      config: { token: 'Xk29dLq0PzR7wY2b' },
      later: 'Xk29dLq0PzR7wY2b',
    };
    const before = structuredClone(input);
    const output = redactor.deep(input);
    expect(input).toEqual(before);
    expect(JSON.stringify(output)).not.toMatch(/Hunter2-Prod-9|Xk29dLq0PzR7wY2b/);
    // Unchanged parts are shared, changed ones are new.
    expect(output.records[0]).toBe(input.records[0]);
    expect(output.records[1]).not.toBe(input.records[1]);
    expect(output.records[1]?.fields).toBe(input.records[1]?.fields);
  });

  it('keeps ids and times on their own, even ones a catalogue rule would take for a token', () => {
    const redactor = createRedactor();
    const values = { id: '7934A2C2-EAAA-AC1E-075E-55F08362401E', at: '2026-11-19T06:00:08.488Z', job: 'f33c869d-33e1-4d60-a39a-d0567714645c' };
    expect(redactor.deep(values)).toEqual(values);
  });

  it('lets no secret key through the key=value prefilter, whatever its separators and case', () => {
    const words = [
      'password',
      'passwd',
      'secret',
      'api',
      'key',
      'access',
      'token',
      'auth',
      'pwd',
      'pw',
      'dsn',
      'sig',
      'hmac',
      'jwt',
      'pat',
      'otp',
      'salt',
      'cookie',
      'conn',
      'str',
      'private',
      'signing',
      'db',
      'user',
      'stripe',
      'id',
    ];
    const key = fc
      .array(fc.tuple(fc.constantFrom(...words), fc.constantFrom('lower', 'upper', 'capital'), fc.constantFrom('_', '-', '.', '')), { minLength: 1, maxLength: 4 })
      .map((parts) => parts.map(([word, style, separator]) => (style === 'upper' ? word.toUpperCase() : style === 'capital' ? word[0]!.toUpperCase() + word.slice(1) : word) + separator).join(''))
      .filter((candidate) => /^[A-Za-z_][A-Za-z0-9_.-]*[A-Za-z0-9]$/.test(candidate) && isSecretKey(candidate));
    fc.assert(
      fc.property(key, mixed(12, 20), (name, value) => {
        const output = createRedactor().text(`ok ${name}=${value} done`);
        expect(output).not.toContain(value);
      }),
      { numRuns: 400 },
    );
  });

  it('redacts error messages, including causes', () => {
    const error = new Error('connect failed for postgres://app:pw-12345678@db:5432/app', { cause: new Error('auth with Bearer abcdef0123456789abcdef') });
    const message = redactError(error);
    expect(message).not.toContain('pw-12345678');
    expect(message).not.toContain('abcdef0123456789abcdef');
    expect(message).toContain('postgres://app:[REDACTED:db-password:1]@db:5432/app');
  });

  it('survives multi-megabyte runs after every pattern prefix and still finds a secret behind them', () => {
    const mb = 10 * 1024 * 1024;
    const redactor = createRedactor();
    const prefixes = [
      'sk-',
      'sk-proj-',
      'eyJ',
      'Bearer ',
      'password=',
      '"password": "',
      'sha256=',
      'postgres://u:',
      'ghp_',
      'DB_PASSWORD=',
      '\\"token\\":\\"',
      "PASSWORD '",
      '{"key": "DB_PASSWORD", "value": "',
      '-----BEGIN PRIVATE KEY-----\n',
      '[REDACTED:',
    ];
    for (const prefix of prefixes) {
      const output = redactor.text(`${prefix}${'a1'.repeat(mb / 2)} then password=Behind-The-Run-7`);
      expect(output, prefix).not.toContain('Behind-The-Run-7');
    }
  }, 120_000);

  it('stays linear with many distinct secrets (20,000 records with a token each)', () => {
    const records = Array.from({ length: 20_000 }, (_, index) => ({
      message: `GET /v1/jobs/${index} Authorization: Bearer tok${index}x${(index * 7919).toString(36)}abcdefgh123 password=pw-${index}-Secret`,
      fields: { requestId: `req-${index}` },
    }));
    const output = JSON.stringify(createRedactor().deep({ records }));
    expect(output).not.toMatch(/tok\d+x|pw-\d+-Secret/);
    expect(output).toContain('"requestId":"req-19999"');
  }, 120_000);

  it('redacts a whole bundle with one redactor', () => {
    const bundle: EvidenceBundle = {
      schemaVersion: 1,
      incident: { id: 'FM-028', title: 't', severity: 'P1', environment: 'prod', service: 'api', window: { start: '2026-11-20T08:00:00Z', end: '2026-11-20T09:00:00Z' } },
      collectedAt: '2026-11-20T10:00:00Z',
      sources: [
        {
          id: 'db',
          kind: 'database',
          status: 'failed',
          warnings: [],
          error: { message: 'password authentication failed: postgres://app:Hunter2-Prod@db/app', code: '28P01' },
          provenance: { description: 'db', endpoint: 'postgres://app:Hunter2-Prod@db/app', collectedAt: '2026-11-20T10:00:00Z' },
          durationMs: 3,
        },
        {
          id: 'logs',
          kind: 'logs',
          status: 'ok',
          warnings: [],
          provenance: { description: 'logs', collectedAt: '2026-11-20T10:00:00Z' },
          durationMs: 3,
          evidence: {
            files: [],
            totalRecords: 1,
            records: [{ file: 'a.log', line: 1, message: 'retrying with Hunter2-Prod', fields: { authorization: 'Basic YXBwOkh1bnRlcjI=' } }],
            recordsTruncated: false,
            templates: [],
            events: [],
            perMinute: [],
          },
        },
      ],
    };
    const output = JSON.stringify(redactBundle(bundle));
    expect(output).not.toContain('Hunter2-Prod');
    expect(output).not.toContain('YXBwOkh1bnRlcjI=');
    expect(output.match(/\[REDACTED:db-password:1\]/g)?.length).toBe(3);
    expect(output).toContain('"collectedAt":"2026-11-20T10:00:00Z"');
  });
});
