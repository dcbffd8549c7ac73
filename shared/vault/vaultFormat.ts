import { z } from 'zod';
import { SECRET_TYPES } from '../secretTypes';
import { nameProblem, sameNameIgnoringCase } from '../secretNames';
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

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

const base64 = (bytes?: number) =>
  z.string().refine((text) => BASE64.test(text) && (bytes === undefined || Buffer.from(text, 'base64').length === bytes));
const dateTime = z.string().refine((text) => ISO_DATE_TIME.test(text) && !Number.isNaN(Date.parse(text)));
const validName = z.string().refine((text) => nameProblem(text) === undefined);

export const kdfSchema = z.discriminatedUnion('name', [
  z.strictObject({ name: z.literal('none') }),
  z.strictObject({
    name: z.literal('scrypt'),
    salt: base64(),
    N: z.number().int().positive(),
    r: z.number().int().positive(),
    p: z.number().int().positive(),
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

export const metadataSchema = z.strictObject({
  id: z.string().regex(UUID),
  name: validName,
  type: z.enum(SECRET_TYPES),
  description: z.string(),
  tags: z.array(z.string()),
  fields: z.array(validName),
  expiresAt: dateTime.optional(),
  createdAt: dateTime,
  updatedAt: dateTime,
});

export const entrySchema = z.strictObject({
  metadata: metadataSchema,
  iv: base64(IV_BYTES),
  tag: base64(TAG_BYTES),
  ciphertext: base64(),
});
export type VaultEntry = z.infer<typeof entrySchema>;

export const vaultDocumentSchema = z
  .strictObject({ header: headerSchema, entries: z.array(entrySchema), mac: base64(MAC_BYTES) })
  .superRefine((document, context) => {
    const ids = new Set<string>();
    document.entries.forEach((entry, index) => {
      const { id, name } = entry.metadata;
      if (ids.has(id)) context.addIssue({ code: 'custom', message: 'duplicate id', path: ['entries', index, 'metadata', 'id'] });
      ids.add(id);
      const clash = document.entries.slice(0, index).some((other) => sameNameIgnoringCase(other.metadata.name, name));
      if (clash) context.addIssue({ code: 'custom', message: 'duplicate name', path: ['entries', index, 'metadata', 'name'] });
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
    const what = issue?.code === 'custom' && issue.message.startsWith('duplicate') ? `${where} is a ${issue.message}` : `${where} is missing or not valid`;
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

/** The header as authenticated by the file MAC. The key check is left out so that a damaged key
 * check, with an intact MAC, still proves the key right and is reported as tampering. */
export function authenticatedContent(document: Pick<VaultDocument, 'header' | 'entries'>): unknown {
  const { keyCheck: _keyCheck, ...header } = document.header;
  return { header, entries: document.entries };
}

function formatIssuePath(path: PropertyKey[]): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)), '');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
