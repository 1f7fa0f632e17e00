// Jira adapter against a local Jira fake: Cloud v3 (ADF, Basic) and Data Center v2 (wiki markup, Bearer PAT), errors.
import { afterEach, describe, expect, it } from 'vitest';
import { runPublish } from '../../src/publish/run.ts';
import { closedPort } from './helpers/fake-server.ts';
import { JIRA_API_TOKEN, JIRA_EMAIL, JIRA_PAT, startJiraFake, type JiraFake } from './helpers/jira-fake.ts';
import { makeIncident, recordingPolicy, streams, SUMMARY } from './helpers/incident.ts';

let fake: JiraFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const cloudEnv = { JIRA_EMAIL, JIRA_API_TOKEN };
const dcEnv = { JIRA_PAT };

async function publish(dir: string, baseUrl: string, env: Record<string, string>, policy = recordingPolicy(), includePdf = true) {
  const io = streams();
  const outcome = await runPublish(dir, { targets: [{ to: 'jira:OPS-42', options: { baseUrl } }], dryRun: false, json: true, includePdf, env, retry: policy, out: io.out, err: io.err });
  const json = JSON.parse(io.stdout() || '{}') as {
    targets: { status: string; steps: { what: string; status: string; url?: string; action?: string; error?: string; hint?: string }[]; leftBehind: string[]; notes: string[] }[];
  };
  return { outcome, json, policy, stdout: io.stdout(), stderr: io.stderr() };
}

describe('jira adapter', () => {
  it('Cloud: multipart `file` with X-Atlassian-Token, an ADF comment, and a re-run that edits it and replaces the attachment', async () => {
    fake = await startJiraFake({ auth: 'basic' });
    const incident = makeIncident({ summary: SUMMARY });
    const first = await publish(incident.dir, fake.url, cloudEnv);
    expect(first.outcome.exitCode).toBe(0);
    const upload = fake.requests.find((request) => request.method === 'POST' && request.path === '/rest/api/3/issue/OPS-42/attachments');
    expect(upload?.headers['x-atlassian-token']).toBe('no-check');
    expect(upload?.headers.authorization).toBe(`Basic ${Buffer.from(`${JIRA_EMAIL}:${JIRA_API_TOKEN}`).toString('base64')}`);
    expect(upload?.parts?.map((part) => [part.name, part.filename, part.type])).toEqual([['file', 'INC-42.pdf', 'application/pdf']]);
    expect(upload?.parts?.[0]?.bytes.equals(incident.pdf)).toBe(true);

    const comment = fake.requests.find((request) => request.method === 'POST' && request.path === '/rest/api/3/issue/OPS-42/comment');
    const adf = ((comment?.json ?? {}) as { body: { version: number; type: string; content: { type: string; attrs?: Record<string, unknown>; content?: unknown[] }[] } }).body;
    expect(adf.version).toBe(1);
    expect(adf.type).toBe('doc');
    expect(adf.content.map((node) => node.type)).toEqual(['heading', 'paragraph', 'bulletList', 'table', 'codeBlock', 'rule', 'paragraph']);
    expect(adf.content[0]).toEqual({ type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'INC-42: connection pool exhausted during failover' }] });
    expect(adf.content[1]?.content).toContainEqual({ type: 'text', text: 'runbook', marks: [{ type: 'link', attrs: { href: 'https://runbooks.example/db-failover' } }] });
    expect(adf.content[1]?.content).toContainEqual({ type: 'text', text: '10:02 UTC', marks: [{ type: 'strong' }] });
    expect(adf.content[4]).toEqual({ type: 'codeBlock', attrs: { language: 'text' }, content: [{ type: 'text', text: 'ERROR pool exhausted (max 20)' }] });
    const table = adf.content[3] as { content: { type: string; content: { type: string }[] }[] };
    expect(table.content.map((row) => row.content.map((cell) => cell.type))).toEqual([
      ['tableHeader', 'tableHeader'],
      ['tableCell', 'tableCell'],
      ['tableCell', 'tableCell'],
    ]);
    const pdfLink = JSON.stringify(adf.content[6]);
    expect(pdfLink).toContain(`"href":"${fake.url}/rest/api/3/attachment/content/`);
    const firstAttachment = [...fake.attachments.keys()][0];

    fake.requests.length = 0;
    const second = await publish(incident.dir, fake.url, cloudEnv);
    expect(second.outcome.exitCode).toBe(0);
    expect(fake.comments.size).toBe(1);
    expect(fake.requests.map((request) => `${request.method} ${request.path.replace(/\d{5}/g, 'N')}`)).toEqual([
      'GET /rest/api/3/attachment/meta',
      'POST /rest/api/3/issue/OPS-42/attachments',
      'DELETE /rest/api/3/attachment/N',
      'PUT /rest/api/3/issue/OPS-42/comment/N',
    ]);
    expect(fake.requests[2]?.path).toBe(`/rest/api/3/attachment/${firstAttachment}`);
    expect(fake.attachments.size).toBe(1);
    expect(second.json.targets[0]?.steps.map((step) => `${step.what}:${step.action}`)).toEqual(['attachment:replaced', 'comment:updated']);
    expect(second.stdout + second.stderr).not.toContain(JIRA_API_TOKEN);
  });

  it('Data Center: REST v2, Bearer PAT, wiki markup; the re-run edit sends the body (jira.js 5 reads `comment` there)', async () => {
    fake = await startJiraFake({ auth: 'bearer' });
    const incident = makeIncident({ summary: SUMMARY });
    expect((await publish(incident.dir, fake.url, dcEnv)).outcome.exitCode).toBe(0);
    const upload = fake.requests.find((request) => request.path === '/rest/api/2/issue/OPS-42/attachments');
    expect(upload?.headers.authorization).toBe(`Bearer ${JIRA_PAT}`);
    expect(upload?.headers['x-atlassian-token']).toBe('no-check');
    const wiki = ((fake.requests.find((request) => request.method === 'POST' && request.path === '/rest/api/2/issue/OPS-42/comment')?.json ?? {}) as { body: string }).body;
    expect(wiki).toContain('h2. INC\\-42: connection pool exhausted during failover');
    expect(wiki).toContain('[runbook|https://runbooks.example/db-failover]');
    expect(wiki).toContain('||Time||Event||\n|10:02|failover|');
    expect(wiki).toContain('{code:text}\nERROR pool exhausted (max 20)\n{code}');
    expect(wiki).toContain('* {{pool exhausted}} errors until 10:19');

    fake.requests.length = 0;
    expect((await publish(incident.dir, fake.url, dcEnv)).outcome.exitCode).toBe(0);
    const put = fake.requests.find((request) => request.method === 'PUT');
    expect(put?.path).toMatch(/^\/rest\/api\/2\/issue\/OPS-42\/comment\/\d+$/);
    const edited = ((put?.json ?? {}) as { body: string }).body;
    const newest = [...fake.attachments.keys()].at(-1);
    expect(edited).toBe(wiki.replace(/attachment\/content\/\d+/, `attachment/content/${newest}`));
  });

  it('a summary over the 32,767-character comment limit is trimmed at a section (wiki and ADF alike)', async () => {
    fake = await startJiraFake({ auth: 'bearer' });
    const long = `${SUMMARY}\n${Array.from({ length: 2000 }, (_, index) => `## Step ${index}\n\nThe {pool} *was* [full] at step ${index}.\n`).join('\n')}`;
    const result = await publish(makeIncident({ summary: long }).dir, fake.url, dcEnv);
    expect(result.outcome.exitCode).toBe(0);
    const wiki = String([...fake.comments.values()][0]?.body);
    expect(wiki.length).toBeLessThanOrEqual(32_767);
    expect(wiki).toContain("_Trimmed to fit Jira's comment limit; the rest is in the attached PDF._");
    expect(result.stderr).toContain("trimmed to fit Jira's 32767-character comment limit");
  });

  it('413: over the instance limit from attachment/meta nothing is uploaded, and the comment says the PDF is missing', async () => {
    fake = await startJiraFake({ auth: 'basic', uploadLimit: 100 });
    const incident = makeIncident({ summary: SUMMARY });
    const result = await publish(incident.dir, fake.url, cloudEnv);
    expect(result.outcome.exitCode).toBe(2);
    expect(fake.requests.some((request) => request.path.endsWith('/attachments'))).toBe(false);
    expect(result.json.targets[0]?.steps[0]?.error).toMatch(/INC-42\.pdf is \d+ bytes, over this Jira's attachment limit of 100 bytes/);
    expect(JSON.stringify(fake.comments.values().next().value?.body)).toContain('The PDF report is not attached');
  });

  it('413 from the server names the limit it read; 404 names the ticket; 403 names the permission', async () => {
    fake = await startJiraFake({ auth: 'basic' });
    const incident = makeIncident({ summary: SUMMARY });
    fake.queue('POST /rest/api/3/issue/OPS-42/attachments', { status: 413, text: 'Request Entity Too Large' });
    let result = await publish(incident.dir, fake.url, cloudEnv);
    expect(result.json.targets[0]?.steps[0]?.error).toContain('too large (HTTP 413) (the limit is 10 MiB)');

    const other = makeIncident({ summary: SUMMARY, pdf: false });
    const io = streams();
    const outcome = await runPublish(other.dir, {
      targets: [{ to: 'jira:OPS-999', options: { baseUrl: fake.url } }],
      dryRun: false,
      json: true,
      includePdf: true,
      env: cloudEnv,
      retry: recordingPolicy(),
      out: io.out,
      err: io.err,
    });
    expect(outcome.exitCode).toBe(3);
    expect(outcome.results[0]?.steps[1]?.error).toBe('jira:OPS-999 was not found (HTTP 404): Issue does not exist or you do not have permission to see it.');

    fake.queue('POST /rest/api/3/issue/OPS-42/comment', { status: 403, json: { errorMessages: ['You do not have permission to comment on this issue.'], errors: {} } });
    result = await publish(makeIncident({ summary: SUMMARY }).dir, fake.url, cloudEnv, recordingPolicy(), false);
    expect(result.json.targets[0]?.steps[1]?.error).toContain('You do not have permission to comment on this issue.');
    expect(result.json.targets[0]?.steps[1]?.hint).toContain('Add Comments project permission');
  });

  it('429 waits for Retry-After; 401 names the credential; network failure', async () => {
    fake = await startJiraFake({ auth: 'basic' });
    const incident = makeIncident({ summary: SUMMARY, pdf: false });
    fake.queue('POST /rest/api/3/issue/OPS-42/comment', { status: 429, headers: { 'retry-after': '12' }, json: { errorMessages: ['Rate limit exceeded.'], errors: {} } });
    const waited = await publish(incident.dir, fake.url, cloudEnv);
    expect(waited.outcome.exitCode).toBe(0);
    expect(waited.policy.waits).toEqual([12_000]);

    const denied = await publish(makeIncident({ summary: SUMMARY, pdf: false }).dir, fake.url, { JIRA_EMAIL, JIRA_API_TOKEN: 'wrong-token-value' });
    expect(denied.json.targets[0]?.steps[1]?.hint).toContain('JIRA_EMAIL/JIRA_API_TOKEN');
    expect(denied.stdout + denied.stderr).not.toContain('wrong-token-value');

    const offline = await publish(makeIncident({ summary: SUMMARY, pdf: false }).dir, await closedPort(), cloudEnv);
    expect(offline.outcome.exitCode).toBe(3);
    expect(offline.json.targets[0]?.steps[1]?.error).toContain('no answer from the tracker');
    expect(offline.policy.waits).toEqual([]); // a POST that creates is never repeated after a network failure
  });
});
