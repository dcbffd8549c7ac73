import http from 'node:http';
import https from 'node:https';
import { ProviderFailure, SILENT_LOGGER, abortError, abortableSleep, type ProviderLogger } from './providerFailure';

/**
 * HTTP transport for the HashiCorp Vault API on node:http/https: a per-attempt timeout, bounded
 * retries with backoff and Retry-After, one standby redirect (never https to http), TLS with a
 * CA file, AbortSignal. It returns every HTTP answer as is; classifying statuses is the caller's.
 */
export interface VaultHttpOptions {
  /** e.g. "https://vault.example.com:8200" (a path such as a proxy prefix is kept). */
  address: string;
  namespace?: string;
  timeoutMs: number;
  /** Retries after the first attempt for connection errors and 412/429/500/502/503/504. */
  maxRetries?: number;
  /** Backoff before retry n is `backoffMs × n`, plus up to 50% jitter. */
  backoffMs?: number;
  /** Longest wait honoured (Retry-After or backoff); a longer Retry-After ends the retries. */
  maxRetryWaitMs?: number;
  /** Loads the CA bundle (PEM) lazily; throws ProviderFailure when it cannot. */
  loadCa?: () => Buffer | undefined;
  /** False only when the user explicitly asked to skip verification. */
  rejectUnauthorized?: boolean;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  logger?: ProviderLogger;
}

export interface VaultRequest {
  method: 'GET' | 'POST' | 'LIST' | 'DELETE';
  /** Below /v1/, e.g. "secret/data/app/stripe"; segments are sent as given (already encoded). */
  path: string;
  query?: Record<string, string>;
  token?: string;
  body?: unknown;
  /** False for requests that must not be repeated (an AppRole login can use up a secret id). */
  retry?: boolean;
  signal?: AbortSignal;
}

export interface VaultResponse {
  status: number;
  /** Parsed JSON, or undefined for an empty body or one that is not JSON. */
  body: unknown;
  /** True when a body was present but was not JSON (a proxy's HTML page, say). */
  notJson?: boolean;
  headers: http.IncomingHttpHeaders;
}

export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([412, 429, 500, 502, 503, 504]);
const RETRYABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', 'ETIMEDOUT']);
const TLS_CODE = /CERT|SELF_SIGNED|SSL|TLS|UNABLE_TO_VERIFY|ALTNAME/;
const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** Printable ASCII without spaces: what Vault tokens and namespaces look like; stops header injection. */
const HEADER_SAFE = /^[\x21-\x7e]+$/;

export class VaultHttpClient {
  private readonly base: URL;
  private readonly agents = new Map<string, http.Agent>();
  private readonly logger: ProviderLogger;

  constructor(private readonly options: VaultHttpOptions) {
    this.base = parseAddress(options.address);
    this.logger = options.logger ?? SILENT_LOGGER;
    if (options.namespace !== undefined && !HEADER_SAFE.test(options.namespace)) {
      throw new ProviderFailure('error', 'The Vault namespace contains spaces or non-printable characters.');
    }
  }

  get address(): string {
    return this.base.origin;
  }

  async request(request: VaultRequest): Promise<VaultResponse> {
    if (request.token !== undefined && !HEADER_SAFE.test(request.token)) {
      throw new ProviderFailure('error', 'The Vault token contains spaces or non-printable characters; it was not sent.');
    }
    const maxRetries = request.retry === false ? 0 : (this.options.maxRetries ?? 2);
    const sleep = this.options.sleep ?? abortableSleep;
    let url = this.urlFor(this.base, request);
    let redirected = false;
    for (let attempt = 0; ; attempt++) {
      let response: VaultResponse;
      try {
        response = await this.once(url, request);
      } catch (error) {
        if (!(error instanceof TransportError) || !error.retryable || attempt >= maxRetries) throw toFailure(error);
        const wait = this.backoff(attempt + 1);
        this.logger.info(`Vault ${request.method} ${request.path}: ${error.message}; retry ${attempt + 1} of ${maxRetries} in ${wait} ms.`);
        await sleep(wait, request.signal);
        continue;
      }
      if (response.status === 307 || response.status === 308) {
        if (redirected) throw new ProviderFailure('unavailable', `Vault redirected ${request.path} more than once.`);
        url = this.redirectTarget(url, response);
        redirected = true;
        attempt--; // following the standby's redirect is not a retry
        continue;
      }
      if (!RETRYABLE_STATUSES.has(response.status) || attempt >= maxRetries) return response;
      const asked = retryAfterMs(response.headers['retry-after']);
      const cap = this.options.maxRetryWaitMs ?? 5000;
      if (asked !== undefined && asked > cap) return response; // Vault asked for longer than an editor should wait
      const wait = asked ?? this.backoff(attempt + 1);
      this.logger.info(`Vault ${request.method} ${request.path}: HTTP ${response.status}; retry ${attempt + 1} of ${maxRetries} in ${wait} ms.`);
      await sleep(wait, request.signal);
    }
  }

  dispose(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }

  private urlFor(base: URL, request: VaultRequest): URL {
    const url = new URL(base.href);
    url.pathname = `${base.pathname.replace(/\/+$/, '')}/v1/${request.path.replace(/^\/+/, '')}`;
    for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.set(key, value);
    return url;
  }

  private redirectTarget(from: URL, response: VaultResponse): URL {
    const location = response.headers.location;
    if (!location) throw new ProviderFailure('unavailable', `Vault answered ${response.status} without a Location header.`);
    let target: URL;
    try {
      target = new URL(location, from);
    } catch {
      throw new ProviderFailure('unavailable', `Vault redirected to an invalid address.`);
    }
    if (from.protocol === 'https:' && target.protocol !== 'https:') {
      throw new ProviderFailure('error', `Vault at ${from.origin} redirected to ${target.origin}, which is not https; the redirect was refused.`);
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      throw new ProviderFailure('error', `Vault redirected to an unsupported address ${target.protocol}.`);
    }
    this.logger.info(`Vault standby at ${from.origin} redirected to ${target.origin}.`);
    return target;
  }

  private backoff(retry: number): number {
    const base = (this.options.backoffMs ?? 250) * retry;
    return Math.min(Math.round(base * (1 + Math.random() * 0.5)), this.options.maxRetryWaitMs ?? 5000);
  }

  private agentFor(url: URL): http.Agent {
    let agent = this.agents.get(url.protocol);
    if (!agent) {
      agent =
        url.protocol === 'https:'
          ? new https.Agent({ keepAlive: true, maxSockets: 8, ca: this.options.loadCa?.(), rejectUnauthorized: this.options.rejectUnauthorized ?? true })
          : new http.Agent({ keepAlive: true, maxSockets: 8 });
      this.agents.set(url.protocol, agent);
    }
    return agent;
  }

  private once(url: URL, request: VaultRequest): Promise<VaultResponse> {
    const { signal } = request;
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const headers: Record<string, string> = { Accept: 'application/json', 'X-Vault-Request': 'true' };
    if (request.token !== undefined) headers['X-Vault-Token'] = request.token;
    if (this.options.namespace) headers['X-Vault-Namespace'] = this.options.namespace;
    const payload = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body));
    if (payload) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    const agent = this.agentFor(url);
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise<VaultResponse>((resolve, reject) => {
      let settled = false;
      const finish = (error: Error | undefined, response?: VaultResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve(response as VaultResponse);
      };
      const req = transport.request(url, { method: request.method, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) req.destroy(new TransportError(`the response from ${url.origin} is larger than 4 MiB`, false));
          else chunks.push(chunk);
        });
        res.on('error', (error) => finish(classifyTransport(error, url)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (text.trim() === '') return finish(undefined, { status, body: undefined, headers: res.headers });
          let body: unknown;
          try {
            body = JSON.parse(text) as unknown;
          } catch {
            return finish(undefined, { status, body: undefined, notJson: true, headers: res.headers });
          }
          finish(undefined, { status, body, headers: res.headers });
        });
        res.on('close', () => {
          if (!res.complete) finish(new TransportError(`the connection to ${url.origin} closed before the response was complete`, true));
        });
      });
      const timer = setTimeout(() => {
        req.destroy(new TransportError(`no answer from ${url.origin} within ${this.options.timeoutMs / 1000} s (timeout)`, false));
      }, this.options.timeoutMs);
      const onAbort = () => {
        req.destroy();
        finish(abortError(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (error) => finish(classifyTransport(error, url)));
      req.end(payload);
    });
  }
}

/** A failed attempt before any HTTP status: retryable when the connection never got going. */
class TransportError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly tls = false,
  ) {
    super(message);
  }
}

function classifyTransport(error: unknown, url: URL): Error {
  if (error instanceof TransportError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const at = `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
  if (code === 'ECONNREFUSED') return new TransportError(`connection refused at ${at}`, true);
  if (TLS_CODE.test(code)) {
    return new TransportError(`the TLS certificate of ${at} could not be verified (${code}); set caFile or VAULT_CACERT to the CA that signed it`, false, true);
  }
  if (RETRYABLE_CODES.has(code)) return new TransportError(`cannot reach ${at} (${code})`, true);
  return new TransportError(`request to ${at} failed (${code || 'network error'})`, false);
}

function toFailure(error: unknown): Error {
  if (error instanceof TransportError) return new ProviderFailure(error.tls ? 'error' : 'unavailable', error.message);
  return error as Error; // AbortError and ProviderFailure pass through
}

/** Retry-After as delay-seconds (fractions accepted) or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function parseAddress(address: string): URL {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new ProviderFailure('error', 'The Vault address is not a URL such as https://vault.example.com:8200.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ProviderFailure('error', `The Vault address must start with https:// or http://, not ${url.protocol}.`);
  }
  return url;
}
