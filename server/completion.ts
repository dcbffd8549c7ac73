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
  const context = contextAround(document, offset, format);
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
      return nameItems(catalog, context.followedByDot, retrigger).map(({ item, newText }) => ({ ...item, textEdit: { range, newText } }));
    case 'fieldName': {
      const secret = catalog.secrets.find((candidate) => candidate.name === context.name);
      return secret ? orderedFieldsOf(secret).map((field, index) => fieldItem(secret, field, index, range, context)) : [];
    }
  }
}

/** Lines above the cursor the context needs at most (yamlLineScan.ts looks this far up for a block scalar's indicator). */
const LINES_ABOVE = 1001;
/** Characters past the cursor's line the context may read (the rest of a word, a `}}`, a key's `:`). */
const CHARS_AFTER_LINE = 128;

/**
 * The completion context from the text around the cursor only: reading the whole text of a big
 * document would join it (megabytes) on the first request after each edit.
 */
function contextAround(document: TextDocument, offset: number, format: WorkflowFormat): ReferenceCompletionContext | undefined {
  const { line } = document.positionAt(offset);
  const start = document.offsetAt({ line: Math.max(0, line - LINES_ABOVE), character: 0 });
  const end = document.offsetAt({ line: line + 1, character: 0 }) + CHARS_AFTER_LINE;
  const context = completionContextAt(document.getText({ start: document.positionAt(start), end: document.positionAt(end) }), offset - start, format);
  return context && { ...context, segmentStart: context.segmentStart + start, segmentEnd: context.segmentEnd + start };
}

type NameItem = { item: CompletionItem; newText: string };

/**
 * The name items of a catalog, built (and sorted) once per catalog and kind of context: a catalog
 * is replaced, never changed in place. Each answer only adds the edit's range.
 */
const nameItemsByCatalog = new WeakMap<Catalog, Map<string, NameItem[]>>();

function nameItems(catalog: Catalog, followedByDot: boolean, retrigger?: { title: string; command: string }): NameItem[] {
  let variants = nameItemsByCatalog.get(catalog);
  if (!variants) nameItemsByCatalog.set(catalog, (variants = new Map()));
  const key = `${followedByDot}\n${retrigger?.command ?? ''}`;
  let items = variants.get(key);
  if (!items) {
    items = [...catalog.secrets].sort(byName).map((secret, index) => nameItem(secret, index, followedByDot, retrigger));
    variants.set(key, items);
  }
  return items;
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

function nameItem(secret: CatalogSecret, index: number, followedByDot: boolean, retrigger?: { title: string; command: string }): NameItem {
  const label = SECRET_TYPE_SPECS[secret.type].label;
  const item: CompletionItem = {
    label: secret.name,
    kind: CompletionItemKind.Variable,
    detail: secret.description ? `${label} — ${secret.description}` : label,
    // The Markdown comes with completionItem/resolve: 500 secrets' documentation in every answer would slow each keystroke.
    data: { secretName: secret.name } satisfies ResolveData,
    sortText: String(index).padStart(5, '0'),
  };
  if (!followedByDot && retrigger) item.command = retrigger;
  // The reference already goes on (`.FIELD}}`): replace the name only.
  return { item, newText: followedByDot ? secret.name : `${secret.name}.` };
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
