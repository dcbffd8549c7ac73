import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { WorkflowSecretsError } from '../errors';
import { providerSettingSchema, type ProviderSetting } from '../settings';
import { HashicorpVaultProvider, type HashicorpVaultRuntime } from './hashicorpVaultProvider';
import type { ProviderCredentials } from './providerCredentials';
import type { ProviderLogger } from './providerFailure';
import type { SecretProvider } from './secretProvider';

/**
 * Providers from configuration: VS Code's `workflowSecrets.providers`, or for the command line
 * `providers.json` in the vault's directory. Environment conventions of the Vault CLI apply where a
 * setting is absent: VAULT_CACERT (caFile), VAULT_NAMESPACE (namespace), VAULT_SKIP_VERIFY.
 */
export const PROVIDER_CONFIG_FILE = 'providers.json';

export interface CreateProvidersOptions {
  env?: NodeJS.ProcessEnv;
  logger?: ProviderLogger;
  /** Test hooks passed to each provider (clock, sleep, backoff). */
  runtime?: Omit<HashicorpVaultRuntime, 'credentials' | 'logger'>;
}

/** Throws a `usage` WorkflowSecretsError for a configuration that cannot work (duplicate names, AppRole without roleId, a bad VAULT_SKIP_VERIFY). */
export function createProviders(settings: ProviderSetting[], credentials: ProviderCredentials, options: CreateProvidersOptions = {}): SecretProvider[] {
  const env = options.env ?? process.env;
  const skipFromEnv = parseBooleanVariable('VAULT_SKIP_VERIFY', env.VAULT_SKIP_VERIFY);
  const seen = new Set<string>();
  return settings.map((setting) => {
    const key = setting.name.toLowerCase();
    if (seen.has(key)) {
      throw new WorkflowSecretsError('usage', `Two providers are named "${setting.name}".`, 'Give each provider a different name.');
    }
    seen.add(key);
    if (setting.auth === 'approle' && !setting.roleId) {
      throw new WorkflowSecretsError('usage', `Provider "${setting.name}" uses AppRole but has no roleId.`, 'Add "roleId" to its settings; the secret id comes from the environment or "Set Provider Credentials".');
    }
    const caFile = setting.caFile || env.VAULT_CACERT || undefined;
    return new HashicorpVaultProvider(
      {
        name: setting.name,
        address: setting.address,
        mount: setting.mount,
        pathPrefix: setting.pathPrefix,
        kvVersion: setting.kvVersion,
        namespace: setting.namespace || env.VAULT_NAMESPACE || undefined,
        auth: setting.auth === 'approle' ? { method: 'approle', roleId: setting.roleId as string } : { method: 'token' },
        caFile: caFile ? expandHome(caFile) : undefined,
        tlsSkipVerify: setting.tlsSkipVerify === true || skipFromEnv,
        timeoutSeconds: setting.timeoutSeconds,
      },
      { ...options.runtime, credentials, logger: options.logger },
    );
  });
}

/** Where the command line looks for provider settings: providers.json beside the vault file. */
export function providerConfigPath(vaultPath: string): string {
  return join(dirname(vaultPath), PROVIDER_CONFIG_FILE);
}

/**
 * Reads `providers.json` beside the vault: `{ "providers": [ { "name": …, "kind": "hashicorpVault", … } ] }`.
 * No file means no providers. Invalid JSON, invalid settings or a credential written into the file
 * throw a `usage` WorkflowSecretsError naming the file.
 */
export async function loadProviderConfigFile(vaultPath: string): Promise<ProviderSetting[]> {
  const path = providerConfigPath(vaultPath);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new WorkflowSecretsError('usage', `Cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, 'Check the file permissions.');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new WorkflowSecretsError('usage', `${path} is not valid JSON.`, 'Fix the syntax; see the README section External secret providers for an example.');
  }
  const list = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>).providers : undefined;
  if (!Array.isArray(list)) {
    throw new WorkflowSecretsError('usage', `${path} must hold an object with a "providers" list.`, 'Write { "providers": [ … ] }; see the README section External secret providers.');
  }
  return list.map((entry, index) => {
    const where = `${path}: providers[${index}]`;
    const forbidden = credentialKeys(entry);
    if (forbidden.length > 0) {
      throw new WorkflowSecretsError(
        'usage',
        `${where} contains ${forbidden.map((key) => `"${key}"`).join(', ')}; tokens and secret ids never go in providers.json.`,
        'Remove it and supply it through VAULT_TOKEN, WORKFLOW_SECRETS_PROVIDER_<NAME>_TOKEN / _SECRET_ID or ~/.vault-token.',
      );
    }
    const parsed = providerSettingSchema.safeParse(entry);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'entry'}: ${issue.message}`);
      throw new WorkflowSecretsError('usage', `${where} is invalid: ${problems.join('; ')}.`, 'Fix the setting; see the README section External secret providers.');
    }
    return parsed.data;
  });
}

/**
 * Environment booleans as the Vault CLI reads them: "1", "true", "yes" (any case) are true;
 * "0", "false", "no" and empty or unset are false; anything else is an error, not a guess.
 */
export function parseBooleanVariable(name: string, value: string | undefined): boolean {
  const normalized = (value ?? '').trim().toLowerCase();
  if (['1', 'true', 'yes', 't', 'y', 'on'].includes(normalized)) return true;
  if (['', '0', 'false', 'no', 'f', 'n', 'off'].includes(normalized)) return false;
  throw new WorkflowSecretsError('usage', `${name} is set to a value that is neither true nor false.`, `Set ${name} to "true" or "false" (or 1/0, yes/no), or unset it.`);
}

function credentialKeys(entry: unknown): string[] {
  if (typeof entry !== 'object' || entry === null) return [];
  return Object.keys(entry).filter((key) => /^(token|secret_?id|client_?token|password|vault_?token)$/i.test(key));
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}
