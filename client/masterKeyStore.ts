import type * as vscode from 'vscode';
import { masterKeySecretName, pendingMasterKeySecretName, type KeyStateDeps, type StoredKeys } from '../shared/keyState';
import { checkVaultKey, readVaultMetadata } from '../shared/vault/vaultMetadata';
import { formatMasterKey, generateMasterKey, masterKeyFromEnvironment, parseMasterKey } from '../shared/vault/masterKey';
import { Vault } from '../shared/vault/vault';
import { existsSync } from 'node:fs';
import type { MasterKey } from '../shared/vault/vaultTypes';

/**
 * Where the client's master key lives: WORKFLOW_SECRETS_KEY wins, otherwise VS Code SecretStorage
 * (one entry per environment). The decisions (first use, key lost, recovery) are in
 * shared/keyState.ts; this file only binds them to SecretStorage and the vault file.
 */
export class MasterKeyStore {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  environmentKey(): MasterKey | undefined {
    return masterKeyFromEnvironment(this.env);
  }

  storedKeys(environment: string): StoredKeys {
    const main = masterKeySecretName(environment);
    const pending = pendingMasterKeySecretName(environment);
    return {
      readKey: async () => (await this.secrets.get(main)) || undefined,
      storeKey: async (text) => this.secrets.store(main, text),
      readPendingKey: async () => (await this.secrets.get(pending)) || undefined,
      storePendingKey: async (text) => this.secrets.store(pending, text),
      deletePendingKey: async () => this.secrets.delete(pending),
    };
  }

  /** The stored key as text, for Back Up Master Key (the environment key is the user's own). */
  async storedKeyText(environment: string): Promise<string | undefined> {
    return this.storedKeys(environment).readKey();
  }

  deps(environment: string, vaultPath: string): KeyStateDeps {
    return {
      environmentKey: this.environmentKey(),
      stored: this.storedKeys(environment),
      vaultExists: async () => existsSync(vaultPath),
      checkKey: (key) => checkVaultKey(vaultPath, key),
      inspectVault: async () => void (await readVaultMetadata(vaultPath)),
      createVault: async (key) => {
        await Vault.create(vaultPath, key, { environment });
      },
      generateKey: generateMasterKey,
      formatKey: formatMasterKey,
      parseKey: parseMasterKey,
    };
  }
}
