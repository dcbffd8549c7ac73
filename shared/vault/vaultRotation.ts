import { setImmediate as nextTurn } from 'node:timers/promises';
import { canonicalJson } from './vaultCrypto';
import type { VaultKeys } from './vaultCrypto';
import type { VaultDocument, VaultEntry } from './vaultFormat';
import { openEntry, sealEntry } from './vaultEntries';
import { vaultCorrupt } from './vaultErrors';

/** Entries between yields to the event loop, so an abort or other work gets a turn on big vaults. */
const BATCH = 200;

/**
 * Key rotation's core: every entry decrypted with the old keys and sealed under the new ones, then
 * each new entry decrypted again with the new keys and compared with the original data, all before
 * anything is written. Progress counts entries re-encrypted; an abort throws the signal's reason.
 */
export async function reencryptEntries(
  loaded: { document: VaultDocument; keys: VaultKeys },
  newKeys: VaultKeys,
  vaultPath: string,
  onProgress?: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<VaultEntry[]> {
  const source = loaded.document.entries;
  const total = source.length;
  onProgress?.(0, total);
  const result: VaultEntry[] = [];
  for (const [index, entry] of source.entries()) {
    if (index % BATCH === 0 && index > 0) await nextTurn();
    signal?.throwIfAborted();
    const data = openEntry(loaded.keys, entry, vaultPath);
    const resealed = sealEntry(newKeys, entry.metadata, data);
    const check = openEntry(newKeys, resealed, vaultPath);
    if (canonicalJson(check) !== canonicalJson(data)) {
      throw vaultCorrupt(vaultPath, `re-encrypting the secret "${entry.metadata.name}" did not give back the same data; the key was not changed`);
    }
    result.push(resealed);
    onProgress?.(index + 1, total);
  }
  return result;
}
