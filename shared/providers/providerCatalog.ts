import type { Catalog, CatalogSecret } from '../catalog';
import type { SecretType } from '../secretTypes';
import { isAbortError } from './providerFailure';
import type { ProviderAnswer } from './secretLookupChain';
import type { SecretProvider } from './secretProvider';

/**
 * Provider secret names for the language server's catalog. Names come from each provider's LIST,
 * cached for a TTL (refresh() forces it); types and field names are learned from lookups (names
 * only: values are never kept) and stay known afterwards. A provider that cannot be listed keeps
 * its last names and makes the merged catalog `providerUnavailable`, so the server says "could not
 * verify" rather than reporting false errors.
 *
 * Convention for readers of the catalog: a provider secret whose fields are not known yet has
 * `fields: []` (a real secret always has at least one field); see providerFieldsUnknown.
 */
export interface LearnedSecret {
  provider: string;
  name: string;
  type: SecretType;
  fields: string[];
}

export interface ProviderCatalogSnapshot {
  secrets: CatalogSecret[];
  /** Providers whose names could not be listed now (unreachable, or listing refused), with why. */
  unavailable: { provider: string; reason: string }[];
}

export interface ProviderCatalogOptions {
  providers: SecretProvider[];
  /** List cache lifetime in seconds, one number or per provider name (the `listCacheSeconds` setting). Default 300. */
  ttlSeconds?: number | Record<string, number>;
  /** Field names kept from an earlier session (e.g. the client's globalState). */
  learned?: LearnedSecret[];
  now?: () => number;
}

interface ListState {
  names: string[];
  fetchedAt: number;
  problem?: string;
}

export class ProviderCatalog {
  private readonly lists = new Map<string, ListState>();
  private readonly pending = new Map<string, Promise<void>>();
  private readonly learnedByKey = new Map<string, LearnedSecret>();
  private readonly now: () => number;

  constructor(private readonly options: ProviderCatalogOptions) {
    this.now = options.now ?? Date.now;
    for (const entry of options.learned ?? []) this.learnedByKey.set(keyOf(entry.provider, entry.name), { ...entry, fields: [...entry.fields] });
  }

  /** Provider entries, listing again only the providers whose cache has expired. */
  async snapshot(signal?: AbortSignal, onProgress?: (done: number, total: number) => void): Promise<ProviderCatalogSnapshot> {
    return this.collect(false, signal, onProgress);
  }

  /** Lists every provider again now (the Refresh command). */
  async refresh(signal?: AbortSignal, onProgress?: (done: number, total: number) => void): Promise<ProviderCatalogSnapshot> {
    return this.collect(true, signal, onProgress);
  }

  /** Learns from a lookup: a found secret's type and field names; a not-found forgets them. */
  observe(answer: ProviderAnswer): void {
    const key = keyOf(answer.provider, answer.name);
    if (answer.status === 'found') {
      this.learnedByKey.set(key, { provider: answer.provider, name: answer.name, type: answer.type, fields: [...answer.fields] });
    } else if (answer.status === 'notFound') {
      this.learnedByKey.delete(key);
    }
  }

  /** What has been learned, for persisting across sessions (names only). */
  learned(): LearnedSecret[] {
    return [...this.learnedByKey.values()].map((entry) => ({ ...entry, fields: [...entry.fields] }));
  }

  private async collect(force: boolean, signal?: AbortSignal, onProgress?: (done: number, total: number) => void): Promise<ProviderCatalogSnapshot> {
    const providers = this.options.providers;
    let done = 0;
    onProgress?.(0, providers.length);
    await Promise.all(
      providers.map(async (provider) => {
        const state = this.lists.get(provider.name);
        const fresh = state !== undefined && !state.problem && this.now() - state.fetchedAt < this.ttlMs(provider.name);
        if (force || !fresh) await this.list(provider, signal);
        onProgress?.(++done, providers.length);
      }),
    );
    return this.build();
  }

  private list(provider: SecretProvider, signal?: AbortSignal): Promise<void> {
    const running = this.pending.get(provider.name);
    if (running) return running;
    const job = (async () => {
      const previous = this.lists.get(provider.name)?.names ?? [];
      try {
        const list = await provider.listNames(signal);
        if (list.status === 'ok') this.lists.set(provider.name, { names: list.names, fetchedAt: this.now() });
        else {
          const problem = list.status === 'unavailable' ? list.reason : list.message;
          this.lists.set(provider.name, { names: previous, fetchedAt: this.now(), problem });
        }
      } catch (error) {
        if (isAbortError(error)) throw error;
        this.lists.set(provider.name, { names: previous, fetchedAt: this.now(), problem: 'listing failed unexpectedly' });
      }
    })().finally(() => this.pending.delete(provider.name));
    this.pending.set(provider.name, job);
    return job;
  }

  private build(): ProviderCatalogSnapshot {
    const secrets: CatalogSecret[] = [];
    const unavailable: ProviderCatalogSnapshot['unavailable'] = [];
    const seen = new Set<string>();
    for (const provider of this.options.providers) {
      const state = this.lists.get(provider.name);
      if (state?.problem) unavailable.push({ provider: provider.name, reason: state.problem });
      const learnedHere = [...this.learnedByKey.values()].filter((entry) => entry.provider === provider.name).map((entry) => entry.name);
      for (const name of [...(state?.names ?? []), ...learnedHere]) {
        if (seen.has(name)) continue; // the first provider in order serves a name, so its entry wins
        seen.add(name);
        const learned = this.learnedByKey.get(keyOf(provider.name, name));
        secrets.push({
          name,
          type: learned?.type ?? 'custom',
          description: '',
          tags: [],
          fields: learned ? [...learned.fields] : [],
          source: { kind: 'provider', provider: provider.name },
        });
      }
    }
    return { secrets, unavailable };
  }

  private ttlMs(provider: string): number {
    const ttl = this.options.ttlSeconds;
    const seconds = typeof ttl === 'number' ? ttl : (ttl?.[provider] ?? 300);
    return seconds * 1000;
  }
}

/** True for a provider secret that has not been read yet: its field names are unknown, not absent. */
export function providerFieldsUnknown(secret: CatalogSecret): boolean {
  return secret.source.kind === 'provider' && secret.fields.length === 0;
}

/**
 * The local catalog with the provider entries added. A name both places have is the provider's
 * (providers are asked first). Any provider that could not be listed makes a `ready` (or `noVault`)
 * catalog `providerUnavailable`; locked and key-missing states stay as they are.
 */
export function mergeProviderCatalog(local: Catalog, snapshot: ProviderCatalogSnapshot): Catalog {
  const providerNames = new Set(snapshot.secrets.map((secret) => secret.name));
  const secrets = [...snapshot.secrets, ...local.secrets.filter((secret) => !providerNames.has(secret.name))];
  const merged: Catalog = { ...local, secrets };
  if (snapshot.unavailable.length > 0 && (local.state === 'ready' || local.state === 'noVault' || local.state === 'providerUnavailable')) {
    merged.state = 'providerUnavailable';
    merged.stateReason = `could not list ${snapshot.unavailable.map((entry) => `provider '${entry.provider}' (${entry.reason})`).join('; ')}; references it may serve cannot be verified`;
  } else if (local.state === 'noVault' && snapshot.secrets.length > 0) {
    merged.state = 'ready';
    merged.stateReason = undefined;
  }
  return merged;
}

function keyOf(provider: string, name: string): string {
  return `${provider}\u0000${name}`;
}
