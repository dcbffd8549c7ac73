import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** AES-256-GCM with a 96-bit IV (the size GCM is defined for) and a full 128-bit tag. */
export const CIPHER = 'aes-256-gcm';
export const KEY_BYTES = 32;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
export const MAC_BYTES = 32;

/** OWASP's scrypt recommendation (N=2^17, r=8, p=1) is both what we write and the floor we accept. */
export const SCRYPT_DEFAULTS = { N: 2 ** 17, r: 8, p: 1 } as const;
export const SCRYPT_MIN = { N: 2 ** 17, r: 8, p: 1, saltBytes: 16 } as const;
/** Refuse parameters that would need more memory than this: a damaged header must not exhaust RAM. */
export const SCRYPT_MAX_MEMORY = 1024 * 1024 * 1024;
export const SALT_BYTES = 16;

/** Distinct HKDF info strings: one master key, independent keys for each job. */
const INFO = {
  data: 'workflow-secrets vault v1 data encryption',
  mac: 'workflow-secrets vault v1 file mac',
  check: 'workflow-secrets vault v1 key check',
} as const;
const KEY_CHECK_INPUT = 'workflow-secrets vault key check';

export interface VaultKeys {
  /** Encrypts each secret's data (AES-256-GCM). */
  dataKey: Buffer;
  /** Authenticates the whole file (HMAC-SHA256). */
  macKey: Buffer;
  /** Produces the header's key check, which tells a wrong key from a damaged file. */
  checkKey: Buffer;
}

export interface ScryptParameters {
  salt: Buffer;
  N: number;
  r: number;
  p: number;
}

export interface Sealed {
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

/** HKDF-SHA256 subkeys of a 32-byte root key (the raw master key, or scrypt's output). */
export function deriveVaultKeys(rootKey: Buffer): VaultKeys {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', rootKey, Buffer.alloc(0), info, KEY_BYTES));
  return { dataKey: derive(INFO.data), macKey: derive(INFO.mac), checkKey: derive(INFO.check) };
}

/** The memory scrypt needs for these parameters (128·N·r plus the p lanes), with headroom. */
export function scryptMemory(N: number, r: number, p: number): number {
  return 128 * r * (N + p + 2) + 16 * 1024 * 1024;
}

const scryptCache = new Map<string, Promise<Buffer>>();
const SCRYPT_CACHE_LIMIT = 8;

/**
 * scrypt(passphrase, salt) → 32 bytes. Results are cached per (passphrase, salt, parameters) for
 * the life of the process, keyed by a hash so the map does not hold the passphrase itself: every
 * write re-verifies the file, and paying ~0.3 s of scrypt each time would make writes slow.
 */
export function deriveScryptKey(passphrase: string, params: ScryptParameters): Promise<Buffer> {
  const cacheKey = createHash('sha256')
    .update(`${params.N}:${params.r}:${params.p}:${params.salt.toString('base64')}:`)
    .update(passphrase, 'utf8')
    .digest('base64');
  const cached = scryptCache.get(cacheKey);
  if (cached) {
    // Refresh its place so the most recently used keys stay.
    scryptCache.delete(cacheKey);
    scryptCache.set(cacheKey, cached);
    return cached;
  }
  const pending = new Promise<Buffer>((resolve, reject) => {
    scrypt(passphrase, params.salt, KEY_BYTES, { N: params.N, r: params.r, p: params.p, maxmem: scryptMemory(params.N, params.r, params.p) }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
  scryptCache.set(cacheKey, pending);
  pending.catch(() => scryptCache.delete(cacheKey));
  while (scryptCache.size > SCRYPT_CACHE_LIMIT) {
    const oldest = scryptCache.keys().next().value;
    if (oldest === undefined) break;
    scryptCache.delete(oldest);
  }
  return pending;
}

/** Forgets cached passphrase-derived keys (tests, and after a key rotation). */
export function clearDerivedKeyCache(): void {
  scryptCache.clear();
}

/** Encrypts with a fresh random IV every time; `aad` binds the ciphertext to its secret. */
export function encryptData(key: Buffer, plaintext: Buffer, aad: Buffer): Sealed {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(CIPHER, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), ciphertext };
}

/** Decrypts, or returns undefined when the tag does not verify (wrong key, altered data or AAD). */
export function decryptData(key: Buffer, sealed: Sealed, aad: Buffer): Buffer | undefined {
  // A short tag would let GCM accept forgeries more easily: insist on exactly 16 bytes.
  if (sealed.iv.length !== IV_BYTES || sealed.tag.length !== TAG_BYTES) return undefined;
  const decipher = createDecipheriv(CIPHER, key, sealed.iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.tag);
  try {
    const head = decipher.update(sealed.ciphertext);
    // GCM is a stream mode: final() only checks the tag and gives no more bytes (concat if it ever did).
    const tail = decipher.final();
    return tail.length === 0 ? head : Buffer.concat([head, tail]);
  } catch {
    return undefined;
  }
}

export function hmacSha256(key: Buffer, data: string | Buffer): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

export function computeKeyCheck(keys: VaultKeys): Buffer {
  return hmacSha256(keys.checkKey, KEY_CHECK_INPUT);
}

export function equalBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export function randomSalt(): Buffer {
  return randomBytes(SALT_BYTES);
}

/**
 * Deterministic JSON: object keys sorted by code unit, no whitespace, undefined members dropped.
 * The MAC and the AAD are computed over this, so formatting and key order in the file do not matter
 * but every value does. Fast path: a key-sorted copy serialized by one JSON.stringify. V8 puts
 * array-index-like keys ("0", "12") first whatever the insertion order, so objects with such keys
 * take the slow, hand-written path.
 */
export function canonicalJson(value: unknown): string {
  try {
    return JSON.stringify(sortedCopy(value)) ?? 'null';
  } catch (error) {
    if (error !== INDEX_KEY) throw error;
    return slowCanonicalJson(value);
  }
}

const INDEX_LIKE = /^(?:0|[1-9]\d*)$/;
const INDEX_KEY = Symbol('index-like key');

function sortedCopy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return checkedPrimitive(value);
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : sortedCopy(item)));
  const keys = Object.keys(value).sort(compareCodeUnits);
  // No prototype: an own "__proto__" key stays a key instead of setting the prototype.
  const copy: Record<string, unknown> = Object.create(null);
  for (const key of keys) {
    if (INDEX_LIKE.test(key)) throw INDEX_KEY;
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined) copy[key] = sortedCopy(member);
  }
  return copy;
}

function slowCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(checkedPrimitive(value)) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : slowCanonicalJson(item))).join(',')}]`;
  const members = Object.keys(value)
    .sort(compareCodeUnits)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${slowCanonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${members.join(',')}}`;
}

function checkedPrimitive(value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
  return value;
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
