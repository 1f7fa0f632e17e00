// A GitHub REST fake: issue comments (paged with Link), releases and assets (uploads under /api/uploads as on GHES), contents.
import { startFakeServer, type FakeServer, type Recorded, type Reply } from './fake-server.ts';

export const GITHUB_TOKEN = 'ghp_FakeToken0123456789abcdefABCDEF012345';

interface Comment {
  id: number;
  body: string;
  html_url: string;
}
interface Asset {
  id: number;
  name: string;
  label: string;
  size: number;
  state: 'uploaded' | 'starter';
  bytes: Buffer;
  browser_download_url: string;
}

export interface GithubFake extends FakeServer {
  comments: Comment[];
  releases: { id: number; tag_name: string; assets: Asset[] }[];
  files: Map<string, { sha: string; bytes: Buffer; branch: string }>;
  /** The API base URL (GHES form). */
  api: string;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => ({
  status,
  json: body,
  headers: { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4999', 'x-ratelimit-resource': 'core', ...headers },
});

export async function startGithubFake(options: { owner?: string; repo?: string; issue?: number; pageSize?: number } = {}): Promise<GithubFake> {
  const owner = options.owner ?? 'acme';
  const repo = options.repo ?? 'api';
  const issue = options.issue ?? 123;
  let nextId = 1000;
  const state = { comments: [] as Comment[], releases: [] as GithubFake['releases'], files: new Map<string, { sha: string; bytes: Buffer; branch: string }>() };
  const repoPath = `/api/v3/repos/${owner}/${repo}`;
  const handler = (request: Recorded, fake: FakeServer): Reply => {
    if (request.headers.authorization !== `token ${GITHUB_TOKEN}`) return json(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    const { method, path } = request;
    const base = fake.url;
    const asset = (item: Asset) => ({
      id: item.id,
      name: item.name,
      label: item.label,
      size: item.size,
      state: item.state,
      content_type: 'application/pdf',
      browser_download_url: item.browser_download_url,
    });
    const releaseJson = (release: GithubFake['releases'][number]) => ({
      id: release.id,
      tag_name: release.tag_name,
      upload_url: `${base}/api/uploads/repos/${owner}/${repo}/releases/${release.id}/assets{?name,label}`,
      assets: release.assets.map(asset),
    });
    if (method === 'GET' && path === `${repoPath}/issues/${issue}/comments`) {
      const perPage = Number(request.query.get('per_page') ?? 30);
      const size = Math.min(perPage, options.pageSize ?? perPage);
      const page = Number(request.query.get('page') ?? 1);
      const slice = state.comments.slice((page - 1) * size, page * size);
      const headers: Record<string, string> = {};
      if (page * size < state.comments.length) headers.link = `<${base}${repoPath}/issues/${issue}/comments?per_page=${perPage}&page=${page + 1}>; rel="next"`;
      return json(200, slice, headers);
    }
    if (method === 'POST' && path === `${repoPath}/issues/${issue}/comments`) {
      const body = (request.json as { body: string }).body;
      if (body.length > 65_536)
        return json(422, {
          message: 'Validation Failed',
          errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' }],
          documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
        });
      const id = ++nextId;
      const comment = { id, body, html_url: `https://github.example/${owner}/${repo}/issues/${issue}#issuecomment-${id}` };
      state.comments.push(comment);
      return json(201, comment);
    }
    const commentMatch = /^\/api\/v3\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(path);
    if (method === 'PATCH' && commentMatch) {
      const comment = state.comments.find((item) => item.id === Number(commentMatch[1]));
      if (!comment) return json(404, { message: 'Not Found' });
      const body = (request.json as { body: string }).body;
      if (body.length > 65_536)
        return json(422, { message: 'Validation Failed', errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' }] });
      comment.body = body;
      return json(200, comment);
    }
    const tagMatch = new RegExp(`^${repoPath}/releases/tags/(.+)$`).exec(path);
    if (method === 'GET' && tagMatch) {
      const release = state.releases.find((item) => item.tag_name === decodeURIComponent(tagMatch[1] as string));
      return release ? json(200, releaseJson(release)) : json(404, { message: 'Not Found' });
    }
    if (method === 'POST' && path === `${repoPath}/releases`) {
      const input = request.json as { tag_name: string };
      if (state.releases.some((item) => item.tag_name === input.tag_name))
        return json(422, { message: 'Validation Failed', errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }] });
      const release = { id: ++nextId, tag_name: input.tag_name, assets: [] as Asset[] };
      state.releases.push(release);
      return json(201, releaseJson(release));
    }
    const uploadMatch = new RegExp(`^/api/uploads/repos/${owner}/${repo}/releases/(\\d+)/assets$`).exec(path);
    if (method === 'POST' && uploadMatch) {
      const release = state.releases.find((item) => item.id === Number(uploadMatch[1]));
      if (!release) return json(404, { message: 'Not Found' });
      const name = request.query.get('name');
      if (!name) return json(422, { message: 'Validation Failed', errors: [{ resource: 'ReleaseAsset', code: 'missing', field: 'name' }] });
      if (request.headers['content-type'] !== 'application/pdf') return json(422, { message: 'Validation Failed', errors: [{ resource: 'ReleaseAsset', code: 'invalid', field: 'content_type' }] });
      if (release.assets.some((item) => item.name === name)) return json(422, { message: 'Validation Failed', errors: [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }] });
      const item: Asset = {
        id: ++nextId,
        name,
        label: request.query.get('label') ?? '',
        size: request.body.length,
        state: 'uploaded',
        bytes: request.body,
        browser_download_url: `https://github.example/${owner}/${repo}/releases/download/${release.tag_name}/${name}`,
      };
      release.assets.push(item);
      return json(201, asset(item));
    }
    const assetsMatch = new RegExp(`^${repoPath}/releases/(\\d+)/assets$`).exec(path);
    if (method === 'GET' && assetsMatch) {
      const release = state.releases.find((item) => item.id === Number(assetsMatch[1]));
      return release ? json(200, release.assets.map(asset)) : json(404, { message: 'Not Found' });
    }
    const assetMatch = new RegExp(`^${repoPath}/releases/assets/(\\d+)$`).exec(path);
    if (assetMatch) {
      const release = state.releases.find((item) => item.assets.some((candidate) => candidate.id === Number(assetMatch[1])));
      const item = release?.assets.find((candidate) => candidate.id === Number(assetMatch[1]));
      if (!release || !item) return json(404, { message: 'Not Found' });
      if (method === 'DELETE') {
        release.assets = release.assets.filter((candidate) => candidate !== item);
        return { status: 204 };
      }
      if (method === 'PATCH') {
        const name = (request.json as { name: string }).name;
        if (release.assets.some((candidate) => candidate !== item && candidate.name === name))
          return json(422, { message: 'Validation Failed', errors: [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }] });
        item.name = name;
        item.browser_download_url = `https://github.example/${owner}/${repo}/releases/download/${release.tag_name}/${name}`;
        return json(200, asset(item));
      }
    }
    const contentsMatch = new RegExp(`^${repoPath}/contents/(.+)$`).exec(path);
    if (contentsMatch) {
      const file = decodeURIComponent(contentsMatch[1] as string);
      const existing = state.files.get(file);
      if (method === 'GET') {
        if (!existing || existing.branch !== request.query.get('ref')) return json(404, { message: 'Not Found' });
        return json(200, { type: 'file', path: file, sha: existing.sha, size: existing.bytes.length });
      }
      if (method === 'PUT') {
        const input = request.json as { content: string; branch: string; sha?: string; message: string };
        if (existing && input.sha !== existing.sha) return json(422, { message: `Invalid request.\n\n"sha" wasn't supplied.` });
        const sha = `sha${++nextId}`;
        state.files.set(file, { sha, bytes: Buffer.from(input.content, 'base64'), branch: input.branch });
        return json(existing ? 200 : 201, { content: { path: file, sha, html_url: `https://github.example/${owner}/${repo}/blob/${input.branch}/${file}` }, commit: { sha: `c${sha}` } });
      }
    }
    return json(404, { message: 'Not Found' });
  };
  const fake = await startFakeServer(handler);
  return Object.assign(fake, { comments: state.comments, releases: state.releases, files: state.files, api: `${fake.url}/api/v3` });
}
