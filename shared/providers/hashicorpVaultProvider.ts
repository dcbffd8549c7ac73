import { readFileSync } from 'node:fs';
import { nameProblem } from '../secretNames';
import { ProviderFailure, SILENT_LOGGER, isAbortError, type ProviderLogger } from './providerFailure';
import type { ProviderCredentials } from './providerCredentials';
import type { ProviderHealth, ProviderList, ProviderLookup, SecretProvider } from './secretProvider';
import { VaultAuth, type VaultAuthMethod } from './vaultAuth';
import { VaultHttpClient, type VaultRequest, type VaultResponse } from './vaultHttpClient';
import { VaultKv, type KvVersionSetting } from './vaultKv';
import { isInvalidToken } from './vaultResponses';
import { secretFromVaultData } from './vaultSecretData';

/** Everything one HashiCorp Vault (or OpenBao) provider needs, resolved from settings and the environment. */
export interface HashicorpVaultConfig {
  name: string;
  address: string;
  mount: string;
  pathPrefix: string;
  kvVersion: KvVersionSetting;
  namespace?: string;
  auth: VaultAuthMethod;
  caFile?: string;
  tlsSkipVerify: boolean;
  timeoutSeconds: number;
  maxRetries?: number;
  listVerb?: 'GET' | 'LIST';
}

/** Test and tuning hooks; production leaves them unset. */
export interface HashicorpVaultRuntime {
  credentials: ProviderCredentials;
  logger?: ProviderLogger;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  backoffMs?: number;
  maxRetryWaitMs?: number;
}

export class HashicorpVaultProvider implements SecretProvider {
  readonly kind = 'hashicorpVault' as const;
  readonly name: string;
  private readonly http: VaultHttpClient | undefined;
  private readonly auth: VaultAuth | undefined;
  private readonly kv: VaultKv | undefined;
  /** A configuration problem found at construction, answered as an error to every call. */
  private readonly broken: string | undefined;
  private readonly label: string;

  constructor(config: HashicorpVaultConfig, runtime: HashicorpVaultRuntime) {
    this.name = config.name;
    this.label = `HashiCorp Vault '${config.name}'`;
    const logger = runtime.logger ?? SILENT_LOGGER;
    try {
      this.http = new VaultHttpClient({
        address: config.address,
        namespace: config.namespace,
        timeoutMs: config.timeoutSeconds * 1000,
        maxRetries: config.maxRetries,
        backoffMs: runtime.backoffMs,
        maxRetryWaitMs: runtime.maxRetryWaitMs,
        rejectUnauthorized: !config.tlsSkipVerify,
        loadCa: config.caFile ? () => readCa(config.caFile as string) : undefined,
        sleep: runtime.sleep,
        logger,
      });
      this.auth = new VaultAuth(this.http, { provider: config.name, auth: config.auth, credentials: runtime.credentials, now: runtime.now, logger });
      this.kv = new VaultKv((request) => this.send(request), {
        mount: config.mount,
        pathPrefix: config.pathPrefix,
        kvVersion: config.kvVersion,
        listVerb: config.listVerb,
      });
    } catch (error) {
      this.broken = `${this.label}: ${error instanceof Error ? error.message : 'invalid configuration'}`;
    }
    if (config.tlsSkipVerify) logger.warn(`${this.label}: TLS certificate verification is turned off (tlsSkipVerify / VAULT_SKIP_VERIFY).`);
  }

  async lookup(name: string, signal?: AbortSignal): Promise<ProviderLookup> {
    if (this.broken || !this.kv) return { status: 'error', message: this.broken ?? this.label };
    const problem = nameProblem(name);
    if (problem) return { status: 'error', message: `${this.label}: ${problem}` };
    try {
      const read = await this.kv.read(name, signal);
      if (read.kind === 'notFound') return { status: 'notFound', where: read.where };
      const secret = secretFromVaultData(read.data, read.customMetadata);
      if (!secret.ok) {
        return { status: 'error', message: `${this.label}: the secret at ${read.where} is not a valid secret: ${secret.problems.join('; ')}.` };
      }
      return { status: 'found', type: secret.type, data: secret.data };
    } catch (error) {
      return this.failed(error, `reading "${name}"`);
    }
  }

  async listNames(signal?: AbortSignal): Promise<ProviderList> {
    if (this.broken || !this.kv) return { status: 'error', message: this.broken ?? this.label };
    try {
      const keys = await this.kv.list(signal);
      return { status: 'ok', names: keys.filter((key) => nameProblem(key) === undefined).sort() };
    } catch (error) {
      return this.failed(error, 'listing secrets');
    }
  }

  /** Vault's own state from `sys/health` (no token needed); standbys count as healthy, they serve reads. */
  async health(signal?: AbortSignal): Promise<ProviderHealth> {
    if (this.broken || !this.http) return { ok: false, detail: this.broken ?? 'misconfigured' };
    let response: VaultResponse;
    try {
      response = await this.http.request({ method: 'GET', path: 'sys/health', retry: false, signal });
    } catch (error) {
      if (isAbortError(error)) throw error;
      return { ok: false, detail: `unreachable: ${error instanceof Error ? error.message : 'unknown error'}` };
    }
    const states: Record<number, ProviderHealth> = {
      200: { ok: true, detail: 'active' },
      429: { ok: true, detail: 'standby' },
      473: { ok: true, detail: 'performance standby' },
      472: { ok: false, detail: 'disaster-recovery secondary (does not serve reads)' },
      501: { ok: false, detail: 'not initialised' },
      503: { ok: false, detail: 'sealed' },
    };
    return states[response.status] ?? { ok: false, detail: `unexpected health status ${response.status}` };
  }

  dispose(): void {
    this.http?.dispose();
  }

  /** Sends with the current token; after a 403 "invalid token", AppRole logs in again once. */
  private async send(request: Omit<VaultRequest, 'token'>): Promise<VaultResponse> {
    const http = this.http as VaultHttpClient;
    const auth = this.auth as VaultAuth;
    const first = await http.request({ ...request, token: await auth.token(request.signal) });
    if (!isInvalidToken(first)) return first;
    if (!auth.invalidate()) throw auth.invalidTokenFailure();
    const second = await http.request({ ...request, token: await auth.token(request.signal) });
    if (isInvalidToken(second)) throw auth.invalidTokenFailure();
    return second;
  }

  private failed(error: unknown, what: string): { status: 'unavailable'; reason: string } | { status: 'error'; message: string } {
    if (isAbortError(error)) throw error;
    if (error instanceof ProviderFailure) {
      if (error.status === 'unavailable') return { status: 'unavailable', reason: error.message };
      const message = error.message.startsWith(this.label) ? error.message : `${this.label}: ${error.message}`;
      return { status: 'error', message };
    }
    return { status: 'error', message: `${this.label}: unexpected failure while ${what} (${error instanceof Error ? error.name : 'unknown'}).` };
  }
}

function readCa(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ProviderFailure('error', `cannot read the CA file ${path} (${code}); check caFile or VAULT_CACERT.`);
  }
}
