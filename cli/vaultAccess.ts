import { catalogFromMetadata } from '../shared/catalogFromVault';
import type { Catalog } from '../shared/catalog';
import { WorkflowSecretsError, isWorkflowSecretsError } from '../shared/errors';
import { ProviderCatalog, mergeProviderCatalog } from '../shared/providers/providerCatalog';
import { createProviderCredentials } from '../shared/providers/providerCredentials';
import { createProviders, loadProviderConfigFile } from '../shared/providers/providerRegistry';
import type { SecretProvider } from '../shared/providers/secretProvider';
import { MASTER_KEY_ENV, masterKeyFromEnvironment } from '../shared/vault/masterKey';
import { Vault } from '../shared/vault/vault';
import { vaultFileExists } from '../shared/vault/vaultFile';
import { readVaultMetadata } from '../shared/vault/vaultMetadata';
import type { VaultMetadataSnapshot } from '../shared/vault/vaultMetadata';
import { resolveVaultLocation } from '../shared/vault/vaultPaths';
import type { VaultLocation } from '../shared/vault/vaultPaths';
import type { MasterKey } from '../shared/vault/vaultTypes';
import type { ParsedArgs } from './args';
import { err } from './output';
import type { Io } from './output';

/** The vault the global options and environment point at. */
export function locateVault(io: Io, args: ParsedArgs): VaultLocation {
  return resolveVaultLocation({ vaultPath: args.strings.get('vault'), environment: args.strings.get('env'), env: io.env });
}

/** The master key from WORKFLOW_SECRETS_KEY; `key-missing` (exit 3) says how to set it. */
export function requireKey(io: Io): MasterKey {
  const key = masterKeyFromEnvironment(io.env);
  if (key) return key;
  throw new WorkflowSecretsError(
    'key-missing',
    `${MASTER_KEY_ENV} is not set: this command needs the vault's master key.`,
    `Set ${MASTER_KEY_ENV} to the key (base64 or hex of 32 bytes) or passphrase the vault was created with. For a new vault, \`workflow-secrets key generate\` prints a fresh key: export ${MASTER_KEY_ENV}="$(workflow-secrets key generate)".`,
  );
}

/** Opens (or with `create`, opens or creates) the vault with the key from the environment. */
export async function openVault(io: Io, location: VaultLocation, options: { create?: boolean } = {}): Promise<Vault> {
  const key = requireKey(io);
  const vaultOptions = { environment: location.environment, onWarning: (message: string) => err(io, `warning: ${message}`) };
  if (!options.create) return Vault.open(location.path, key, vaultOptions);
  try {
    return await Vault.open(location.path, key, vaultOptions);
  } catch (error) {
    if (!isWorkflowSecretsError(error, 'vault-not-found')) throw error;
  }
  const vault = await Vault.openOrCreate(location.path, key, vaultOptions);
  err(io, `Created a new vault for environment "${location.environment}" at ${vault.path} (file 0600, folder 0700).`);
  return vault;
}

/**
 * The local vault for resolution: opened with the key; when there is no vault file but providers
 * are configured, undefined (the providers alone answer, and no key is needed).
 */
export async function openVaultForLookup(io: Io, location: VaultLocation, providers: SecretProvider[]): Promise<Vault | undefined> {
  if (providers.length > 0 && !(await vaultFileExists(location.path))) {
    err(io, `note: no local vault at ${location.path}; only the configured providers are asked.`);
    return undefined;
  }
  return openVault(io, location);
}

/** The readable metadata (no key needed), or undefined when there is no vault yet. */
export async function readMetadataIfAny(io: Io, location: VaultLocation): Promise<VaultMetadataSnapshot | undefined> {
  try {
    return await readVaultMetadata(location.path, { onWarning: (message) => err(io, `warning: ${message}`) });
  } catch (error) {
    if (isWorkflowSecretsError(error, 'vault-not-found')) return undefined;
    throw error;
  }
}

/** The readable metadata; `vault-not-found` when there is none. */
export async function readMetadata(io: Io, location: VaultLocation): Promise<VaultMetadataSnapshot> {
  const snapshot = await readMetadataIfAny(io, location);
  if (snapshot) return snapshot;
  // Let the vault code phrase the not-found error (path + how to create one).
  return readVaultMetadata(location.path);
}

/** Providers from providers.json beside the vault (none when the file is absent). */
export async function loadProviders(io: Io, location: VaultLocation): Promise<SecretProvider[]> {
  const settings = await loadProviderConfigFile(location.path);
  if (settings.length === 0) return [];
  return createProviders(settings, createProviderCredentials({ env: io.env }), {
    env: io.env,
    logger: { info: () => undefined, warn: (message: string) => err(io, `warning: ${message}`) },
  });
}

/**
 * The catalog `check` verifies against: the vault's readable metadata (no key) plus the names the
 * configured providers list. No vault is not an error: the checks then say what they could not verify.
 */
export async function catalogFor(io: Io, location: VaultLocation, signal?: AbortSignal): Promise<Catalog> {
  const snapshot = await readMetadataIfAny(io, location);
  const local = snapshot
    ? catalogFromMetadata(snapshot.secrets, location.environment)
    : catalogFromMetadata([], location.environment, { state: 'noVault', stateReason: `no vault was found at ${location.path}` });
  const providers = await loadProviders(io, location);
  if (providers.length === 0) return local;
  try {
    return mergeProviderCatalog(local, await new ProviderCatalog({ providers }).snapshot(signal));
  } finally {
    for (const provider of providers) provider.dispose();
  }
}
