import type { MasterKey } from './vaultTypes';
import { describeMasterKeyKind } from './masterKey';
import { SCRYPT_DEFAULTS, computeKeyCheck, deriveScryptKey, deriveVaultKeys, equalBytes, hmacSha256, randomSalt, scryptMemory } from './vaultCrypto';
import type { VaultKeys } from './vaultCrypto';
import { authenticatedJson } from './vaultFormat';
import type { VaultDocument, VaultEntry, VaultHeader, VaultKdf } from './vaultFormat';
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
  // Members in reading order for people; the MAC does not depend on it.
  const sealedHeader: VaultHeader = {
    format: header.format,
    version: header.version,
    generation: header.generation,
    ...(header.environment === undefined ? {} : { environment: header.environment }),
    kdf: header.kdf,
    keyCheck: computeKeyCheck(keys).toString('base64'),
  };
  const mac = computeMac(keys, { header: sealedHeader, entries }).toString('base64');
  return { header: sealedHeader, entries, mac };
}

/**
 * Key check and MAC together tell the cases apart: both fail → wrong key; the key check passes
 * but the MAC fails → the file was altered; the MAC passes (which proves the key) but the key
 * check fails → the key check itself was altered.
 */
export function judgeDocument(document: VaultDocument, keys: VaultKeys): { keyOk: boolean; macOk: boolean } {
  const keyOk = equalBytes(computeKeyCheck(keys), Buffer.from(document.header.keyCheck, 'base64'));
  const macOk = equalBytes(computeMac(keys, document), Buffer.from(document.mac, 'base64'));
  return { keyOk, macOk };
}

/** Throws `vault-wrong-key` or `vault-tampered` unless the key is right and the file intact. */
export function verifyDocument(document: VaultDocument, keys: VaultKeys, path: string): void {
  const { keyOk, macOk } = judgeDocument(document, keys);
  if (keyOk && macOk) return;
  if (!keyOk && !macOk) throw vaultWrongKey(path);
  if (!macOk) throw vaultTampered(path, 'its MAC does not match its content (an entry or the header was edited, swapped, added or removed)');
  throw vaultTampered(path, "the header's key check was altered (the MAC proves the key is right)");
}

/** Keys for a parsed document, verified against it. */
export async function unlockDocument(document: VaultDocument, key: MasterKey, path: string): Promise<VaultKeys> {
  const keys = await keysFor(key, document.header.kdf, path);
  verifyDocument(document, keys, path);
  return keys;
}
