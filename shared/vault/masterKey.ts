import { randomBytes, timingSafeEqual } from 'node:crypto';
import { WorkflowSecretsError } from '../errors';
import type { MasterKey } from './vaultTypes';

/** Holds the master key: base64 (44 characters) or hex (64) of 32 bytes, else a passphrase. */
export const MASTER_KEY_ENV = 'WORKFLOW_SECRETS_KEY';
export const MASTER_KEY_BYTES = 32;
/** Shorter passphrases are refused: scrypt slows guessing down, it cannot make "1234" safe. */
export const MIN_PASSPHRASE_LENGTH = 8;

const BASE64_KEY = /^[A-Za-z0-9+/]{43}=$/;
const HEX_KEY = /^[0-9a-fA-F]{64}$/;

/**
 * Reads a master key as a person or the environment gives it. Surrounding whitespace is ignored
 * (a trailing newline from `$(cat key.txt)` is common). 32 bytes in canonical base64 or in hex are
 * a raw key; anything else is a passphrase, stretched with scrypt when a vault is opened.
 * Throws `key-invalid` (never echoing the text) for an empty or short passphrase.
 */
export function parseMasterKey(text: string, origin = 'The master key'): MasterKey {
  const trimmed = text.trim();
  if (BASE64_KEY.test(trimmed)) {
    const bytes = Buffer.from(trimmed, 'base64');
    // Only canonical base64 is a key, so a passphrase that merely looks similar stays a passphrase.
    if (bytes.length === MASTER_KEY_BYTES && bytes.toString('base64') === trimmed) return { kind: 'raw', bytes };
  }
  if (HEX_KEY.test(trimmed)) return { kind: 'raw', bytes: Buffer.from(trimmed, 'hex') };
  if (trimmed.length === 0) {
    throw new WorkflowSecretsError('key-invalid', `${origin} is empty.`, keyFormatHint());
  }
  if ([...trimmed].length < MIN_PASSPHRASE_LENGTH) {
    throw new WorkflowSecretsError(
      'key-invalid',
      `${origin} is neither a 32-byte key (44 base64 or 64 hex characters) nor a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters.`,
      keyFormatHint(),
    );
  }
  return { kind: 'passphrase', passphrase: trimmed };
}

/** 32 random bytes from the operating system's CSPRNG. */
export function generateMasterKey(): MasterKey {
  return { kind: 'raw', bytes: randomBytes(MASTER_KEY_BYTES) };
}

/** The text that `parseMasterKey` reads back: base64 for a raw key, the passphrase itself otherwise. */
export function formatMasterKey(key: MasterKey): string {
  return key.kind === 'raw' ? key.bytes.toString('base64') : key.passphrase;
}

/** The key in WORKFLOW_SECRETS_KEY, or undefined when it is unset or empty. */
export function masterKeyFromEnvironment(env: Record<string, string | undefined> = process.env): MasterKey | undefined {
  const text = env[MASTER_KEY_ENV];
  if (text === undefined || text.trim() === '') return undefined;
  return parseMasterKey(text, `The key in ${MASTER_KEY_ENV}`);
}

/** Constant-time comparison of two keys (used to tell "same key" without leaking it through timing). */
export function sameMasterKey(a: MasterKey, b: MasterKey): boolean {
  if (a.kind === 'raw' && b.kind === 'raw') return a.bytes.length === b.bytes.length && timingSafeEqual(a.bytes, b.bytes);
  if (a.kind === 'passphrase' && b.kind === 'passphrase') {
    const left = Buffer.from(a.passphrase, 'utf8');
    const right = Buffer.from(b.passphrase, 'utf8');
    return left.length === right.length && timingSafeEqual(left, right);
  }
  return false;
}

/** Words for messages: which kind of key, never the key. */
export function describeMasterKeyKind(key: MasterKey): string {
  return key.kind === 'raw' ? 'a 32-byte key' : 'a passphrase';
}

function keyFormatHint(): string {
  return `Give a key made by \`workflow-secrets key generate\` (base64 or hex of 32 bytes) or a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters.`;
}
