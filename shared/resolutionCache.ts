import { describeError } from './errors';
import type { SecretLookup, SecretLookupResult } from './secretLookup';

/**
 * One run's cache of secret lookups, keyed by secret name. Each secret is fetched (and decrypted)
 * once per run however many nodes use it; failures are cached too, so a missing secret is not
 * asked for again by every node that references it. Lives only as long as the run.
 */
export class ResolutionCache {
  private readonly entries = new Map<string, Promise<SecretLookupResult>>();

  constructor(private readonly source: SecretLookup) {}

  /** The cached answer for `name`, fetching it on first use. Never rejects, except on abort. */
  get(name: string, signal?: AbortSignal): Promise<SecretLookupResult> {
    const cached = this.entries.get(name);
    if (cached) return cached;
    const pending = this.fetch(name, signal);
    this.entries.set(name, pending);
    // An aborted fetch says nothing about the secret: forget it so a later run is not poisoned.
    pending.catch(() => this.entries.delete(name));
    return pending;
  }

  /** Distinct secrets fetched so far (the number of lookups this run made). */
  get size(): number {
    return this.entries.size;
  }

  private async fetch(name: string, signal?: AbortSignal): Promise<SecretLookupResult> {
    signal?.throwIfAborted();
    try {
      return await this.source.lookup(name, signal);
    } catch (error) {
      if (signal?.aborted) throw error;
      // Lookups promise value-free errors; describeError keeps to the message.
      return { status: 'error', message: describeError(error) };
    }
  }
}

/** A lookup that counts the calls made through it: for tests and benchmarks of the cache. */
export interface CountingLookup extends SecretLookup {
  /** Calls made so far. */
  readonly count: number;
  /** Calls made so far for one name. */
  countFor(name: string): number;
}

export function countLookups(source: SecretLookup): CountingLookup {
  const perName = new Map<string, number>();
  let count = 0;
  return {
    get count() {
      return count;
    },
    countFor: (name) => perName.get(name) ?? 0,
    lookup(name, signal) {
      count += 1;
      perName.set(name, (perName.get(name) ?? 0) + 1);
      return source.lookup(name, signal);
    },
  };
}
