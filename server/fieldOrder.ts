import type { CatalogSecret } from '../shared/catalog';
import { SECRET_TYPE_SPECS } from '../shared/secretTypes';

/** The secret's fields, required ones first in the type's own order, then the rest by name. */
export function orderedFieldsOf(secret: CatalogSecret): string[] {
  const specs = SECRET_TYPE_SPECS[secret.type].fields;
  const rank = (field: string): number => {
    const at = specs.findIndex((spec) => spec.name === field);
    if (at < 0) return 1000;
    return (specs[at]!.required ? 0 : 100) + at;
  };
  return [...secret.fields].sort((left, right) => rank(left) - rank(right) || left.localeCompare(right));
}
