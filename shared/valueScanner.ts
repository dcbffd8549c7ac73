import { fieldAsString, presentFieldNames } from './secretTypes';
import type { SecretData, SecretType } from './secretTypes';
import type { TextRange } from './workflowTypes';

/**
 * Finds known secret values in text, raw or encoded, for the export's leak scan. A hit names the
 * secret, the field, the encoding and the offset; callers must never print the matched text.
 */

/**
 * Values shorter than this are not searched inside longer text (a 3-character value would match
 * ordinary words everywhere); the sanitizer still replaces a string that is exactly such a value.
 */
export const MIN_SCAN_LENGTH = 4;

/** Shifted base64 fragments shorter than this are skipped: too short to tell from chance. */
const MIN_SHIFTED_BASE64_LENGTH = 8;

export interface KnownSecret {
  name: string;
  type: SecretType;
  data: SecretData;
}

export interface KnownValue {
  name: string;
  field: string;
  value: string;
}

export type ValueEncoding = 'raw' | 'json-escaped' | 'yaml-single-quoted' | 'url-encoded' | 'form-encoded' | 'base64' | 'base64url';

export interface ValueHit {
  name: string;
  field: string;
  encoding: ValueEncoding;
  offset: number;
  length: number;
}

interface Form {
  value: KnownValue;
  encoding: ValueEncoding;
  text: string;
}

/** Every non-empty field value of the known secrets as the string a reference yields, longest first. */
export function knownValuesOf(known: KnownSecret[]): KnownValue[] {
  const values: KnownValue[] = [];
  for (const secret of known) {
    for (const field of presentFieldNames(secret.data)) {
      const value = fieldAsString(secret.data, field);
      if (value !== undefined && value.trim().length > 0) values.push({ name: secret.name, field, value });
    }
  }
  // Longest first so a value containing another is replaced whole; ties in a stable order.
  return values.sort((a, b) => b.value.length - a.value.length || a.name.localeCompare(b.name) || a.field.localeCompare(b.field));
}

/** The forms a value can take in a workflow file or inside an encoded string. */
export function encodedForms(value: string): { encoding: ValueEncoding; text: string }[] {
  const forms: { encoding: ValueEncoding; text: string }[] = [{ encoding: 'raw', text: value }];
  const add = (encoding: ValueEncoding, text: string) => {
    if (text.length >= MIN_SCAN_LENGTH && !forms.some((form) => form.text === text)) forms.push({ encoding, text });
  };
  add('json-escaped', JSON.stringify(value).slice(1, -1));
  add('yaml-single-quoted', value.replace(/'/g, "''"));
  const uri = encodeURIComponent(value);
  add('url-encoded', uri);
  add('url-encoded', lowerEscapes(uri));
  add('form-encoded', uri.replace(/%20/g, '+'));
  const bytes = Buffer.from(value, 'utf8');
  for (const alphabet of ['base64', 'base64url'] as const) {
    for (let shift = 0; shift < 3; shift += 1) {
      const fragment = base64Fragment(bytes, shift, alphabet);
      if (shift === 0 || fragment.length >= MIN_SHIFTED_BASE64_LENGTH) add(alphabet, fragment);
    }
  }
  return forms;
}

/** Percent escapes in lower case (`%2f`), which some encoders emit. */
function lowerEscapes(uri: string): string {
  return uri.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
}

/**
 * The base64 characters fixed by `bytes` alone when they start `shift` bytes into a longer
 * encoded buffer (e.g. a password inside `Basic base64(user:password)`): the characters at
 * either end also depend on the neighbouring bytes, so they are left out.
 */
function base64Fragment(bytes: Buffer, shift: number, alphabet: 'base64' | 'base64url'): string {
  const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString(alphabet).replace(/=+$/, '');
  const first = Math.ceil((8 * shift) / 6);
  const end = Math.floor((8 * (shift + bytes.length)) / 6);
  return encoded.slice(first, end);
}

/**
 * Known values indexed by their first characters, so finding which values occur in a string
 * costs one pass over the string rather than one search per value (vaults hold hundreds).
 */
export class ValueIndex {
  private readonly byPrefix = new Map<string, { value: KnownValue; order: number }[]>();
  private readonly exact = new Map<string, KnownValue>();

  /** `values` longest first, as knownValuesOf returns them: that order is kept. */
  constructor(values: KnownValue[]) {
    values.forEach((value, order) => {
      if (value.value.length < MIN_SCAN_LENGTH) {
        if (!this.exact.has(value.value)) this.exact.set(value.value, value);
        return;
      }
      const prefix = value.value.slice(0, MIN_SCAN_LENGTH);
      const bucket = this.byPrefix.get(prefix) ?? [];
      bucket.push({ value, order });
      this.byPrefix.set(prefix, bucket);
    });
  }

  /** The value shorter than MIN_SCAN_LENGTH that is exactly `text`, if any. */
  shortValueEqualTo(text: string): KnownValue | undefined {
    return this.exact.get(text);
  }

  /** The values of MIN_SCAN_LENGTH or more that occur in `text`, longest first. */
  occurringIn(text: string): KnownValue[] {
    if (this.byPrefix.size === 0) return [];
    const found = new Map<number, KnownValue>();
    for (let offset = 0; offset + MIN_SCAN_LENGTH <= text.length; offset += 1) {
      const bucket = this.byPrefix.get(text.slice(offset, offset + MIN_SCAN_LENGTH));
      if (!bucket) continue;
      for (const { value, order } of bucket) if (!found.has(order) && text.startsWith(value.value, offset)) found.set(order, value);
    }
    return [...found.entries()].sort(([a], [b]) => a - b).map(([, value]) => value);
  }
}

/**
 * Every place in `text` where a value (length >= MIN_SCAN_LENGTH) appears in one of its forms,
 * except hits lying wholly inside a `skip` range (the export's references and manifest, which
 * hold names only). One pass over the text with candidates indexed by their first characters.
 */
export function findKnownValues(text: string, values: KnownValue[], skip: TextRange[] = []): ValueHit[] {
  const byPrefix = new Map<string, Form[]>();
  for (const value of values) {
    if (value.value.length < MIN_SCAN_LENGTH) continue;
    for (const form of encodedForms(value.value)) {
      const prefix = form.text.slice(0, MIN_SCAN_LENGTH);
      const bucket = byPrefix.get(prefix) ?? [];
      bucket.push({ value, encoding: form.encoding, text: form.text });
      byPrefix.set(prefix, bucket);
    }
  }
  const hits: ValueHit[] = [];
  if (byPrefix.size === 0) return hits;
  const seen = new Set<string>();
  for (let offset = 0; offset + MIN_SCAN_LENGTH <= text.length; offset += 1) {
    const bucket = byPrefix.get(text.slice(offset, offset + MIN_SCAN_LENGTH));
    if (!bucket) continue;
    for (const form of bucket) {
      if (!text.startsWith(form.text, offset)) continue;
      const end = offset + form.text.length;
      if (skip.some((range) => range.start <= offset && end <= range.end)) continue;
      const key = `${offset}\u0000${form.value.name}\u0000${form.value.field}`;
      if (seen.has(key)) continue;
      seen.add(key);
      hits.push({ name: form.value.name, field: form.value.field, encoding: form.encoding, offset, length: form.text.length });
    }
  }
  return hits;
}
