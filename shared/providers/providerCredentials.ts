import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where provider tokens and AppRole secret ids come from. They never live in settings or
 * providers.json. Precedence for a provider named "team-vault":
 *   token:    WORKFLOW_SECRETS_PROVIDER_TEAM_VAULT_TOKEN > the credential store > VAULT_TOKEN > ~/.vault-token
 *   secretId: WORKFLOW_SECRETS_PROVIDER_TEAM_VAULT_SECRET_ID > the credential store
 * The environment wins over the store as it does for the master key; the store (VS Code
 * SecretStorage, filled by "Set Provider Credentials") is specific to one provider, so it wins over
 * the machine-wide VAULT_TOKEN and the Vault CLI's token file.
 */
export type CredentialKind = 'token' | 'secretId';

export interface ProviderCredential {
  value: string;
  /** Where it came from, for messages: "VAULT_TOKEN", "~/.vault-token", "stored credentials". */
  source: string;
}

export interface ProviderCredentials {
  get(provider: string, kind: CredentialKind, signal?: AbortSignal): Promise<ProviderCredential | undefined>;
}

/** The shape of VS Code's SecretStorage `get`, so the client can pass `context.secrets` directly. */
export interface CredentialStore {
  get(key: string): PromiseLike<string | undefined>;
}

export interface ProviderCredentialOptions {
  env?: NodeJS.ProcessEnv;
  /** Defaults to the user's home directory (for ~/.vault-token). */
  homeDir?: string;
  store?: CredentialStore;
}

/** SecretStorage key under which "Set Provider Credentials" keeps a provider's token or secret id. */
export function providerCredentialKey(provider: string, kind: CredentialKind): string {
  return `workflowSecrets.provider.${provider}.${kind}`;
}

/** "team-vault" → WORKFLOW_SECRETS_PROVIDER_TEAM_VAULT_TOKEN (or _SECRET_ID). */
export function providerEnvVariable(provider: string, kind: CredentialKind): string {
  const upper = provider.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return `WORKFLOW_SECRETS_PROVIDER_${upper}_${kind === 'token' ? 'TOKEN' : 'SECRET_ID'}`;
}

/** Words for an error's hint: where a credential of this kind can be supplied. */
export function credentialSourcesHint(provider: string, kind: CredentialKind): string {
  const perProvider = providerEnvVariable(provider, kind);
  return kind === 'token'
    ? `Set ${perProvider} or VAULT_TOKEN, run \`vault login\` (writes ~/.vault-token), or run "Workflow Secrets: Set Provider Credentials" in VS Code.`
    : `Set ${perProvider}, or run "Workflow Secrets: Set Provider Credentials" in VS Code.`;
}

export function createProviderCredentials(options: ProviderCredentialOptions = {}): ProviderCredentials {
  const env = options.env ?? process.env;
  return {
    async get(provider, kind) {
      const perProvider = providerEnvVariable(provider, kind);
      const fromEnv = nonEmpty(env[perProvider]);
      if (fromEnv !== undefined) return { value: fromEnv, source: perProvider };
      const stored = nonEmpty(await options.store?.get(providerCredentialKey(provider, kind)));
      if (stored !== undefined) return { value: stored, source: 'stored credentials' };
      if (kind === 'secretId') return undefined;
      const vaultToken = nonEmpty(env.VAULT_TOKEN);
      if (vaultToken !== undefined) return { value: vaultToken, source: 'VAULT_TOKEN' };
      return readTokenFile(join(options.homeDir ?? homedir(), '.vault-token'));
    },
  };
}

async function readTokenFile(path: string): Promise<ProviderCredential | undefined> {
  try {
    const value = nonEmpty(await readFile(path, 'utf8'));
    return value === undefined ? undefined : { value, source: '~/.vault-token' };
  } catch {
    return undefined; // absent or unreadable: as if there were no token file
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
