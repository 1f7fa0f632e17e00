// The PDF's text goes through the redactor too (real pdftotext): a PDF holding a secret is held back and the run says so.
import { describe, expect, it, vi } from 'vitest';
import { createRedactor } from '../../src/lib/secrets/redact.ts';
import { checkPdfForSecrets } from '../../src/publish/pdf-check.ts';
import { runPublish } from '../../src/publish/run.ts';
import { GITHUB_TOKEN, startGithubFake } from './helpers/github-fake.ts';
import { makeIncident, recordingPolicy, streams, SUMMARY, tinyPdf } from './helpers/incident.ts';

describe('checkPdfForSecrets', () => {
  it('finds a connection-string password in the PDF text, passes a clean PDF, and says when it cannot check', async () => {
    expect(await checkPdfForSecrets(tinyPdf('Pool exhausted at 10:02, 20 of 20 connections busy'), createRedactor())).toEqual({ status: 'clean' });
    const leaky = await checkPdfForSecrets(tinyPdf('DATABASE_URL=postgres://app:Sup3rS3cretPass@db:5432/app'), createRedactor());
    expect(leaky.status).toBe('secrets');
    const missing = await checkPdfForSecrets(tinyPdf('x'), createRedactor(), '/nonexistent/pdftotext');
    expect(missing).toEqual({ status: 'unchecked', reason: '/nonexistent/pdftotext is not installed (Debian: apt-get install poppler-utils)' });
  });

  it('a PDF with a secret is not uploaded; the comment goes up and the run exits 2 naming why', async () => {
    const fake = await startGithubFake();
    try {
      vi.stubEnv('GITHUB_TOKEN', GITHUB_TOKEN);
      const incident = makeIncident({ summary: SUMMARY, pdfText: 'DATABASE_URL=postgres://app:Sup3rS3cretPass@db:5432/app' });
      const io = streams();
      const outcome = await runPublish(incident.dir, {
        targets: [{ to: 'github:acme/api#123', options: { baseUrl: fake.api } }],
        dryRun: false,
        json: false,
        includePdf: true,
        env: { GITHUB_TOKEN },
        retry: recordingPolicy(),
        out: io.out,
        err: io.err,
      });
      expect(outcome.exitCode).toBe(2);
      expect(fake.requests.some((request) => request.path.includes('/releases'))).toBe(false);
      expect(fake.comments).toHaveLength(1);
      expect(io.stderr()).toMatch(/attachment not published: not sent: the redactor flags text in INC-42\.pdf as a secret/);
    } finally {
      vi.unstubAllEnvs();
      await fake.close();
    }
  });
});
