import { nameProblem, printable } from '../secretNames';
import { SECRET_TYPES, isSecretType, validateSecretData, type SecretData, type SecretType } from '../secretTypes';

/**
 * A Vault secret's data as one of our secrets. With `custom_metadata.type` naming a type (KV v2),
 * the data is validated exactly like a local secret of that type and passed as is (oauth `scopes`
 * stays a JSON list). Otherwise it becomes a custom secret:
 * - string values are kept; numbers and booleans become their JSON text ("42", "true"); objects and
 *   lists become their JSON text; null values are left out (as if absent);
 * - keys that break the field-name rule are left out, since no reference can name them.
 * Problems name fields and types, never values.
 */
export type ConvertedSecret = { ok: true; type: SecretType; data: SecretData } | { ok: false; problems: string[] };

export function secretFromVaultData(data: Record<string, unknown>, customMetadata?: Record<string, unknown>): ConvertedSecret {
  const declared = customMetadata?.type;
  if (declared !== undefined) {
    if (!isSecretType(declared)) {
      const shown = typeof declared === 'string' ? `"${printable(declared, 40)}"` : 'not a string';
      return { ok: false, problems: [`custom_metadata.type is ${shown}; use one of ${SECRET_TYPES.join(', ')}`] };
    }
    if (declared !== 'custom') {
      const typed = validateSecretData(declared, data);
      return typed.ok ? { ok: true, type: declared, data: typed.data } : { ok: false, problems: typed.problems };
    }
  }
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) {
    if (value === null || value === undefined || nameProblem(key, 'field name')) continue;
    fields[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  if (Object.keys(fields).length === 0) {
    const skipped = Object.keys(data).length;
    return {
      ok: false,
      problems: [skipped > 0 ? 'none of its keys can be referenced (field names must follow the naming rule) or all are null' : 'it has no fields'],
    };
  }
  const custom = validateSecretData('custom', fields);
  return custom.ok ? { ok: true, type: 'custom', data: custom.data } : { ok: false, problems: custom.problems };
}
