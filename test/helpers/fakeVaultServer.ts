import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { FakeVaultApi, type ApiReply, type ApiRequest } from './fakeVaultApi';

/**
 * A local HashiCorp Vault stand-in on 127.0.0.1 (HTTP, or HTTPS with a given certificate) speaking
 * the documented API (fakeVaultApi.ts), with scriptable failures: any status with headers, a
 * stalled answer, a reset connection. Requests are recorded for assertions. Node's HTTP parser
 * refuses the LIST verb, so LIST requests are read from the raw packet Node hands to 'clientError'.
 */
export interface RecordedRequest extends ApiRequest {
  /** The X-Vault-Request header. */
  vaultRequestHeader?: string;
  /** The path as sent, including /v1/ and the query. */
  url: string;
}

/** `raw` sends a body that is not JSON (a proxy's HTML page, say). */
export type ScriptedReply = (ApiReply & { raw?: string }) | { stall: true } | { reset: true };
type Script = { method?: string; path: string | RegExp; reply: ScriptedReply | ((request: RecordedRequest) => ScriptedReply) };

export interface FakeVaultServerOptions {
  tls?: { key: string | Buffer; cert: string | Buffer };
  now?: () => number;
}

export class FakeVaultServer {
  readonly api: FakeVaultApi;
  readonly requests: RecordedRequest[] = [];
  private readonly scripts: Script[] = [];
  private readonly sockets = new Set<Socket>();
  private stalledCount = 0;
  private stallWaiters: (() => void)[] = [];

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    api: FakeVaultApi,
  ) {
    this.api = api;
  }

  static async start(options: FakeVaultServerOptions = {}): Promise<FakeVaultServer> {
    const api = new FakeVaultApi(options.now);
    const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }) : http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeVaultServer(server, `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`, api);
    server.on('connection', (socket: Socket) => {
      fake.sockets.add(socket);
      socket.on('close', () => fake.sockets.delete(socket));
    });
    server.on('secureConnection', (socket: Socket) => {
      fake.sockets.add(socket);
      socket.on('close', () => fake.sockets.delete(socket));
    });
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => fake.onRequest(req, res));
    server.on('clientError', (error: Error & { rawPacket?: Buffer }, socket: Socket) => fake.onRawPacket(error.rawPacket, socket));
    return fake;
  }

  /** The next `count` requests matching method and path (below /v1/) get `reply` instead of the API's answer. */
  script(match: { method?: string; path: string | RegExp }, reply: Script['reply'], count = 1): void {
    for (let index = 0; index < count; index++) this.scripts.push({ ...match, reply });
  }

  /** Forgets the request log and every scripted reply not used yet. */
  reset(): void {
    this.requests.length = 0;
    this.scripts.length = 0;
  }

  /** Resolves once `count` requests in total have been left hanging. */
  waitForStalled(count = 1): Promise<void> {
    if (this.stalledCount >= count) return Promise.resolve();
    return new Promise((resolve) => this.stallWaiters.push(() => this.stalledCount >= count && resolve()));
  }

  /** Requests whose path (below /v1/) matches. */
  requestsTo(path: string | RegExp): RecordedRequest[] {
    return this.requests.filter((request) => matches(path, request.path));
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = parseRequest(req.method ?? 'GET', req.url ?? '/', req.headers, Buffer.concat(chunks).toString('utf8'));
      const reply = this.answer(request);
      if (reply === 'stall') return;
      if (reply === 'reset') return void req.socket.destroy();
      res.writeHead(reply.status, { ...(reply.body === undefined ? {} : { 'Content-Type': 'application/json' }), ...reply.headers });
      res.end(reply.raw ?? (reply.body === undefined ? undefined : JSON.stringify(reply.body)));
    });
  }

  private onRawPacket(raw: Buffer | undefined, socket: Socket): void {
    const text = raw?.toString('utf8') ?? '';
    const [head = '', body = ''] = text.split('\r\n\r\n');
    const [requestLine = '', ...headerLines] = head.split('\r\n');
    const [method = '', url = '/'] = requestLine.split(' ');
    if (method !== 'LIST') return void socket.destroy();
    const headers: http.IncomingHttpHeaders = {};
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const reply = this.answer(parseRequest(method, url, headers, body));
    if (reply === 'stall') return;
    if (reply === 'reset') return void socket.destroy();
    const payload = reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
    const extra = Object.entries(reply.headers ?? {}).map(([key, value]) => `${key}: ${value}\r\n`).join('');
    socket.end(
      `HTTP/1.1 ${reply.status} ${http.STATUS_CODES[reply.status] ?? 'Status'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(payload)}\r\n${extra}Connection: close\r\n\r\n${payload}`,
    );
  }

  private answer(request: RecordedRequest): (ApiReply & { raw?: string }) | 'stall' | 'reset' {
    this.requests.push(request);
    const index = this.scripts.findIndex((script) => (!script.method || script.method === request.method) && matches(script.path, request.path));
    if (index < 0) return this.api.handle(request);
    const [script] = this.scripts.splice(index, 1);
    const reply = typeof script?.reply === 'function' ? script.reply(request) : script?.reply;
    if (!reply) return this.api.handle(request);
    if ('stall' in reply) {
      this.stalledCount += 1;
      for (const wake of this.stallWaiters) wake();
      return 'stall';
    }
    if ('reset' in reply) return 'reset';
    return reply;
  }
}

function parseRequest(method: string, rawUrl: string, headers: http.IncomingHttpHeaders, text: string): RecordedRequest {
  const url = new URL(rawUrl, 'http://fake');
  let body: unknown;
  try {
    body = text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    body = undefined;
  }
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const bearer = header('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1];
  return {
    method,
    url: rawUrl,
    path: decodeURIComponent(url.pathname.replace(/^\/v1\//, '')).replace(/^\/+|\/+$/g, ''),
    query: url.searchParams,
    token: header('x-vault-token') ?? bearer,
    namespace: (header('x-vault-namespace') ?? '').replace(/^\/+|\/+$/g, ''),
    vaultRequestHeader: header('x-vault-request'),
    body,
  };
}

function matches(pattern: string | RegExp, path: string): boolean {
  return typeof pattern === 'string' ? pattern === path : pattern.test(path);
}

/** A port on 127.0.0.1 with nothing listening (taken, then released). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
