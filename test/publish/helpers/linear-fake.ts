// A Linear GraphQL fake: issue lookup, fileUpload with a signed PUT URL on the same server, commentCreate/commentUpdate.
import { startFakeServer, type FakeServer, type Recorded, type Reply } from './fake-server.ts';

export const LINEAR_API_KEY = 'lin_api_FakeKey0123456789abcdefghijklmnopqrstuv';
const ISSUE_ID = '9cfb482a-81e3-4154-b5b9-2c805e70a02d';

export interface LinearFake extends FakeServer {
  api: string;
  comments: Map<string, { id: string; issueId: string; body: string }>;
  uploads: Map<string, { bytes: Buffer; contentType: string }>;
  /** Signed-URL headers the fake hands out and then requires on the PUT. */
  uploadHeaders: { key: string; value: string }[];
}

const gqlError = (message: string, type: string, code: string, status = 200, headers: Record<string, string> = {}): Reply => ({
  status,
  headers,
  json: { errors: [{ message, extensions: { type, code, userError: true, userPresentableMessage: message } }] },
});

export async function startLinearFake(options: { identifier?: string; maxUploadBytes?: number } = {}): Promise<LinearFake> {
  const identifier = options.identifier ?? 'ENG-7';
  let next = 1;
  const comments = new Map<string, { id: string; issueId: string; body: string }>();
  const uploads = new Map<string, { bytes: Buffer; contentType: string }>();
  const uploadHeaders = [
    { key: 'x-goog-content-length-range', value: '0,104857600' },
    { key: 'Content-Disposition', value: 'attachment; filename="INC-42.pdf"' },
  ];
  const commentJson = (comment: { id: string; issueId: string; body: string }) => ({
    __typename: 'Comment',
    id: comment.id,
    body: comment.body,
    url: `https://linear.example/acme/issue/${identifier}#comment-${comment.id.slice(0, 8)}`,
    createdAt: '2026-12-01T12:00:00.000Z',
    updatedAt: '2026-12-01T12:00:00.000Z',
    issueId: comment.issueId,
    issue: { id: comment.issueId },
  });
  const handler = (request: Recorded, server: FakeServer): Reply => {
    const upload = /^\/uploads\/(\w+)$/.exec(request.path);
    if (upload && request.method === 'PUT') {
      for (const header of uploadHeaders)
        if (request.headers[header.key.toLowerCase()] !== header.value)
          return { status: 403, text: `<Error><Code>SignatureDoesNotMatch</Code><Message>missing ${header.key}</Message></Error>`, headers: { 'content-type': 'application/xml' } };
      if (request.body.length > (options.maxUploadBytes ?? 100 * 1024 * 1024))
        return { status: 413, text: '<Error><Code>EntityTooLarge</Code></Error>', headers: { 'content-type': 'application/xml' } };
      uploads.set(upload[1] as string, { bytes: request.body, contentType: String(request.headers['content-type']) });
      return { status: 200, text: '' };
    }
    if (request.method !== 'POST' || request.path !== '/graphql') return { status: 404, text: 'Not Found' };
    if (request.headers.authorization !== LINEAR_API_KEY) return gqlError('Authentication required, not authenticated', 'authentication error', 'AUTHENTICATION_ERROR', 400);
    const { query, variables } = request.json as { query: string; variables: Record<string, unknown> };
    const operation = /^\s*(query|mutation)\s+(\w+)/.exec(query)?.[2];
    switch (operation) {
      case 'issue':
        if (variables.id !== identifier && variables.id !== ISSUE_ID) return gqlError('Entity not found: Issue', 'invalid input', 'INPUT_ERROR');
        return { status: 200, json: { data: { issue: { id: ISSUE_ID, identifier, url: `https://linear.example/acme/issue/${identifier}` } } } };
      case 'fileUpload': {
        const key = `u${++next}`;
        return {
          status: 200,
          json: {
            data: {
              fileUpload: {
                __typename: 'UploadPayload',
                success: true,
                lastSyncId: 1,
                uploadFile: {
                  __typename: 'UploadFile',
                  uploadUrl: `${server.url}/uploads/${key}`,
                  assetUrl: `https://uploads.linear.example/ws/${key}/${String(variables.filename)}`,
                  contentType: variables.contentType,
                  filename: variables.filename,
                  size: variables.size,
                  headers: uploadHeaders.map((header) => ({ __typename: 'UploadFileHeader', ...header })),
                  metaData: null,
                },
              },
            },
          },
        };
      }
      case 'createComment': {
        const input = variables.input as { issueId: string; body: string };
        if (input.issueId !== ISSUE_ID) return gqlError('Entity not found: Issue', 'invalid input', 'INPUT_ERROR');
        const id = `c0ffee${String(++next).padStart(2, '0')}-0000-4000-8000-000000000000`;
        comments.set(id, { id, issueId: input.issueId, body: input.body });
        return { status: 200, json: { data: { commentCreate: { success: true, comment: { id, url: commentJson(comments.get(id) as { id: string; issueId: string; body: string }).url } } } } };
      }
      case 'updateComment': {
        const comment = comments.get(String(variables.id));
        if (!comment) return gqlError('Entity not found: Comment', 'invalid input', 'INPUT_ERROR');
        comment.body = (variables.input as { body: string }).body;
        return { status: 200, json: { data: { commentUpdate: { success: true, comment: { id: comment.id, url: commentJson(comment).url } } } } };
      }
      default:
        return gqlError(`Unknown operation ${operation}`, 'graphql error', 'GRAPHQL_VALIDATION_FAILED', 400);
    }
  };
  const server = await startFakeServer(handler);
  return Object.assign(server, { api: `${server.url}/graphql`, comments, uploads, uploadHeaders });
}

export const ratelimited = (headers: Record<string, string>): Reply => gqlError('Rate limit exceeded: 1500 requests per hour', 'ratelimited', 'RATELIMITED', 400, headers);
