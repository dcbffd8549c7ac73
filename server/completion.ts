import { CompletionItemKind, MarkupKind, type CompletionItem, type Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Catalog, CatalogSecret } from '../shared/catalog';
import { fieldSpecOf, SECRET_TYPE_SPECS } from '../shared/secretTypes';
import type { WorkflowFormat } from '../shared/workflowTypes';
import { completionContextAt, type ReferenceCompletionContext } from './completionContext';
import { orderedFieldsOf } from './fieldOrder';
import { secretMarkdown } from './secretMarkdown';

export interface CompletionOptions {
  /** A client command that opens the suggestions again (for the next segment). */
  retriggerCommand?: string;
}

/**
 * Completion for `{{secrets.NAME.FIELD}}`: from the current line and the catalog only, never from
 * a parse, so it answers at once whatever the size of the file or the state of its syntax.
 */
export function completeReference(document: TextDocument, offset: number, format: WorkflowFormat, catalog: Catalog, options: CompletionOptions = {}): CompletionItem[] {
  const context = completionContextAt(document.getText(), offset, format);
  if (!context) return [];
  const range: Range = { start: document.positionAt(context.segmentStart), end: document.positionAt(context.segmentEnd) };
  const retrigger = options.retriggerCommand ? { title: 'Suggest', command: options.retriggerCommand } : undefined;
  switch (context.kind) {
    case 'secretsKeyword':
      return [
        {
          label: 'secrets.',
          kind: CompletionItemKind.Keyword,
          detail: 'Secret reference: {{secrets.NAME.FIELD}}',
          documentation: { kind: MarkupKind.Markdown, value: 'Refers to a secret of the vault by name and field; resolved when the node runs, never stored in the file.' },
          textEdit: { range, newText: 'secrets.' },
          ...(retrigger ? { command: retrigger } : {}),
        },
      ];
    case 'secretName':
      return [...catalog.secrets].sort(byName).map((secret, index) => nameItem(secret, index, range, context, retrigger));
    case 'fieldName': {
      const secret = catalog.secrets.find((candidate) => candidate.name === context.name);
      return secret ? orderedFieldsOf(secret).map((field, index) => fieldItem(secret, field, index, range, context)) : [];
    }
  }
}

interface ResolveData {
  secretName: string;
}

/** completionItem/resolve: adds the secret's documentation to a name item. */
export function resolveCompletionItem(item: CompletionItem, catalog: Catalog): CompletionItem {
  const name = (item.data as Partial<ResolveData> | undefined)?.secretName;
  const secret = name === undefined ? undefined : catalog.secrets.find((candidate) => candidate.name === name);
  if (secret && !item.documentation) item.documentation = { kind: MarkupKind.Markdown, value: secretMarkdown(secret, catalog) };
  return item;
}

function nameItem(secret: CatalogSecret, index: number, range: Range, context: ReferenceCompletionContext, retrigger?: { title: string; command: string }): CompletionItem {
  const label = SECRET_TYPE_SPECS[secret.type].label;
  // The reference already goes on (`.FIELD}}`): replace the name only.
  const newText = context.followedByDot ? secret.name : `${secret.name}.`;
  const item: CompletionItem = {
    label: secret.name,
    kind: CompletionItemKind.Variable,
    detail: secret.description ? `${label} — ${secret.description}` : label,
    // The Markdown comes with completionItem/resolve: 500 secrets' documentation in every answer would slow each keystroke.
    data: { secretName: secret.name } satisfies ResolveData,
    sortText: String(index).padStart(5, '0'),
    textEdit: { range, newText },
  };
  if (!context.followedByDot && retrigger) item.command = retrigger;
  return item;
}

function fieldItem(secret: CatalogSecret, field: string, index: number, range: Range, context: ReferenceCompletionContext): CompletionItem {
  const spec = fieldSpecOf(secret.type, field);
  const closing = context.closed || context.followedByDot ? '' : context.spaced ? ' }}' : '}}';
  return {
    label: field,
    kind: CompletionItemKind.Field,
    detail: `${spec.required && secret.type !== 'custom' ? 'required' : 'optional'} field of ${secret.name} (${secret.type})`,
    documentation: {
      kind: MarkupKind.Markdown,
      value: `${spec.description}${spec.kind === 'stringList' ? ' A reference yields the items joined by single spaces.' : ''}${spec.sensitive ? '\n\nSecret: resolved at run time, never shown.' : ''}`,
    },
    sortText: String(index).padStart(5, '0'),
    textEdit: { range, newText: `${field}${closing}` },
  };
}

function byName(left: CatalogSecret, right: CatalogSecret): number {
  return left.name.localeCompare(right.name);
}
