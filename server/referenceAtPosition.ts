import type { Position, Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { scanReferences } from '../shared/referenceGrammar';
import { keyOfUri } from './uris';
import type { WorkspaceIndex } from './workspaceIndex';

export interface ReferenceHit {
  name: string;
  field: string;
  range: Range;
  nameRange: Range;
  fieldRange: Range;
}

/**
 * The reference under the cursor: from the last validation when it matches the document's version,
 * else from a scan of the cursor's line alone (a reference never spans lines), so hover and rename
 * never wait for a parse.
 */
export function referenceAtPosition(document: TextDocument, position: Position, index: WorkspaceIndex): ReferenceHit | undefined {
  const indexed = index.referenceAt(keyOfUri(document.uri), document.version, position);
  if (indexed) return indexed;
  // The line alone: the whole text of a big document would be joined (megabytes) after each edit.
  const line = document.getText({ start: { line: position.line, character: 0 }, end: { line: position.line + 1, character: 0 } });
  const character = position.character;
  for (const reference of scanReferences(line).references) {
    if (character < reference.start || character > reference.end) continue;
    const at = (from: number, to: number): Range => ({ start: { line: position.line, character: from }, end: { line: position.line, character: to } });
    return {
      name: reference.name,
      field: reference.field,
      range: at(reference.start, reference.end),
      nameRange: at(reference.nameStart, reference.nameEnd),
      fieldRange: at(reference.fieldStart, reference.fieldEnd),
    };
  }
  return undefined;
}
