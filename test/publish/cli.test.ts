// `fracas publish` end to end through the CLI: --dry-run sends nothing, --json, the manifest's tickets:, exit codes, redaction.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { GITHUB_TOKEN, startGithubFake, type GithubFake } from './helpers/github-fake.ts';
import { GITLAB_TOKEN, startGitlabFake, type GitlabFake } from './helpers/gitlab-fake.ts';
import { makeIncident, SUMMARY } from './helpers/incident.ts';

let github: GithubFake | undefined;
let gitlab: GitlabFake | undefined;
afterEach(async () => {
  vi.unstubAllEnvs();
  await github?.close();
  await gitlab?.close();
  github = undefined;
  gitlab = undefined;
});

const run = runCli;

describe('fracas publish', () => {
  it('--dry-run prints the exact requests and bodies, sends nothing, and needs no token', async () => {
    github = await startGithubFake();
    vi.stubEnv('GITHUB_TOKEN', '');
    const incident = makeIncident({ summary: SUMMARY });
    const result = await run('publish', incident.dir, '--to', 'github:acme/api#123', '--base-url', github.api, '--dry-run');
    expect(result.code).toBe(0);
    expect(github.requests).toHaveLength(0);
    expect(result.out).toContain(`POST ${github.api}/repos/acme/api/issues/123/comments`);
    expect(result.out).toContain('Authorization: token $GITHUB_TOKEN');
    expect(result.out).toContain('    | <!-- fracas:report INC-42 -->');
    expect(result.out).toContain('    | | 10:02 | failover |');
    expect(result.out).toContain(`"sha256":"${(await import('node:crypto')).createHash('sha256').update(incident.pdf).digest('hex')}"`);
    expect(existsSync(path.join(incident.dir, 'evidence', 'publish.json'))).toBe(false);
  });

  it('publishes to the manifest tickets: list; --json lists the URLs; a failed ticket makes it exit 2 and says what was left', async () => {
    github = await startGithubFake();
    gitlab = await startGitlabFake();
    vi.stubEnv('GITHUB_TOKEN', GITHUB_TOKEN);
    vi.stubEnv('GITLAB_TOKEN', GITLAB_TOKEN);
    const tickets = `  - { to: "github:acme/api#123", baseUrl: "${github.api}", tag: incident-pdfs }\n  - { to: "gitlab:group/proj#9", baseUrl: "${gitlab.url}" }\n`;
    const incident = makeIncident({ summary: SUMMARY, tickets });
    const ok = await run('publish', incident.dir, '--json');
    expect(ok.code).toBe(0);
    const json = JSON.parse(ok.out) as { targets: { target: string; status: string; steps: { what: string; url?: string }[] }[] };
    expect(json.targets.map((target) => [target.target, target.status])).toEqual([
      ['github:acme/api#123', 'published'],
      ['gitlab:group/proj#9', 'published'],
    ]);
    expect(json.targets[0]?.steps.map((step) => step.url)).toEqual(['https://github.example/acme/api/releases/download/incident-pdfs/INC-42.pdf', github.comments[0]?.html_url]);
    expect((JSON.parse(ok.out) as { urls: { target: string; what: string; action: string; url: string }[] }).urls.map((entry) => `${entry.target} ${entry.what} ${entry.action}`)).toEqual([
      'github:acme/api#123 attachment created',
      'github:acme/api#123 comment created',
      'gitlab:group/proj#9 attachment created',
      'gitlab:group/proj#9 comment created',
    ]);
    const state = readFileSync(path.join(incident.dir, 'evidence', 'publish.json'), 'utf8');
    expect(state).not.toContain(GITHUB_TOKEN);
    expect(state).not.toContain(GITLAB_TOKEN);

    gitlab.queue('PUT /api/v4/projects/group%2Fproj/issues/9/notes/' + (gitlab.notes[0]?.id ?? 0), { status: 403, json: { message: '403 Forbidden' } });
    const partial = await run('publish', incident.dir);
    expect(partial.code).toBe(2);
    expect(partial.err).toContain('gitlab:group/proj#9: comment not published: editing note');
    expect(partial.err).toContain('the api scope and at least the Reporter role');
    expect(partial.err).toMatch(/left behind: the PDF was uploaded \(.*\) but no note on gitlab:group\/proj#9 links it/);
    expect(partial.out + partial.err).not.toContain(GITHUB_TOKEN);
  });

  it('usage errors exit 1 and send nothing: a bad target, a missing token, no report', async () => {
    github = await startGithubFake();
    const incident = makeIncident({ summary: SUMMARY });
    const bad = await run('publish', incident.dir, '--to', 'github:acme/api');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('ticket target "github:acme/api": expected github:OWNER/REPO#NUMBER');

    vi.stubEnv('GITHUB_TOKEN', '');
    const noToken = await run('publish', incident.dir, '--to', 'github:acme/api#123', '--base-url', github.api);
    expect(noToken.code).toBe(1);
    expect(noToken.err).toContain('GITHUB_TOKEN is not set');
    expect(github.requests).toHaveLength(0);

    const none = await run('publish', incident.dir);
    expect(none.code).toBe(1);
    expect(none.err).toContain('no ticket to publish to');

    vi.stubEnv('GITHUB_TOKEN', GITHUB_TOKEN);
    const empty = makeIncident({ pdf: false });
    const noReport = await run('publish', empty.dir, '--to', 'github:acme/api#123', '--base-url', github.api);
    expect(noReport.code).toBe(1);
    expect(noReport.err).toContain('neither summary.md nor root-cause-report.md exists');
    expect(github.requests).toHaveLength(0);
  });

  it('everything sent passes the redactor, the tokens themselves included; a missing summary falls back to the report, trimmed, and says so', async () => {
    github = await startGithubFake();
    vi.stubEnv('GITHUB_TOKEN', GITHUB_TOKEN);
    const leaky = `${SUMMARY}\nDATABASE_URL=postgres://app:Sup3rS3cretPass@db.internal:5432/app\nCalled with ${GITHUB_TOKEN}\n`;
    const sections = Array.from({ length: 400 }, (_, index) => `## Finding ${index}\n\nEvidence line ${index}.\n`).join('\n');
    const incident = makeIncident({ rootCause: `${leaky}\n${sections}` });
    const result = await run('publish', incident.dir, '--to', 'github:acme/api#123', '--base-url', github.api, '--no-pdf');
    expect(result.code).toBe(0);
    expect(result.err).toMatch(/summary\.md is missing: sent root-cause-report\.md instead, trimmed to \d+ characters at a section boundary/);
    const body = github.comments[0]?.body ?? '';
    expect(body).not.toContain('Sup3rS3cretPass');
    expect(body).not.toContain(GITHUB_TOKEN);
    expect(body).toMatch(/postgres:\/\/app:\[REDACTED:[a-z-]+:\d+\]@db\.internal/);
    expect(body.length).toBeLessThan(13_000);
    expect(body).toMatch(/## Finding \d+\n\nEvidence line \d+\.\n\n---|Evidence line \d+\.\n$/);
    expect(github.requests.some((request) => request.path.includes('/releases'))).toBe(false);
  });

  it('publish --help documents the credentials and the exit codes', async () => {
    const help = await run('publish', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/Exit codes:\n\s+0 {2}published to every ticket\n\s+1 {2}usage error[^\n]*\n\s+2 {2}partly published[^\n]*\n\s+3 {2}failed: nothing was published/);
    expect(help.out).toContain('JIRA_PAT');
  });
});
