// A local HTTP server on 127.0.0.1 that records every request exactly (method, path, headers, body, multipart parts).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Part {
  name: string;
  filename?: string;
  type: string;
  bytes: Buffer;
}

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  json?: unknown;
  parts?: Part[];
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
  text?: string;
}

export type Handler = (request: Recorded, server: FakeServer) => Reply | Promise<Reply>;

export interface FakeServer {
  url: string;
  requests: Recorded[];
  /** Replies queued for a route key `METHOD /path` (path without query), served before the handler. */
  queue(key: string, ...replies: Reply[]): void;
  close(): Promise<void>;
}

async function parseParts(headers: IncomingHttpHeaders, body: Buffer): Promise<Part[]> {
  const form = await new Request('http://127.0.0.1/', { method: 'POST', headers: { 'content-type': String(headers['content-type']) }, body }).formData();
  const parts: Part[] = [];
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') parts.push({ name, type: 'text/plain', bytes: Buffer.from(value) });
    else parts.push({ name, filename: value.name, type: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
  }
  return parts;
}

export async function startFakeServer(handler: Handler): Promise<FakeServer> {
  const requests: Recorded[] = [];
  const queued = new Map<string, Reply[]>();
  let fake!: FakeServer;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const body = Buffer.concat(chunks);
        const recorded: Recorded = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body };
        const type = String(req.headers['content-type'] ?? '');
        if (type.includes('json') && body.length > 0) recorded.json = JSON.parse(body.toString('utf8'));
        if (type.startsWith('multipart/form-data')) recorded.parts = await parseParts(req.headers, body);
        requests.push(recorded);
        const key = `${recorded.method} ${recorded.path}`;
        const waiting = queued.get(key);
        let reply: Reply;
        try {
          reply = waiting && waiting.length > 0 ? (waiting.shift() as Reply) : await handler(recorded, fake);
        } catch (error) {
          reply = { status: 500, json: { message: `fake server error: ${(error as Error).message}` } };
        }
        const headers: Record<string, string> = { ...(reply.headers ?? {}) };
        let payload = reply.text ?? '';
        if (reply.json !== undefined) {
          headers['content-type'] ??= 'application/json; charset=utf-8';
          payload = JSON.stringify(reply.json);
        }
        res.writeHead(reply.status, headers);
        res.end(payload);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  fake = {
    url: `http://127.0.0.1:${port}`,
    requests,
    queue: (key, ...replies) => queued.set(key, [...(queued.get(key) ?? []), ...replies]),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}

/** A port on 127.0.0.1 with nothing listening (connections are refused): the network-failure case. */
export async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
