import type { SecretType, SecretData } from './secretTypes';

/**
 * Where a resolved value came from. `fallbackFrom` is set when a provider was unavailable and the
 * local vault answered instead; `reason` says why in words for the report.
 */
export type ResolvedFrom =
  | { kind: 'local'; fallbackFrom?: { provider: string; reason: string } }
  | { kind: 'provider'; provider: string };

export type SecretLookupResult =
  | { status: 'found'; name: string; type: SecretType; data: SecretData; from: ResolvedFrom }
  /** Authoritative: nobody has it. `searched` names every place looked (e.g. "HashiCorp Vault 'team' at secret/app/NAME", "local vault 'default'"). */
  | { status: 'notFound'; searched: string[] }
  /** A provider could not answer and there was no local copy to fall back to. */
  | { status: 'unavailable'; provider: string; reason: string }
  /** A definitive failure that must not fall back (e.g. 403 permission denied). */
  | { status: 'error'; message: string };

/** Resolves secret names to data. The resolver caches per run; implementations need not. */
export interface SecretLookup {
  lookup(name: string, signal?: AbortSignal): Promise<SecretLookupResult>;
}
