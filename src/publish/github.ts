// GitHub adapter (@octokit/rest; Enterprise through the base URL): PDF as a release asset or a commit, one marked comment.
import { Octokit } from '@octokit/rest';
import { composeMarkdownBody, failedStep, finishResult, okStep } from './body.ts';
import { HttpError, timedFetch, trackerMessage } from './http.ts';
import { headerRecord, TrackerError, withRetries, type ErrorContext, type ErrorInfo } from './retry.ts';
import type { Target } from './target.ts';
import { marker, type PlannedRequest, type PublishStep, type TargetOptions, type TrackerAdapter } from './types.ts';

type GithubTarget = Extract<Target, { tracker: 'github' }>;

/** GitHub rejects issue comment bodies over 65,536 characters with 422 "body is too long". */
const GITHUB_BODY_LIMIT = 65_536;
/** Release assets must be under 2 GiB; the contents API blocks blobs over 100 MiB. */
const RELEASE_ASSET_LIMIT = 2 * 1024 ** 3 - 1;
const CONTENTS_LIMIT = 100 * 1024 ** 2;
const DEFAULT_TAG = 'fracas-reports';
const DEFAULT_BRANCH = 'fracas-reports';
const DEFAULT_PATH = 'incidents/{id}.pdf';
const API_VERSION = '2022-11-28';

function githubBaseUrl(options: TargetOptions, env: NodeJS.ProcessEnv): string {
  return (options.baseUrl ?? env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, '');
}

function errorInfo(error: unknown): ErrorInfo {
  const failure = error as { status?: number; response?: { headers?: unknown; data?: unknown }; message?: string; cause?: unknown };
  // octokit wraps a failed fetch (ours throws HttpError with network: true) in a RequestError without a response.
  if (!failure.response) return failure.cause instanceof HttpError ? failure.cause.info : { headers: {}, message: failure.message ?? String(error) };
  const data = failure.response.data as { errors?: { code?: string }[] } | undefined;
  return { status: failure.status, headers: headerRecord(failure.response.headers), message: trackerMessage(failure.response.data) || (failure.message ?? ''), code: data?.errors?.[0]?.code };
}

function client(options: TargetOptions, env: NodeJS.ProcessEnv): Octokit {
  const octokit = new Octokit({
    auth: env.GITHUB_TOKEN,
    baseUrl: githubBaseUrl(options, env),
    userAgent: 'fracas',
    request: { fetch: timedFetch() },
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  octokit.hook.before('request', (request) => {
    request.headers['x-github-api-version'] = API_VERSION;
  });
  return octokit;
}

function repoPath(options: TargetOptions, incidentId: string): string {
  return (options.path ?? DEFAULT_PATH).replace(/\{id\}/g, incidentId).replace(/^\/+/, '');
}

export const githubAdapter: TrackerAdapter<GithubTarget> = {
  tracker: 'github',

  checkCredentials(env) {
    return env.GITHUB_TOKEN ? undefined : 'GITHUB_TOKEN is not set (a token with Issues: write, and Contents: write for the PDF)';
  },

  plan(target, payload, { options, env }) {
    const base = githubBaseUrl(options, env);
    const repo = `${base}/repos/${target.owner}/${target.repo}`;
    const headers = { Authorization: 'token $GITHUB_TOKEN', Accept: 'application/vnd.github.v3+json', 'X-GitHub-Api-Version': API_VERSION };
    const requests: PlannedRequest[] = [];
    const mode = options.pdf ?? 'release';
    let pdf: { name: string; url: string } | undefined;
    if (payload.pdf && mode === 'release') {
      const tag = options.tag ?? DEFAULT_TAG;
      requests.push({ method: 'GET', url: `${repo}/releases/tags/${encodeURIComponent(tag)}`, headers, note: 'find the release that holds the PDFs' });
      requests.push({
        method: 'POST',
        url: `${repo}/releases`,
        headers,
        body: { tag_name: tag, name: 'Incident reports', body: 'PDF reports attached to issues by fracas publish.', prerelease: true },
        note: 'only if the release does not exist',
      });
      requests.push({
        method: 'POST',
        url: `{release.upload_url}?name=${encodeURIComponent(payload.pdf.filename)}`,
        headers: { ...headers, 'Content-Type': 'application/pdf' },
        body: { file: payload.pdf.filename, bytes: payload.pdf.bytes.length, sha256: payload.pdf.sha256 },
        note: 'an earlier asset of that name is replaced: upload under a temporary name, delete the old one, rename',
      });
      pdf = { name: payload.pdf.filename, url: `https://{host}/${target.owner}/${target.repo}/releases/download/${tag}/${payload.pdf.filename}` };
    } else if (payload.pdf && mode === 'branch') {
      const file = repoPath(options, payload.incidentId);
      const branch = options.branch ?? DEFAULT_BRANCH;
      requests.push({ method: 'GET', url: `${repo}/contents/${file}?ref=${encodeURIComponent(branch)}`, headers, note: 'the sha of an earlier version, if any' });
      requests.push({
        method: 'PUT',
        url: `${repo}/contents/${file}`,
        headers,
        body: {
          message: `Incident report ${payload.incidentId} (fracas publish)`,
          branch,
          content: `<base64 of ${payload.pdf.filename}: ${payload.pdf.bytes.length} bytes, sha256 ${payload.pdf.sha256}>`,
          sha: '<earlier sha, if any>',
        },
      });
      pdf = { name: payload.pdf.filename, url: `{content.html_url}` };
    }
    const { body } = composeMarkdownBody(payload, { limit: GITHUB_BODY_LIMIT, marker: marker(payload.incidentId), ...(pdf ? { pdf } : {}) });
    requests.push({ method: 'GET', url: `${repo}/issues/${target.number}/comments?per_page=100`, headers, note: `find an earlier comment carrying ${marker(payload.incidentId)} (all pages)` });
    requests.push({ method: 'PATCH', url: `${repo}/issues/comments/{id}`, headers, body: { body }, note: 'when an earlier comment was found' });
    requests.push({ method: 'POST', url: `${repo}/issues/${target.number}/comments`, headers, body: { body }, note: 'otherwise' });
    return requests;
  },

  async publish(target, payload, context) {
    const octokit = client(context.options, context.env);
    const { owner, repo } = target;
    const ticket = target.text;
    const steps: PublishStep[] = [];
    const leftBehind: string[] = [];
    const notes: string[] = [];
    const state = { ...context.state };
    const call = <T>(action: string, permission: string, idempotent: boolean, op: () => Promise<T>, limitBytes?: number) => {
      const errorContext: ErrorContext = { action, ticket, permission, credential: 'GITHUB_TOKEN', ...(limitBytes !== undefined ? { limitBytes } : {}) };
      return withRetries(context.retry, { idempotent, toInfo: errorInfo, context: errorContext, log: context.log }, op);
    };
    const issues = 'Issues: write (fine-grained token) or the repo scope (classic token)';
    const contents = 'Contents: write (fine-grained token) or the repo scope (classic token)';

    // 1. The PDF, so the comment can link it.
    let pdf: { name: string; url: string } | undefined;
    let pdfProblem: string | undefined;
    const mode = context.options.pdf ?? 'release';
    if (!payload.pdf || mode === 'none') {
      steps.push({ what: 'attachment', status: 'skipped' });
    } else if (mode === 'release') {
      const file = payload.pdf;
      const tag = context.options.tag ?? DEFAULT_TAG;
      let pending: { id: number; name: string; url: string } | undefined;
      try {
        if (file.bytes.length > RELEASE_ASSET_LIMIT)
          throw new TrackerError('too-large', `${file.filename} is ${file.bytes.length} bytes, over GitHub's 2 GiB release asset limit`, 'make the PDF smaller', 413);
        let release: { id: number; upload_url: string; assets: { id: number; name: string; state?: string }[] };
        try {
          release = (await call(`reading release ${tag} of ${owner}/${repo}`, contents, true, () => octokit.rest.repos.getReleaseByTag({ owner, repo, tag }))).data;
        } catch (error) {
          if (!(error instanceof TrackerError) || error.kind !== 'not-found') throw error;
          release = (
            await call(`creating release ${tag} in ${owner}/${repo}`, contents, false, () =>
              octokit.rest.repos.createRelease({ owner, repo, tag_name: tag, name: 'Incident reports', body: 'PDF reports attached to issues by fracas publish.', prerelease: true }),
            )
          ).data;
          notes.push(`created the release ${tag} in ${owner}/${repo} to hold the PDFs`);
        }
        const earlier = release.assets.find((asset) => asset.name === file.filename);
        const uploadName = earlier ? `${file.filename.replace(/\.pdf$/i, '')}.${Date.now()}.pdf` : file.filename;
        const upload = async () =>
          (
            await call(
              `uploading ${file.filename} to release ${tag}`,
              contents,
              false,
              () =>
                octokit.request({
                  method: 'POST',
                  url: release.upload_url,
                  name: uploadName,
                  label: `${payload.incidentId} report (PDF)`,
                  data: file.bytes as unknown as string,
                  headers: { 'content-type': 'application/pdf', 'content-length': file.bytes.length },
                }),
              RELEASE_ASSET_LIMIT,
            )
          ).data as { id: number; name: string; browser_download_url: string };
        let asset: { id: number; name: string; browser_download_url: string };
        try {
          asset = await upload();
        } catch (error) {
          // A failed upload (e.g. 502) can leave an empty "starter" asset behind: delete it and try once more.
          if (!(error instanceof TrackerError) || error.kind !== 'server') throw error;
          const listed = (await call(`listing assets of release ${tag}`, contents, true, () => octokit.rest.repos.listReleaseAssets({ owner, repo, release_id: release.id, per_page: 100 }))).data;
          for (const starter of listed.filter((item) => item.name === uploadName && (item.state as string) === 'starter')) {
            await call(`deleting the unfinished asset ${starter.name}`, contents, true, () => octokit.rest.repos.deleteReleaseAsset({ owner, repo, asset_id: starter.id }));
            notes.push(`deleted the unfinished asset ${starter.name} a failed upload left behind`);
          }
          asset = await upload();
        }
        if (earlier) {
          pending = { id: asset.id, name: asset.name, url: asset.browser_download_url };
          await call(`deleting the earlier ${earlier.name}`, contents, true, () => octokit.rest.repos.deleteReleaseAsset({ owner, repo, asset_id: earlier.id }));
          asset = (await call(`renaming ${asset.name} to ${file.filename}`, contents, true, () => octokit.rest.repos.updateReleaseAsset({ owner, repo, asset_id: asset.id, name: file.filename })))
            .data;
          pending = undefined;
        }
        pdf = { name: file.filename, url: asset.browser_download_url };
        Object.assign(state, { attachmentId: String(asset.id), attachmentUrl: asset.browser_download_url, attachmentName: asset.name });
        await context.saveState(state);
        steps.push(okStep('attachment', { action: earlier ? 'replaced' : 'created', url: asset.browser_download_url, id: String(asset.id) }));
      } catch (error) {
        steps.push(failedStep('attachment', error));
        pdfProblem = 'the upload to the release failed (see the fracas output)';
        if (pending) leftBehind.push(`the new PDF is in release ${tag} as ${pending.name} (${pending.url}) but could not replace ${file.filename}; delete or rename it by hand`);
      }
    } else {
      const file = payload.pdf;
      const branch = context.options.branch ?? DEFAULT_BRANCH;
      const filePath = repoPath(context.options, payload.incidentId);
      try {
        const encoded = Buffer.from(file.bytes).toString('base64');
        if (file.bytes.length > CONTENTS_LIMIT)
          throw new TrackerError('too-large', `${file.filename} is ${file.bytes.length} bytes, over the 100 MiB GitHub accepts through the contents API`, 'use pdf: release instead', 413);
        let sha: string | undefined;
        try {
          const existing = (await call(`reading ${filePath} on ${branch}`, contents, true, () => octokit.rest.repos.getContent({ owner, repo, path: filePath, ref: branch }))).data;
          if (!Array.isArray(existing) && 'sha' in existing) sha = existing.sha;
        } catch (error) {
          if (!(error instanceof TrackerError) || error.kind !== 'not-found') throw error;
        }
        const written = (
          await call(
            `committing ${filePath} to ${branch}`,
            contents,
            true,
            () =>
              octokit.rest.repos.createOrUpdateFileContents({
                owner,
                repo,
                path: filePath,
                branch,
                message: `Incident report ${payload.incidentId} (fracas publish)`,
                content: encoded,
                ...(sha ? { sha } : {}),
              }),
            CONTENTS_LIMIT,
          )
        ).data;
        const url = written.content?.html_url ?? `${filePath}@${branch}`;
        pdf = { name: file.filename, url };
        Object.assign(state, { attachmentId: written.content?.sha ?? '', attachmentUrl: url, attachmentName: filePath });
        await context.saveState(state);
        steps.push(okStep('attachment', { action: sha ? 'replaced' : 'created', url, ...(written.content?.sha ? { id: written.content.sha } : {}) }));
      } catch (error) {
        steps.push(failedStep('attachment', error));
        pdfProblem = `committing it to ${branch} failed (see the fracas output)`;
      }
    }

    // 2. The comment: edit the one carrying the marker, else post one.
    const mark = marker(payload.incidentId);
    const { body, trimmed } = composeMarkdownBody(payload, { limit: GITHUB_BODY_LIMIT, marker: mark, ...(pdf ? { pdf } : {}), ...(pdfProblem ? { pdfProblem } : {}) });
    if (trimmed) notes.push(`the summary was trimmed to fit GitHub's ${GITHUB_BODY_LIMIT}-character comment limit${pdf ? ', with a link to the PDF' : ''}`);
    try {
      const comments = await call(`listing the comments of ${ticket}`, issues, true, () =>
        octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: target.number, per_page: 100 }),
      );
      // The marked comment; the one whose id fracas stored wins over a quote of the marker in someone else's comment.
      const marked = comments.filter((comment) => (comment.body ?? '').includes(mark));
      const earlier = marked.find((comment) => String(comment.id) === state.commentId) ?? marked[0];
      const written = earlier
        ? (await call(`editing comment ${earlier.id} on ${ticket}`, issues, true, () => octokit.rest.issues.updateComment({ owner, repo, comment_id: earlier.id, body }))).data
        : (await call(`commenting on ${ticket}`, issues, false, () => octokit.rest.issues.createComment({ owner, repo, issue_number: target.number, body }))).data;
      Object.assign(state, { commentId: String(written.id), commentUrl: written.html_url, publishedAt: new Date().toISOString() });
      await context.saveState(state);
      steps.push(okStep('comment', { action: earlier ? 'updated' : 'created', url: written.html_url, id: String(written.id) }));
    } catch (error) {
      steps.push(failedStep('comment', error));
      if (pdf) leftBehind.push(`the PDF was uploaded (${pdf.url}) but no comment on ${ticket} links it`);
    }
    return finishResult({ target: ticket, tracker: 'github' }, steps, leftBehind, notes);
  },
};
