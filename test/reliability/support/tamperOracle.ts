import { isDeepStrictEqual } from 'node:util';
import type { ErrorCode } from '../../../shared/errors';

/**
 * An independent judge of a damaged vault file (format version 1): which typed error opening it
 * must give, written from the format's documentation rather than from the reader's code.
 * - not JSON → vault-corrupt;
 * - JSON equal to the original (a whitespace change) → harmless: nothing was altered;
 * - a different format version → vault-unsupported-version; the format name → vault-corrupt;
 * - the KDF block → it derives the keys, so a change is indistinguishable from a wrong key
 *   (vault-wrong-key), or is refused as weak (vault-weak-kdf) or malformed (vault-corrupt);
 * - otherwise: a value that no longer fits its member's shape → vault-corrupt, and a change that
 *   keeps every shape (the only kind an attacker can make undetected by the reader) → vault-tampered.
 *   Base64 with non-canonical final bits decodes to the same bytes: the reader may refuse it as
 *   corrupt or, where the MAC covers the text, as tampered; it must never accept it.
 */
export type Verdict = { kind: 'harmless' } | { kind: 'refused'; codes: ErrorCode[]; why: string };

const NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const TYPES = ['apiKey', 'basicAuth', 'bearerToken', 'oauth', 'custom'];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

export function judgeDamage(original: string, damaged: Buffer): Verdict {
  const text = damaged.toString('utf8');
  let parsed: Json;
  try {
    parsed = JSON.parse(text) as Json;
  } catch {
    return { kind: 'refused', codes: ['vault-corrupt'], why: 'not JSON' };
  }
  const before = JSON.parse(original) as Json;
  if (isDeepStrictEqual(parsed, before)) return { kind: 'harmless' };
  const changed = differences(before, parsed, []);
  const at = (path: Path, ...prefix: (string | number)[]) => prefix.every((part, i) => path[i] === part);
  if (!isObject(parsed) || !isObject(parsed.header) || parsed.header.format !== 'workflow-secrets-vault') {
    return { kind: 'refused', codes: ['vault-corrupt'], why: 'not a vault' };
  }
  if (parsed.header.version !== 1) return { kind: 'refused', codes: ['vault-unsupported-version'], why: 'version' };
  if (changed.some((path) => at(path, 'header', 'kdf')) || (isObject(before) && isObject(before.header) && !isDeepStrictEqual(parsed.header.kdf, before.header.kdf))) {
    return { kind: 'refused', codes: ['vault-wrong-key', 'vault-weak-kdf', 'vault-corrupt'], why: 'kdf' };
  }
  const shapes = changed.map((path) => ({ path, shape: shapeAt(parsed, path) }));
  const broken = shapes.find((item) => item.shape === 'broken');
  if (broken) return { kind: 'refused', codes: ['vault-corrupt'], why: `shape of ${broken.path.join('.')}` };
  if (hasDuplicateNames(parsed)) return { kind: 'refused', codes: ['vault-corrupt'], why: 'duplicate name' };
  const loose = shapes.find((item) => item.shape === 'nonCanonical');
  if (loose) return { kind: 'refused', codes: ['vault-corrupt', 'vault-tampered'], why: `non-canonical base64 in ${loose.path.join('.')}` };
  return { kind: 'refused', codes: ['vault-tampered'], why: `content of ${changed.map((path) => path.join('.')).join(', ')}` };
}

/** Leaf paths (or the container, when members were added or removed) that differ. */
function differences(a: Json, b: Json, path: Path): Path[] {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [path];
    return a.flatMap((item, i) => differences(item, b[i] as Json, [...path, i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    if ([...keys].some((key) => !(key in a) || !(key in b))) return [path];
    return [...keys].flatMap((key) => differences(a[key] as Json, b[key] as Json, [...path, key]));
  }
  return isDeepStrictEqual(a, b) ? [] : [path];
}

type Shape = 'ok' | 'nonCanonical' | 'broken';

const ENTRY_KEYS = ['metadata', 'iv', 'tag', 'ciphertext'];
const METADATA_REQUIRED = ['id', 'name', 'type', 'description', 'tags', 'fields', 'createdAt', 'updatedAt'];

/** The shape of the changed member at `path` (a leaf, or a whole entry, metadata or list). */
function shapeAt(document: Json, path: Path): Shape {
  const value = valueAt(document, path);
  const key = path[path.length - 1];
  const parent = path[path.length - 2];
  if (key === 'entries') return Array.isArray(value) ? worst(value.map(entryShape)) : 'broken';
  if (key === 'header' && path.length === 1) return headerShape(value);
  if (path.length === 0) return isObject(value) && sameKeys(value, ['header', 'entries', 'mac']) ? 'ok' : 'broken';
  if (typeof key === 'number') {
    if (parent === 'entries') return entryShape(value);
    if (parent === 'tags') return typeof value === 'string' ? 'ok' : 'broken';
    if (parent === 'fields') return typeof value === 'string' && NAME.test(value) ? 'ok' : 'broken';
    return 'broken';
  }
  if (key === 'metadata') return metadataShape(value);
  if (key === 'tags' || key === 'fields') return Array.isArray(value) ? worst(value.map((_, i) => shapeAt(document, [...path, i]))) : 'broken';
  return leafShape(key, value);
}

function headerShape(header: Json | undefined): Shape {
  if (!isObject(header)) return 'broken';
  const keys = Object.keys(header);
  const required = ['format', 'version', 'kdf', 'keyCheck', 'generation'];
  if (!required.every((key) => keys.includes(key)) || keys.some((key) => !required.includes(key) && key !== 'environment')) return 'broken';
  return worst(['keyCheck', 'generation', ...(keys.includes('environment') ? ['environment'] : [])].map((key) => leafShape(key, header[key])));
}

function entryShape(entry: Json | undefined): Shape {
  if (!isObject(entry) || !sameKeys(entry, ENTRY_KEYS)) return 'broken';
  return worst([metadataShape(entry.metadata), ...['iv', 'tag', 'ciphertext'].map((key) => leafShape(key, entry[key]))]);
}

function metadataShape(metadata: Json | undefined): Shape {
  if (!isObject(metadata)) return 'broken';
  const keys = Object.keys(metadata);
  if (!METADATA_REQUIRED.every((key) => keys.includes(key)) || keys.some((key) => !METADATA_REQUIRED.includes(key) && key !== 'expiresAt')) return 'broken';
  const lists = ['tags', 'fields'].map((key) => {
    const list = metadata[key];
    if (!Array.isArray(list)) return 'broken';
    return list.every((item) => typeof item === 'string' && (key === 'tags' || NAME.test(item))) ? 'ok' : 'broken';
  });
  return worst([...lists, ...keys.filter((key) => key !== 'tags' && key !== 'fields').map((key) => leafShape(key, metadata[key]))]);
}

function leafShape(key: string | undefined, value: Json | undefined): Shape {
  const ok = (fits: boolean): Shape => (fits ? 'ok' : 'broken');
  switch (key) {
    case 'mac':
    case 'keyCheck':
      return base64Shape(value, 32);
    case 'iv':
      return base64Shape(value, 12);
    case 'tag':
      return base64Shape(value, 16);
    case 'ciphertext':
      return base64Shape(value);
    case 'generation':
      return ok(typeof value === 'number' && Number.isSafeInteger(value) && value >= 0);
    case 'environment':
    case 'name':
      return ok(typeof value === 'string' && NAME.test(value));
    case 'id':
      return ok(typeof value === 'string' && UUID.test(value));
    case 'type':
      return ok(typeof value === 'string' && TYPES.includes(value));
    case 'description':
      return ok(typeof value === 'string');
    case 'createdAt':
    case 'updatedAt':
    case 'expiresAt':
      return ok(typeof value === 'string' && ISO.test(value) && !Number.isNaN(Date.parse(value)));
    default:
      return 'broken';
  }
}

function worst(shapes: Shape[]): Shape {
  return shapes.includes('broken') ? 'broken' : shapes.includes('nonCanonical') ? 'nonCanonical' : 'ok';
}

function sameKeys(object: { [key: string]: Json }, keys: string[]): boolean {
  const own = Object.keys(object);
  return own.length === keys.length && keys.every((key) => own.includes(key));
}

/** Base64 of the right length; 'nonCanonical' when its unused final bits are set (same bytes, other text). */
function base64Shape(value: Json | undefined, bytes?: number): Shape {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) return 'broken';
  const decoded = Buffer.from(value, 'base64');
  if (bytes !== undefined && decoded.length !== bytes) return 'broken';
  return decoded.toString('base64') === value ? 'ok' : 'nonCanonical';
}

function hasDuplicateNames(document: Json): boolean {
  const entries = isObject(document) && Array.isArray(document.entries) ? document.entries : [];
  const names = entries.map((entry) => (isObject(entry) && isObject(entry.metadata) ? String(entry.metadata.name).toLowerCase() : ''));
  const ids = entries.map((entry) => (isObject(entry) && isObject(entry.metadata) ? String(entry.metadata.id) : ''));
  return new Set(names).size !== names.length || new Set(ids).size !== ids.length;
}

function valueAt(document: Json, path: Path): Json | undefined {
  let current: Json | undefined = document;
  for (const part of path) {
    if (Array.isArray(current) && typeof part === 'number') current = current[part];
    else if (isObject(current) && typeof part === 'string') current = current[part];
    else return undefined;
  }
  return current;
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
