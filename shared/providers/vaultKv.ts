import { ProviderFailure, isPermissionDenied } from './providerFailure';
import type { VaultRequest, VaultResponse } from './vaultHttpClient';
import { failureFor, isRecord, requireJsonBody, vaultErrors } from './vaultResponses';

/**
 * Reads and lists a KV secrets engine, version 1 or 2. With kvVersion "auto" the version comes
 * from `GET sys/internal/ui/mounts/<mount>`; when that is forbidden (common) it is told from the
 * shapes of the read answers (a v2 envelope, or the v2 "Invalid path" warning on a v1-style path),
 * and when nothing tells, KV v2 (the default `secret/` engine) is assumed without caching.
 */
export type KvVersionSetting = 'auto' | '1' | '2';
export type KvVersion = 1 | 2;

/** A request sent with the provider's token (re-login on an invalid token is handled there). */
export type AuthedSend = (request: Omit<VaultRequest, 'token'>) => Promise<VaultResponse>;

export type NotFoundReason = 'absent' | 'deleted' | 'destroyed' | 'noMount';

export type KvRead =
  | { kind: 'found'; data: Record<string, unknown>; customMetadata?: Record<string, unknown>; where: string }
  | { kind: 'notFound'; where: string; reason: NotFoundReason };

export interface VaultKvOptions {
  mount: string;
  pathPrefix: string;
  kvVersion: KvVersionSetting;
  /** LIST verb, or GET with ?list=true (the default, as the Go client sends it through proxies). */
  listVerb?: 'GET' | 'LIST';
}

interface Layout {
  mount: string;
  prefix: string[];
  version: KvVersion;
}

export class VaultKv {
  private layout: Layout | undefined;
  private preflightDone = false;
  private readonly mount: string;
  private readonly prefix: string[];

  constructor(
    private readonly send: AuthedSend,
    private readonly options: VaultKvOptions,
  ) {
    this.mount = segments(options.mount).join('/');
    this.prefix = segments(options.pathPrefix);
    if (options.kvVersion !== 'auto') this.layout = { mount: this.mount, prefix: this.prefix, version: options.kvVersion === '2' ? 2 : 1 };
  }

  async read(name: string, signal?: AbortSignal): Promise<KvRead> {
    const layout = await this.knownLayout(signal);
    // Not probing, the readers answer or throw; they return their sentinels only when probing.
    if (layout?.version === 2) return (await this.readV2(layout, name, signal, false)) as KvRead;
    if (layout?.version === 1) return (await this.readV1(layout, name, signal, false)) as KvRead;
    return this.probeRead(name, signal);
  }

  /** Names directly under the prefix; folders (keys ending in "/") are left out. */
  async list(signal?: AbortSignal): Promise<string[]> {
    const layout = await this.knownLayout(signal);
    if (layout) return (await this.listAt(layout, signal)).names;
    const v2: Layout = { mount: this.mount, prefix: this.prefix, version: 2 };
    const v1: Layout = { ...v2, version: 1 };
    let v2Denied: ProviderFailure | undefined;
    let asV2: ListResult | undefined;
    try {
      asV2 = await this.listAt(v2, signal);
    } catch (error) {
      if (!isPermissionDenied(error)) throw error;
      v2Denied = error;
    }
    if (asV2 && asV2.names.length > 0) {
      this.layout = v2;
      return asV2.names;
    }
    try {
      const asV1 = await this.listAt(v1, signal);
      if (asV1.versionedWarning) this.layout = v2;
      else if (asV1.names.length > 0) this.layout = v1;
      return asV1.names;
    } catch (error) {
      if (!isPermissionDenied(error) || v2Denied) throw v2Denied ?? error;
      return []; // v2 listing answered empty and the v1 path is forbidden: an empty v2 folder
    }
  }

  private async knownLayout(signal?: AbortSignal): Promise<Layout | undefined> {
    if (this.layout || this.preflightDone) return this.layout;
    const response = await this.send({ method: 'GET', path: `sys/internal/ui/mounts/${encodePath([this.mount])}`, signal });
    if (response.status >= 500 || response.status === 429 || response.status === 412) throw failureFor(response, `detecting the KV version of ${this.mount}`);
    this.preflightDone = true;
    const data = response.status === 200 && isRecord(response.body) ? response.body.data : undefined;
    if (!isRecord(data)) return undefined; // forbidden or unknown: tell the version from the read shapes
    if (typeof data.type === 'string' && data.type !== 'kv' && data.type !== 'generic') {
      throw new ProviderFailure('error', `The Vault mount "${this.mount}" is a "${data.type.slice(0, 40)}" engine, not KV; set mount to a KV secrets engine.`);
    }
    const options = isRecord(data.options) ? data.options : {};
    const version: KvVersion = options.version === '2' ? 2 : 1;
    // The configured mount may reach below the real mount ("kv/team" inside "kv/"): the rest is prefix.
    const real = typeof data.path === 'string' ? segments(data.path) : segments(this.mount);
    const configured = segments(this.mount);
    const isAncestor = real.length <= configured.length && real.every((part, index) => configured[index] === part);
    const layout = isAncestor
      ? { mount: real.join('/'), prefix: [...configured.slice(real.length), ...this.prefix], version }
      : { mount: this.mount, prefix: this.prefix, version };
    this.layout = layout;
    return layout;
  }

  private async readV2(layout: Layout, name: string, signal: AbortSignal | undefined, probing: boolean): Promise<KvRead | 'notV2'> {
    const where = pathOf(layout, name);
    const response = await this.send({ method: 'GET', path: encodePath([layout.mount, 'data', ...layout.prefix, name]), signal });
    const envelope = v2Envelope(response.body);
    if (response.status === 200) {
      if (envelope === undefined) {
        if (probing) return 'notV2';
        requireJsonBody(response, `reading ${where}`);
        throw new ProviderFailure('error', `Vault answered ${where} without the KV v2 envelope; is "${layout.mount}" a KV v1 mount? Set kvVersion to "1" or "auto".`);
      }
      if (!isRecord(envelope.data)) return notFound(where, 'absent');
      const custom = isRecord(envelope.metadata.custom_metadata) ? envelope.metadata.custom_metadata : undefined;
      return { kind: 'found', data: envelope.data, customMetadata: custom, where };
    }
    if (response.status === 404) {
      if (envelope) {
        const meta = envelope.metadata;
        return notFound(where, meta.destroyed === true ? 'destroyed' : typeof meta.deletion_time === 'string' && meta.deletion_time ? 'deleted' : 'absent');
      }
      return notFound(where, mountMissing(response) ? 'noMount' : 'absent', layout.mount);
    }
    throw failureFor(response, `reading ${where}`);
  }

  private async readV1(layout: Layout, name: string, signal: AbortSignal | undefined, probing: boolean): Promise<KvRead | 'isV2'> {
    const where = pathOf(layout, name);
    const response = await this.send({ method: 'GET', path: encodePath([layout.mount, ...layout.prefix, name]), signal });
    if (response.status === 200) {
      const data = requireJsonBody(response, `reading ${where}`).data;
      if (!isRecord(data)) throw new ProviderFailure('error', `Vault answered ${where} without a data object.`);
      return { kind: 'found', data, where };
    }
    if (response.status === 404) {
      if (versionedWarning(response)) {
        if (probing) return 'isV2';
        throw new ProviderFailure('error', `The Vault mount "${layout.mount}" is KV version 2 but kvVersion is set to "1"; set kvVersion to "2" or "auto".`);
      }
      return notFound(where, mountMissing(response) ? 'noMount' : 'absent', layout.mount);
    }
    throw failureFor(response, `reading ${where}`);
  }

  /**
   * Version unknown and the preflight forbidden: read the v2 shape, then the v1 shape. The version
   * is remembered only when an answer proves it.
   */
  private async probeRead(name: string, signal?: AbortSignal): Promise<KvRead> {
    const v2: Layout = { mount: this.mount, prefix: this.prefix, version: 2 };
    const v1: Layout = { ...v2, version: 1 };
    let v2Denied: ProviderFailure | undefined;
    let asV2: KvRead | 'notV2' | undefined;
    try {
      asV2 = await this.readV2(v2, name, signal, true);
    } catch (error) {
      // A 403 on <mount>/data/... may only mean a v1 mount whose policy does not cover "data/".
      if (!isPermissionDenied(error)) throw error;
      v2Denied = error;
    }
    if (asV2 !== undefined && asV2 !== 'notV2') {
      const provesV2 = asV2.kind === 'found' || asV2.reason === 'deleted' || asV2.reason === 'destroyed';
      if (provesV2) this.layout = v2;
      if (provesV2 || (asV2.kind === 'notFound' && asV2.reason === 'noMount')) return asV2;
    }
    let asV1: KvRead | 'isV2';
    try {
      asV1 = await this.readV1(v1, name, signal, true);
    } catch (error) {
      if (!isPermissionDenied(error) || v2Denied) throw v2Denied ?? error;
      // v1 path forbidden, v2 path answered absent: most likely a v2 mount with a data/-only policy.
      return asV2 !== undefined && asV2 !== 'notV2' ? asV2 : notFound(pathOf(v2, name), 'absent');
    }
    if (asV1 === 'isV2') {
      this.layout = v2;
      if (v2Denied) throw v2Denied;
      return asV2 !== undefined && asV2 !== 'notV2' ? asV2 : notFound(pathOf(v2, name), 'absent');
    }
    this.layout = v1; // a v2 mount would have warned about the unversioned path
    return asV1;
  }

  private async listAt(layout: Layout, signal: AbortSignal | undefined): Promise<ListResult> {
    const parts = layout.version === 2 ? [layout.mount, 'metadata', ...layout.prefix] : [layout.mount, ...layout.prefix];
    const where = `${parts.join('/')}/`;
    const viaGet = (this.options.listVerb ?? 'GET') === 'GET';
    const response = await this.send({
      method: viaGet ? 'GET' : 'LIST',
      path: `${encodePath(parts)}/`,
      query: viaGet ? { list: 'true' } : undefined,
      signal,
    });
    if (response.status === 404) {
      if (mountMissing(response)) {
        throw new ProviderFailure('error', `No secrets engine is mounted at "${layout.mount}" (listing ${where}); check the mount setting.`);
      }
      return { names: [], versionedWarning: versionedWarning(response) }; // an empty folder answers 404 {"errors":[]}
    }
    if (response.status !== 200) throw failureFor(response, `listing ${where}`);
    const data = requireJsonBody(response, `listing ${where}`).data;
    const keys = isRecord(data) && Array.isArray(data.keys) ? data.keys : [];
    return { names: keys.filter((key): key is string => typeof key === 'string' && !key.endsWith('/')), versionedWarning: false };
  }
}

interface ListResult {
  names: string[];
  versionedWarning: boolean;
}

function notFound(where: string, reason: NotFoundReason, mount?: string): KvRead {
  const note: Record<NotFoundReason, string> = {
    absent: '',
    deleted: ' (latest version deleted)',
    destroyed: ' (latest version destroyed)',
    noMount: ` (no secrets engine is mounted at "${mount ?? ''}")`,
  };
  return { kind: 'notFound', where: `${where}${note[reason]}`, reason };
}

function v2Envelope(body: unknown): { data: unknown; metadata: Record<string, unknown> } | undefined {
  if (!isRecord(body) || !isRecord(body.data)) return undefined;
  const inner = body.data;
  if (!('data' in inner) || !isRecord(inner.metadata)) return undefined;
  return { data: inner.data, metadata: inner.metadata };
}

function mountMissing(response: VaultResponse): boolean {
  return vaultErrors(response.body).some((message) => /no handler for route|route entry not found/i.test(message));
}

function versionedWarning(response: VaultResponse): boolean {
  const body = response.body;
  if (!isRecord(body) || !Array.isArray(body.warnings)) return false;
  return body.warnings.some((warning) => typeof warning === 'string' && /versioned K\/V/i.test(warning));
}

function segments(path: string): string[] {
  return path.split('/').filter((part) => part.length > 0);
}

function pathOf(layout: Layout, name: string): string {
  return (layout.version === 2 ? [layout.mount, 'data', ...layout.prefix, name] : [layout.mount, ...layout.prefix, name]).join('/');
}

function encodePath(parts: string[]): string {
  return parts.flatMap(segments).map(encodeURIComponent).join('/');
}
