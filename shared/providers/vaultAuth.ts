import { ProviderFailure, SILENT_LOGGER, isAbortError, type ProviderLogger } from './providerFailure';
import { credentialSourcesHint, type ProviderCredentials } from './providerCredentials';
import type { VaultHttpClient, VaultResponse } from './vaultHttpClient';
import { failureFor, isInvalidToken, isRecord, requireJsonBody } from './vaultResponses';

/**
 * A Vault token kept usable: a plain token is validated lazily (lookup-self) and renewed when it
 * can be; an AppRole token is obtained by login, renewed before expiry and replaced by a fresh
 * login when renewal is impossible or the token turns out invalid.
 */
export type VaultAuthMethod = { method: 'token' } | { method: 'approle'; roleId: string; mount?: string };

export interface VaultAuthOptions {
  provider: string;
  auth: VaultAuthMethod;
  credentials: ProviderCredentials;
  now?: () => number;
  logger?: ProviderLogger;
}

interface TokenState {
  token: string;
  source: string;
  obtainedAt: number;
  /** 0 when the lifetime is unknown or unlimited. */
  leaseMs: number;
  renewable: boolean;
}

/** Renew once this share of the lease has passed (Vault's own renewer works on a similar fraction). */
const RENEW_AT = 2 / 3;

export class VaultAuth {
  private state: TokenState | undefined;
  private pending: Promise<TokenState> | undefined;
  private readonly now: () => number;
  private readonly logger: ProviderLogger;

  constructor(
    private readonly http: VaultHttpClient,
    private readonly options: VaultAuthOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? SILENT_LOGGER;
  }

  get method(): VaultAuthMethod['method'] {
    return this.options.auth.method;
  }

  /** A token to send now; concurrent callers share one login or renewal. */
  async token(signal?: AbortSignal): Promise<string> {
    for (;;) {
      let pending = this.pending;
      if (!pending) {
        pending = this.ensure(signal).finally(() => {
          if (this.pending === pending) this.pending = undefined;
        });
        this.pending = pending;
      }
      try {
        return (await pending).token;
      } catch (error) {
        // Another caller's abort ended the shared login; ours still wants a token.
        if (isAbortError(error) && !signal?.aborted) continue;
        throw error;
      }
    }
  }

  /**
   * After Vault called the token invalid: AppRole forgets it so the next `token()` logs in again
   * (true: retry once); a plain token cannot be repaired here (false).
   */
  invalidate(): boolean {
    if (this.options.auth.method !== 'approle') return false;
    this.state = undefined;
    return true;
  }

  /** The error for a plain token Vault rejects: the user has to supply a fresh one. */
  invalidTokenFailure(): ProviderFailure {
    const source = this.state?.source ?? 'the configured source';
    const what =
      this.options.auth.method === 'approle'
        ? `rejected the token from a fresh AppRole login as invalid; check the role's token policies and TTL.`
        : `rejected the token from ${source} as invalid or expired. Refresh it: ${credentialSourcesHint(this.options.provider, 'token')}`;
    return new ProviderFailure('error', `HashiCorp Vault '${this.options.provider}' ${what}`, 'invalidToken');
  }

  private async ensure(signal?: AbortSignal): Promise<TokenState> {
    const state = this.state;
    if (!state) return (this.state = await this.obtain(signal));
    if (state.leaseMs <= 0) return state;
    const elapsed = this.now() - state.obtainedAt;
    if (elapsed < state.leaseMs * RENEW_AT) return state;
    const approle = this.options.auth.method === 'approle';
    if (elapsed >= state.leaseMs) {
      if (!approle) throw this.invalidTokenFailure();
      this.logger.info(`HashiCorp Vault '${this.options.provider}': the AppRole token expired; logging in again.`);
      return (this.state = await this.obtain(signal));
    }
    if (state.renewable) {
      const renewed = await this.renew(state, signal);
      if (renewed) return (this.state = renewed);
    }
    if (!approle) return state; // still valid until it expires; nothing more we can do
    return (this.state = await this.obtain(signal));
  }

  private async obtain(signal?: AbortSignal): Promise<TokenState> {
    return this.options.auth.method === 'approle' ? this.login(this.options.auth, signal) : this.lookupSelf(signal);
  }

  private async lookupSelf(signal?: AbortSignal): Promise<TokenState> {
    const credential = await this.options.credentials.get(this.options.provider, 'token', signal);
    if (!credential) {
      throw new ProviderFailure('error', `HashiCorp Vault '${this.options.provider}' has no token. ${credentialSourcesHint(this.options.provider, 'token')}`);
    }
    const response = await this.http.request({ method: 'GET', path: 'auth/token/lookup-self', token: credential.value, signal });
    const base: TokenState = { token: credential.value, source: credential.source, obtainedAt: this.now(), leaseMs: 0, renewable: false };
    if (response.status === 403 && !isInvalidToken(response)) return base; // no lookup-self policy: lifetime unknown, still usable
    if (response.status === 403) {
      this.state = base; // so the message names the source
      throw this.invalidTokenFailure();
    }
    if (response.status !== 200) throw failureFor(response, 'checking the token (auth/token/lookup-self)');
    const data = requireJsonBody(response, 'checking the token').data;
    if (!isRecord(data)) return base;
    const ttl = typeof data.ttl === 'number' ? data.ttl : 0;
    return { ...base, leaseMs: ttl * 1000, renewable: data.renewable === true };
  }

  private async login(auth: { roleId: string; mount?: string }, signal?: AbortSignal): Promise<TokenState> {
    const provider = this.options.provider;
    const secretId = await this.options.credentials.get(provider, 'secretId', signal);
    if (!secretId) {
      throw new ProviderFailure('error', `HashiCorp Vault '${provider}' uses AppRole but has no secret id. ${credentialSourcesHint(provider, 'secretId')}`);
    }
    const mount = trimSlashes(auth.mount ?? 'approle');
    // Never retried: a secret id may have a use limit, and a repeated login could use it up.
    const response = await this.http.request({
      method: 'POST',
      path: `auth/${mount}/login`,
      body: { role_id: auth.roleId, secret_id: secretId.value },
      retry: false,
      signal,
    });
    if (response.status === 400 || response.status === 403) {
      throw new ProviderFailure(
        'error',
        `HashiCorp Vault '${provider}' refused the AppRole login (${response.status}): the role id or the secret id from ${secretId.source} is wrong, expired or used up. Issue a new secret id and supply it: ${credentialSourcesHint(provider, 'secretId')}`,
      );
    }
    if (response.status !== 200) throw failureFor(response, `logging in with AppRole (auth/${mount}/login)`);
    const state = this.fromAuthBlock(requireJsonBody(response, 'logging in with AppRole').auth, 'AppRole login');
    if (!state) throw new ProviderFailure('error', `HashiCorp Vault '${provider}' answered the AppRole login without a client token.`);
    this.logger.info(`HashiCorp Vault '${provider}': logged in with AppRole.`);
    return state;
  }

  private async renew(state: TokenState, signal?: AbortSignal): Promise<TokenState | undefined> {
    let response: VaultResponse;
    try {
      response = await this.http.request({ method: 'POST', path: 'auth/token/renew-self', token: state.token, body: {}, signal });
    } catch (error) {
      if (error instanceof ProviderFailure && error.status === 'unavailable') {
        this.logger.warn(`HashiCorp Vault '${this.options.provider}': could not renew the token (${error.message}).`);
        return undefined;
      }
      throw error;
    }
    if (response.status === 200) {
      const renewed = this.fromAuthBlock(isRecord(response.body) ? response.body.auth : undefined, state.source, state.token);
      if (renewed) {
        this.logger.info(`HashiCorp Vault '${this.options.provider}': renewed the token.`);
        return renewed;
      }
    }
    if (isInvalidToken(response) && this.options.auth.method === 'token') throw this.invalidTokenFailure();
    this.logger.warn(`HashiCorp Vault '${this.options.provider}': token renewal answered ${response.status}.`);
    return undefined;
  }

  private fromAuthBlock(auth: unknown, source: string, fallbackToken?: string): TokenState | undefined {
    if (!isRecord(auth)) return undefined;
    const token = typeof auth.client_token === 'string' && auth.client_token ? auth.client_token : fallbackToken;
    if (!token) return undefined;
    const lease = typeof auth.lease_duration === 'number' ? auth.lease_duration : 0;
    return { token, source, obtainedAt: this.now(), leaseMs: lease * 1000, renewable: auth.renewable === true };
  }
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}
