import * as path from 'node:path';
import { WorkflowSecretsError, isWorkflowSecretsError } from '../errors';
import { NAME_RULE_TEXT, nameProblem, sameNameIgnoringCase } from '../secretNames';
import type { SecretData } from '../secretTypes';
import type { VaultKeys } from './vaultCrypto';
import { VAULT_FORMAT, VAULT_FORMAT_VERSION, serializeVaultDocument } from './vaultFormat';
import type { VaultDocument, VaultEntry } from './vaultFormat';
import { checkVaultDirectory, cleanStrayTempFiles, ensureVaultDirectory, vaultFileExists, writeVaultTextAtomic } from './vaultFile';
import { lockDisabledByEnvironment, withVaultLock } from './vaultLock';
import { readVaultDocument } from './vaultMetadata';
import { kdfFor, keysFor, sealDocument, unlockDocument } from './vaultSeal';
import { advancedTimestamp, checkData, checkDescription, checkNewSecret, checkTags, newSecretMetadata, openEntry, sealEntry } from './vaultEntries';
import { reencryptEntries } from './vaultRotation';
import { secretExists, secretInvalid, secretNotFound, vaultExists, vaultRolledBack } from './vaultErrors';
import type { ListFilter, MasterKey, NewSecret, SecretChanges, SecretMetadata, StoredSecret, VaultApi } from './vaultTypes';

export interface VaultOptions {
  /** Told when the vault's permissions were repaired or its folder is open to others. Never silent. */
  onWarning?: (message: string) => void;
  /** Written into a new vault's header (create / openOrCreate). */
  environment?: string;
  /** The highest generation this caller saw before (kept by the client or CLI): an older file is refused. */
  minGeneration?: number;
  lockTimeoutMs?: number;
  staleLockMs?: number;
  /** Test only (also WORKFLOW_SECRETS_TEST_DISABLE_LOCK=1): writes without the lock, to prove lost updates are seen. */
  unsafeDisableLockForTests?: boolean;
  /** Clock for timestamps (tests). */
  now?: () => Date;
}

interface Loaded {
  document: VaultDocument;
  keys: VaultKeys;
}

/**
 * The local encrypted vault. Reads keep the last verified file in memory; every write takes the
 * cross-process lock, re-reads and re-verifies the file, applies one change, raises the generation
 * and replaces the file atomically, so concurrent writers lose nothing.
 */
export class Vault implements VaultApi {
  readonly path: string;
  private key: MasterKey;
  private current: Loaded;
  private highestGeneration: number;

  private constructor(vaultPath: string, key: MasterKey, loaded: Loaded, private readonly options: VaultOptions) {
    this.path = vaultPath;
    this.key = key;
    this.current = loaded;
    this.highestGeneration = loaded.document.header.generation;
  }

  /** Opens an existing vault: vault-not-found, vault-wrong-key, vault-corrupt, vault-tampered, ... */
  static async open(vaultPath: string, key: MasterKey, options: VaultOptions = {}): Promise<Vault> {
    const resolved = path.resolve(vaultPath);
    await cleanStrayTempFiles(resolved, false);
    const loaded = await load(resolved, key, options);
    const seen = options.minGeneration ?? 0;
    if (loaded.document.header.generation < seen) throw vaultRolledBack(resolved, seen, loaded.document.header.generation);
    await checkVaultDirectory(resolved, options.onWarning);
    return new Vault(resolved, key, loaded, options);
  }

  /** Creates an empty vault (0600 in a 0700 folder); refuses when one exists. */
  static async create(vaultPath: string, key: MasterKey, options: VaultOptions = {}): Promise<Vault> {
    const resolved = path.resolve(vaultPath);
    const environment = options.environment;
    if (environment !== undefined && nameProblem(environment)) {
      throw new WorkflowSecretsError('usage', `The environment name for the vault ${resolved} is not valid.`, `Use ${NAME_RULE_TEXT}.`);
    }
    await ensureVaultDirectory(resolved);
    const loaded = await withVaultLock(
      resolved,
      async () => {
        if (await vaultFileExists(resolved)) throw vaultExists(resolved);
        const kdf = kdfFor(key);
        const keys = await keysFor(key, kdf, resolved);
        const header = { format: VAULT_FORMAT, version: VAULT_FORMAT_VERSION, kdf, generation: 1, ...(environment ? { environment } : {}) } as const;
        const document = sealDocument(header, [], keys);
        await writeVaultTextAtomic(resolved, serializeVaultDocument(document));
        return { document, keys };
      },
      lockOptions(options),
    );
    return new Vault(resolved, key, loaded, options);
  }

  /** Opens the vault, or creates it when there is none (first use). */
  static async openOrCreate(vaultPath: string, key: MasterKey, options: VaultOptions = {}): Promise<Vault> {
    try {
      return await Vault.open(vaultPath, key, options);
    } catch (error) {
      if (!isWorkflowSecretsError(error, 'vault-not-found')) throw error;
    }
    try {
      return await Vault.create(vaultPath, key, options);
    } catch (error) {
      // Another process created it between our open and create: open theirs.
      if (isWorkflowSecretsError(error, 'vault-io') && (await vaultFileExists(path.resolve(vaultPath)))) return Vault.open(vaultPath, key, options);
      throw error;
    }
  }

  /** The generation of the file last read or written; it rises with every write. */
  get generation(): number {
    return this.current.document.header.generation;
  }

  get environment(): string | undefined {
    return this.current.document.header.environment;
  }

  /** Metadata only, sorted by name; nothing is decrypted. A secret matches when it has every tag. */
  list(filter: ListFilter = {}): SecretMetadata[] {
    const tags = filter.tags ?? [];
    return this.current.document.entries
      .filter(({ metadata }) => (filter.type === undefined || metadata.type === filter.type) && tags.every((tag) => metadata.tags.includes(tag)))
      .map(({ metadata }) => copyMetadata(metadata))
      .sort((a, b) => NAME_ORDER.compare(a.name, b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Decrypts the secret with exactly this name (names are case-sensitive), or undefined. */
  get(name: string): StoredSecret | undefined {
    const entry = this.current.document.entries.find((candidate) => candidate.metadata.name === name);
    if (!entry) return undefined;
    return { ...copyMetadata(entry.metadata), data: openEntry(this.current.keys, entry, this.path) };
  }

  require(name: string): StoredSecret {
    const secret = this.get(name);
    if (!secret) throw secretNotFound(this.path, name);
    return secret;
  }

  async add(secret: NewSecret): Promise<SecretMetadata> {
    const checked = checkNewSecret(secret);
    return this.change((entries, keys, now) => {
      const clash = entries.find((entry) => sameNameIgnoringCase(entry.metadata.name, checked.name));
      if (clash) throw secretExists(this.path, checked.name, clash.metadata.name);
      const entry = sealEntry(keys, newSecretMetadata(checked, advancedTimestamp(now)), checked.data);
      return { entries: [...entries, entry], result: copyMetadata(entry.metadata) };
    });
  }

  async update(name: string, changes: SecretChanges): Promise<SecretMetadata> {
    return this.change((entries, keys, now) => {
      const index = this.indexOf(entries, name);
      const entry = entries[index] as VaultEntry;
      const { metadata } = entry;
      if (changes.type !== undefined && changes.type !== metadata.type) {
        throw secretInvalid(name, [`its type cannot change from ${metadata.type} to ${String(changes.type)}; delete it and add a new secret instead`]);
      }
      const updated: SecretMetadata = {
        ...metadata,
        description: changes.description === undefined ? metadata.description : checkDescription(name, changes.description),
        tags: changes.tags === undefined ? metadata.tags : checkTags(name, changes.tags),
        updatedAt: advancedTimestamp(now, metadata.updatedAt),
      };
      const replacement =
        changes.data === undefined ? { ...entry, metadata: updated } : sealEntry(keys, updated, checkData(name, metadata.type, changes.data));
      return { entries: entries.map((item, i) => (i === index ? replacement : item)), result: copyMetadata(replacement.metadata) };
    });
  }

  /** Keeps the id; re-encrypts because the name is part of the data's AAD. */
  async rename(name: string, newName: string): Promise<SecretMetadata> {
    const problem = nameProblem(newName);
    if (problem) throw secretInvalid(newName, [problem.replace(/\.$/, '')]);
    return this.change((entries, keys, now) => {
      const index = this.indexOf(entries, name);
      const entry = entries[index] as VaultEntry;
      const clash = entries.find((other, i) => i !== index && sameNameIgnoringCase(other.metadata.name, newName));
      if (clash) throw secretExists(this.path, newName, clash.metadata.name);
      const data: SecretData = openEntry(keys, entry, this.path);
      const renamed = sealEntry(keys, { ...entry.metadata, name: newName, updatedAt: advancedTimestamp(now, entry.metadata.updatedAt) }, data);
      return { entries: entries.map((item, i) => (i === index ? renamed : item)), result: copyMetadata(renamed.metadata) };
    });
  }

  async delete(name: string): Promise<void> {
    await this.change((entries) => {
      const index = this.indexOf(entries, name);
      return { entries: entries.filter((_, i) => i !== index), result: undefined };
    });
  }

  async reload(): Promise<void> {
    this.accept(await this.loadChecked());
  }

  /** Re-encrypts every secret under `newKey`, verifies each by decrypting it, then replaces the file. */
  async rotateKey(newKey: MasterKey, onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    await this.locked(async () => {
      const loaded = await this.loadChecked();
      const kdf = kdfFor(newKey);
      const keys = await keysFor(newKey, kdf, this.path);
      const entries = await reencryptEntries(loaded, keys, this.path, onProgress, signal);
      const { keyCheck: _old, ...header } = loaded.document.header;
      const document = sealDocument({ ...header, kdf, generation: header.generation + 1 }, entries, keys);
      signal?.throwIfAborted();
      await writeVaultTextAtomic(this.path, serializeVaultDocument(document));
      this.key = newKey;
      this.accept({ document, keys });
    });
  }

  private indexOf(entries: VaultEntry[], name: string): number {
    const index = entries.findIndex((entry) => entry.metadata.name === name);
    if (index < 0) throw secretNotFound(this.path, name);
    return index;
  }

  /** One write: lock, re-read and verify, apply, seal with the next generation, replace atomically. */
  private async change<T>(apply: (entries: VaultEntry[], keys: VaultKeys, now: Date) => { entries: VaultEntry[]; result: T }): Promise<T> {
    return this.locked(async () => {
      const loaded = await this.loadChecked();
      const { entries, result } = apply(loaded.document.entries, loaded.keys, (this.options.now ?? (() => new Date()))());
      const { keyCheck: _keyCheck, ...header } = loaded.document.header;
      const document = sealDocument({ ...header, generation: header.generation + 1 }, entries, loaded.keys);
      await writeVaultTextAtomic(this.path, serializeVaultDocument(document));
      this.accept({ document, keys: loaded.keys });
      return result;
    });
  }

  private async locked<T>(work: () => Promise<T>): Promise<T> {
    const options = lockOptions(this.options);
    return withVaultLock(
      this.path,
      async () => {
        await cleanStrayTempFiles(this.path, !options.disabled);
        return work();
      },
      options,
    );
  }

  /** Reads and verifies the file; refuses one whose generation went back. */
  private async loadChecked(): Promise<Loaded> {
    const loaded = await load(this.path, this.key, this.options);
    const found = loaded.document.header.generation;
    if (found < this.highestGeneration) throw vaultRolledBack(this.path, this.highestGeneration, found);
    return loaded;
  }

  private accept(loaded: Loaded): void {
    this.current = loaded;
    this.highestGeneration = Math.max(this.highestGeneration, loaded.document.header.generation);
  }
}

const NAME_ORDER = new Intl.Collator('en');

/** A copy callers may change freely (cheaper than structuredClone on 10k secrets). */
function copyMetadata(metadata: SecretMetadata): SecretMetadata {
  return { ...metadata, tags: [...metadata.tags], fields: [...metadata.fields] };
}

async function load(vaultPath: string, key: MasterKey, options: VaultOptions): Promise<Loaded> {
  const document = await readVaultDocument(vaultPath, { onWarning: options.onWarning, repair: true });
  const keys = await unlockDocument(document, key, vaultPath);
  return { document, keys };
}

function lockOptions(options: VaultOptions) {
  return {
    timeoutMs: options.lockTimeoutMs,
    staleMs: options.staleLockMs,
    disabled: options.unsafeDisableLockForTests === true || lockDisabledByEnvironment(),
  };
}
