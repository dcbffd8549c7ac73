import type { Catalog, CatalogSecret } from '../shared/catalog';
import { fieldSpecOf, SECRET_TYPE_SPECS } from '../shared/secretTypes';
import { orderedFieldsOf } from './fieldOrder';

/**
 * A secret described in Markdown for hover and completion documentation: everything the catalog
 * knows (name, type, description, tags, fields, source, dates, expiry). The catalog holds no
 * values, so neither can this.
 */
export function secretMarkdown(secret: CatalogSecret, catalog: Catalog, options: { field?: string; now?: Date } = {}): string {
  const spec = SECRET_TYPE_SPECS[secret.type];
  const lines = [`**${escapeMarkdown(secret.name)}** — ${spec.label} (\`${secret.type}\`)`];
  if (secret.description) lines.push('', escapeMarkdown(secret.description));
  lines.push('', 'Fields:');
  const fields = orderedFieldsOf(secret);
  if (fields.length === 0) lines.push('- (none known yet)');
  for (const field of fields) {
    const fieldSpec = fieldSpecOf(secret.type, field);
    const role = secret.type === 'custom' ? 'custom' : fieldSpec.required ? 'required' : 'optional';
    const marker = field === options.field ? ' ← this reference' : '';
    lines.push(`- \`${field}\` (${role}): ${fieldSpec.description}${marker}`);
  }
  lines.push('');
  if (secret.tags.length > 0) lines.push(`Tags: ${secret.tags.map((tag) => `\`${tag.replace(/`/g, "'")}\``).join(', ')}  `);
  const source = secret.source.kind === 'provider' ? `provider \`${secret.source.provider}\`` : `local vault, environment \`${catalog.environment}\``;
  lines.push(`Source: ${source}  `);
  if (secret.createdAt) lines.push(`Created: ${secret.createdAt}  `);
  if (secret.updatedAt) lines.push(`Updated: ${secret.updatedAt}  `);
  if (secret.expiresAt) {
    const expired = Date.parse(secret.expiresAt) <= (options.now ?? new Date()).getTime();
    lines.push(`Expires: ${secret.expiresAt}${expired ? ' (**expired**)' : ''}  `);
  }
  return lines.join('\n').trimEnd();
}

/** Backslash-escapes Markdown punctuation so descriptions show as typed. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!<>|~]/g, (char) => `\\${char}`);
}
