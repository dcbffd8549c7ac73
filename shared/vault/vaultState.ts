import type { SecretData } from '../secretTypes';
import type { VaultKeys } from './vaultCrypto';
import { canonicalEntryJson } from './vaultCanonical';
import { openSealedEntry, sealedPartsOf } from './vaultEntries';
import type { SealedParts } from './vaultEntries';
import { foldName } from './vaultEntryShape';
import { parseVaultBytes } from './vaultFormat';
import type { VaultDocument, VaultEntry } from './vaultFormat';
import { unlockDocument } from './vaultSeal';
import type { SealedFile, WriteResume } from './vaultWriter';
import type { MasterKey } from './vaultTypes';

/** What one write did to the entries, so the name index can follow without being rebuilt. */
export interface EntryChange {
  removed?: VaultEntry;
  added?: VaultEntry;
}

/**
 * One verified state of the vault file, as an open Vault holds it: the document, its keys and the
 * exact bytes it was read from or written as. Never changed: a write makes a new state. A re-read
 * that finds these same bytes is this state again, with nothing to parse or verify.
 */
export class VaultState {
  /** Lower-cased name → entry; names are unique ignoring case (checked when read, kept by writes). */
  private byFoldedName: Map<string, VaultEntry> | undefined;

  constructor(
    readonly document: VaultDocument,
    readonly keys: VaultKeys,
    readonly bytes: Buffer,
    /** Set when this instance wrote the state: the next write resumes from it (vaultWriter.ts). */
    readonly resume?: WriteResume,
    /** The name index when the caller has it (made while reading); owned by this state from now on. */
    byFoldedName?: Map<string, VaultEntry>,
  ) {
    this.byFoldedName = byFoldedName;
  }

  get entries(): readonly VaultEntry[] {
    return this.document.entries;
  }

  get generation(): number {
    return this.document.header.generation;
  }

  /** The secret named exactly `name` (names are case-sensitive). */
  find(name: string): VaultEntry | undefined {
    const entry = this.findIgnoringCase(name);
    return entry?.metadata.name === name ? entry : undefined;
  }

  /** The secret whose name equals `name` ignoring case (sameNameIgnoringCase); there is at most one. */
  findIgnoringCase(name: string): VaultEntry | undefined {
    if (typeof name !== 'string') return undefined;
    this.byFoldedName ??= new Map(this.document.entries.map((entry) => [foldName(entry.metadata.name), entry]));
    return this.byFoldedName.get(foldName(name));
  }

  /**
   * The state written (under the same keys) after `change` was applied to this one. It takes over
   * this state's index (this state is superseded and rebuilds its own if ever asked again), updated
   * by the change; an index whose size no longer matches the entries is dropped, rebuilt on use.
   */
  successor(written: SealedFile, change: EntryChange): VaultState {
    const next = new VaultState(written.document, this.keys, written.bytes, written.resume);
    const index = this.byFoldedName;
    this.byFoldedName = undefined;
    if (index) {
      if (change.removed) index.delete(foldName(change.removed.metadata.name));
      if (change.added) index.set(foldName(change.added.metadata.name), change.added);
      if (index.size === written.document.entries.length) next.byFoldedName = index;
    }
    return next;
  }
}

/**
 * Work kept per entry object while a Vault holds it: its canonical line for the next write, and its
 * decoded IV, tag, ciphertext and AAD for decryption. Keyed by identity in weak maps, so an entry
 * dropped from the vault is forgotten with it. Sound because the Vault never changes an entry
 * object (a changed secret is a new entry) and hands out only copies. The plaintext is never kept.
 */
export class EntryCache {
  private readonly lines = new WeakMap<VaultEntry, Buffer>();
  private readonly parts = new WeakMap<VaultEntry, SealedParts>();

  /** The entry's canonical JSON as UTF-8: one line of the file and its piece of the MAC input. */
  line(entry: VaultEntry): Buffer {
    let line = this.lines.get(entry);
    if (!line) {
      line = Buffer.from(canonicalEntryJson(entry), 'utf8');
      this.lines.set(entry, line);
    }
    return line;
  }

  /** Decrypts the entry's data every time (the plaintext is never kept); see openSealedEntry. */
  open(keys: VaultKeys, entry: VaultEntry, path: string): SecretData {
    let parts = this.parts.get(entry);
    if (!parts) {
      parts = sealedPartsOf(entry);
      this.parts.set(entry, parts);
    }
    return openSealedEntry(keys, entry, parts, path);
  }
}

/** Parses and authenticates the file's bytes (shape, version, KDF strength, key check, MAC). */
export async function verifyBytes(vaultPath: string, bytes: Buffer, key: MasterKey): Promise<VaultState> {
  const { document, entries, byFoldedName } = parseVaultBytes(bytes, vaultPath);
  const keys = await unlockDocument(document, key, vaultPath, entries);
  return new VaultState(document, keys, bytes, undefined, byFoldedName);
}
