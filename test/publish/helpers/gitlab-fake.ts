// A GitLab REST v4 fake: project uploads (multipart `file`), issue notes (paged with x-next-page), documented error bodies.
import { startFakeServer, type FakeServer, type Recorded, type Reply } from './fake-server.ts';

export const GITLAB_TOKEN = 'glpat-FakeToken0123456789ab';

export interface GitlabFake extends FakeServer {
  notes: { id: number; body: string }[];
  uploads: { filename: string; bytes: Buffer; type: string }[];
  maxBytes: number;
}

export async function startGitlabFake(options: { project?: string; iid?: number; pageSize?: number } = {}): Promise<GitlabFake> {
  const project = encodeURIComponent(options.project ?? 'group/proj');
  const iid = options.iid ?? 9;
  let nextId = 500;
  let fake!: GitlabFake;
  const handler = (request: Recorded): Reply => {
    if (request.headers['private-token'] !== GITLAB_TOKEN) return { status: 401, json: { message: '401 Unauthorized' } };
    // The raw path keeps %2F: GitLab takes the URL-encoded project path as the id.
    const raw = request.path;
    const prefix = `/api/v4/projects/${project}`;
    if (!raw.startsWith(prefix)) return { status: 404, json: { message: '404 Project Not Found' } };
    const rest = raw.slice(prefix.length);
    if (rest === '/uploads' && request.method === 'POST') {
      const file = request.parts?.find((part) => part.name === 'file');
      if (!file) return { status: 400, json: { error: 'file is missing' } };
      if (file.bytes.length > fake.maxBytes) return { status: 413, json: { message: '413 Request Entity Too Large' } };
      nextId += 1;
      fake.uploads.push({ filename: file.filename ?? '', bytes: file.bytes, type: file.type });
      const secret = `66dbcd21ec5d24ed6ea225176098d${nextId}`;
      return {
        status: 201,
        json: {
          id: nextId,
          alt: file.filename,
          url: `/uploads/${secret}/${file.filename}`,
          full_path: `/-/project/42/uploads/${secret}/${file.filename}`,
          markdown: `[${file.filename}](/uploads/${secret}/${file.filename})`,
        },
      };
    }
    const notes = /^\/issues\/(\d+)\/notes(?:\/(\d+))?$/.exec(rest);
    if (notes) {
      if (Number(notes[1]) !== iid) return { status: 404, json: { message: '404 Issue Not Found' } };
      if (request.method === 'GET' && !notes[2]) {
        const size = Math.min(Number(request.query.get('per_page') ?? 20), options.pageSize ?? 100);
        const page = Number(request.query.get('page') ?? 1);
        const headers: Record<string, string> = { 'x-page': String(page), 'x-per-page': String(size), 'x-total': String(fake.notes.length) };
        headers['x-next-page'] = page * size < fake.notes.length ? String(page + 1) : '';
        return { status: 200, headers, json: fake.notes.slice((page - 1) * size, page * size).map((note) => ({ ...note, system: false, noteable_iid: iid })) };
      }
      const body = (request.json as { body?: string } | undefined)?.body;
      if (!body) return { status: 400, json: { message: { note: ["can't be blank"] } } };
      if (request.method === 'POST' && !notes[2]) {
        const note = { id: ++nextId, body };
        fake.notes.push(note);
        return { status: 201, json: { ...note, noteable_iid: iid } };
      }
      if (request.method === 'PUT' && notes[2]) {
        const note = fake.notes.find((item) => item.id === Number(notes[2]));
        if (!note) return { status: 404, json: { message: '404 Not found' } };
        note.body = body;
        return { status: 200, json: { ...note, noteable_iid: iid } };
      }
    }
    return { status: 404, json: { error: '404 Not Found' } };
  };
  const server = await startFakeServer(handler);
  fake = Object.assign(server, { notes: [] as { id: number; body: string }[], uploads: [] as GitlabFake['uploads'], maxBytes: 100 * 1024 * 1024 });
  return fake;
}
