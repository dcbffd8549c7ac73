import type { SecretType, SecretData } from '../secretTypes';

/**
 * Readable, authenticated metadata of one secret. Field names and a bearer token's expiry are
 * metadata (the language server needs them without a key); every field value is encrypted.
 */
export interface SecretMetadata {
  /** UUID, stable for the secret's life (kept across update and rename). */
  id: string;
  name: string;
  type: SecretType;
  description: string;
  tags: string[];
  fields: string[];
  expiresAt?: string;
  createdAt: string;
  updatedAt: string;
}

export interface StoredSecret extends SecretMetadata {
  data: SecretData;
}

export interface NewSecret {
  name: string;
  type: SecretType;
  data: unknown;
  description?: string;
  tags?: string[];
}

export interface SecretChanges {
  /** Full replacement data, validated against the secret's (unchanged) type. */
  data?: unknown;
  description?: string;
  tags?: string[];
  /** Passing a different type is refused with a clear error. */
  type?: SecretType;
}

export interface ListFilter {
  type?: SecretType;
  /** Secrets carrying every one of these tags. */
  tags?: string[];
}

/** The master key as given: 32 raw bytes (base64 or hex), or a passphrase stretched with scrypt. */
export type MasterKey = { kind: 'raw'; bytes: Buffer } | { kind: 'passphrase'; passphrase: string };

/** The vault's operations. Every write is atomic, locked across processes and re-reads under the lock. */
export interface VaultApi {
  readonly path: string;
  list(filter?: ListFilter): SecretMetadata[];
  get(name: string): StoredSecret | undefined;
  /** Like get, but throws a `secret-not-found` WorkflowSecretsError naming the vault. */
  require(name: string): StoredSecret;
  add(secret: NewSecret): Promise<SecretMetadata>;
  update(name: string, changes: SecretChanges): Promise<SecretMetadata>;
  rename(name: string, newName: string): Promise<SecretMetadata>;
  delete(name: string): Promise<void>;
  /** Re-reads the file (another process may have written it). */
  reload(): Promise<void>;
  /** Re-encrypts every secret under the new key, verifies, then replaces the file atomically. */
  rotateKey(newKey: MasterKey, onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<void>;
}
