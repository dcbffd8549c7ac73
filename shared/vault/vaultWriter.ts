import type { VaultKeys } from './vaultCrypto';
import type { VaultDocument, VaultEntry, VaultHeader } from './vaultFormat';
import { writeVaultTextAtomic } from './vaultFile';
import { layoutVaultFile } from './vaultLayout';
import type { LaidOutFile } from './vaultLayout';
import { resumableMac } from './vaultMac';
import type { MacProgress } from './vaultMac';
import { sealHeader } from './vaultSeal';

/**
 * Sealing and writing a new version of the file, cheaply when it mostly repeats the last one this
 * instance wrote: unchanged entries keep their canonical line (lineOf), the MAC resumes after the
 * leading entries that did not change (vaultMac.ts) and those lines are copied in one piece
 * (vaultLayout.ts). Nothing is re-encrypted but the changed entry, sealed by the caller.
 */

/** What a write leaves for the next one: its entries and their lines, its laid-out bytes, its MAC's progress. */
export interface WriteResume {
  entries: readonly VaultEntry[];
  lines: readonly Buffer[];
  file: LaidOutFile;
  mac: MacProgress;
}

export interface SealedFile {
  document: VaultDocument;
  bytes: Buffer;
  resume: WriteResume;
}

/** sealDocument (fresh key check and MAC) and the file's bytes in our layout. */
export function sealVaultFile(
  header: Omit<VaultHeader, 'keyCheck'>,
  entries: VaultEntry[],
  keys: VaultKeys,
  lineOf: (entry: VaultEntry) => Buffer,
  previous?: WriteResume,
): SealedFile {
  const sealedHeader = sealHeader(header, keys);
  // Leading entries that are the very same objects have the very same lines.
  const kept = previous ? samePrefix(previous.entries, entries) : 0;
  const lines = previous ? previous.lines.slice(0, kept) : [];
  for (let i = kept; i < entries.length; i++) lines.push(lineOf(entries[i] as VaultEntry));
  const { mac, progress } = resumableMac(keys.macKey, sealedHeader, lines, kept, previous?.mac);
  const text = mac.toString('base64');
  const file = layoutVaultFile(sealedHeader, lines, text, previous && { file: previous.file, kept });
  return { document: { header: sealedHeader, entries, mac: text }, bytes: file.bytes, resume: { entries, lines, file, mac: progress } };
}

/** Seals the entries under `keys` and replaces the file atomically. */
export async function writeSealed(
  vaultPath: string,
  header: Omit<VaultHeader, 'keyCheck'>,
  entries: VaultEntry[],
  keys: VaultKeys,
  lineOf: (entry: VaultEntry) => Buffer,
  previous?: WriteResume,
): Promise<SealedFile> {
  const sealed = sealVaultFile(header, entries, keys, lineOf, previous);
  await writeVaultTextAtomic(vaultPath, sealed.bytes);
  return sealed;
}

/** How many leading entries are the very same objects in both lists. */
function samePrefix(before: readonly VaultEntry[], after: readonly VaultEntry[]): number {
  const limit = Math.min(before.length, after.length);
  let i = 0;
  while (i < limit && before[i] === after[i]) i++;
  return i;
}
