import type { ProviderCredentials } from '../../shared/providers/providerCredentials';
import { createProviders } from '../../shared/providers/providerRegistry';
import type { SecretProvider } from '../../shared/providers/secretProvider';
import { providerSettingSchema } from '../../shared/settings';

/** Builds real HashiCorp Vault providers (through createProviders) for tests against the fake server. */
export interface HarnessOptions {
  token?: string;
  secretId?: string;
  env?: NodeJS.ProcessEnv;
  now?: () => number;
  maxRetryWaitMs?: number;
}

export interface Harness {
  provider: SecretProvider;
  /** Every wait the client asked for (retries), in ms; the harness does not actually wait. */
  sleeps: number[];
  infos: string[];
  warnings: string[];
}

export function staticCredentials(values: { token?: string; secretId?: string }): ProviderCredentials {
  return {
    async get(_provider, kind) {
      const value = kind === 'token' ? values.token : values.secretId;
      return value === undefined ? undefined : { value, source: kind === 'token' ? 'the test token' : 'the test secret id' };
    },
  };
}

export function makeProvider(setting: Record<string, unknown>, options: HarnessOptions = {}): Harness {
  const sleeps: number[] = [];
  const infos: string[] = [];
  const warnings: string[] = [];
  const parsed = providerSettingSchema.parse({ name: 'team', kind: 'hashicorpVault', ...setting });
  const [provider] = createProviders([parsed], staticCredentials({ token: options.token, secretId: options.secretId }), {
    env: options.env ?? {},
    logger: { info: (message) => infos.push(message), warn: (message) => warnings.push(message) },
    runtime: {
      now: options.now,
      backoffMs: 1,
      maxRetryWaitMs: options.maxRetryWaitMs,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    },
  });
  if (!provider) throw new Error('no provider created');
  return { provider, sleeps, infos, warnings };
}

/** A clock tests move by hand, shared by the fake server and the client. */
export function manualClock(start = Date.parse('2030-01-01T00:00:00Z')): { now: () => number; advance: (ms: number) => void } {
  let current = start;
  return { now: () => current, advance: (ms) => (current += ms) };
}
