// A Jira REST fake (Cloud v3 and Data Center v2): attachment meta, multipart attachments, comments, documented error bodies.
import { startFakeServer, type FakeServer, type Recorded, type Reply } from './fake-server.ts';

export const JIRA_EMAIL = 'oncall@acme.example';
export const JIRA_API_TOKEN = 'ATATT3xFfGF0Fake-cloud-token-0123456789';
export const JIRA_PAT = 'NjY1MzQ0Fake-datacenter-PAT-0123456789xyz';

export interface JiraFake extends FakeServer {
  comments: Map<string, { id: string; body: unknown; version: 2 | 3 }>;
  attachments: Map<string, { id: string; filename: string; bytes: Buffer; mimeType: string }>;
  uploadLimit: number;
}

/** What Jira counts against its 32,767-character text limit: the wiki string, or the text in an ADF document. */
function textLength(body: unknown): number {
  if (typeof body === 'string') return body.length;
  const walk = (node: unknown): number => {
    if (!node || typeof node !== 'object') return 0;
    const { text, content } = node as { text?: string; content?: unknown[] };
    return (text?.length ?? 0) + (content ?? []).reduce<number>((sum, child) => sum + walk(child), 0);
  };
  return walk(body);
}

const errors = (status: number, messages: string[], fields: Record<string, string> = {}): Reply => ({ status, json: { errorMessages: messages, errors: fields } });

export async function startJiraFake(options: { key?: string; uploadLimit?: number; auth: 'basic' | 'bearer' }): Promise<JiraFake> {
  const key = options.key ?? 'OPS-42';
  let nextId = 10_000;
  const comments = new Map<string, { id: string; body: unknown; version: 2 | 3 }>();
  const attachments = new Map<string, { id: string; filename: string; bytes: Buffer; mimeType: string }>();
  const expectedAuth = options.auth === 'basic' ? `Basic ${Buffer.from(`${JIRA_EMAIL}:${JIRA_API_TOKEN}`).toString('base64')}` : `Bearer ${JIRA_PAT}`;
  let fake!: JiraFake;
  const handler = (request: Recorded, server: FakeServer): Reply => {
    if (request.headers.authorization !== expectedAuth) return errors(401, ['You are not authenticated. Authentication required to perform this operation.']);
    const match = /^\/rest\/api\/(2|3)\/(.*)$/.exec(request.path);
    if (!match) return errors(404, ['No resource found']);
    const version = Number(match[1]) as 2 | 3;
    const rest = match[2] as string;
    const { method } = request;
    if (method === 'GET' && rest === 'attachment/meta') return { status: 200, json: { enabled: true, uploadLimit: fake.uploadLimit } };
    const issue = /^issue\/([^/]+)\/(attachments|comment)(?:\/(\d+))?$/.exec(rest);
    if (issue) {
      if (issue[1] !== key) return errors(404, ['Issue does not exist or you do not have permission to see it.']);
      if (issue[2] === 'attachments' && method === 'POST') {
        if (request.headers['x-atlassian-token'] !== 'no-check') return { status: 403, text: 'XSRF check failed', headers: { 'content-type': 'text/plain' } };
        const parts = (request.parts ?? []).filter((part) => part.name === 'file');
        if (parts.length === 0) return errors(400, ['no file part named "file"']);
        if (parts.some((part) => part.bytes.length > fake.uploadLimit)) return { status: 413, text: 'Request Entity Too Large', headers: { 'content-type': 'text/plain' } };
        const created = parts.map((part) => {
          const id = String(++nextId);
          attachments.set(id, { id, filename: part.filename ?? '', bytes: part.bytes, mimeType: part.type });
          return {
            self: `${server.url}/rest/api/${version}/attachment/${id}`,
            id,
            filename: part.filename,
            size: part.bytes.length,
            mimeType: part.type,
            content: `${server.url}/rest/api/${version}/attachment/content/${id}`,
          };
        });
        return { status: 200, json: created };
      }
      if (issue[2] === 'comment' && method === 'POST') {
        const body = (request.json as { body?: unknown }).body;
        if (body === undefined || body === '') return errors(400, [], { comment: 'Comment body can not be empty!' });
        if (textLength(body) > 32_767) return errors(400, [], { comment: 'The entered text is too long. It exceeds the allowed limit of 32,767 characters.' });
        const id = String(++nextId);
        comments.set(id, { id, body, version });
        return { status: 201, json: { id, self: `${server.url}/rest/api/${version}/issue/${key}/comment/${id}`, body } };
      }
      if (issue[2] === 'comment' && method === 'PUT' && issue[3]) {
        const comment = comments.get(issue[3]);
        if (!comment) return errors(404, ['Can not find a comment for the id: ' + issue[3] + '.']);
        const body = (request.json as { body?: unknown }).body;
        if (body === undefined || body === '') return errors(400, [], { comment: 'Comment body can not be empty!' });
        comment.body = body;
        return { status: 200, json: { id: comment.id, body } };
      }
    }
    const attachment = /^attachment\/(\d+)$/.exec(rest);
    if (attachment && method === 'DELETE') {
      if (!attachments.delete(attachment[1] as string)) return errors(404, ['The attachment with id ' + attachment[1] + ' does not exist']);
      return { status: 204 };
    }
    return errors(404, ['No resource found']);
  };
  const server = await startFakeServer(handler);
  fake = Object.assign(server, { comments, attachments, uploadLimit: options.uploadLimit ?? 10 * 1024 * 1024 });
  return fake;
}
