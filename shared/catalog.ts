import type { SecretType } from './secretTypes';

/**
 * What the language server knows of the secrets: names, types and field names, never values.
 * The VS Code client sends it; other editors' servers build it from the vault file's metadata.
 */
export type CatalogState = 'ready' | 'locked' | 'keyMissing' | 'noVault' | 'providerUnavailable';

export type SecretSourceInfo = { kind: 'local' } | { kind: 'provider'; provider: string };

export interface CatalogSecret {
  name: string;
  type: SecretType;
  description: string;
  tags: string[];
  /** Field names only. */
  fields: string[];
  /** Bearer tokens: ISO-8601 expiry, for the expired-secret warning. */
  expiresAt?: string;
  source: SecretSourceInfo;
  createdAt?: string;
  updatedAt?: string;
}

export interface Catalog {
  state: CatalogState;
  /** Why the catalog is not ready, in words for a person (e.g. "the master key is missing"). */
  stateReason?: string;
  environment: string;
  secrets: CatalogSecret[];
}

export const EMPTY_CATALOG: Catalog = { state: 'noVault', stateReason: 'no vault has been created yet', environment: 'default', secrets: [] };

/** Exact-spelling lookup: references are case-sensitive (names are unique ignoring case, so a case slip gets the right spelling as a suggestion). */
export function findCatalogSecret(catalog: Catalog, name: string): CatalogSecret | undefined {
  return catalog.secrets.find((secret) => secret.name === name);
}
