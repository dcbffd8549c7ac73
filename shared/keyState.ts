import { WorkflowSecretsError, describeError, isWorkflowSecretsError } from './errors';
import type { MasterKey } from './vault/vaultTypes';

/**
 * Where the master key comes from and what to do when it is missing, free of VS Code so it can be
 * unit-tested. The client supplies the key sources (environment, SecretStorage) and the vault
 * operations; this module decides. Its one rule: when a vault exists and no key opens it, nothing
 * is generated and nothing is written to the vault.
 */

export type KeySource = 'environment' | 'secretStorage';

export type KeyState =
  /** No vault file yet; one is created (with a new key) on first use. */
  | { kind: 'noVault' }
  /** `created`: the vault was created just now with this key. */
  | { kind: 'ready'; key: MasterKey; source: KeySource; created: boolean }
  /** A vault exists but no key is known for it (SecretStorage empty or lost its entry). */
  | { kind: 'keyMissing'; reason: string }
  /** A key is known but it does not open the vault. */
  | { kind: 'wrongKey'; source: KeySource; reason: string }
  /** The vault could not be read for another reason (corrupt, tampered, permissions, ...). */
  | { kind: 'vaultError'; code: string; reason: string };

export type KeyStateKind = KeyState['kind'];

/** SecretStorage entry names; one key per environment. */
export function masterKeySecretName(environment: string): string {
  return `workflowSecrets.masterKey.${environment}`;
}

/** A key written before a vault creation or rotation finishes, so a crash in between loses nothing. */
export function pendingMasterKeySecretName(environment: string): string {
  return `${masterKeySecretName(environment)}.pending`;
}

/** The key store's operations: SecretStorage in the client, a Map in tests. */
export interface StoredKeys {
  readKey(): Promise<string | undefined>;
  storeKey(text: string): Promise<void>;
  readPendingKey(): Promise<string | undefined>;
  storePendingKey(text: string): Promise<void>;
  deletePendingKey(): Promise<void>;
}

export interface KeyStateDeps {
  /** WORKFLOW_SECRETS_KEY, already parsed; it wins over SecretStorage. */
  environmentKey: MasterKey | undefined;
  stored: StoredKeys;
  vaultExists(): Promise<boolean>;
  /** The vault's key check ('ok' | 'wrong-key'); throws typed errors for a damaged file. */
  checkKey(key: MasterKey): Promise<'ok' | 'wrong-key'>;
  /** Reads the file's structure without a key; throws typed errors for a damaged file. */
  inspectVault(): Promise<void>;
  /** Creates the vault file; must refuse to overwrite an existing one. */
  createVault(key: MasterKey): Promise<void>;
  generateKey(): MasterKey;
  formatKey(key: MasterKey): string;
  parseKey(text: string): MasterKey;
}

export const ENV_KEY_HINT =
  'Or set WORKFLOW_SECRETS_KEY to the key (base64 or hex) or passphrase in the environment VS Code starts from; it takes precedence over the stored key.';

/**
 * Finds the key for the vault. With `createIfMissing` and no vault file, generates a key, stores it
 * and creates the vault (environment key: creates the vault with it and stores nothing).
 */
export async function resolveKeyState(deps: KeyStateDeps, options: { createIfMissing: boolean }): Promise<KeyState> {
  try {
    return await resolve(deps, options);
  } catch (error) {
    return { kind: 'vaultError', code: isWorkflowSecretsError(error) ? error.code : 'unknown', reason: describeError(error) };
  }
}

async function resolve(deps: KeyStateDeps, options: { createIfMissing: boolean }): Promise<KeyState> {
  const exists = await deps.vaultExists();
  if (deps.environmentKey) {
    if (!exists) {
      if (!options.createIfMissing) return { kind: 'noVault' };
      await deps.createVault(deps.environmentKey);
      return { kind: 'ready', key: deps.environmentKey, source: 'environment', created: true };
    }
    // The variable wins: a wrong one is reported, never silently replaced by the stored key.
    if ((await deps.checkKey(deps.environmentKey)) === 'ok') return { kind: 'ready', key: deps.environmentKey, source: 'environment', created: false };
    return {
      kind: 'wrongKey',
      source: 'environment',
      reason: 'WORKFLOW_SECRETS_KEY does not open the vault. Correct the variable (or unset it to use the stored key) and restart VS Code.',
    };
  }

  const storedText = await deps.stored.readKey();
  if (!exists) {
    if (!options.createIfMissing) return { kind: 'noVault' };
    return createWithStoredOrNewKey(deps, storedText);
  }

  if (storedText !== undefined) {
    const stored = deps.parseKey(storedText);
    if ((await deps.checkKey(stored)) === 'ok') return { kind: 'ready', key: stored, source: 'secretStorage', created: false };
  }
  // A creation or rotation interrupted after the vault changed but before the key was promoted.
  const recovered = await recoverPendingKey(deps);
  if (recovered) return { kind: 'ready', key: recovered, source: 'secretStorage', created: false };
  // Without a key the file can still be judged: a damaged vault is not a lost key.
  await deps.inspectVault();
  if (storedText !== undefined) {
    return {
      kind: 'wrongKey',
      source: 'secretStorage',
      reason: 'The master key stored in VS Code does not open the vault (it may belong to another vault or environment). Enter the right key or passphrase.',
    };
  }
  return {
    kind: 'keyMissing',
    reason: 'A vault exists but VS Code has no master key for it (SecretStorage may have lost it). Enter the key or passphrase you backed up.',
  };
}

async function createWithStoredOrNewKey(deps: KeyStateDeps, storedText: string | undefined): Promise<KeyState> {
  // A key already stored for this environment (e.g. the vault file was moved away) is reused so a
  // backed-up key stays valid; otherwise a fresh one.
  const key = storedText !== undefined ? deps.parseKey(storedText) : deps.generateKey();
  const text = deps.formatKey(key);
  if (storedText === undefined) {
    await deps.stored.storePendingKey(text);
    // SecretStorage on Linux without a keyring can drop writes silently: a vault whose key was
    // not kept would be unreadable tomorrow, so check before creating it.
    if ((await deps.stored.readPendingKey()) !== text) {
      throw keyStoreError();
    }
  }
  await deps.createVault(key);
  if (storedText === undefined) {
    await deps.stored.storeKey(text);
    await deps.stored.deletePendingKey();
  }
  return { kind: 'ready', key, source: 'secretStorage', created: true };
}

async function recoverPendingKey(deps: KeyStateDeps): Promise<MasterKey | undefined> {
  const pendingText = await deps.stored.readPendingKey();
  if (pendingText === undefined) return undefined;
  const pending = deps.parseKey(pendingText);
  if ((await deps.checkKey(pending)) !== 'ok') return undefined;
  await deps.stored.storeKey(pendingText);
  await deps.stored.deletePendingKey();
  return pending;
}

function keyStoreError(): WorkflowSecretsError {
  return new WorkflowSecretsError(
    'key-missing',
    'VS Code SecretStorage did not keep the new master key, so nothing was changed.',
    'Set WORKFLOW_SECRETS_KEY (a passphrase, or a key from `workflow-secrets key generate`) in the environment VS Code starts from, or install a keyring (gnome-keyring, KWallet).',
  );
}

export type EnteredKeyResult = { ok: true; key: MasterKey; created: boolean } | { ok: false; reason: string };

/**
 * "Enter Master Key or Passphrase": the text is checked against the existing vault before it is
 * stored; a wrong key is refused and changes nothing. With no vault yet, the key creates it.
 */
export async function acceptEnteredKey(deps: KeyStateDeps, text: string): Promise<EnteredKeyResult> {
  if (text.trim().length === 0) return { ok: false, reason: 'The key is empty. Paste the key (base64 or hex) or type the passphrase.' };
  try {
    const key = deps.parseKey(text);
    if (await deps.vaultExists()) {
      if ((await deps.checkKey(key)) !== 'ok') {
        return { ok: false, reason: 'This key or passphrase does not open the vault; nothing was stored. Check for a typo or try another backup.' };
      }
      await deps.stored.storeKey(deps.formatKey(key));
      return { ok: true, key, created: false };
    }
    const formatted = deps.formatKey(key);
    await deps.stored.storePendingKey(formatted);
    await deps.createVault(key);
    await deps.stored.storeKey(formatted);
    await deps.stored.deletePendingKey();
    return { ok: true, key, created: true };
  } catch (error) {
    return { ok: false, reason: describeError(error) };
  }
}

/**
 * Rotation bookkeeping around the vault's own rotateKey: the new key is parked as pending first
 * (so an interrupted rotation can be recovered by resolveKeyState), promoted after success, and
 * dropped after failure or cancellation.
 */
export async function rotateWithStoredKey(
  deps: Pick<KeyStateDeps, 'stored' | 'generateKey' | 'formatKey' | 'checkKey'>,
  rotate: (newKey: MasterKey) => Promise<void>,
): Promise<MasterKey> {
  const newKey = deps.generateKey();
  const text = deps.formatKey(newKey);
  await deps.stored.storePendingKey(text);
  if ((await deps.stored.readPendingKey()) !== text) throw keyStoreError();
  try {
    await rotate(newKey);
  } catch (error) {
    // A failure after the file was replaced still leaves a vault under the new key: keep that key.
    const replaced = await deps.checkKey(newKey).catch(() => 'unknown');
    if (replaced !== 'ok') {
      await deps.stored.deletePendingKey();
      throw error;
    }
  }
  await deps.stored.storeKey(text);
  await deps.stored.deletePendingKey();
  return newKey;
}

/** What the status bar and view say for each state (no values, no key material). */
export function describeKeyState(state: KeyState): { label: string; detail: string } {
  switch (state.kind) {
    case 'noVault':
      return { label: 'no vault yet', detail: 'No vault yet: Create Secret makes one and keeps its new master key in VS Code SecretStorage.' };
    case 'ready':
      return {
        label: 'ready',
        detail: state.source === 'environment' ? 'Vault unlocked with WORKFLOW_SECRETS_KEY.' : 'Vault unlocked with the master key stored in VS Code.',
      };
    case 'keyMissing':
      return { label: 'key missing', detail: state.reason };
    case 'wrongKey':
      return { label: 'wrong key', detail: state.reason };
    case 'vaultError':
      return { label: 'locked', detail: state.reason };
  }
}
