import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Catalog } from '../shared/catalog';
import { printable } from '../shared/secretNames';
import { catalogStateReason } from '../shared/workflowChecks';
import { referenceAtPosition } from './referenceAtPosition';
import { escapeMarkdown, secretMarkdown } from './secretMarkdown';
import type { WorkspaceIndex } from './workspaceIndex';

/** Hover on a reference: what the catalog knows of the secret and whether the field exists. Never a value. */
export function hoverReference(document: TextDocument, position: Position, catalog: Catalog, index: WorkspaceIndex): Hover | null {
  const hit = referenceAtPosition(document, position, index);
  if (!hit) return null;
  const secret = catalog.secrets.find((candidate) => candidate.name === hit.name);
  let value: string;
  if (secret) {
    value = secretMarkdown(secret, catalog, { field: hit.field });
    if (!secret.fields.includes(hit.field) && secret.fields.length > 0) value += `\n\n**No field \`${printable(hit.field)}\`** in this secret.`;
  } else if (catalog.state !== 'ready') {
    value = `**${escapeMarkdown(hit.name)}**\n\nCould not be verified: ${escapeMarkdown(catalogStateReason(catalog))}.`;
  } else {
    value = `**${escapeMarkdown(hit.name)}**\n\nNo secret with this name in environment \`${catalog.environment}\`.`;
  }
  return { contents: { kind: MarkupKind.Markdown, value }, range: hit.range };
}
