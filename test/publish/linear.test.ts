// Linear adapter against a local GraphQL fake: fileUpload, the signed PUT, comment create/update, rate limits, errors.
import { afterEach, describe, expect, it } from 'vitest';
import { runPublish } from '../../src/publish/run.ts';
import { LINEAR_API_KEY, ratelimited, startLinearFake, type LinearFake } from './helpers/linear-fake.ts';
import { makeIncident, NOW, recordingPolicy, streams, SUMMARY } from './helpers/incident.ts';

let fake: LinearFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function publish(dir: string, api: string, env: Record<string, string> = { LINEAR_API_KEY }, policy = recordingPolicy(), to = 'linear:ENG-7') {
  const io = streams();
  const outcome = await runPublish(dir, { targets: [{ to, options: { baseUrl: api } }], dryRun: false, json: true, includePdf: true, env, retry: policy, out: io.out, err: io.err });
  return { outcome, policy, stdout: io.stdout(), stderr: io.stderr() };
}

const operations = (server: LinearFake) =>
  server.requests.map((request) =>
    request.path === '/graphql' ? /^\s*(?:query|mutation)\s+(\w+)/.exec((request.json as { query: string }).query)?.[1] : `${request.method} ${request.path.replace(/u\d+$/, 'KEY')}`,
  );

describe('linear adapter', () => {
  it('fileUpload, PUT with every returned header, then a comment with the asset link; a re-run updates it', async () => {
    fake = await startLinearFake();
    const incident = makeIncident({ summary: SUMMARY });
    const first = await publish(incident.dir, fake.api);
    expect(first.outcome.exitCode).toBe(0);
    expect(operations(fake)).toEqual(['issue', 'fileUpload', 'PUT /uploads/KEY', 'createComment']);
    for (const request of fake.requests.filter((item) => item.path === '/graphql')) expect(request.headers.authorization).toBe(LINEAR_API_KEY);
    const fileUpload = fake.requests[1]?.json as { variables: Record<string, unknown> };
    expect(fileUpload.variables).toMatchObject({ contentType: 'application/pdf', filename: 'INC-42.pdf', size: incident.pdf.length });
    const put = fake.requests[2];
    expect(put?.headers['content-type']).toBe('application/pdf');
    expect(put?.headers.authorization).toBeUndefined(); // the signed URL carries its own authorisation
    expect(put?.body.equals(incident.pdf)).toBe(true);
    const comment = [...fake.comments.values()][0];
    expect(comment?.body).toContain('| 10:02 | failover |');
    expect(comment?.body).toMatch(/Full report \(PDF\): \[INC-42\.pdf\]\(https:\/\/uploads\.linear\.example\/ws\/u\d+\/INC-42\.pdf\)/);
    expect(first.stdout).toContain('https://linear.example/acme/issue/ENG-7#comment-');

    fake.requests.length = 0;
    const second = await publish(incident.dir, fake.api);
    expect(second.outcome.exitCode).toBe(0);
    expect(operations(fake)).toEqual(['issue', 'fileUpload', 'PUT /uploads/KEY', 'updateComment']);
    expect(fake.comments.size).toBe(1);
    expect(second.stderr).toContain("stays in Linear's storage, unlinked");
  });

  it('RATELIMITED (HTTP 400) waits for retry-after; an unknown issue names the ticket; a bad key names LINEAR_API_KEY', async () => {
    fake = await startLinearFake();
    fake.queue('POST /graphql', ratelimited({ 'retry-after': '3', 'x-ratelimit-requests-remaining': '0', 'x-ratelimit-requests-reset': String(NOW + 90_000) }));
    const waited = await publish(makeIncident({ summary: SUMMARY, pdf: false }).dir, fake.api);
    expect(waited.stderr).toContain('looking up linear:ENG-7: rate limited, waiting 3 s (retry 1 of 3)');
    expect(waited.outcome.exitCode).toBe(0);
    expect(waited.policy.waits).toEqual([3_000]);

    fake.queue('POST /graphql', ratelimited({ 'x-ratelimit-requests-remaining': '0', 'x-ratelimit-requests-reset': String(NOW + 90_000) }));
    const byReset = await publish(makeIncident({ summary: SUMMARY, pdf: false }).dir, fake.api);
    expect(byReset.policy.waits).toEqual([90_000]);

    const missing = await publish(makeIncident({ summary: SUMMARY, pdf: false }).dir, fake.api, { LINEAR_API_KEY }, recordingPolicy(), 'linear:ENG-999');
    expect(missing.outcome.exitCode).toBe(3);
    expect(missing.stderr).toContain('linear:ENG-999 was not found');

    const denied = await publish(makeIncident({ summary: SUMMARY, pdf: false }).dir, fake.api, { LINEAR_API_KEY: 'lin_api_wrongwrongwrongwrongwrongwrongwrong' });
    expect(denied.outcome.exitCode).toBe(3);
    expect(denied.stderr).toMatch(/not authenticated.*check LINEAR_API_KEY/);
    expect(denied.stderr).not.toContain('lin_api_wrong');
  });

  it('a PUT the storage rejects as too large: the comment still goes up and says the PDF is not attached (exit 2)', async () => {
    fake = await startLinearFake({ maxUploadBytes: 10 });
    const result = await publish(makeIncident({ summary: SUMMARY }).dir, fake.api);
    expect(result.outcome.exitCode).toBe(2);
    expect(result.stderr).toContain("uploading INC-42.pdf to Linear's storage was too large (HTTP 413)");
    expect([...fake.comments.values()][0]?.body).toContain('The PDF report is not attached');
  });
});
