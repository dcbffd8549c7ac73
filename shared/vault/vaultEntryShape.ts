import { bearerTokenSchema, isSecretType } from '../secretTypes';
import { nameProblem } from '../secretNames';
import { IV_BYTES, TAG_BYTES } from './vaultCrypto';
import type { VaultEntry } from './vaultFormat';

/**
 * The shape of the file's entries, checked by hand: a zod schema over 10k entries cost more than
 * parsing the JSON itself. Same rules as before (tests feed every member a wrong value):
 * - entry: exactly { metadata, iv, tag, ciphertext }; iv 12 and tag 16 bytes of base64, ciphertext base64;
 * - metadata: exactly { id, name, type, description, tags, fields, createdAt, updatedAt } and an
 *   optional expiresAt; id a lowercase UUID, name and every field name follow the naming rule,
 *   type one of the secret types, tags a list of text, dates as Date.toISOString writes them,
 *   expiresAt the secret model's rule for a bearer token's expiry;
 * - ids unique, names unique ignoring case.
 * Base64 here may have non-canonical final bits: the MAC covers these members' text.
 */
export type MemberPath = (string | number)[];

export interface EntriesProblem {
  /** Where, from the document's root, e.g. ['entries', 3, 'metadata', 'id']. */
  path: MemberPath;
  duplicate?: 'id' | 'name';
}

/** Any character outside base64's alphabet and padding (a negated class: much faster than an anchored pattern). */
const NOT_BASE64 = /[^A-Za-z0-9+/=]/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** createdAt / updatedAt as Date.toISOString writes them (with or without milliseconds). */
const ISO_DATE_TIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;
/** A character toLowerCase might change (anything but lower-case letters, digits, _ and -). */
const NOT_LOWER_CASE = /[^a-z0-9_-]/;
const ENTRY_MEMBERS = 4;
const METADATA_MEMBERS = 8;

/** Either the first problem, or the entries indexed by folded name (built by the duplicate check anyway). */
export type EntriesCheck = { problem: EntriesProblem } | { problem?: undefined; byFoldedName: Map<string, VaultEntry> };

/** Names are unique ignoring case (the rule of sameNameIgnoringCase): the key of the name index. */
export function foldName(name: string): string {
  // Most names are already lower case: skip making a copy of them.
  return NOT_LOWER_CASE.test(name) ? name.toLowerCase() : name;
}

/** The first entry member that does not fit, or a duplicate id or name; else the name index. */
export function checkEntries(entries: unknown): EntriesCheck {
  if (!Array.isArray(entries)) return { problem: { path: ['entries'] } };
  const ids = new Set<string>();
  const byFoldedName = new Map<string, VaultEntry>();
  for (let index = 0; index < entries.length; index++) {
    const entry: unknown = entries[index];
    const problem = entryProblem(entry);
    if (problem) return { problem: { path: ['entries', index, ...problem] } };
    const { id, name } = (entry as VaultEntry).metadata;
    if (ids.has(id)) return { problem: { path: ['entries', index, 'metadata', 'id'], duplicate: 'id' } };
    ids.add(id);
    const folded = foldName(name);
    if (byFoldedName.has(folded)) return { problem: { path: ['entries', index, 'metadata', 'name'], duplicate: 'name' } };
    byFoldedName.set(folded, entry as VaultEntry);
  }
  return { byFoldedName };
}

function entryProblem(entry: unknown): MemberPath | undefined {
  if (!isRecord(entry)) return [];
  if (!isRecord(entry.metadata)) return ['metadata'];
  const inMetadata = metadataProblem(entry.metadata);
  if (inMetadata) return ['metadata', ...inMetadata];
  if (!isBase64(entry.iv, IV_BYTES)) return ['iv'];
  if (!isBase64(entry.tag, TAG_BYTES)) return ['tag'];
  if (!isBase64(entry.ciphertext)) return ['ciphertext'];
  // The four members are present, so any other count means an unknown member.
  return ownKeyCount(entry) === ENTRY_MEMBERS ? undefined : [];
}

function metadataProblem(metadata: Record<string, unknown>): MemberPath | undefined {
  const { id, name, type, description, tags, fields, expiresAt, createdAt, updatedAt } = metadata;
  if (typeof id !== 'string' || !UUID.test(id)) return ['id'];
  if (typeof name !== 'string' || nameProblem(name) !== undefined) return ['name'];
  if (!isSecretType(type)) return ['type'];
  if (typeof description !== 'string') return ['description'];
  if (!isTextList(tags)) return ['tags'];
  if (!isTextList(fields) || fields.some((field) => nameProblem(field) !== undefined)) return ['fields'];
  // expiresAt comes from a bearer token's data: the same rule as the secret model's.
  if (expiresAt !== undefined && !bearerTokenSchema.shape.expiresAt.safeParse(expiresAt).success) return ['expiresAt'];
  if (typeof createdAt !== 'string' || !ISO_DATE_TIME.test(createdAt)) return ['createdAt'];
  if (typeof updatedAt !== 'string' || !ISO_DATE_TIME.test(updatedAt)) return ['updatedAt'];
  const members = METADATA_MEMBERS + (expiresAt === undefined ? 0 : 1);
  return ownKeyCount(metadata) === members ? undefined : [];
}

/** Base64 (alphabet, then at most two `=` at the end, length a multiple of 4), and `bytes` long once decoded. */
export function isBase64(text: unknown, bytes?: number): text is string {
  if (typeof text !== 'string' || text.length % 4 !== 0 || NOT_BASE64.test(text)) return false;
  const firstPad = text.indexOf('=');
  const padding = firstPad < 0 ? 0 : text.length - firstPad;
  if (padding > 2 || (padding === 2 && text[text.length - 1] !== '=')) return false;
  return bytes === undefined || (text.length / 4) * 3 - padding === bytes;
}

/** Base64 that is also canonical: decoding and encoding again gives the same text. */
export function isCanonicalBase64(text: unknown, bytes?: number): text is string {
  return isBase64(text, bytes) && Buffer.from(text, 'base64').toString('base64') === text;
}

/** Object.keys(value).length without making the array (a JSON object has no inherited enumerable keys). */
function ownKeyCount(value: Record<string, unknown>): number {
  let count = 0;
  for (const key in value) if (Object.hasOwn(value, key)) count++;
  return count;
}

function isTextList(value: unknown): value is string[] {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (typeof item !== 'string') return false;
  return true;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
