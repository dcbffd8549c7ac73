import type { VaultEntry, VaultHeader } from './vaultFormat';

/**
 * The canonical JSON (see canonicalJson: keys sorted, no whitespace) of the two parts the file MAC
 * covers, built directly: the schema admits no other members, so each object is written with its
 * keys already in sorted order and serialized by one JSON.stringify. The MAC input is
 * `{"entries":[<entry>,<entry>,...],"header":<header>}`; tests assert it equals canonicalJson.
 */

/** One entry, as it appears inside the MAC input (and as one line of the file we write). */
export function canonicalEntryJson(entry: VaultEntry): string {
  return JSON.stringify(canonicalEntry(entry));
}

/** A copy with its keys in sorted order at every depth (tags and fields are lists of text). */
export function canonicalEntry(entry: VaultEntry): object {
  const m = entry.metadata;
  return {
    ciphertext: entry.ciphertext,
    iv: entry.iv,
    metadata: {
      createdAt: m.createdAt,
      description: m.description,
      expiresAt: m.expiresAt,
      fields: m.fields,
      id: m.id,
      name: m.name,
      tags: m.tags,
      type: m.type,
      updatedAt: m.updatedAt,
    },
    tag: entry.tag,
  };
}

/** The header without its key check (left out of the MAC so a damaged key check reads as tampering). */
export function canonicalHeaderJson(header: Omit<VaultHeader, 'keyCheck'>): string {
  return JSON.stringify(canonicalHeader(header));
}

export function canonicalHeader(header: Omit<VaultHeader, 'keyCheck'>): object {
  const kdf =
    header.kdf.name === 'none'
      ? { name: 'none' }
      : { N: header.kdf.N, maxmem: header.kdf.maxmem, name: 'scrypt', p: header.kdf.p, r: header.kdf.r, salt: header.kdf.salt };
  return { environment: header.environment, format: header.format, generation: header.generation, kdf, version: header.version };
}

/** `{"entries":` and `,"header":<header>}`: what surrounds the entries array in the MAC input. */
export const MAC_INPUT_HEAD = '{"entries":';
export function macInputTail(header: Omit<VaultHeader, 'keyCheck'>): string {
  return `,"header":${canonicalHeaderJson(header)}}`;
}
