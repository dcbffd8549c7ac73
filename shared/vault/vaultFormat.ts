import { isAscii } from 'node:buffer';
import { z } from 'zod';
import { nameProblem } from '../secretNames';
import type { SecretMetadata } from './vaultTypes';
import { MAC_BYTES, SCRYPT_MAX_MEMORY, SCRYPT_MIN, scryptMemory } from './vaultCrypto';
import { canonicalEntry, canonicalEntryJson, canonicalHeader } from './vaultCanonical';
import { checkEntries, isCanonicalBase64, isRecord } from './vaultEntryShape';
import type { MemberPath } from './vaultEntryShape';
import { layoutVaultFile, splitVaultText } from './vaultLayout';
import type { EntriesText } from './vaultLayout';
import { vaultCorrupt, vaultUnsupportedVersion, vaultWeakKdf } from './vaultErrors';

/**
 * The vault file, format version 1 (JSON):
 * { header: { format, version, kdf, keyCheck, generation, environment? },
 *   entries: [{ metadata, iv, tag, ciphertext }], mac }
 * Binary values are canonical base64. Unknown members are refused: anything accepted is covered
 * by the MAC, and a new member means a new format version. The header is checked with zod, the
 * entries by hand (vaultEntryShape.ts); the layout we write is in vaultLayout.ts.
 */
export const VAULT_FORMAT = 'workflow-secrets-vault';
export const VAULT_FORMAT_VERSION = 1;

// Header members and the MAC must be canonical: keyCheck and mac are outside the MAC, so other
// final bits (same bytes, other text) would let an altered file open (test/reliability/tampering).
const base64 = (bytes?: number) => z.string().refine((text) => isCanonicalBase64(text, bytes));
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

/** One secret in the file: readable, authenticated metadata and its AES-256-GCM sealed data. */
export interface VaultEntry {
  metadata: SecretMetadata;
  iv: string;
  tag: string;
  ciphertext: string;
}

export interface VaultDocument {
  header: VaultHeader;
  entries: VaultEntry[];
  mac: string;
}

export interface ParsedVaultText {
  document: VaultDocument;
  /** Lower-cased name → entry, made while checking that names are unique ignoring case. */
  byFoldedName: Map<string, VaultEntry>;
  /** The entries' JSON text when the file is in our layout: its MAC can be checked on this text. */
  entries?: EntriesText;
}

/**
 * Reads the text of a vault file: `vault-corrupt` when it is not JSON or not our format,
 * `vault-unsupported-version` for another version, `vault-corrupt` when the shape is wrong (the
 * message names the member, never its content). Authenticity is checked later, with the key.
 */
export function parseVaultDocument(text: string, path: string): VaultDocument {
  return parseVaultText(text, path).document;
}

/**
 * parseVaultText of the file's bytes. An all-ASCII file (ours always is, unless a description or tag
 * has other characters) is decoded as Latin-1, which gives the same text as UTF-8 at a fraction of
 * the cost; isAscii is checked on the bytes, so any byte of 0x80 or more takes the UTF-8 decoder.
 */
export function parseVaultBytes(bytes: Buffer, path: string): ParsedVaultText {
  const ascii = isAscii(bytes);
  return parseVaultText(bytes.toString(ascii ? 'latin1' : 'utf8'), path, ascii ? bytes : undefined);
}

/** parseVaultDocument, also keeping the entries' text of a file in our layout (for the MAC); `asciiBytes`: the text's bytes, if all ASCII. */
export function parseVaultText(text: string, path: string, asciiBytes?: Buffer): ParsedVaultText {
  const split = splitVaultText(text);
  let raw: unknown = split?.raw;
  if (!split) {
    try {
      raw = JSON.parse(text);
    } catch {
      throw vaultCorrupt(path, text.length === 0 ? 'the file is empty' : 'the file is not valid JSON (it may be truncated)');
    }
  }
  const header = isRecord(raw) ? raw.header : undefined;
  if (!isRecord(raw) || !isRecord(header) || header.format !== VAULT_FORMAT) {
    throw vaultCorrupt(path, 'the file is not a Workflow Secrets vault (its header is missing or does not name the format)');
  }
  if (header.version !== VAULT_FORMAT_VERSION) throw vaultUnsupportedVersion(path, header.version);
  const { document, byFoldedName } = checkDocument(raw, path);
  checkKdfStrength(document.header.kdf, path);
  if (!split) return { document, byFoldedName };
  const { entriesText, entriesStart } = split;
  const bytes = asciiBytes?.subarray(entriesStart, entriesStart + entriesText.length);
  return { document, byFoldedName, entries: { text: entriesText, ...(bytes ? { bytes } : {}) } };
}

/** The document's shape, in reading order: header, entries, mac, then no other member. */
function checkDocument(raw: Record<string, unknown>, path: string): { document: VaultDocument; byFoldedName: Map<string, VaultEntry> } {
  const header = headerSchema.safeParse(raw.header);
  if (!header.success) throw notValid(path, ['header', ...(header.error.issues[0]?.path ?? [])]);
  const checked = checkEntries(raw.entries);
  const { problem } = checked;
  if (problem) {
    const where = formatPath(problem.path);
    throw vaultCorrupt(path, problem.duplicate ? `${where} is a duplicate ${problem.duplicate}` : `${where} is missing or not valid`);
  }
  if (!isCanonicalBase64(raw.mac, MAC_BYTES)) throw notValid(path, ['mac']);
  if (Object.keys(raw).length !== 3) throw notValid(path, []);
  return { document: { header: header.data, entries: raw.entries as VaultEntry[], mac: raw.mac }, byFoldedName: checked.byFoldedName };
}

function notValid(path: string, member: PropertyKey[]) {
  return vaultCorrupt(path, `${formatPath(member) || 'the file'} is missing or not valid`);
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

/** The file's text in our layout (vaultLayout.ts): the header indented, one canonical line per entry. */
export function serializeVaultDocument(document: VaultDocument): string {
  const lines = document.entries.map((entry) => Buffer.from(canonicalEntryJson(entry), 'utf8'));
  return layoutVaultFile(document.header, lines, document.mac).bytes.toString('utf8');
}

/**
 * What the file MAC covers: the canonical JSON (see canonicalJson) of { header without keyCheck,
 * entries }. The key check is left out so that a damaged key check next to an intact MAC (which
 * proves the key right) is reported as tampering, not as a wrong key. A test asserts this equals
 * canonicalJson of the same content.
 */
export function authenticatedJson(document: Pick<VaultDocument, 'header' | 'entries'>): string {
  // One JSON.stringify of sorted copies: faster than joining 10k separate serializations.
  return JSON.stringify({ entries: document.entries.map(canonicalEntry), header: canonicalHeader(document.header) });
}

function formatPath(path: readonly PropertyKey[] | MemberPath): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)), '');
}
