import { randomUUID } from 'node:crypto';

/**
 * The behaviour of a HashiCorp Vault server as documented in shared/docs/hashicorp-vault-api.md
 * and Vault's API docs: KV v1 and v2 engines, token lookup/renewal, AppRole login, health and the
 * mount preflight. Written from the documentation, not from our client. Transport lives in
 * fakeVaultServer.ts.
 */
export interface ApiRequest {
  method: string;
  /** Below /v1/, without the query string and without leading or trailing slashes. */
  path: string;
  query: URLSearchParams;
  token?: string;
  namespace: string;
  body: unknown;
}

export interface ApiReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FakePolicy {
  /** Path prefixes (below /v1/) this token may not use; "*" denies everything but token self-service. */
  deny?: string[];
}

interface TokenRecord {
  policy: FakePolicy;
  ttlSeconds: number;
  renewable: boolean;
  issuedAt: number;
}

interface V2Version {
  data: Record<string, unknown>;
  createdTime: string;
  deletionTime: string;
  destroyed: boolean;
}

interface Secret {
  v1?: Record<string, unknown>;
  versions: V2Version[];
  customMetadata: Record<string, string> | null;
}

interface Mount {
  version: 1 | 2;
  secrets: Map<string, Secret>;
}

export type HealthState = 'active' | 'standby' | 'performanceStandby' | 'drSecondary' | 'uninitialised' | 'sealed';

const INVALID_TOKEN = { errors: ['2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n'] };
const DENIED = { errors: ['1 error occurred:\n\t* permission denied\n\n'] };
const V2_PATH_WARNING = "Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv get' for this operation.";

export class FakeVaultApi {
  state: HealthState = 'active';
  readonly tokens = new Map<string, TokenRecord>();
  readonly roles = new Map<string, { secretId: string; usesLeft: number; ttlSeconds: number; renewable: boolean; policy: FakePolicy }>();
  readonly counters = { logins: 0, renewals: 0, lookups: 0 };
  private readonly mounts = new Map<string, Mount>();

  constructor(readonly now: () => number = Date.now) {}

  mountKv(path: string, version: 1 | 2, namespace = ''): void {
    this.mounts.set(mountKey(namespace, trim(path)), { version, secrets: new Map() });
  }

  /** KV v1: replaces the data. KV v2: adds a version; `customMetadata` replaces the secret's. */
  putSecret(mountPath: string, path: string, data: Record<string, unknown>, options: { namespace?: string; customMetadata?: Record<string, string> } = {}): void {
    const mount = this.mountOrThrow(mountPath, options.namespace);
    const secret = mount.secrets.get(trim(path)) ?? { versions: [], customMetadata: null };
    if (mount.version === 1) secret.v1 = { ...data };
    else secret.versions.push({ data: { ...data }, createdTime: this.iso(), deletionTime: '', destroyed: false });
    if (options.customMetadata) secret.customMetadata = { ...options.customMetadata };
    mount.secrets.set(trim(path), secret);
  }

  /** KV v2 soft delete (`vault kv delete`) or destroy (`vault kv destroy`) of the latest version. */
  removeLatest(mountPath: string, path: string, how: 'delete' | 'destroy', namespace?: string): void {
    const latest = this.mountOrThrow(mountPath, namespace).secrets.get(trim(path))?.versions.at(-1);
    if (!latest) throw new Error(`no secret at ${path}`);
    if (how === 'delete') latest.deletionTime = this.iso();
    else latest.destroyed = true;
  }

  addToken(token: string, options: { ttlSeconds?: number; renewable?: boolean; policy?: FakePolicy } = {}): void {
    this.tokens.set(token, { policy: options.policy ?? {}, ttlSeconds: options.ttlSeconds ?? 0, renewable: options.renewable ?? false, issuedAt: this.now() });
  }

  addAppRole(roleId: string, secretId: string, options: { uses?: number; ttlSeconds?: number; renewable?: boolean; policy?: FakePolicy } = {}): void {
    this.roles.set(roleId, { secretId, usesLeft: options.uses ?? Infinity, ttlSeconds: options.ttlSeconds ?? 1200, renewable: options.renewable ?? true, policy: options.policy ?? {} });
  }

  handle(request: ApiRequest): ApiReply {
    const { path, method } = request;
    if (path === 'sys/health') return this.health();
    if (this.state === 'sealed') return { status: 503, body: { errors: ['Vault is sealed'] } };
    if (this.state === 'uninitialised') return { status: 501, body: { errors: ['Vault is not initialized'] } };
    if (path === 'auth/approle/login' && method === 'POST') return this.login(request.body);
    const token = request.token === undefined ? undefined : this.liveToken(request.token);
    if (!token) return { status: 403, body: request.token === undefined ? { errors: ['permission denied'] } : INVALID_TOKEN };
    if (path === 'auth/token/lookup-self') return this.lookupSelf(request.token as string, token);
    if (path === 'auth/token/renew-self' && method === 'POST') return this.renewSelf(request.token as string, token);
    if (denied(token.policy, path)) return { status: 403, body: DENIED };
    if (path.startsWith('sys/internal/ui/mounts/')) return this.mountInfo(request.namespace, path.slice('sys/internal/ui/mounts/'.length));
    const found = this.findMount(request.namespace, path);
    if (!found) return { status: 404, body: { errors: [`no handler for route "${path}". route entry not found.`] } };
    const isList = method === 'LIST' || (method === 'GET' && request.query.get('list') === 'true');
    return found.mount.version === 2 ? this.kv2(found.mount, found.rest, isList, request) : this.kv1(found.mount, found.rest, isList, request);
  }

  private health(): ApiReply {
    const status = { active: 200, standby: 429, performanceStandby: 473, drSecondary: 472, uninitialised: 501, sealed: 503 }[this.state];
    return {
      status,
      body: { initialized: this.state !== 'uninitialised', sealed: this.state === 'sealed', standby: this.state.endsWith('tandby'), server_time_utc: Math.floor(this.now() / 1000), version: '1.15.0' },
    };
  }

  private login(body: unknown): ApiReply {
    const { role_id: roleId, secret_id: secretId } = (body ?? {}) as Record<string, unknown>;
    const role = typeof roleId === 'string' ? this.roles.get(roleId) : undefined;
    if (!role || role.secretId !== secretId || role.usesLeft <= 0) return { status: 400, body: { errors: ['invalid role or secret ID'] } };
    role.usesLeft -= 1;
    this.counters.logins += 1;
    const token = `hvs.${randomUUID().replaceAll('-', '')}`;
    this.tokens.set(token, { policy: role.policy, ttlSeconds: role.ttlSeconds, renewable: role.renewable, issuedAt: this.now() });
    return envelope({ data: null, auth: authBlock(token, role.ttlSeconds, role.renewable) });
  }

  private lookupSelf(id: string, token: TokenRecord): ApiReply {
    this.counters.lookups += 1;
    const ttl = token.ttlSeconds === 0 ? 0 : Math.max(0, Math.round((token.issuedAt + token.ttlSeconds * 1000 - this.now()) / 1000));
    const expire = token.ttlSeconds === 0 ? null : new Date(token.issuedAt + token.ttlSeconds * 1000).toISOString();
    return envelope({
      data: { accessor: 'acc', creation_ttl: token.ttlSeconds, display_name: 'token', expire_time: expire, explicit_max_ttl: 0, id, policies: ['default'], renewable: token.renewable, ttl, type: 'service' },
    });
  }

  private renewSelf(id: string, token: TokenRecord): ApiReply {
    if (!token.renewable) return { status: 400, body: { errors: ['lease is not renewable'] } };
    token.issuedAt = this.now();
    this.counters.renewals += 1;
    return envelope({ auth: authBlock(id, token.ttlSeconds, true) });
  }

  private mountInfo(namespace: string, path: string): ApiReply {
    const found = this.findMount(namespace, trim(path));
    if (!found) return { status: 400, body: { errors: [`no mount found for path ${trim(path)}`] } };
    return envelope({ data: { type: 'kv', path: `${found.path}/`, description: 'key/value secret storage', options: found.mount.version === 2 ? { version: '2' } : null, local: false, seal_wrap: false } });
  }

  private kv2(mount: Mount, rest: string, isList: boolean, request: ApiRequest): ApiReply {
    if (isList && (rest === 'metadata' || rest.startsWith('metadata/'))) return list(mount, rest.slice('metadata'.length));
    if (rest.startsWith('metadata/') && request.method === 'GET') return this.metadata(mount.secrets.get(rest.slice('metadata/'.length)));
    if (rest.startsWith('data/') && request.method === 'POST') return this.write2(mount, rest.slice('data/'.length), request.body);
    if (!rest.startsWith('data/') || isList) return { status: 404, body: { data: null, warnings: [V2_PATH_WARNING] } };
    const secret = mount.secrets.get(rest.slice('data/'.length));
    const wanted = request.query.get('version');
    const number = wanted && wanted !== '0' ? Number(wanted) : secret?.versions.length;
    const version = number ? secret?.versions[number - 1] : undefined;
    if (!secret || !version || !number) return { status: 404, body: { errors: [] } };
    const metadata = { created_time: version.createdTime, custom_metadata: secret.customMetadata, deletion_time: version.deletionTime, destroyed: version.destroyed, version: number };
    if (version.deletionTime || version.destroyed) return { status: 404, body: envelopeBody({ data: { data: null, metadata } }) };
    return envelope({ data: { data: version.data, metadata } });
  }

  private write2(mount: Mount, path: string, body: unknown): ApiReply {
    const { data, options } = (body ?? {}) as { data?: Record<string, unknown>; options?: { cas?: number } };
    const secret = mount.secrets.get(path) ?? { versions: [], customMetadata: null };
    if (options?.cas !== undefined && options.cas !== secret.versions.length) {
      return { status: 400, body: { errors: ['check-and-set parameter did not match the current version'] } };
    }
    secret.versions.push({ data: { ...(data ?? {}) }, createdTime: this.iso(), deletionTime: '', destroyed: false });
    mount.secrets.set(path, secret);
    return envelope({ data: { created_time: this.iso(), custom_metadata: secret.customMetadata, deletion_time: '', destroyed: false, version: secret.versions.length } });
  }

  private metadata(secret: Secret | undefined): ApiReply {
    if (!secret || secret.versions.length === 0) return { status: 404, body: { errors: [] } };
    const versions = Object.fromEntries(secret.versions.map((v, index) => [String(index + 1), { created_time: v.createdTime, deletion_time: v.deletionTime, destroyed: v.destroyed }]));
    return envelope({ data: { current_version: secret.versions.length, oldest_version: 1, max_versions: 0, custom_metadata: secret.customMetadata, versions } });
  }

  private kv1(mount: Mount, rest: string, isList: boolean, request: ApiRequest): ApiReply {
    if (isList) return list(mount, rest);
    if (request.method === 'POST') {
      const secret = mount.secrets.get(rest) ?? { versions: [], customMetadata: null };
      secret.v1 = { ...((request.body ?? {}) as Record<string, unknown>) };
      mount.secrets.set(rest, secret);
      return { status: 204 };
    }
    const data = mount.secrets.get(rest)?.v1;
    if (!data) return { status: 404, body: { errors: [] } };
    return envelope({ data, lease_duration: 2764800 });
  }

  private liveToken(id: string): TokenRecord | undefined {
    const token = this.tokens.get(id);
    if (!token) return undefined;
    if (token.ttlSeconds > 0 && this.now() >= token.issuedAt + token.ttlSeconds * 1000) return undefined;
    return token;
  }

  private findMount(namespace: string, path: string): { mount: Mount; path: string; rest: string } | undefined {
    const parts = path.split('/');
    for (let length = parts.length; length > 0; length--) {
      const candidate = parts.slice(0, length).join('/');
      const mount = this.mounts.get(mountKey(namespace, candidate));
      if (mount) return { mount, path: candidate, rest: parts.slice(length).join('/') };
    }
    return undefined;
  }

  private mountOrThrow(path: string, namespace = ''): Mount {
    const mount = this.mounts.get(mountKey(namespace, trim(path)));
    if (!mount) throw new Error(`no mount ${path}`);
    return mount;
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }
}

function list(mount: Mount, dir: string): ApiReply {
  const prefix = trim(dir) ? `${trim(dir)}/` : '';
  const keys = new Set<string>();
  for (const [path, secret] of mount.secrets) {
    if (!path.startsWith(prefix) || (mount.version === 1 && !secret.v1) || (mount.version === 2 && secret.versions.length === 0)) continue;
    const rest = path.slice(prefix.length);
    keys.add(rest.includes('/') ? `${rest.split('/')[0]}/` : rest);
  }
  if (keys.size === 0) return { status: 404, body: { errors: [] } };
  return envelope({ data: { keys: [...keys].sort() } });
}

function denied(policy: FakePolicy, path: string): boolean {
  return (policy.deny ?? []).some((prefix) => prefix === '*' || path === trim(prefix) || path.startsWith(`${trim(prefix)}/`));
}

function authBlock(token: string, ttl: number, renewable: boolean): Record<string, unknown> {
  return { client_token: token, accessor: 'acc', policies: ['default'], token_policies: ['default'], metadata: {}, lease_duration: ttl, renewable, entity_id: '', token_type: 'service', orphan: true };
}

function envelopeBody(fields: Record<string, unknown>): Record<string, unknown> {
  return { request_id: randomUUID(), lease_id: '', renewable: false, lease_duration: 0, data: null, wrap_info: null, warnings: null, auth: null, ...fields };
}

function envelope(fields: Record<string, unknown>): ApiReply {
  return { status: 200, body: envelopeBody(fields) };
}

function mountKey(namespace: string, path: string): string {
  return `${trim(namespace)}|${path}`;
}

function trim(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}
