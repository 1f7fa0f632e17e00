// GitLab adapter against a local GitLab fake: upload then a marked note; the re-run edits it; 404, 413, 429, bad token.
import { afterEach, describe, expect, it } from 'vitest';
import { runPublish } from '../../src/publish/run.ts';
import { GITLAB_TOKEN, startGitlabFake, type GitlabFake } from './helpers/gitlab-fake.ts';
import { makeIncident, recordingPolicy, streams, SUMMARY } from './helpers/incident.ts';

let fake: GitlabFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function publish(dir: string, baseUrl: string, env: Record<string, string> = { GITLAB_TOKEN }, to = 'gitlab:group/proj#9') {
  const io = streams();
  const policy = recordingPolicy();
  const outcome = await runPublish(dir, { targets: [{ to, options: { baseUrl } }], dryRun: false, json: false, includePdf: true, env, retry: policy, out: io.out, err: io.err });
  return { outcome, policy, stdout: io.stdout(), stderr: io.stderr() };
}

describe('gitlab adapter', () => {
  it('POST uploads (multipart file), then a note with the marker and the link; the re-run, without state, finds and edits it', async () => {
    fake = await startGitlabFake({ pageSize: 1 });
    fake.notes.push({ id: 1, body: 'someone else' });
    const incident = makeIncident({ summary: SUMMARY });
    const first = await publish(incident.dir, fake.url);
    expect(first.outcome.exitCode).toBe(0);
    const upload = fake.requests.find((request) => request.path.endsWith('/uploads'));
    expect(upload?.path).toBe('/api/v4/projects/group%2Fproj/uploads');
    expect(upload?.headers['private-token']).toBe(GITLAB_TOKEN);
    expect(upload?.parts?.map((part) => [part.name, part.filename, part.type])).toEqual([['file', 'INC-42.pdf', 'application/pdf']]);
    expect(upload?.parts?.[0]?.bytes.equals(incident.pdf)).toBe(true);
    const note = fake.notes[1];
    expect(note?.body.startsWith('<!-- fracas:report INC-42 -->\n')).toBe(true);
    expect(note?.body).toMatch(new RegExp(`\\[INC-42\\.pdf\\]\\(${fake.url.replace(/[.]/g, '\\.')}/-/project/42/uploads/\\w+/INC-42\\.pdf\\)`));
    expect(first.stdout).toContain(`${fake.url}/group/proj/-/issues/9#note_${note?.id}`);

    // Forget the state: the marker is found on page 2 of the notes and that note is edited.
    const { rmSync } = await import('node:fs');
    rmSync(`${incident.dir}/evidence/publish.json`);
    fake.requests.length = 0;
    const second = await publish(incident.dir, fake.url);
    expect(second.outcome.exitCode).toBe(0);
    expect(fake.notes).toHaveLength(2);
    expect(fake.requests.map((request) => `${request.method} ${request.path}${request.query.get('page') ? `?page=${request.query.get('page')}` : ''}`)).toEqual([
      'POST /api/v4/projects/group%2Fproj/uploads',
      'GET /api/v4/projects/group%2Fproj/issues/9/notes?page=1',
      'GET /api/v4/projects/group%2Fproj/issues/9/notes?page=2',
      `PUT /api/v4/projects/group%2Fproj/issues/9/notes/${note?.id}`,
    ]);
  });

  it('404 names the ticket; 413 on upload still posts the note (exit 2); 429 waits; a bad token names GITLAB_TOKEN', async () => {
    fake = await startGitlabFake();
    const missing = await publish(makeIncident({ summary: SUMMARY, pdf: false }).dir, fake.url, { GITLAB_TOKEN }, 'gitlab:group/proj#10');
    expect(missing.outcome.exitCode).toBe(3);
    expect(missing.stderr).toContain('gitlab:group/proj#10 was not found (HTTP 404): 404 Issue Not Found');

    fake.maxBytes = 10;
    const big = await publish(makeIncident({ summary: SUMMARY }).dir, fake.url);
    expect(big.outcome.exitCode).toBe(2);
    expect(big.stderr).toContain('was too large (HTTP 413): 413 Request Entity Too Large');
    expect(fake.notes.at(-1)?.body).toContain('The PDF report is not attached');

    fake.queue('POST /api/v4/projects/group%2Fproj/issues/9/notes', { status: 429, headers: { 'retry-after': '5', 'ratelimit-remaining': '0' }, json: { message: 'Retry later' } });
    const limited = await publish(makeIncident({ id: 'INC-43', summary: SUMMARY, pdf: false }).dir, fake.url);
    expect(limited.outcome.exitCode).toBe(0);
    expect(limited.policy.waits).toEqual([5_000]);

    const denied = await publish(makeIncident({ summary: SUMMARY, pdf: false }).dir, fake.url, { GITLAB_TOKEN: 'glpat-wrongwrongwrong' });
    expect(denied.stderr).toMatch(/401 Unauthorized \(check GITLAB_TOKEN/);
    expect(denied.stderr).not.toContain('glpat-wrongwrongwrong');
  });
});
