import type { ResolutionCache } from './resolutionCache';
import type { ReferenceStatus } from './resolutionReport';
import type { ResolvedFrom, SecretLookupResult } from './secretLookup';
import { fieldAsString, presentFieldNames } from './secretTypes';

/** What one `NAME.FIELD` resolved to: the report's status, source and message, and the value. */
export interface ReferenceOutcome {
  status: Exclude<ReferenceStatus, 'skipped'>;
  from?: ResolvedFrom;
  message?: string;
  /** Only with status `ok`; never leaves the resolver except to `executeNode`. */
  value?: string;
}

/**
 * The run's outcomes per `NAME.FIELD`, over the run's `ResolutionCache` (one lookup per name).
 * A workflow repeats the same few hundred references across thousands of nodes: each is
 * classified once (field extraction, message) and later uses are a synchronous map read, with no
 * promise to await.
 */
export class ReferenceOutcomes {
  /** Per secret name, its fields' outcomes: a name has a few fields, so a short list beats a second map. */
  private readonly byName = new Map<string, FieldOutcome[]>();

  constructor(private readonly cache: ResolutionCache) {}

  /** The outcome when this reference has been resolved before in the run. */
  peek(name: string, field: string): ReferenceOutcome | undefined {
    const fields = this.byName.get(name);
    if (fields) for (const entry of fields) if (entry.field === field) return entry.outcome;
    return undefined;
  }

  /** Looks the secret up through the cache (rejects only on abort) and remembers the outcome. */
  async resolve(name: string, field: string, signal: AbortSignal | undefined): Promise<ReferenceOutcome> {
    const outcome = classify(name, field, await this.cache.get(name, signal));
    const fields = this.byName.get(name);
    if (!fields) this.byName.set(name, [{ field, outcome }]);
    else if (!fields.some((entry) => entry.field === field)) fields.push({ field, outcome });
    return outcome;
  }
}

interface FieldOutcome {
  field: string;
  outcome: ReferenceOutcome;
}

function classify(name: string, field: string, result: SecretLookupResult): ReferenceOutcome {
  switch (result.status) {
    case 'found': {
      const value = fieldAsString(result.data, field);
      if (value !== undefined) return { status: 'ok', from: result.from, value };
      const fields = presentFieldNames(result.data);
      return {
        status: 'field-not-found',
        from: result.from,
        message: `Secret "${name}" (${result.type}) has no field "${field}"; its fields are: ${fields.join(', ') || 'none'}.`,
      };
    }
    case 'notFound':
      return { status: 'secret-not-found', message: `Secret "${name}" was not found; looked in: ${result.searched.join(', ') || 'no configured store'}.` };
    case 'unavailable':
      return { status: 'provider-unavailable', message: `Provider "${result.provider}" is unavailable (${result.reason}) and the local vault has no copy of "${name}".` };
    case 'error':
      return { status: 'error', message: `Looking up secret "${name}" failed: ${result.message}` };
  }
}
