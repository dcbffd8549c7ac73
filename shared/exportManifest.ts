import { findCatalogSecret } from './catalog';
import type { Catalog } from './catalog';
import { fieldNamesOf, isSecretType } from './secretTypes';
import type { SecretType } from './secretTypes';
import { isValidName } from './secretNames';

/**
 * The list of secrets an exported workflow needs, written into the export under MANIFEST_KEY so
 * another environment can see what to create. Names, types and field names only: never a value,
 * a description or anything else a person typed.
 */
export const MANIFEST_KEY = 'requiredSecrets';

export interface RequiredSecret {
  name: string;
  /** Omitted when the secret is not in this environment's catalog. */
  type?: SecretType;
  /** The fields the workflow references, in the type's field order. */
  fields: string[];
}

export interface ExportManifest {
  secrets: RequiredSecret[];
}

/** Builds the manifest from the references in the export, sorted by name. */
export function buildExportManifest(references: { name: string; field: string }[], catalog: Catalog, knownTypes: Map<string, SecretType> = new Map()): ExportManifest {
  const fieldsByName = new Map<string, Set<string>>();
  for (const ref of references) {
    const fields = fieldsByName.get(ref.name) ?? new Set<string>();
    fields.add(ref.field);
    fieldsByName.set(ref.name, fields);
  }
  const secrets = [...fieldsByName.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, fields]): RequiredSecret => {
      const type = findCatalogSecret(catalog, name)?.type ?? knownTypes.get(name);
      const order = type ? fieldNamesOf(type) : [];
      const rank = (field: string) => (order.includes(field) ? order.indexOf(field) : order.length);
      const sorted = [...fields].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
      return type ? { name, type, fields: sorted } : { name, fields: sorted };
    });
  return { secrets };
}

/** The manifest as written into the file: a plain list under MANIFEST_KEY. */
export function manifestValue(manifest: ExportManifest): RequiredSecret[] {
  return manifest.secrets.map((secret) => (secret.type ? { name: secret.name, type: secret.type, fields: [...secret.fields] } : { name: secret.name, fields: [...secret.fields] }));
}

/**
 * Reads the manifest back from a parsed workflow (e.g. one exported elsewhere). Entries that are
 * not well formed are dropped; undefined when the document has no manifest.
 */
export function readExportManifest(document: unknown): ExportManifest | undefined {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return undefined;
  const list = (document as Record<string, unknown>)[MANIFEST_KEY];
  if (!Array.isArray(list)) return undefined;
  const secrets: RequiredSecret[] = [];
  for (const entry of list) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { name, type, fields } = entry as Record<string, unknown>;
    if (typeof name !== 'string' || !isValidName(name) || !Array.isArray(fields)) continue;
    const fieldNames = fields.filter((field): field is string => typeof field === 'string' && isValidName(field));
    secrets.push(isSecretType(type) ? { name, type, fields: fieldNames } : { name, fields: fieldNames });
  }
  return { secrets };
}
