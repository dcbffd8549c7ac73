import * as path from 'node:path';
import { WorkflowSecretsError, isWorkflowSecretsError } from '../errors';
import { NAME_RULE_TEXT, nameProblem } from '../secretNames';
import type { SecretData } from '../secretTypes';
import { canonicalEntryJson } from './vaultCanonical';
import { VAULT_FORMAT, VAULT_FORMAT_VERSION } from './vaultFormat';
import type { VaultEntry } from './vaultFormat';
import { checkVaultDirectory, cleanStrayTempFiles, ensureVaultDirectory, readVaultBytes, vaultFileExists } from './vaultFile';
import { lockDisabledByEnvironment, withVaultLock } from './vaultLock';
import { kdfFor, keysFor } from './vaultSeal';
import { advancedTimestamp, checkData, checkDescription, checkNewSecret, checkTags, copyMetadata, newSecretMetadata, sealEntry } from './vaultEntries';
import { EntryCache, VaultState, verifyBytes } from './vaultState';
import { writeSealed } from './vaultWriter';
import type { EntryChange } from './vaultState';
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

/** One change: the new entries, what the caller gets back, and which entry went and came (for the index). */
type Change<T> = (state: VaultState, now: Date) => { entries: VaultEntry[]; result: T } & EntryChange;

/**
 * The local encrypted vault. Reads keep the last verified file in memory (with a name index);
 * every write takes the cross-process lock, re-reads the file (re-verifying it unless its bytes are
 * the very ones this instance last verified or wrote), applies one change, raises the generation
 * and replaces the file atomically, so concurrent writers lose nothing.
 */
export class Vault implements VaultApi {
  readonly path: string;
  private key: MasterKey;
  private current: VaultState;
  private highestGeneration: number;
  private readonly cache = new EntryCache();

  private constructor(vaultPath: string, key: MasterKey, state: VaultState, private readonly options: VaultOptions) {
    this.path = vaultPath;
    this.key = key;
    this.current = state;
    this.highestGeneration = state.generation;
  }

  /** Opens an existing vault: vault-not-found, vault-wrong-key, vault-corrupt, vault-tampered, ... */
  static async open(vaultPath: string, key: MasterKey, options: VaultOptions = {}): Promise<Vault> {
    const resolved = path.resolve(vaultPath);
    const state = await whileCleaning(resolved, false, () => load(resolved, key, options));
    const seen = options.minGeneration ?? 0;
    if (state.generation < seen) throw vaultRolledBack(resolved, seen, state.generation);
    await checkVaultDirectory(resolved, options.onWarning);
    return new Vault(resolved, key, state, options);
  }

  /** Creates an empty vault (0600 in a 0700 folder); refuses when one exists. */
  static async create(vaultPath: string, key: MasterKey, options: VaultOptions = {}): Promise<Vault> {
    const resolved = path.resolve(vaultPath);
    const environment = options.environment;
    if (environment !== undefined && nameProblem(environment)) {
      throw new WorkflowSecretsError('usage', `The environment name for the vault ${resolved} is not valid.`, `Use ${NAME_RULE_TEXT}.`);
    }
    await ensureVaultDirectory(resolved);
    const state = await withVaultLock(
      resolved,
      async () => {
        if (await vaultFileExists(resolved)) throw vaultExists(resolved);
        const kdf = kdfFor(key);
        const keys = await keysFor(key, kdf, resolved);
        const header = { format: VAULT_FORMAT, version: VAULT_FORMAT_VERSION, kdf, generation: 1, ...(environment ? { environment } : {}) } as const;
        const written = await writeSealed(resolved, header, [], keys, (entry) => Buffer.from(canonicalEntryJson(entry), 'utf8'));
        return new VaultState(written.document, keys, written.bytes, written.resume);
      },
      lockOptions(options),
    );
    return new Vault(resolved, key, state, options);
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
    return this.current.generation;
  }

  get environment(): string | undefined {
    return this.current.document.header.environment;
  }

  /** Metadata only, sorted by name; nothing is decrypted. A secret matches when it has every tag. */
  list(filter: ListFilter = {}): SecretMetadata[] {
    const tags = filter.tags ?? [];
    return this.current.entries
      .filter(({ metadata }) => (filter.type === undefined || metadata.type === filter.type) && tags.every((tag) => metadata.tags.includes(tag)))
      .map(({ metadata }) => copyMetadata(metadata))
      .sort((a, b) => NAME_ORDER.compare(a.name, b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Decrypts the secret with exactly this name (names are case-sensitive), or undefined. */
  get(name: string): StoredSecret | undefined {
    const state = this.current;
    const entry = state.find(name);
    if (!entry) return undefined;
    const secret = copyMetadata(entry.metadata) as StoredSecret;
    secret.data = this.cache.open(state.keys, entry, this.path);
    return secret;
  }

  require(name: string): StoredSecret {
    const secret = this.get(name);
    if (!secret) throw secretNotFound(this.path, name);
    return secret;
  }

  async add(secret: NewSecret): Promise<SecretMetadata> {
    const checked = checkNewSecret(secret);
    return this.change((state, now) => {
      const clash = state.findIgnoringCase(checked.name);
      if (clash) throw secretExists(this.path, checked.name, clash.metadata.name);
      const entry = sealEntry(state.keys, newSecretMetadata(checked, advancedTimestamp(now)), checked.data);
      return { entries: [...state.entries, entry], result: copyMetadata(entry.metadata), added: entry };
    });
  }

  async update(name: string, changes: SecretChanges): Promise<SecretMetadata> {
    return this.change((state, now) => {
      const entry = this.find(state, name);
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
        changes.data === undefined ? { ...entry, metadata: updated } : sealEntry(state.keys, updated, checkData(name, metadata.type, changes.data));
      return { entries: replaced(state, entry, replacement), result: copyMetadata(replacement.metadata), removed: entry, added: replacement };
    });
  }

  /** Keeps the id; re-encrypts because the name is part of the data's AAD. */
  async rename(name: string, newName: string): Promise<SecretMetadata> {
    const problem = nameProblem(newName);
    if (problem) throw secretInvalid(newName, [problem.replace(/\.$/, '')]);
    return this.change((state, now) => {
      const entry = this.find(state, name);
      const clash = state.findIgnoringCase(newName);
      if (clash && clash !== entry) throw secretExists(this.path, newName, clash.metadata.name);
      const data: SecretData = this.cache.open(state.keys, entry, this.path);
      const renamed = sealEntry(state.keys, { ...entry.metadata, name: newName, updatedAt: advancedTimestamp(now, entry.metadata.updatedAt) }, data);
      return { entries: replaced(state, entry, renamed), result: copyMetadata(renamed.metadata), removed: entry, added: renamed };
    });
  }

  async delete(name: string): Promise<void> {
    await this.change((state) => {
      const entry = this.find(state, name);
      return { entries: state.entries.filter((item) => item !== entry), result: undefined, removed: entry };
    });
  }

  async reload(): Promise<void> {
    this.accept(await this.loadChecked());
  }

  /** Re-encrypts every secret under `newKey`, verifies each by decrypting it, then replaces the file. */
  async rotateKey(newKey: MasterKey, onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    await this.locked(async () => {
      const loaded = await this.lockedLoad();
      const kdf = kdfFor(newKey);
      const keys = await keysFor(newKey, kdf, this.path);
      const entries = await reencryptEntries(loaded, keys, this.path, onProgress, signal);
      const { keyCheck: _old, ...header } = loaded.document.header;
      signal?.throwIfAborted();
      const written = await writeSealed(this.path, { ...header, kdf, generation: header.generation + 1 }, entries, keys, this.lineOf);
      this.key = newKey;
      this.accept(new VaultState(written.document, keys, written.bytes, written.resume));
    });
  }

  private find(state: VaultState, name: string): VaultEntry {
    const entry = state.find(name);
    if (!entry) throw secretNotFound(this.path, name);
    return entry;
  }

  /** The entry's canonical line, kept from an earlier write when the entry is unchanged. */
  private readonly lineOf = (entry: VaultEntry): Buffer => this.cache.line(entry);

  /** One write: lock, re-read (and verify if changed), apply, seal with the next generation, replace atomically. */
  private async change<T>(apply: Change<T>): Promise<T> {
    return this.locked(async () => {
      const state = await this.lockedLoad();
      const { entries, result, removed, added } = apply(state, (this.options.now ?? (() => new Date()))());
      const { keyCheck: _keyCheck, ...header } = state.document.header;
      const written = await writeSealed(this.path, { ...header, generation: header.generation + 1 }, entries, state.keys, this.lineOf, state.resume);
      this.accept(state.successor(written, { removed, added }));
      return result;
    });
  }

  private async locked<T>(work: () => Promise<T>): Promise<T> {
    return withVaultLock(this.path, work, lockOptions(this.options));
  }

  /** Under the lock: removes stray temp files and reads the file (loadChecked). */
  private lockedLoad(): Promise<VaultState> {
    return whileCleaning(this.path, !lockOptions(this.options).disabled, () => this.loadChecked());
  }

  /**
   * Reads the file (its type, owner and mode are checked on every read) and verifies it, unless
   * its bytes are exactly those of the state in memory, which was verified or written by this
   * instance: then it is that state. Refuses a file whose generation went back.
   */
  private async loadChecked(): Promise<VaultState> {
    const bytes = await readVaultBytes(this.path, { onWarning: this.options.onWarning, repair: true });
    if (bytes.equals(this.current.bytes)) return this.current;
    const state = await verifyBytes(this.path, bytes, this.key);
    if (state.generation < this.highestGeneration) throw vaultRolledBack(this.path, this.highestGeneration, state.generation);
    return state;
  }

  private accept(state: VaultState): void {
    this.current = state;
    this.highestGeneration = Math.max(this.highestGeneration, state.generation);
  }
}

const NAME_ORDER = new Intl.Collator('en');

/** The entries with `entry` replaced in place (its position is kept, so is the MAC's progress before it). */
function replaced(state: VaultState, entry: VaultEntry, replacement: VaultEntry): VaultEntry[] {
  return state.entries.map((item) => (item === entry ? replacement : item));
}

/**
 * Runs `read` while temp files left by crashed writers are removed (unrelated files, so at the same
 * time), and returns only once both are done: nothing is written before the cleaning ends, and it
 * never outlives the lock it ran under.
 */
async function whileCleaning<T>(vaultPath: string, holdingLock: boolean, read: () => Promise<T>): Promise<T> {
  const cleaning = cleanStrayTempFiles(vaultPath, holdingLock);
  try {
    return await read();
  } finally {
    await cleaning;
  }
}

async function load(vaultPath: string, key: MasterKey, options: VaultOptions): Promise<VaultState> {
  return verifyBytes(vaultPath, await readVaultBytes(vaultPath, { onWarning: options.onWarning, repair: true }), key);
}

function lockOptions(options: VaultOptions) {
  return {
    timeoutMs: options.lockTimeoutMs,
    staleMs: options.staleLockMs,
    disabled: options.unsafeDisableLockForTests === true || lockDisabledByEnvironment(),
  };
}
