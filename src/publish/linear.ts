// Linear adapter (@linear/sdk, GraphQL): fileUpload, PUT the PDF to the signed URL, then one comment with the asset link.
import { LinearClient, LinearError, parseLinearError } from '@linear/sdk';
import { composeMarkdownBody, failedStep, finishResult, okStep } from './body.ts';
import { httpErrorInfo, httpRequest, REQUEST_TIMEOUT_MS } from './http.ts';
import { headerRecord, TrackerError, withRetries, type ErrorContext, type ErrorInfo } from './retry.ts';
import type { Target } from './target.ts';
import type { PlannedRequest, PublishStep, TargetOptions, TrackerAdapter } from './types.ts';

type LinearTarget = Extract<Target, { tracker: 'linear' }>;

// Small documents through the SDK's GraphQL client: the SDK's model methods fetch whole fragments (and a second
// query for a comment's URL); these ask for what publishing needs. fileUpload goes through the SDK method.
const ISSUE_QUERY = 'query issue($id: String!) { issue(id: $id) { id identifier url } }';
const CREATE_COMMENT = 'mutation createComment($input: CommentCreateInput!) { commentCreate(input: $input) { success comment { id url } } }';
const UPDATE_COMMENT = 'mutation updateComment($id: String!, $input: CommentUpdateInput!) { commentUpdate(id: $id, input: $input) { success comment { id url } } }';

interface CommentResult {
  success: boolean;
  comment: { id: string; url: string } | null;
}

/** Comment bodies are kept well under Linear's request size; the PDF carries the rest. */
const LINEAR_BODY_LIMIT = 100_000;

function linearApiUrl(options: TargetOptions, env: NodeJS.ProcessEnv): string {
  return options.baseUrl ?? env.LINEAR_API_URL ?? 'https://api.linear.app/graphql';
}

function errorInfo(thrown: unknown): ErrorInfo {
  // The SDK's GraphQL client throws its raw GraphQLClientError (response + request); the SDK's parser types it.
  const error =
    !(thrown instanceof LinearError) && thrown && typeof thrown === 'object' && 'response' in thrown && 'request' in thrown
      ? parseLinearError(thrown as Parameters<typeof parseLinearError>[0])
      : thrown;
  if (error instanceof LinearError) {
    const headers = headerRecord(error.raw?.response?.headers);
    const first = error.errors?.[0];
    const raw = (error.raw?.response?.errors?.[0] ?? {}) as { extensions?: { code?: string; type?: string } };
    const code = raw.extensions?.code ?? raw.extensions?.type ?? (error.type && error.type !== 'Unknown' ? error.type : undefined);
    if (error.status === undefined && !first) return { headers, message: error.message, network: true };
    return { status: error.status, headers, message: first?.message ?? error.message, ...(code ? { code } : {}) };
  }
  return httpErrorInfo(error);
}

/** The SDK has no per-request timeout; a call that does not answer in time counts as a network failure. */
function timed<T>(promise: Promise<T>, ms = REQUEST_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LinearError({ message: `no answer within ${ms / 1000} s` })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export const linearAdapter: TrackerAdapter<LinearTarget> = {
  tracker: 'linear',

  checkCredentials(env) {
    return env.LINEAR_API_KEY ? undefined : 'LINEAR_API_KEY is not set (a personal API key with write access)';
  },

  plan(target, payload, { options, env, state }) {
    const url = linearApiUrl(options, env);
    const headers = { Authorization: '$LINEAR_API_KEY', 'Content-Type': 'application/json' };
    const requests: PlannedRequest[] = [{ method: 'POST', url, headers, body: { query: ISSUE_QUERY, variables: { id: target.identifier } }, note: 'the issue id' }];
    let pdf: { name: string; url: string } | undefined;
    if (payload.pdf && options.pdf !== 'none') {
      requests.push({
        method: 'POST',
        url,
        headers,
        body: {
          query: 'mutation fileUpload($contentType: String!, $filename: String!, $size: Int!) { fileUpload(...) { uploadFile { uploadUrl assetUrl headers { key value } } } }',
          variables: { contentType: 'application/pdf', filename: payload.pdf.filename, size: payload.pdf.bytes.length },
        },
        note: "the SDK's fileUpload mutation (its document selects the whole UploadPayload)",
      });
      requests.push({
        method: 'PUT',
        url: '{uploadFile.uploadUrl}',
        headers: { 'Content-Type': 'application/pdf', 'Cache-Control': 'public, max-age=31536000', '...': 'every {key, value} of uploadFile.headers' },
        body: { file: payload.pdf.filename, bytes: payload.pdf.bytes.length, sha256: payload.pdf.sha256 },
      });
      pdf = { name: payload.pdf.filename, url: '{uploadFile.assetUrl}' };
    }
    const { body } = composeMarkdownBody(payload, { limit: LINEAR_BODY_LIMIT, ...(pdf ? { pdf } : {}) });
    if (state.commentId)
      requests.push({
        method: 'POST',
        url,
        headers,
        body: { query: UPDATE_COMMENT, variables: { id: state.commentId, input: { body } } },
        note: 'the earlier comment (id from publish.json); a new one is created if it is gone',
      });
    else requests.push({ method: 'POST', url, headers, body: { query: CREATE_COMMENT, variables: { input: { issueId: '{issue.id}', body } } } });
    return requests;
  },

  async publish(target, payload, context) {
    const linear = new LinearClient({ apiKey: context.env.LINEAR_API_KEY ?? '', apiUrl: linearApiUrl(context.options, context.env) });
    const ticket = target.text;
    const steps: PublishStep[] = [];
    const leftBehind: string[] = [];
    const notes: string[] = [];
    const state = { ...context.state };
    const call = <T>(action: string, permission: string, idempotent: boolean, op: () => Promise<T>, limitBytes?: number) => {
      const errorContext: ErrorContext = { action, ticket, permission, credential: 'LINEAR_API_KEY', ...(limitBytes !== undefined ? { limitBytes } : {}) };
      return withRetries(context.retry, { idempotent, toInfo: errorInfo, context: errorContext, log: context.log }, () => timed(op()));
    };
    const write = 'write access to the team of the issue (an API key with the Write scope)';

    let issueId: string;
    try {
      const found = await call(`looking up ${ticket}`, 'read access to the issue', true, () =>
        linear.client.request<{ issue: { id: string } | null }, { id: string }>(ISSUE_QUERY, { id: target.identifier }),
      );
      if (!found.issue) throw new TrackerError('not-found', `${ticket} was not found`, `check the ticket ${ticket} exists and LINEAR_API_KEY can see it`);
      issueId = found.issue.id;
    } catch (error) {
      steps.push(failedStep('comment', error));
      return finishResult({ target: ticket, tracker: 'linear' }, steps, leftBehind, notes);
    }

    let pdf: { name: string; url: string } | undefined;
    let pdfProblem: string | undefined;
    if (!payload.pdf || context.options.pdf === 'none') {
      steps.push({ what: 'attachment', status: 'skipped' });
    } else {
      const file = payload.pdf;
      try {
        const upload = await call(`requesting an upload URL for ${file.filename}`, write, false, () => linear.fileUpload('application/pdf', file.filename, file.bytes.length));
        const signed = upload.uploadFile;
        if (!upload.success || !signed) throw new TrackerError('other', `Linear did not grant an upload for ${file.filename}`, 'run again; if it persists, check the workspace storage settings');
        const headers: Record<string, string> = { 'Content-Type': 'application/pdf', 'Cache-Control': 'public, max-age=31536000' };
        for (const header of signed.headers) headers[header.key] = header.value;
        await withRetries(
          context.retry,
          {
            idempotent: true,
            toInfo: httpErrorInfo,
            context: { action: `uploading ${file.filename} to Linear's storage`, ticket, permission: 'a valid upload URL (it expires; run again)', credential: 'LINEAR_API_KEY' },
            log: context.log,
          },
          () => httpRequest({ method: 'PUT', url: signed.uploadUrl, headers, body: file.bytes }),
        );
        pdf = { name: file.filename, url: signed.assetUrl };
        const earlier = state.attachmentUrl && state.attachmentUrl !== signed.assetUrl ? state.attachmentUrl : undefined;
        Object.assign(state, { attachmentUrl: signed.assetUrl, attachmentName: file.filename });
        await context.saveState(state);
        if (earlier) notes.push(`the comment now links the new upload; the earlier file (${earlier}) stays in Linear's storage, unlinked`);
        steps.push(okStep('attachment', { action: earlier ? 'replaced' : 'created', url: signed.assetUrl }));
      } catch (error) {
        steps.push(failedStep('attachment', error));
        pdfProblem = 'the upload failed (see the fracas output)';
      }
    }

    const { body, trimmed } = composeMarkdownBody(payload, { limit: LINEAR_BODY_LIMIT, ...(pdf ? { pdf } : {}), ...(pdfProblem ? { pdfProblem } : {}) });
    if (trimmed) notes.push(`the summary was trimmed to ${LINEAR_BODY_LIMIT} characters`);
    try {
      let written: { id: string; url: string } | undefined;
      let action: 'created' | 'updated' = 'created';
      if (state.commentId) {
        const id = state.commentId;
        try {
          const updated = await call(`editing comment ${id} on ${ticket}`, write, true, () =>
            linear.client.request<{ commentUpdate: CommentResult }, Record<string, unknown>>(UPDATE_COMMENT, { id, input: { body } }),
          );
          if (!updated.commentUpdate.success || !updated.commentUpdate.comment) throw new TrackerError('other', `editing comment ${id} on ${ticket}: Linear answered success: false`, 'run again');
          written = updated.commentUpdate.comment;
          action = 'updated';
        } catch (error) {
          if (!(error instanceof TrackerError && (error.kind === 'not-found' || error.kind === 'invalid'))) throw error;
          notes.push(`the earlier comment ${id} is gone; posted a new one`);
        }
      }
      if (!written) {
        const created = await call(`commenting on ${ticket}`, write, false, () =>
          linear.client.request<{ commentCreate: CommentResult }, Record<string, unknown>>(CREATE_COMMENT, { input: { issueId, body } }),
        );
        if (!created.commentCreate.success || !created.commentCreate.comment)
          throw new TrackerError('other', `commenting on ${ticket}: Linear answered without the comment`, 'check the issue in Linear');
        written = created.commentCreate.comment;
        action = 'created';
      }
      Object.assign(state, { commentId: written.id, commentUrl: written.url, publishedAt: new Date().toISOString() });
      await context.saveState(state);
      steps.push(okStep('comment', { action, url: written.url, id: written.id }));
    } catch (error) {
      steps.push(failedStep('comment', error));
      if (pdf) leftBehind.push(`the PDF was uploaded to Linear's storage (${pdf.url}) but no comment on ${ticket} links it`);
    }
    return finishResult({ target: ticket, tracker: 'linear' }, steps, leftBehind, notes);
  },
};
