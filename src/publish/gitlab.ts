// GitLab adapter (REST v4 through the plain HTTP layer): upload the PDF to the project, then one marked note on the issue.
import { composeMarkdownBody, failedStep, finishResult, okStep } from './body.ts';
import { httpErrorInfo, httpRequest } from './http.ts';
import { TrackerError, withRetries, type ErrorContext } from './retry.ts';
import type { Target } from './target.ts';
import { marker, type PlannedRequest, type PublishStep, type TargetOptions, type TrackerAdapter } from './types.ts';

type GitlabTarget = Extract<Target, { tracker: 'gitlab' }>;

/** GitLab notes hold up to 1,000,000 characters. */
const GITLAB_BODY_LIMIT = 1_000_000;
const MAX_NOTE_PAGES = 50;

function gitlabBaseUrl(options: TargetOptions, env: NodeJS.ProcessEnv): string {
  const base = options.baseUrl ?? env.GITLAB_URL ?? (env.CI_API_V4_URL ? env.CI_API_V4_URL.replace(/\/api\/v4\/?$/, '') : undefined) ?? 'https://gitlab.com';
  return base.replace(/\/+$/, '').replace(/\/api\/v4$/, '');
}

interface GitlabUpload {
  id?: number;
  alt?: string;
  url: string;
  full_path?: string;
  markdown?: string;
}

interface GitlabNote {
  id: number;
  body: string;
}

export const gitlabAdapter: TrackerAdapter<GitlabTarget> = {
  tracker: 'gitlab',

  checkCredentials(env) {
    return env.GITLAB_TOKEN ? undefined : 'GITLAB_TOKEN is not set (a token with the api scope)';
  },

  plan(target, payload, { options, env, state }) {
    const project = `${gitlabBaseUrl(options, env)}/api/v4/projects/${encodeURIComponent(target.project)}`;
    const headers = { 'PRIVATE-TOKEN': '$GITLAB_TOKEN' };
    const requests: PlannedRequest[] = [];
    let pdf: { name: string; url: string } | undefined;
    if (payload.pdf && options.pdf !== 'none') {
      requests.push({
        method: 'POST',
        url: `${project}/uploads`,
        headers: { ...headers, 'Content-Type': 'multipart/form-data' },
        body: { file: { filename: payload.pdf.filename, contentType: 'application/pdf', bytes: payload.pdf.bytes.length, sha256: payload.pdf.sha256 } },
      });
      pdf = { name: payload.pdf.filename, url: '{upload.full_path}' };
    }
    const { body } = composeMarkdownBody(payload, { limit: GITLAB_BODY_LIMIT, marker: marker(payload.incidentId), ...(pdf ? { pdf } : {}) });
    const notes = `${project}/issues/${target.iid}/notes`;
    if (state.commentId) requests.push({ method: 'PUT', url: `${notes}/${state.commentId}`, headers, body: { body }, note: 'the earlier note (id from publish.json)' });
    else requests.push({ method: 'GET', url: `${notes}?per_page=100`, headers, note: `find an earlier note carrying ${marker(payload.incidentId)}` });
    requests.push({ method: 'POST', url: notes, headers, body: { body }, note: state.commentId ? 'only if the earlier note is gone' : 'when no earlier note was found' });
    return requests;
  },

  async publish(target, payload, context) {
    const base = gitlabBaseUrl(context.options, context.env);
    const project = `${base}/api/v4/projects/${encodeURIComponent(target.project)}`;
    const auth = { 'PRIVATE-TOKEN': context.env.GITLAB_TOKEN ?? '' };
    const ticket = target.text;
    const steps: PublishStep[] = [];
    const leftBehind: string[] = [];
    const notes: string[] = [];
    const state = { ...context.state };
    const call = <T>(action: string, permission: string, idempotent: boolean, op: () => Promise<T>) => {
      const errorContext: ErrorContext = { action, ticket, permission, credential: 'GITLAB_TOKEN' };
      return withRetries(context.retry, { idempotent, toInfo: httpErrorInfo, context: errorContext, log: context.log }, op);
    };
    const reporter = 'the api scope and at least the Reporter role on the project (Guest on a public project)';

    let pdf: { name: string; url: string } | undefined;
    let pdfProblem: string | undefined;
    if (!payload.pdf || context.options.pdf === 'none') {
      steps.push({ what: 'attachment', status: 'skipped' });
    } else {
      const file = payload.pdf;
      try {
        const form = new FormData();
        form.append('file', new Blob([file.bytes], { type: 'application/pdf' }), file.filename);
        const uploaded = (await call(`uploading ${file.filename} to ${target.project}`, reporter, false, () => httpRequest({ method: 'POST', url: `${project}/uploads`, headers: auth, body: form })))
          .body as GitlabUpload;
        if (!uploaded || typeof uploaded.url !== 'string') throw new TrackerError('other', `uploading ${file.filename}: GitLab answered without the file's URL`, 'check the project in GitLab');
        // full_path is absolute on the instance (GitLab 17: /-/project/ID/uploads/...); older versions give only url.
        const url = new URL(uploaded.full_path ?? `/${target.project}${uploaded.url}`, `${base}/`).toString();
        pdf = { name: file.filename, url };
        const earlier = state.attachmentUrl && state.attachmentUrl !== url ? state.attachmentUrl : undefined;
        Object.assign(state, { attachmentId: uploaded.id !== undefined ? String(uploaded.id) : '', attachmentUrl: url, attachmentName: file.filename });
        await context.saveState(state);
        if (earlier) notes.push(`the note now links the new upload; the earlier file (${earlier}) stays in the project's uploads (Settings > General > Uploads deletes it)`);
        steps.push(okStep('attachment', { action: earlier ? 'replaced' : 'created', url, ...(uploaded.id !== undefined ? { id: String(uploaded.id) } : {}) }));
      } catch (error) {
        steps.push(failedStep('attachment', error));
        pdfProblem = 'the upload failed (see the fracas output)';
      }
    }

    const mark = marker(payload.incidentId);
    const { body, trimmed } = composeMarkdownBody(payload, { limit: GITLAB_BODY_LIMIT, marker: mark, ...(pdf ? { pdf } : {}), ...(pdfProblem ? { pdfProblem } : {}) });
    if (trimmed) notes.push(`the summary was trimmed to GitLab's ${GITLAB_BODY_LIMIT}-character note limit`);
    const notesUrl = `${project}/issues/${target.iid}/notes`;
    const json = { ...auth, 'Content-Type': 'application/json' };
    try {
      let noteId = state.commentId;
      if (!noteId) {
        for (let page = 1; page <= MAX_NOTE_PAGES && !noteId; page += 1) {
          const listed = await call(`listing the notes of ${ticket}`, reporter, true, () => httpRequest({ method: 'GET', url: `${notesUrl}?per_page=100&page=${page}&sort=asc`, headers: auth }));
          const found = (listed.body as GitlabNote[]).find((note) => typeof note.body === 'string' && note.body.includes(mark));
          if (found) noteId = String(found.id);
          if (!listed.headers['x-next-page']) break;
        }
      }
      let written: GitlabNote | undefined;
      let action: 'created' | 'updated' = 'created';
      if (noteId) {
        const id = noteId;
        try {
          written = (await call(`editing note ${id} on ${ticket}`, reporter, true, () => httpRequest({ method: 'PUT', url: `${notesUrl}/${id}`, headers: json, body: JSON.stringify({ body }) })))
            .body as GitlabNote;
          action = 'updated';
        } catch (error) {
          if (!(error instanceof TrackerError && error.kind === 'not-found')) throw error;
          notes.push(`the earlier note ${id} is gone; posted a new one`);
        }
      }
      if (!written)
        written = (await call(`commenting on ${ticket}`, reporter, false, () => httpRequest({ method: 'POST', url: notesUrl, headers: json, body: JSON.stringify({ body }) }))).body as GitlabNote;
      const url = `${base}/${target.project}/-/issues/${target.iid}#note_${written.id}`;
      Object.assign(state, { commentId: String(written.id), commentUrl: url, publishedAt: new Date().toISOString() });
      await context.saveState(state);
      steps.push(okStep('comment', { action, url, id: String(written.id) }));
    } catch (error) {
      steps.push(failedStep('comment', error));
      if (pdf) leftBehind.push(`the PDF was uploaded (${pdf.url}) but no note on ${ticket} links it`);
    }
    return finishResult({ target: ticket, tracker: 'gitlab' }, steps, leftBehind, notes);
  },
};
