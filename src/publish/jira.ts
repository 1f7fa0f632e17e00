// Jira adapter (jira.js): Cloud REST v3 with ADF bodies, Data Center REST v2 with wiki markup; PDF as an attachment.
import { Version2Client, Version3Client } from 'jira.js';
import { failedStep, finishResult, okStep, pdfLine } from './body.ts';
import { trackerMessage } from './http.ts';
import { markdownToAdf, type AdfDocument, type AdfNode } from './markdown/adf.ts';
import { markdownToJiraWiki } from './markdown/jira-wiki.ts';
import { trimMarkdown } from './payload.ts';
import { headerRecord, TrackerError, withRetries, type ErrorContext, type ErrorInfo } from './retry.ts';
import type { Target } from './target.ts';
import type { PlannedRequest, PublishPayload, PublishStep, TargetOptions, TrackerAdapter } from './types.ts';

type JiraTarget = Extract<Target, { tracker: 'jira' }>;

/** Jira's text fields (comments) hold at most 32,767 characters (jira.text.field.character.limit). */
const JIRA_COMMENT_LIMIT = 32_767;
const REQUEST_TIMEOUT_MS = 60_000;

function jiraApi(options: TargetOptions, env: NodeJS.ProcessEnv): 'cloud' | 'datacenter' {
  if (options.api) return options.api;
  return env.JIRA_PAT && !(env.JIRA_EMAIL && env.JIRA_API_TOKEN) ? 'datacenter' : 'cloud';
}

function jiraHost(options: TargetOptions, env: NodeJS.ProcessEnv): string | undefined {
  const host = options.baseUrl ?? env.JIRA_BASE_URL;
  return host ? host.replace(/\/+$/, '') : undefined;
}

function errorInfo(error: unknown): ErrorInfo {
  const failure = error as { status?: number; code?: string; message?: string; cause?: { response?: { headers?: unknown; data?: unknown; status?: number } }; response?: unknown };
  // jira.js wraps an HTTP answer in HttpException (cause: the AxiosError); a connection failure is the AxiosError itself.
  const response = failure.cause?.response ?? (failure as { response?: { headers?: unknown; data?: unknown; status?: number } }).response;
  if (!response || typeof response !== 'object' || !('status' in response)) {
    const network = (error as { isAxiosError?: boolean }).isAxiosError === true || /^(ECONN|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EPIPE|ERR_NETWORK)/.test(failure.code ?? '');
    return { headers: {}, message: `${failure.message ?? String(error)}${failure.code ? ` (${failure.code})` : ''}`, network };
  }
  const headers = headerRecord(typeof (response.headers as { toJSON?: () => unknown })?.toJSON === 'function' ? (response.headers as { toJSON: () => unknown }).toJSON() : response.headers);
  return { status: response.status, headers, message: trackerMessage(response.data) || (failure.message ?? '') };
}

function clients(options: TargetOptions, env: NodeJS.ProcessEnv): { v3?: Version3Client; v2?: Version2Client } {
  const host = jiraHost(options, env) as string;
  const baseRequestConfig = { timeout: REQUEST_TIMEOUT_MS };
  if (jiraApi(options, env) === 'cloud') {
    return { v3: new Version3Client({ host, authentication: { basic: { email: env.JIRA_EMAIL ?? '', apiToken: env.JIRA_API_TOKEN ?? '' } }, baseRequestConfig }) };
  }
  // Data Center: a personal access token goes in a Bearer header (it does not work in Basic auth).
  if (env.JIRA_PAT) return { v2: new Version2Client({ host, baseRequestConfig: { ...baseRequestConfig, headers: { Authorization: `Bearer ${env.JIRA_PAT}` } } }) };
  return { v2: new Version2Client({ host, authentication: { basic: { email: env.JIRA_EMAIL ?? '', apiToken: env.JIRA_API_TOKEN ?? '' } }, baseRequestConfig }) };
}

/** The comment body: ADF (Cloud) or wiki markup (Data Center), the summary trimmed to Jira's limit, then the PDF line. */
function jiraBody(payload: PublishPayload, api: 'cloud' | 'datacenter', pdf?: { name: string; url: string }, pdfProblem?: string): { body: AdfDocument | string; trimmed: boolean } {
  const line = pdfLine({ ...(pdf ? { pdf } : {}), ...(pdfProblem ? { pdfProblem } : {}) });
  const render = (room: number) => {
    const { text, trimmed } = trimMarkdown(payload.markdown, room);
    const notice = trimmed ? `\n\n*Trimmed to fit Jira's comment limit; the rest is in ${pdf ? 'the attached PDF' : `${payload.incidentId}.md in the incident's report folder`}.*\n` : '';
    const markdown = `${text.trimEnd()}${notice}${line ? `\n\n---\n\n${line}\n` : '\n'}`;
    return { body: api === 'cloud' ? markdownToAdf(markdown) : markdownToJiraWiki(markdown), trimmed };
  };
  // Wiki escaping makes the body longer than its Markdown: shrink the room until the converted body fits.
  let room = JIRA_COMMENT_LIMIT - 2_000;
  let result = render(room);
  for (let attempt = 0; attempt < 20 && bodyLength(result.body) > JIRA_COMMENT_LIMIT && room > 0; attempt += 1) {
    room -= bodyLength(result.body) - JIRA_COMMENT_LIMIT + 1_000;
    result = render(Math.max(0, room));
  }
  return result;
}

/** The text length Jira counts for a body (wiki string, or the text of every ADF node). */
function bodyLength(body: AdfDocument | string): number {
  if (typeof body === 'string') return body.length;
  const walk = (nodes: AdfNode[] = []): number => nodes.reduce((sum, node) => sum + (node.text?.length ?? 0) + walk(node.content), 0);
  return walk(body.content);
}

export const jiraAdapter: TrackerAdapter<JiraTarget> = {
  tracker: 'jira',

  checkCredentials(env, options) {
    if (!jiraHost(options, env)) return 'JIRA_BASE_URL is not set (the site, e.g. https://acme.atlassian.net), and the ticket entry gives no baseUrl';
    const api = jiraApi(options, env);
    if (api === 'cloud' && !(env.JIRA_EMAIL && env.JIRA_API_TOKEN)) return 'Jira Cloud needs JIRA_EMAIL and JIRA_API_TOKEN (an Atlassian API token)';
    if (api === 'datacenter' && !env.JIRA_PAT && !(env.JIRA_EMAIL && env.JIRA_API_TOKEN)) return 'Jira Data Center needs JIRA_PAT (a personal access token)';
    return undefined;
  },

  plan(target, payload, { options, env, state }) {
    const api = jiraApi(options, env);
    const version = api === 'cloud' ? 3 : 2;
    const base = `${jiraHost(options, env) ?? '$JIRA_BASE_URL'}/rest/api/${version}`;
    const auth = api === 'cloud' ? 'Basic base64($JIRA_EMAIL:$JIRA_API_TOKEN)' : env.JIRA_PAT ? 'Bearer $JIRA_PAT' : 'Basic base64($JIRA_EMAIL:$JIRA_API_TOKEN)';
    const headers = { Authorization: auth, Accept: 'application/json' };
    const requests: PlannedRequest[] = [];
    let pdf: { name: string; url: string } | undefined;
    if (payload.pdf && options.pdf !== 'none') {
      requests.push({ method: 'GET', url: `${base}/attachment/meta`, headers, note: 'the attachment size limit of this instance' });
      requests.push({
        method: 'POST',
        url: `${base}/issue/${target.key}/attachments`,
        headers: { ...headers, 'X-Atlassian-Token': 'no-check', 'Content-Type': 'multipart/form-data' },
        body: { file: { filename: payload.pdf.filename, contentType: 'application/pdf', bytes: payload.pdf.bytes.length, sha256: payload.pdf.sha256 } },
      });
      if (state.attachmentId) requests.push({ method: 'DELETE', url: `${base}/attachment/${state.attachmentId}`, headers, note: 'the earlier attachment, replaced by the new one' });
      pdf = { name: payload.pdf.filename, url: '{attachment.content}' };
    }
    const { body } = jiraBody(payload, api, pdf);
    if (state.commentId)
      requests.push({
        method: 'PUT',
        url: `${base}/issue/${target.key}/comment/${state.commentId}`,
        headers,
        body: { body },
        note: 'the earlier comment (id from publish.json); a new one is posted if it is gone',
      });
    else requests.push({ method: 'POST', url: `${base}/issue/${target.key}/comment`, headers, body: { body } });
    return requests;
  },

  async publish(target, payload, context) {
    const api = jiraApi(context.options, context.env);
    const { v3, v2 } = clients(context.options, context.env);
    const jira = (v3 ?? v2) as Version3Client | Version2Client;
    const ticket = target.text;
    const steps: PublishStep[] = [];
    const leftBehind: string[] = [];
    const notes: string[] = [];
    const state = { ...context.state };
    const credential = api === 'cloud' ? 'JIRA_EMAIL/JIRA_API_TOKEN' : context.env.JIRA_PAT ? 'JIRA_PAT' : 'JIRA_EMAIL/JIRA_API_TOKEN';
    const call = <T>(action: string, permission: string, idempotent: boolean, op: () => Promise<T>, limitBytes?: number) => {
      const errorContext: ErrorContext = { action, ticket, permission, credential, ...(limitBytes !== undefined ? { limitBytes } : {}) };
      return withRetries(context.retry, { idempotent, toInfo: errorInfo, context: errorContext, log: context.log }, op);
    };

    let pdf: { name: string; url: string } | undefined;
    let pdfProblem: string | undefined;
    if (!payload.pdf || context.options.pdf === 'none') {
      steps.push({ what: 'attachment', status: 'skipped' });
    } else {
      const file = payload.pdf;
      const permission = 'the Create Attachments project permission (and Delete Own Attachments to replace an earlier one)';
      try {
        let limit: number | undefined;
        try {
          const meta = await call('reading the attachment settings', 'Browse Projects', true, () => jira.issueAttachments.getAttachmentMeta());
          if (meta.enabled === false)
            throw new TrackerError(
              'forbidden',
              `attachments are turned off on ${jiraHost(context.options, context.env)}`,
              'ask a Jira administrator to enable attachments, or publish with --no-pdf',
              403,
            );
          limit = typeof meta.uploadLimit === 'number' ? meta.uploadLimit : undefined;
        } catch (error) {
          if (error instanceof TrackerError && (error.kind === 'forbidden' || error.kind === 'auth' || error.kind === 'network')) throw error;
          notes.push('could not read the attachment size limit; uploading anyway');
        }
        if (limit !== undefined && file.bytes.length > limit) {
          throw new TrackerError(
            'too-large',
            `${file.filename} is ${file.bytes.length} bytes, over this Jira's attachment limit of ${limit} bytes (${(limit / 1024 / 1024).toFixed(1)} MiB); nothing was uploaded`,
            'make the PDF smaller or publish with --no-pdf',
            413,
          );
        }
        const uploaded = await call(
          `attaching ${file.filename} to ${ticket}`,
          permission,
          false,
          () => jira.issueAttachments.addAttachment({ issueIdOrKey: target.key, attachment: { filename: file.filename, file: Buffer.from(file.bytes), mimeType: 'application/pdf' } }),
          limit,
        );
        const attachment = (Array.isArray(uploaded) ? uploaded[0] : uploaded) as { id?: string | number; content?: string; filename?: string } | undefined;
        if (!attachment?.id) throw new TrackerError('other', `attaching ${file.filename} to ${ticket}: Jira answered without an attachment id`, 'check the issue in Jira');
        const id = String(attachment.id);
        const url = attachment.content ?? `${jiraHost(context.options, context.env)}/secure/attachment/${id}/${encodeURIComponent(file.filename)}`;
        const earlier = state.attachmentId && state.attachmentId !== id ? state.attachmentId : undefined;
        Object.assign(state, { attachmentId: id, attachmentUrl: url, attachmentName: file.filename });
        await context.saveState(state);
        pdf = { name: file.filename, url };
        if (earlier) {
          try {
            await call(`deleting the earlier attachment ${earlier}`, permission, true, () => jira.issueAttachments.removeAttachment({ id: earlier }));
          } catch (error) {
            if (!(error instanceof TrackerError && error.kind === 'not-found')) {
              leftBehind.push(`the earlier attachment ${earlier} on ${ticket} could not be deleted (${(error as Error).message}); delete it by hand`);
            }
          }
        }
        steps.push(okStep('attachment', { action: earlier ? 'replaced' : 'created', url, id }));
      } catch (error) {
        steps.push(failedStep('attachment', error));
        pdfProblem = 'the upload failed (see the fracas output)';
      }
    }

    const { body, trimmed } = jiraBody(payload, api, pdf, pdfProblem);
    if (trimmed) notes.push(`the summary was trimmed to fit Jira's ${JIRA_COMMENT_LIMIT}-character comment limit`);
    const permission = 'the Add Comments project permission (and Edit Own Comments to edit the earlier one)';
    try {
      let written: { id?: string; self?: string } | undefined;
      let action: 'created' | 'updated' = 'created';
      if (state.commentId) {
        const id = state.commentId;
        try {
          written = v3
            ? await call(`editing comment ${id} on ${ticket}`, permission, true, () => v3.issueComments.updateComment({ issueIdOrKey: target.key, id, body: body as AdfDocument }))
            : // jira.js 5 sends `comment` as the v2 body of updateComment although its type names it `body`.
              await call(`editing comment ${id} on ${ticket}`, permission, true, () =>
                (v2 as Version2Client).issueComments.updateComment({ issueIdOrKey: target.key, id, body: body as string, comment: body } as Parameters<
                  Version2Client['issueComments']['updateComment']
                >[0]),
              );
          action = 'updated';
        } catch (error) {
          if (!(error instanceof TrackerError && error.kind === 'not-found')) throw error;
          notes.push(`the earlier comment ${id} is gone; posted a new one`);
        }
      }
      if (!written) {
        written = v3
          ? await call(`commenting on ${ticket}`, permission, false, () => v3.issueComments.addComment({ issueIdOrKey: target.key, comment: body as AdfDocument }))
          : await call(`commenting on ${ticket}`, permission, false, () => (v2 as Version2Client).issueComments.addComment({ issueIdOrKey: target.key, comment: body as string }));
      }
      const id = String(written?.id ?? '');
      const url = `${jiraHost(context.options, context.env)}/browse/${target.key}?focusedCommentId=${id}`;
      Object.assign(state, { commentId: id, commentUrl: url, publishedAt: new Date().toISOString() });
      await context.saveState(state);
      steps.push(okStep('comment', { action, url, id }));
    } catch (error) {
      steps.push(failedStep('comment', error));
      if (pdf) leftBehind.push(`the PDF was attached to ${ticket} (${pdf.url}) but the comment was not posted`);
    }
    return finishResult({ target: ticket, tracker: 'jira' }, steps, leftBehind, notes);
  },
};
