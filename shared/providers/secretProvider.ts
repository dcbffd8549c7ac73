import type { SecretType, SecretData } from '../secretTypes';

export type ProviderLookup =
  | { status: 'found'; type: SecretType; data: SecretData }
  /** Authoritative "not here"; `where` names the place looked, e.g. "secret/data/app/stripe". */
  | { status: 'notFound'; where: string }
  /** Could not answer (refused, timeout, 5xx, sealed, rate-limited after retries): callers may fall back. */
  | { status: 'unavailable'; reason: string }
  /** Answered with a definitive error (403, 400, invalid data): callers must not fall back. */
  | { status: 'error'; message: string };

export type ProviderList =
  | { status: 'ok'; names: string[] }
  | { status: 'unavailable'; reason: string }
  | { status: 'error'; message: string };

export interface ProviderHealth {
  ok: boolean;
  /** e.g. "active", "sealed", "standby", "unreachable: connection refused". */
  detail: string;
}

/** An external store of secrets, asked before the local vault. Never logs or reports values. */
export interface SecretProvider {
  /** The configured name, shown in reports ("team-vault"). */
  readonly name: string;
  readonly kind: 'hashicorpVault';
  lookup(name: string, signal?: AbortSignal): Promise<ProviderLookup>;
  listNames(signal?: AbortSignal): Promise<ProviderList>;
  health(signal?: AbortSignal): Promise<ProviderHealth>;
  dispose(): void;
}
