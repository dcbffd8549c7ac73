import type { CatalogSecret } from '../../shared/catalog';

/** A catalog entry as the VS Code client would send it: names, types and fields, never values. */
export const catalogSecret = (name: string, type: CatalogSecret['type'], fields: string[], extra: Partial<CatalogSecret> = {}): CatalogSecret => ({
  name,
  type,
  description: '',
  tags: [],
  fields,
  source: { kind: 'local' },
  ...extra,
});
