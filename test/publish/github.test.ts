// GitHub adapter against a local GitHub REST fake: exact requests, the marker re-run, asset replacement, limits, errors.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runPublish } from '../../src/publish/run.ts';
import { closedPort } from './helpers/fake-server.ts';
import { GITHUB_TOKEN, startGithubFake, type GithubFake } from './helpers/github-fake.ts';
import { makeIncident, NOW, recordingPolicy, streams, SUMMARY } from './helpers/incident.ts';

let fake: GithubFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function publish(dir: string, api: string, extra: Record<string, unknown> = {}, policy = recordingPolicy()) {
  const io = streams();
  const outcome = await runPublish(dir, {
    targets: [{ to: 'github:acme/api#123', options: { baseUrl: api, ...extra } }],
    dryRun: false,
    json: true,
    includePdf: true,
    env: { GITHUB_TOKEN },
    retry: policy,
    out: io.out,
    err: io.err,
  });
  return {
    outcome,
    json: JSON.parse(io.stdout() || '{}') as {
      targets: { status: string; steps: { what: string; status: string; url?: string; action?: string; error?: string; hint?: string }[]; leftBehind: string[] }[];
    },
    stderr: io.stderr(),
    stdout: io.stdout(),
    policy,
  };
}

describe('github adapter', () => {
  it('uploads the PDF as a release asset, posts one marked comment, and a re-run edits it and replaces the asset', async () => {
    fake = await startGithubFake({ pageSize: 2 });
    // Unrelated comments before ours, so the marked comment is found on a later page.
    fake.comments.push({ id: 1, body: 'first', html_url: 'x' }, { id: 2, body: 'second', html_url: 'y' }, { id: 3, body: 'third', html_url: 'z' });
    const incident = makeIncident({ summary: SUMMARY });
    const first = await publish(incident.dir, fake.api);
    expect(first.outcome.exitCode).toBe(0);

    const upload = fake.requests.find((request) => request.path.startsWith('/api/uploads/'));
    expect(upload?.method).toBe('POST');
    expect(upload?.query.get('name')).toBe('INC-42.pdf');
    expect(upload?.headers['content-type']).toBe('application/pdf');
    expect(upload?.body.equals(incident.pdf)).toBe(true);
    for (const request of fake.requests) {
      expect(request.headers.authorization).toBe(`token ${GITHUB_TOKEN}`);
      expect(request.headers['x-github-api-version']).toBe('2022-11-28');
    }
    const created = fake.requests.find((request) => request.method === 'POST' && request.path.endsWith('/issues/123/comments'));
    const body = ((created?.json ?? {}) as { body: string }).body;
    expect(body.startsWith('<!-- fracas:report INC-42 -->\n')).toBe(true);
    expect(body).toContain('| 10:02 | failover |');
    expect(body).toContain('[INC-42.pdf](https://github.example/acme/api/releases/download/fracas-reports/INC-42.pdf)');
    expect(fake.comments).toHaveLength(4);
    const state = JSON.parse(readFileSync(path.join(incident.dir, 'evidence', 'publish.json'), 'utf8'));
    expect(state.targets['github:acme/api#123'].commentId).toBe(String(fake.comments[3]?.id));

    fake.requests.length = 0;
    const second = await publish(incident.dir, fake.api);
    expect(second.outcome.exitCode).toBe(0);
    expect(fake.comments).toHaveLength(4);
    const listed = fake.requests.filter((request) => request.method === 'GET' && request.path.endsWith('/comments')).map((request) => request.query.get('page') ?? '1');
    expect(listed).toEqual(['1', '2']);
    const patch = fake.requests.find((request) => request.method === 'PATCH' && request.path.includes('/issues/comments/'));
    expect(patch?.path).toBe(`/api/v3/repos/acme/api/issues/comments/${fake.comments[3]?.id}`);
    // Replacement: the new file goes up under a temporary name, the old one is deleted, the new one renamed.
    const sequence = fake.requests.filter((request) => request.path.includes('/assets')).map((request) => `${request.method} ${request.path.replace(/\d+/g, 'N')}`);
    expect(sequence).toEqual(['POST /api/uploads/repos/acme/api/releases/N/assets', 'DELETE /api/vN/repos/acme/api/releases/assets/N', 'PATCH /api/vN/repos/acme/api/releases/assets/N']);
    const assets = fake.releases[0]?.assets ?? [];
    expect(assets.map((item) => item.name)).toEqual(['INC-42.pdf']);
    expect(second.json.targets[0]?.steps.map((step) => `${step.what}:${step.action}`)).toEqual(['attachment:replaced', 'comment:updated']);
  });

  it('trims a summary over 65,536 characters and links the rest (the fake rejects longer bodies with 422)', async () => {
    fake = await startGithubFake();
    const long = `${SUMMARY}\n${Array.from({ length: 3000 }, (_, index) => `## Section ${index}\n\nLine ${index} of the timeline with some words.\n`).join('\n')}`;
    expect(long.length).toBeGreaterThan(65_536);
    const incident = makeIncident({ summary: long });
    const result = await publish(incident.dir, fake.api);
    expect(result.outcome.exitCode).toBe(0);
    const body = fake.comments[0]?.body ?? '';
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toMatch(/Trimmed to fit the tracker's 65,536-character comment limit; the rest is in the PDF: \[INC-42\.pdf\]\(https:\/\/github\.example\//);
  });

  it('commits the PDF to a branch and path, passing the earlier sha on a re-run', async () => {
    fake = await startGithubFake();
    const incident = makeIncident({ summary: SUMMARY });
    const options = { pdf: 'branch', branch: 'reports', path: 'postmortems/{id}.pdf' };
    expect((await publish(incident.dir, fake.api, options)).outcome.exitCode).toBe(0);
    const put = fake.requests.find((request) => request.method === 'PUT');
    // octokit sends the path as one URL segment (slashes percent-encoded), which GitHub decodes.
    expect(decodeURIComponent(put?.path ?? '')).toBe('/api/v3/repos/acme/api/contents/postmortems/INC-42.pdf');
    const input = put?.json as { content: string; branch: string; sha?: string };
    expect(Buffer.from(input.content, 'base64').equals(incident.pdf)).toBe(true);
    expect(input.branch).toBe('reports');
    expect(input.sha).toBeUndefined();
    expect(fake.comments[0]?.body).toContain('(https://github.example/acme/api/blob/reports/postmortems/INC-42.pdf)');
    const sha = fake.files.get('postmortems/INC-42.pdf')?.sha;
    fake.requests.length = 0;
    expect((await publish(incident.dir, fake.api, options)).outcome.exitCode).toBe(0);
    expect(((fake.requests.find((request) => request.method === 'PUT')?.json ?? {}) as { sha?: string }).sha).toBe(sha);
  });

  it('401 names the token, 403 names the missing permission, 404 names the ticket, 422 gives GitHub message', async () => {
    fake = await startGithubFake();
    const incident = makeIncident({ summary: SUMMARY, pdf: false });
    const comments = 'POST /api/v3/repos/acme/api/issues/123/comments';

    fake.queue(comments, { status: 401, json: { message: 'Bad credentials' } });
    let result = await publish(incident.dir, fake.api);
    expect(result.outcome.exitCode).toBe(3);
    expect(result.json.targets[0]?.steps[1]?.error).toContain('not authenticated');
    expect(result.json.targets[0]?.steps[1]?.hint).toContain('GITHUB_TOKEN');

    fake.queue(comments, { status: 403, json: { message: 'Resource not accessible by personal access token' } });
    result = await publish(incident.dir, fake.api);
    expect(result.json.targets[0]?.steps[1]?.error).toContain('Resource not accessible by personal access token');
    expect(result.json.targets[0]?.steps[1]?.hint).toContain('Issues: write');

    fake.queue('GET /api/v3/repos/acme/api/issues/123/comments', { status: 404, json: { message: 'Not Found' } });
    result = await publish(incident.dir, fake.api);
    expect(result.json.targets[0]?.steps[1]?.error).toMatch(/^github:acme\/api#123 was not found \(HTTP 404\)/);

    fake.queue(comments, { status: 422, json: { message: 'Validation Failed', errors: [{ resource: 'IssueComment', code: 'unprocessable', field: 'data', message: 'Body cannot be blank' }] } });
    result = await publish(incident.dir, fake.api);
    expect(result.json.targets[0]?.steps[1]?.error).toContain('Validation Failed; Body cannot be blank');
    expect(result.stdout + result.stderr).not.toContain(GITHUB_TOKEN);
  });

  it('waits as the headers say: secondary limit retry-after, primary limit until x-ratelimit-reset, bounded tries', async () => {
    fake = await startGithubFake();
    const incident = makeIncident({ summary: SUMMARY, pdf: false });
    const comments = 'POST /api/v3/repos/acme/api/issues/123/comments';
    const secondary = {
      message:
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 9F2C:1B3A:4E5D6:7A8B9C:6750A1B2.',
      documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
    };
    fake.queue(comments, { status: 403, headers: { 'retry-after': '7', 'x-ratelimit-remaining': '4990' }, json: secondary });
    fake.queue(comments, { status: 429, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 30) }, json: { message: 'API rate limit exceeded for user ID 1.' } });
    const result = await publish(incident.dir, fake.api);
    expect(result.outcome.exitCode).toBe(0);
    expect(result.policy.waits).toEqual([7_000, 60_000]); // second wait: reset + 1 s = 31 s, raised to the 60 s backoff floor
    expect(fake.requests.filter((request) => `${request.method} ${request.path}` === comments)).toHaveLength(3);

    // A secondary limit with no headers waits at least one minute, and gives up after maxRetries.
    fake.comments.length = 0; // no earlier comment: the run POSTs a new one
    for (let index = 0; index < 10; index += 1) fake.queue(comments, { status: 403, json: secondary });
    fake.requests.length = 0;
    const stuck = await publish(incident.dir, fake.api, {}, recordingPolicy({ maxRetries: 2 }));
    expect(stuck.outcome.exitCode).toBe(3);
    expect(stuck.policy.waits).toEqual([60_000, 60_000]);
    expect(fake.requests.filter((request) => `${request.method} ${request.path}` === comments)).toHaveLength(3);
    expect(stuck.json.targets[0]?.steps[1]?.error).toContain('gave up after 3 attempts');
  });

  it('a wait longer than the policy allows fails at once and says when to run again', async () => {
    fake = await startGithubFake();
    const incident = makeIncident({ summary: SUMMARY, pdf: false });
    fake.queue('GET /api/v3/repos/acme/api/issues/123/comments', {
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 3600) },
      json: { message: 'API rate limit exceeded' },
    });
    const result = await publish(incident.dir, fake.api);
    expect(result.outcome.exitCode).toBe(3);
    expect(result.policy.waits).toEqual([]);
    expect(result.json.targets[0]?.steps[1]?.hint).toContain('2026-12-01T13:00:01Z');
  });

  it('a failed upload that left a starter asset: deletes it and uploads again; a failed comment says the PDF is left unlinked', async () => {
    fake = await startGithubFake();
    const incident = makeIncident({ summary: SUMMARY });
    // First run creates the release; then a 502 whose side effect is an empty starter asset.
    await publish(incident.dir, fake.api, {}, recordingPolicy());
    const release = fake.releases[0];
    if (!release) throw new Error('no release');
    release.assets = [];
    const uploadKey = `POST /api/uploads/repos/acme/api/releases/${release.id}/assets`;
    fake.queue(uploadKey, { status: 502, json: { message: 'Bad Gateway' } });
    const listKey = `GET /api/v3/repos/acme/api/releases/${release.id}/assets`;
    fake.queue(listKey, { status: 200, json: [{ id: 999, name: 'INC-42.pdf', state: 'starter', size: 0 }] });
    fake.queue('DELETE /api/v3/repos/acme/api/releases/assets/999', { status: 204 });
    fake.queue('POST /api/v3/repos/acme/api/issues/123/comments', { status: 500, json: { message: 'Server Error' } });
    fake.comments.length = 0;
    fake.requests.length = 0;
    const result = await publish(incident.dir, fake.api);
    expect(fake.requests.map((request) => `${request.method} ${request.path}`)).toContain('DELETE /api/v3/repos/acme/api/releases/assets/999');
    expect(result.json.targets[0]?.steps[0]?.status).toBe('ok');
    expect(result.json.targets[0]?.status).toBe('partial');
    expect(result.outcome.exitCode).toBe(2);
    expect(result.json.targets[0]?.leftBehind[0]).toMatch(/the PDF was uploaded \(https:\/\/github\.example\/.*INC-42\.pdf\) but no comment on github:acme\/api#123 links it/);
  });

  it('a replacement that cannot delete the earlier asset says where the new one is left', async () => {
    fake = await startGithubFake();
    const incident = makeIncident({ summary: SUMMARY });
    expect((await publish(incident.dir, fake.api)).outcome.exitCode).toBe(0);
    const earlier = fake.releases[0]?.assets[0];
    fake.queue(`DELETE /api/v3/repos/acme/api/releases/assets/${earlier?.id}`, { status: 403, json: { message: 'Resource not accessible by integration' } });
    const result = await publish(incident.dir, fake.api);
    expect(result.outcome.exitCode).toBe(2);
    expect(result.json.targets[0]?.steps[0]?.hint).toContain('Contents: write');
    expect(result.json.targets[0]?.leftBehind[0]).toMatch(/^the new PDF is in release fracas-reports as INC-42\.\d+\.pdf \(.*\) but could not replace INC-42\.pdf; delete or rename it by hand$/);
    expect(fake.releases[0]?.assets.map((asset) => asset.name)).toEqual(['INC-42.pdf', expect.stringMatching(/^INC-42\.\d+\.pdf$/)]);
  });

  it('network failure: no answer from the tracker, exit 3', async () => {
    const incident = makeIncident({ summary: SUMMARY, pdf: false });
    const result = await publish(incident.dir, `${await closedPort()}/api/v3`);
    expect(result.outcome.exitCode).toBe(3);
    expect(result.json.targets[0]?.steps[1]?.error).toContain('no answer from the tracker');
    expect(result.policy.waits).toEqual([1000, 2000, 4000]); // listing comments is idempotent: retried with backoff
  });
});
