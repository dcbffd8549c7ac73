import { describeError } from '../errors';
import type { SecretLookup, SecretLookupResult } from '../secretLookup';
import { fieldNamesOf, type SecretType } from '../secretTypes';
import type { VaultApi } from '../vault/vaultTypes';
import { isAbortError } from './providerFailure';
import type { ProviderLookup, SecretProvider } from './secretProvider';

/**
 * The resolution order of the spec's External Secret Providers requirement:
 * 1. Providers in their configured order. The first that has the name serves it.
 * 2. "Not found" from a provider is authoritative for that provider: the next place is asked.
 * 3. "Unavailable" (refused, timeout, 5xx, sealed, rate-limited after retries) is remembered and
 *    the next place is asked; when the local vault then serves the name, the result says which
 *    provider it stood in for and why. With no local copy: `unavailable`.
 * 4. "Error" (403, 400, invalid data) stops the lookup: never a silent fallback.
 * 5. The local vault last; nobody has it: `notFound` naming every place looked.
 */
export interface SecretLookupChainOptions {
  providers: SecretProvider[];
  /** Absent when there is no vault or it is locked: only providers can answer then. */
  vault?: VaultApi;
  /** How the local vault is named in "searched" lists, e.g. the environment: "default". */
  vaultLabel: string;
  /** Told of each provider answer (names and field names only), e.g. a ProviderCatalog learning fields. */
  onProviderAnswer?: (answer: ProviderAnswer) => void;
}

/** What a provider said about a name, without values. */
export type ProviderAnswer =
  | { provider: string; name: string; status: 'found'; type: SecretType; fields: string[] }
  | { provider: string; name: string; status: 'notFound' | 'unavailable' | 'error' };

const KIND_LABELS: Record<SecretProvider['kind'], string> = { hashicorpVault: 'HashiCorp Vault' };

export function providerLabel(provider: SecretProvider): string {
  return `${KIND_LABELS[provider.kind] ?? provider.kind} '${provider.name}'`;
}

export function createSecretLookup(options: SecretLookupChainOptions): SecretLookup {
  const { providers, vault, vaultLabel, onProviderAnswer } = options;
  return {
    async lookup(name: string, signal?: AbortSignal): Promise<SecretLookupResult> {
      const searched: string[] = [];
      let unavailable: { provider: string; reason: string } | undefined;
      for (const provider of providers) {
        const answer = await ask(provider, name, signal);
        onProviderAnswer?.(summarize(provider.name, name, answer));
        if (answer.status === 'found') {
          return { status: 'found', name, type: answer.type, data: answer.data, from: { kind: 'provider', provider: provider.name } };
        }
        if (answer.status === 'error') return { status: 'error', message: answer.message };
        if (answer.status === 'notFound') searched.push(`${providerLabel(provider)} at ${answer.where}`);
        else unavailable ??= { provider: provider.name, reason: answer.reason };
      }
      if (vault) {
        let local;
        try {
          local = vault.get(name);
        } catch (error) {
          return { status: 'error', message: `The local vault '${vaultLabel}' could not read "${name}": ${describeError(error)}` };
        }
        if (local) {
          return {
            status: 'found',
            name: local.name,
            type: local.type,
            data: local.data,
            from: unavailable ? { kind: 'local', fallbackFrom: unavailable } : { kind: 'local' },
          };
        }
        searched.push(`local vault '${vaultLabel}'`);
      }
      if (unavailable) return { status: 'unavailable', provider: unavailable.provider, reason: unavailable.reason };
      return { status: 'notFound', searched };
    },
  };
}

/** A provider that throws is treated as unavailable for this lookup (its message carries no values). */
async function ask(provider: SecretProvider, name: string, signal?: AbortSignal): Promise<ProviderLookup> {
  try {
    return await provider.lookup(name, signal);
  } catch (error) {
    if (isAbortError(error) || signal?.aborted) throw error;
    return { status: 'unavailable', reason: `the provider failed unexpectedly (${error instanceof Error ? error.name : 'unknown error'})` };
  }
}

function summarize(provider: string, name: string, answer: ProviderLookup): ProviderAnswer {
  if (answer.status === 'found') return { provider, name, status: 'found', type: answer.type, fields: fieldNamesPresent(answer.type, answer.data) };
  return { provider, name, status: answer.status };
}

function fieldNamesPresent(type: SecretType, data: object): string[] {
  const present = new Set(Object.entries(data).filter(([, value]) => value !== undefined).map(([key]) => key));
  return type === 'custom' ? [...present] : fieldNamesOf(type).filter((field) => present.has(field));
}
