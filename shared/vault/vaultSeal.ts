import { createHmac } from 'node:crypto';
import type { MasterKey } from './vaultTypes';
import { describeMasterKeyKind } from './masterKey';
import { SCRYPT_DEFAULTS, computeKeyCheck, deriveScryptKey, deriveVaultKeys, equalBytes, hmacSha256, randomSalt, scryptMemory } from './vaultCrypto';
import type { VaultKeys } from './vaultCrypto';
import { MAC_INPUT_HEAD, macInputTail } from './vaultCanonical';
import { authenticatedJson } from './vaultFormat';
import type { VaultDocument, VaultEntry, VaultHeader, VaultKdf } from './vaultFormat';
import { feedCompactEntries } from './vaultLayout';
import type { EntriesText } from './vaultLayout';
import { vaultTampered, vaultWrongKey } from './vaultErrors';

/**
 * Keys and the file's authenticity: deriving the subkeys a header calls for, the key check, the
 * MAC over the canonical header and entries, and telling a wrong key from an altered file.
 */

/** The KDF header for a new key: none for a raw key, scrypt with a fresh salt for a passphrase. */
export function kdfFor(key: MasterKey): VaultKdf {
  if (key.kind === 'raw') return { name: 'none' };
  const { N, r, p } = SCRYPT_DEFAULTS;
  return { name: 'scrypt', salt: randomSalt().toString('base64'), N, r, p, maxmem: scryptMemory(N, r, p) };
}

/** Derives the subkeys; a key of the other kind than the header expects is a wrong key. */
export async function keysFor(key: MasterKey, kdf: VaultKdf, path: string): Promise<VaultKeys> {
  if (kdf.name === 'none') {
    if (key.kind !== 'raw') throw vaultWrongKey(path, `it was created with a 32-byte key, but ${describeMasterKeyKind(key)} was given`);
    return deriveVaultKeys(key.bytes);
  }
  if (key.kind !== 'passphrase') throw vaultWrongKey(path, `it is protected by a passphrase, but ${describeMasterKeyKind(key)} was given`);
  const root = await deriveScryptKey(key.passphrase, { salt: Buffer.from(kdf.salt, 'base64'), N: kdf.N, r: kdf.r, p: kdf.p });
  return deriveVaultKeys(root);
}

export function computeMac(keys: VaultKeys, document: Pick<VaultDocument, 'header' | 'entries'>): Buffer {
  return hmacSha256(keys.macKey, authenticatedJson(document));
}

/** Builds a complete document: fresh key check and MAC for this header and these entries. */
export function sealDocument(header: Omit<VaultHeader, 'keyCheck'>, entries: VaultEntry[], keys: VaultKeys): VaultDocument {
  const sealedHeader = sealHeader(header, keys);
  const mac = computeMac(keys, { header: sealedHeader, entries }).toString('base64');
  return { header: sealedHeader, entries, mac };
}

/** The header with a fresh key check, members in reading order. */
export function sealHeader(header: Omit<VaultHeader, 'keyCheck'>, keys: VaultKeys): VaultHeader {
  // Members in reading order for people; the MAC does not depend on it.
  return {
    format: header.format,
    version: header.version,
    generation: header.generation,
    ...(header.environment === undefined ? {} : { environment: header.environment }),
    kdf: header.kdf,
    keyCheck: computeKeyCheck(keys).toString('base64'),
  };
}

/**
 * Whether the MAC matches. First on the entries' text as read, in our layout (vaultLayout.ts),
 * without re-serializing 10k entries: the text fed is the entries read with whitespace between
 * tokens taken out, followed by the canonical header read. The key's holder only ever MACs the
 * canonical JSON of what it wrote, so a match means this text is such a document, and what was read
 * (the same JSON value) is what it wrote. Any other layout, or no match, is checked the plain way,
 * on the canonical JSON built from the parsed content, so the outcome never depends on the layout.
 */
function macMatches(document: VaultDocument, keys: VaultKeys, entries: EntriesText | undefined): boolean {
  const expected = Buffer.from(document.mac, 'base64');
  if (entries !== undefined) {
    const hmac = createHmac('sha256', keys.macKey).update(MAC_INPUT_HEAD);
    if (feedCompactEntries(entries, hmac) && equalBytes(hmac.update(macInputTail(document.header)).digest(), expected)) return true;
  }
  return equalBytes(computeMac(keys, document), expected);
}

/**
 * Key check and MAC together tell the cases apart: both fail → wrong key; the key check passes
 * but the MAC fails → the file was altered; the MAC passes (which proves the key) but the key
 * check fails → the key check itself was altered. `entries` (the text as read) is optional.
 */
export function judgeDocument(document: VaultDocument, keys: VaultKeys, entries?: EntriesText): { keyOk: boolean; macOk: boolean } {
  const keyOk = equalBytes(computeKeyCheck(keys), Buffer.from(document.header.keyCheck, 'base64'));
  const macOk = macMatches(document, keys, entries);
  return { keyOk, macOk };
}

/** Throws `vault-wrong-key` or `vault-tampered` unless the key is right and the file intact. */
export function verifyDocument(document: VaultDocument, keys: VaultKeys, path: string, entries?: EntriesText): void {
  const { keyOk, macOk } = judgeDocument(document, keys, entries);
  if (keyOk && macOk) return;
  if (!keyOk && !macOk) throw vaultWrongKey(path);
  if (!macOk) throw vaultTampered(path, 'its MAC does not match its content (an entry or the header was edited, swapped, added or removed)');
  throw vaultTampered(path, "the header's key check was altered (the MAC proves the key is right)");
}

/** Keys for a parsed document, verified against it. */
export async function unlockDocument(document: VaultDocument, key: MasterKey, path: string, entries?: EntriesText): Promise<VaultKeys> {
  const keys = await keysFor(key, document.header.kdf, path);
  verifyDocument(document, keys, path, entries);
  return keys;
}
