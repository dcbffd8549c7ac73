import { z } from 'zod';
import { SECRET_TYPES, bearerTokenSchema } from '../secretTypes';
import { nameProblem } from '../secretNames';
import { IV_BYTES, MAC_BYTES, SCRYPT_MAX_MEMORY, SCRYPT_MIN, TAG_BYTES, scryptMemory } from './vaultCrypto';
import { vaultCorrupt, vaultUnsupportedVersion, vaultWeakKdf } from './vaultErrors';

/**
 * The vault file, format version 1 (JSON):
 * { header: { format, version, kdf, keyCheck, generation, environment? },
 *   entries: [{ metadata, iv, tag, ciphertext }], mac }
 * Binary values are canonical base64. Unknown members are refused: anything accepted is covered
 * by the MAC, and a new member means a new format version.
 */
export const VAULT_FORMAT = 'workflow-secrets-vault';
export const VAULT_FORMAT_VERSION = 1;

// With the length a multiple of 4, this is base64; non-canonical final bits are caught by the MAC.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** createdAt / updatedAt as Date.toISOString writes them (with or without milliseconds). */
const ISO_DATE_TIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

// Header members and the MAC must be canonical: keyCheck and mac are outside the MAC, so other
// final bits (same bytes, other text) would let an altered file open (test/reliability/tampering).
const base64 = (bytes?: number) =>
  z.string().refine((text) => isBase64(text) && (bytes === undefined || base64Length(text) === bytes) && Buffer.from(text, 'base64').toString('base64') === text);
const validName = z.string().refine((text) => nameProblem(text) === undefined);

export const kdfSchema = z.discriminatedUnion('name', [
  z.strictObject({ name: z.literal('none') }),
  z.strictObject({
    name: z.literal('scrypt'),
    salt: base64(),
    // Zero is let through to be refused as weak (vault-weak-kdf), not as a damaged file.
    N: z.number().int().nonnegative(),
    r: z.number().int().nonnegative(),
    p: z.number().int().nonnegative(),
    maxmem: z.number().int().positive().optional(),
  }),
]);
export type VaultKdf = z.infer<typeof kdfSchema>;

export const headerSchema = z.strictObject({
  format: z.literal(VAULT_FORMAT),
  version: z.literal(VAULT_FORMAT_VERSION),
  kdf: kdfSchema,
  keyCheck: base64(MAC_BYTES),
  generation: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  environment: validName.optional(),
});
export type VaultHeader = z.infer<typeof headerSchema>;

/**
 * Entries are checked in two steps for speed on big vaults (10k entries): zod for the structure,
 * then one loop for the values (UUID, names, dates, base64), which per-field refinements made
 * several times slower.
 */
export const metadataSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  type: z.enum(SECRET_TYPES),
  description: z.string(),
  tags: z.array(z.string()),
  fields: z.array(z.string()),
  expiresAt: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const entrySchema = z.strictObject({
  metadata: metadataSchema,
  iv: z.string(),
  tag: z.string(),
  ciphertext: z.string(),
});
export type VaultEntry = z.infer<typeof entrySchema>;

export const vaultDocumentSchema = z
  .strictObject({ header: headerSchema, entries: z.array(entrySchema), mac: base64(MAC_BYTES) })
  .superRefine((document, context) => {
    const ids = new Set<string>();
    const names = new Set<string>();
    document.entries.forEach((entry, index) => {
      const invalid = invalidMember(entry);
      if (invalid) context.addIssue({ code: 'custom', message: 'invalid', path: ['entries', index, ...invalid] });
      const { id, name } = entry.metadata;
      if (ids.has(id)) context.addIssue({ code: 'custom', message: 'duplicate id', path: ['entries', index, 'metadata', 'id'] });
      ids.add(id);
      // Names are unique ignoring case (the rule of sameNameIgnoringCase).
      const folded = name.toLowerCase();
      if (names.has(folded)) context.addIssue({ code: 'custom', message: 'duplicate name', path: ['entries', index, 'metadata', 'name'] });
      names.add(folded);
    });
  });
export type VaultDocument = z.infer<typeof vaultDocumentSchema>;

/**
 * Reads the text of a vault file: `vault-corrupt` when it is not JSON or not our format,
 * `vault-unsupported-version` for another version, `vault-corrupt` when the shape is wrong (the
 * message names the member, never its content). Authenticity is checked later, with the key.
 */
export function parseVaultDocument(text: string, path: string): VaultDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw vaultCorrupt(path, text.length === 0 ? 'the file is empty' : 'the file is not valid JSON (it may be truncated)');
  }
  const header = isObject(raw) ? raw.header : undefined;
  if (!isObject(header) || header.format !== VAULT_FORMAT) {
    throw vaultCorrupt(path, 'the file is not a Workflow Secrets vault (its header is missing or does not name the format)');
  }
  if (header.version !== VAULT_FORMAT_VERSION) throw vaultUnsupportedVersion(path, header.version);
  const parsed = vaultDocumentSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = (issue && formatIssuePath(issue.path)) || 'the file';
    const what = issue?.message.startsWith('duplicate') ? `${where} is a ${issue.message}` : `${where} is missing or not valid`;
    throw vaultCorrupt(path, what);
  }
  checkKdfStrength(parsed.data.header.kdf, path);
  return parsed.data;
}

/** Refuses scrypt parameters below OWASP's recommendation, and absurd ones a damaged file might hold. */
export function checkKdfStrength(kdf: VaultKdf, path: string): void {
  if (kdf.name !== 'scrypt') return;
  const saltBytes = Buffer.from(kdf.salt, 'base64').length;
  if (kdf.N < SCRYPT_MIN.N || kdf.r < SCRYPT_MIN.r || kdf.p < SCRYPT_MIN.p || saltBytes < SCRYPT_MIN.saltBytes) {
    throw vaultWeakKdf(path, { N: kdf.N, r: kdf.r, p: kdf.p, saltBytes });
  }
  if ((kdf.N & (kdf.N - 1)) !== 0) throw vaultCorrupt(path, 'header.kdf.N is not a power of two');
  if (kdf.p > 16 || scryptMemory(kdf.N, kdf.r, kdf.p) > SCRYPT_MAX_MEMORY) {
    throw vaultCorrupt(path, 'header.kdf asks scrypt for more than 1 GiB of memory');
  }
}

/** The file's text: indented JSON so people (and diffs) can read the metadata. */
export function serializeVaultDocument(document: VaultDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/**
 * What the file MAC covers: the canonical JSON (see canonicalJson) of { header without keyCheck,
 * entries }. The key check is left out so that a damaged key check next to an intact MAC (which
 * proves the key right) is reported as tampering, not as a wrong key. Because the schema admits no
 * other members, the objects are built here with their keys already in sorted order and serialized
 * in one pass; a test asserts this equals canonicalJson of the same content.
 */
export function authenticatedJson(document: Pick<VaultDocument, 'header' | 'entries'>): string {
  const { header } = document;
  const kdf =
    header.kdf.name === 'none'
      ? { name: 'none' }
      : { N: header.kdf.N, maxmem: header.kdf.maxmem, name: 'scrypt', p: header.kdf.p, r: header.kdf.r, salt: header.kdf.salt };
  const content = {
    entries: document.entries.map((entry) => {
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
    }),
    header: { environment: header.environment, format: header.format, generation: header.generation, kdf, version: header.version },
  };
  return JSON.stringify(content);
}

function formatIssuePath(path: PropertyKey[]): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)), '');
}

function isBase64(text: string): boolean {
  return text.length % 4 === 0 && BASE64.test(text);
}

/** Decoded length of canonical base64, without decoding. */
function base64Length(text: string): number {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return (text.length / 4) * 3 - padding;
}

/** The path of the first member whose value is not valid, or undefined. */
function invalidMember(entry: VaultEntry): string[] | undefined {
  const { metadata } = entry;
  if (!UUID.test(metadata.id)) return ['metadata', 'id'];
  if (nameProblem(metadata.name) !== undefined) return ['metadata', 'name'];
  if (metadata.fields.some((field) => nameProblem(field) !== undefined)) return ['metadata', 'fields'];
  // expiresAt comes from a bearer token's data: the same rule as the secret model's.
  if (metadata.expiresAt !== undefined && !bearerTokenSchema.shape.expiresAt.safeParse(metadata.expiresAt).success) return ['metadata', 'expiresAt'];
  if (!isDateTime(metadata.createdAt)) return ['metadata', 'createdAt'];
  if (!isDateTime(metadata.updatedAt)) return ['metadata', 'updatedAt'];
  if (!isBase64(entry.iv) || base64Length(entry.iv) !== IV_BYTES) return ['iv'];
  if (!isBase64(entry.tag) || base64Length(entry.tag) !== TAG_BYTES) return ['tag'];
  if (!isBase64(entry.ciphertext)) return ['ciphertext'];
  return undefined;
}

function isDateTime(text: string): boolean {
  return ISO_DATE_TIME.test(text);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
