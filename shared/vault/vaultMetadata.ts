import * as path from 'node:path';
import { readVaultBytes } from './vaultFile';
import type { ReadOptions } from './vaultFile';
import { parseVaultBytes } from './vaultFormat';
import type { VaultDocument } from './vaultFormat';
import { keysFor, judgeDocument } from './vaultSeal';
import { copyMetadata } from './vaultEntries';
import type { MasterKey, SecretMetadata } from './vaultTypes';
import { isWorkflowSecretsError } from '../errors';

/** Reads and parses the file (shape, version and KDF strength), without a key. */
export async function readVaultDocument(vaultPath: string, options: ReadOptions = {}): Promise<VaultDocument> {
  return parseVaultBytes(await readVaultBytes(vaultPath, options), vaultPath).document;
}

export interface VaultMetadataSnapshot {
  secrets: SecretMetadata[];
  generation: number;
  environment?: string;
}

/**
 * The readable metadata, for the language server in other editors: no key needed, so it is only
 * checked for shape, not authenticated (the MAC needs the key). Never changes the file.
 */
export async function readVaultMetadata(vaultPath: string, options: { onWarning?: (message: string) => void } = {}): Promise<VaultMetadataSnapshot> {
  const resolved = path.resolve(vaultPath);
  const document = await readVaultDocument(resolved, { onWarning: options.onWarning, repair: false });
  return {
    secrets: document.entries.map(({ metadata }) => copyMetadata(metadata)),
    generation: document.header.generation,
    ...(document.header.environment === undefined ? {} : { environment: document.header.environment }),
  };
}

/**
 * Whether `key` opens the vault (to verify a key a person typed before storing it). Throws for a
 * missing, damaged, unsupported or weak-KDF file; a key of the other kind (passphrase vs 32-byte
 * key) is 'wrong-key'. Never changes the file.
 */
export async function checkVaultKey(vaultPath: string, key: MasterKey): Promise<'ok' | 'wrong-key'> {
  const resolved = path.resolve(vaultPath);
  // Opening with the key repairs and reports loose permissions; checking a key stays read-only and quiet.
  const { document, entries } = parseVaultBytes(await readVaultBytes(resolved, { repair: false, onWarning: () => undefined }), resolved);
  try {
    const keys = await keysFor(key, document.header.kdf, resolved);
    const { keyOk, macOk } = judgeDocument(document, keys, entries);
    return keyOk || macOk ? 'ok' : 'wrong-key';
  } catch (error) {
    if (isWorkflowSecretsError(error, 'vault-wrong-key')) return 'wrong-key';
    throw error;
  }
}
