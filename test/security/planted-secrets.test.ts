// Every planted secret format (issue 11 item 7) is absent from every output of `fracas report`: evidence.json, Markdown, PDF text, charts, stdout, stderr, --json.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess, writeIncidentFiles } from '../helpers/cli.ts';

/** One secret per format that reached an output before; each is listed with where it is planted. */
const PLANTED = {
  twilioAuthToken: '9f3c2b7a41d8e6c05b19a7f2d4e8c3b1',
  base64Password: Buffer.from('user=svc password=Wr1te-Only-88 host=db').toString('base64'),
  azureAccountKey: 'q8Hk2Lm9Pz4Rt7Vw1Xy5Bn3Cd6Fg0Jk8Ls2Qe4Tu7Io9Pa1Zx5Cv3Bn6Mm8Kk2Ll4Hh7Gg0Ff3Dd5Ss9Aa1Qq6Ww8Ee2Rr4Tt7Yy0Uu3Ii5Oo9P==',
  awsSecretFreeText: 'wJalrXUtnFEMI7K7MDENGbPxRfiCY9EXAMPLEKEYq2',
  gcpPrivateKeyId: '4f1c9e2d7b3a6085c1e4f7a2d9b6c3e08a5f1d2c',
  twilioApiKey: 'SK2f7c9e1b4d8a3f6e0c5b9d2a7e4f1c8b',
  tracebackPassword: 'Split-Line-Secret-7731',
  salt: 'NaCl-7f3e9a1c5b2d8e4f',
};

let root = '';
let dir = '';
let run: { code: number | null; stdout: string; stderr: string };

function writeIncident(): void {
  const minute = (index: number) => `2026-11-20T08:${String(10 + (index % 40)).padStart(2, '0')}:00Z`;
  const logLines = [
    { level: 'error', message: `loaded aws secret key ${PLANTED.awsSecretFreeText} for uploads` },
    { level: 'error', message: `storage: DefaultEndpointsProtocol=https;AccountName=fracasstore;AccountKey=${PLANTED.azureAccountKey};EndpointSuffix=core.windows.net` },
    {
      level: 'error',
      message: `Traceback (most recent call last):\n  File "/app/db.py", line 12, in connect\n    conn = psycopg2.connect(host="db", password=\n        "${PLANTED.tracebackPassword}")\npsycopg2.OperationalError: connection refused`,
    },
    { level: 'error', message: `twilio client using ${PLANTED.twilioApiKey} failed with 401` },
  ].map((record, index) => JSON.stringify({ timestamp: minute(index), ...record }));
  const staging = [
    'twilio:',
    `  auth: ${PLANTED.twilioAuthToken}`,
    `  session_blob: ${PLANTED.base64Password}`,
    'gcp:',
    `  private_key_id: ${PLANTED.gcpPrivateKeyId}`,
    'hashing:',
    `  salt: ${PLANTED.salt}`,
    `  empty_password: ""`,
    'pool_size: 5',
    '',
  ].join('\n');
  const production = ['twilio:', '  auth: ""', 'gcp:', '  private_key_id: null', 'hashing:', '  salt: other-salt-value-1', 'pool_size: 20', ''].join('\n');
  const manifest = [
    'id: SECRETS-1',
    'title: Planted secrets',
    'severity: P2',
    'environment: staging',
    'service: api',
    'window:',
    '  start: 2026-11-20T08:00:00Z',
    '  end: 2026-11-20T09:00:00Z',
    'sources:',
    '  - id: app-logs',
    '    kind: logs',
    '    paths: [logs/app.jsonl]',
    '    format: json-lines',
    '  - id: environment-config',
    '    kind: config',
    '    left: { label: staging, path: config/staging.yaml }',
    '    right: { label: production, path: config/production.yaml }',
    '',
  ].join('\n');
  writeIncidentFiles(dir, {
    'logs/app.jsonl': `${logLines.join('\n')}\n`,
    'config/staging.yaml': staging,
    'config/production.yaml': production,
    'incident.yaml': manifest,
  });
}

const fracas = (args: string[]) => runCliProcess(args);

/** Every file under a directory, recursively (report Markdown, charts, PDF, evidence). */
function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const full = path.join(folder, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'fracas-secrets-'));
  dir = path.join(root, 'incident');
  writeIncident();
  run = await fracas(['report', dir, '--json']);
}, 300_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('planted secrets through `fracas report`', () => {
  it('ran and wrote evidence, Markdown and a PDF', () => {
    expect(run.code, run.stderr).toBe(0);
    const names = filesUnder(dir).map((file) => path.basename(file));
    expect(names).toContain('evidence.json');
    expect(names.some((name) => name.endsWith('.md') && name !== 'incident.yaml')).toBe(true);
    expect(names.some((name) => name.endsWith('.pdf'))).toBe(true);
  });

  it('carried the planted records into the evidence (so their absence below is redaction, not loss)', () => {
    const evidence = readFileSync(path.join(dir, 'evidence', 'evidence.json'), 'utf8');
    expect(evidence).toContain('AccountName=fracasstore');
    expect(evidence).toContain('psycopg2.OperationalError');
    expect(evidence).toContain('session_blob');
    expect(evidence).toContain('[REDACTED:');
  });

  it.each(Object.entries(PLANTED))('%s appears in no output', (_name, secret) => {
    const outputs: Array<[string, string]> = [
      ['stdout (--json)', run.stdout],
      ['stderr', run.stderr],
    ];
    for (const file of filesUnder(dir)) {
      if (file.includes(`${path.sep}config${path.sep}`) || file.includes(`${path.sep}logs${path.sep}`)) continue;
      if (file.endsWith('.pdf')) outputs.push([`${file} (pdftotext)`, execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' })]);
      else outputs.push([file, readFileSync(file, 'latin1')]);
    }
    const leaks = outputs.filter(([, text]) => text.includes(secret)).map(([where]) => where);
    expect(leaks).toEqual([]);
  });

  it('keeps empty and null values visible as such (they are not secrets)', () => {
    const evidence = readFileSync(path.join(dir, 'evidence', 'evidence.json'), 'utf8');
    // The config evidence keeps the parsed tree: the empty value stays an empty string under its key.
    expect(evidence).not.toMatch(/"empty_password":\s*"\[REDACTED/);
    expect(evidence).toMatch(/"empty_password":\s*""/);
  });
});
