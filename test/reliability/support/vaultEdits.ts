import type { VaultDocument } from '../../../shared/vault/vaultFormat';
import type { MasterKey } from '../../../shared/vault/vaultTypes';

/** Hand edits of vault files and keys for the tampering test. */
export function swapSealed(document: VaultDocument, a: number, b: number): void {
  const first = document.entries[a]!;
  const second = document.entries[b]!;
  for (const member of ['iv', 'tag', 'ciphertext'] as const) [first[member], second[member]] = [second[member], first[member]];
}

export function flipKeyBit(key: MasterKey): MasterKey {
  if (key.kind !== 'raw') throw new Error('raw key expected');
  const bytes = Buffer.from(key.bytes);
  bytes[0] = (bytes[0] as number) ^ 1;
  return { kind: 'raw', bytes };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The same bytes written with the padding bits of the last character set, or undefined when there are none. */
export function setUnusedBits(text: string): string | undefined {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  if (padding === 0) return undefined;
  const index = text.length - padding - 1;
  const value = ALPHABET.indexOf(text[index]!);
  const unused = padding === 2 ? 0b1111 : 0b11;
  const loose = `${text.slice(0, index)}${ALPHABET[value | unused]}${text.slice(index + 1)}`;
  if (!Buffer.from(loose, 'base64').equals(Buffer.from(text, 'base64'))) throw new Error('the edit changed the bytes');
  return loose;
}
