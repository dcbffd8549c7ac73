import type { Catalog, CatalogSecret, CatalogState } from './catalog';
import type { SecretMetadata } from './vault/vaultTypes';

export interface CatalogStateInfo {
  state: CatalogState;
  /** Why the catalog is not ready, in words for a person. */
  stateReason?: string;
}

/**
 * The language server's catalog from a local vault's readable metadata: names, types, field names,
 * expiry and dates. Metadata holds no values, so neither does the catalog.
 */
export function catalogFromMetadata(secrets: readonly SecretMetadata[], environment: string, state: CatalogStateInfo = { state: 'ready' }): Catalog {
  const catalog: Catalog = { state: state.state, environment, secrets: secrets.map(catalogSecretFromMetadata) };
  if (state.stateReason) catalog.stateReason = state.stateReason;
  return catalog;
}

/** Copies only the listed metadata properties, so an unexpected extra property can never travel on. */
export function catalogSecretFromMetadata(metadata: SecretMetadata): CatalogSecret {
  const secret: CatalogSecret = {
    name: metadata.name,
    type: metadata.type,
    description: metadata.description,
    tags: [...metadata.tags],
    fields: [...metadata.fields],
    source: { kind: 'local' },
    createdAt: metadata.createdAt,
    updatedAt: metadata.updatedAt,
  };
  if (metadata.expiresAt) secret.expiresAt = metadata.expiresAt;
  return secret;
}
