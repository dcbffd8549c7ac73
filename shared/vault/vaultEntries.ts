import { randomUUID } from 'node:crypto';
import { isSecretType, presentFieldNames, validateSecretData, SECRET_TYPES } from '../secretTypes';
import type { SecretData, SecretType } from '../secretTypes';
import { nameProblem } from '../secretNames';
import { canonicalJson, decryptData, encryptData } from './vaultCrypto';
import type { Sealed, VaultKeys } from './vaultCrypto';
import { VAULT_FORMAT_VERSION } from './vaultFormat';
import type { VaultEntry } from './vaultFormat';
import { secretInvalid, vaultCorrupt, vaultTampered } from './vaultErrors';
import type { NewSecret, SecretMetadata } from './vaultTypes';

/** One entry of the vault: its readable metadata and its encrypted data. */

export const MAX_TAG_LENGTH = 64;
export const MAX_DESCRIPTION_LENGTH = 2_000;

/** Binds a ciphertext to its secret: moving it to another entry or renaming it in the file fails. */
export function entryAad(metadata: Pick<SecretMetadata, 'id' | 'name' | 'type'>): Buffer {
  return Buffer.from(canonicalJson({ id: metadata.id, name: metadata.name, type: metadata.type, formatVersion: VAULT_FORMAT_VERSION }), 'utf8');
}

/** Encrypts data under a fresh IV; `fields` and `expiresAt` in the metadata follow the data. */
export function sealEntry(keys: VaultKeys, metadata: SecretMetadata, data: SecretData): VaultEntry {
  const described = describeData(metadata, data);
  const sealed = encryptData(keys.dataKey, Buffer.from(JSON.stringify(data), 'utf8'), entryAad(described));
  return {
    metadata: described,
    iv: sealed.iv.toString('base64'),
    tag: sealed.tag.toString('base64'),
    ciphertext: sealed.ciphertext.toString('base64'),
  };
}

/** Decrypts and re-validates an entry's data: `vault-tampered` when GCM refuses it. */
export function openEntry(keys: VaultKeys, entry: VaultEntry, path: string): SecretData {
  return openSealedEntry(keys, entry, sealedPartsOf(entry), path);
}

/** An entry's sealed data decoded, with its AAD: what decryption needs, reusable while the entry is unchanged. */
export interface SealedParts extends Sealed {
  aad: Buffer;
  /** The data key under which this data was once decrypted and found to fit its type (see openSealedEntry). */
  checkedUnder?: Buffer;
}

export function sealedPartsOf(entry: VaultEntry): SealedParts {
  return {
    iv: Buffer.from(entry.iv, 'base64'),
    tag: Buffer.from(entry.tag, 'base64'),
    ciphertext: Buffer.from(entry.ciphertext, 'base64'),
    aad: entryAad(entry.metadata),
  };
}

/**
 * openEntry with the entry's parts already decoded (`parts` must be sealedPartsOf(entry)). GCM
 * authenticates every decryption; the data's fit to its type is checked the first time only, since
 * the same ciphertext under the same key can only ever authenticate as the same plaintext.
 */
export function openSealedEntry(keys: VaultKeys, entry: VaultEntry, parts: SealedParts, path: string): SecretData {
  const plaintext = decryptData(keys.dataKey, parts, parts.aad);
  if (!plaintext) throw vaultTampered(path, `the encrypted data of the secret "${entry.metadata.name}" does not authenticate`);
  let data: unknown;
  try {
    data = JSON.parse(plaintext.toString('utf8'));
  } catch {
    throw vaultCorrupt(path, `the decrypted data of the secret "${entry.metadata.name}" is not JSON`);
  }
  if (parts.checkedUnder === keys.dataKey) return data as SecretData;
  const checked = validateSecretData(entry.metadata.type, data);
  if (!checked.ok) throw vaultCorrupt(path, `the decrypted data of the secret "${entry.metadata.name}" does not fit its type ${entry.metadata.type}`);
  parts.checkedUnder = keys.dataKey;
  return checked.data;
}

/**
 * A copy callers may change freely, its members in the model's order whatever the file's order
 * (our layout writes them sorted). Built member by member: much cheaper than spreading.
 */
export function copyMetadata(m: SecretMetadata): SecretMetadata {
  const tags = [...m.tags];
  const fields = [...m.fields];
  return m.expiresAt === undefined
    ? { id: m.id, name: m.name, type: m.type, description: m.description, tags, fields, createdAt: m.createdAt, updatedAt: m.updatedAt }
    : { id: m.id, name: m.name, type: m.type, description: m.description, tags, fields, expiresAt: m.expiresAt, createdAt: m.createdAt, updatedAt: m.updatedAt };
}

export function describeData(metadata: SecretMetadata, data: SecretData): SecretMetadata {
  const { expiresAt: _previous, ...rest } = metadata;
  const expiresAt = metadata.type === 'bearerToken' ? (data as { expiresAt?: string }).expiresAt : undefined;
  return { ...rest, fields: presentFieldNames(data), ...(expiresAt === undefined ? {} : { expiresAt }) };
}

export interface CheckedSecret {
  name: string;
  type: SecretType;
  data: SecretData;
  description: string;
  tags: string[];
}

/** Validates a new secret's name, type, data, description and tags (messages never show values). */
export function checkNewSecret(secret: NewSecret): CheckedSecret {
  const name = typeof secret.name === 'string' ? secret.name : '';
  const nameIssue = nameProblem(name);
  if (nameIssue) throw secretInvalid(name, [nameIssue.replace(/\.$/, '')]);
  if (!isSecretType(secret.type)) throw secretInvalid(name, [`the type must be one of ${SECRET_TYPES.join(', ')}`]);
  const data = checkData(name, secret.type, secret.data);
  return { name, type: secret.type, data, description: checkDescription(name, secret.description), tags: checkTags(name, secret.tags) };
}

export function checkData(name: string, type: SecretType, data: unknown): SecretData {
  const checked = validateSecretData(type, data);
  if (!checked.ok) throw secretInvalid(name, checked.problems);
  return checked.data;
}

export function checkDescription(name: string, description: unknown): string {
  if (description === undefined) return '';
  if (typeof description !== 'string') throw secretInvalid(name, ['the description must be text']);
  if (description.length > MAX_DESCRIPTION_LENGTH) throw secretInvalid(name, [`the description is longer than ${MAX_DESCRIPTION_LENGTH} characters`]);
  return description;
}

/** Tags: trimmed, non-empty, at most 64 characters, duplicates dropped, order kept. */
export function checkTags(name: string, tags: unknown): string[] {
  if (tags === undefined) return [];
  if (!Array.isArray(tags)) throw secretInvalid(name, ['the tags must be a list of text']);
  const result: string[] = [];
  for (const tag of tags) {
    if (typeof tag !== 'string' || tag.trim() === '') throw secretInvalid(name, ['every tag must be non-empty text']);
    const trimmed = tag.trim();
    if (trimmed.length > MAX_TAG_LENGTH) throw secretInvalid(name, [`a tag is longer than ${MAX_TAG_LENGTH} characters`]);
    if (!result.includes(trimmed)) result.push(trimmed);
  }
  return result;
}

export function newSecretMetadata(secret: CheckedSecret, now: string): SecretMetadata {
  return {
    id: randomUUID(),
    name: secret.name,
    type: secret.type,
    description: secret.description,
    tags: secret.tags,
    fields: [],
    createdAt: now,
    updatedAt: now,
  };
}

/** An ISO timestamp strictly after `previous`, so updatedAt always advances even within a millisecond. */
export function advancedTimestamp(now: Date, previous?: string): string {
  const last = previous === undefined ? Number.NEGATIVE_INFINITY : Date.parse(previous);
  const time = Number.isNaN(last) || now.getTime() > last ? now.getTime() : last + 1;
  return new Date(time).toISOString();
}
