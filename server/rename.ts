import { ErrorCodes, LSPErrorCodes, MessageType, ResponseError, type Position, type Range, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Catalog } from '../shared/catalog';
import type { RenameSecretParams, RenameSecretResult } from '../shared/lspProtocol';
import { nameProblem, printable, sameNameIgnoringCase } from '../shared/secretNames';
import { rangeContains } from './indexedReferences';
import { referenceAtPosition } from './referenceAtPosition';
import type { WorkspaceIndex } from './workspaceIndex';

export interface RenameDeps {
  index: WorkspaceIndex;
  catalog(): Catalog;
  /** Resolves once every queued validation ran, so the index is current. */
  settle(): Promise<void>;
  renameInVault(params: RenameSecretParams): Promise<RenameSecretResult>;
  showMessage(type: MessageType, message: string): void;
}

/** Rename starts on a reference's NAME segment (the field is not a secret's to rename). */
export function prepareSecretRename(document: TextDocument, position: Position, index: WorkspaceIndex): { range: Range; placeholder: string } | null {
  const hit = referenceAtPosition(document, position, index);
  if (!hit || !rangeContains(hit.nameRange, position)) return null;
  return { range: hit.nameRange, placeholder: hit.name };
}

/**
 * Renames a secret everywhere: every reference in every workflow file of the workspace, and the
 * vault entry through the client (RenameSecretRequest; the id stays). The edit is returned only when
 * the client renamed the entry, or when the client has no such request (other editors), in which
 * case the user is told the command line that renames the entry.
 */
export async function renameSecret(document: TextDocument, position: Position, newName: string, deps: RenameDeps): Promise<WorkspaceEdit> {
  const hit = prepareSecretRename(document, position, deps.index);
  if (!hit) throw new ResponseError(ErrorCodes.InvalidRequest, 'Place the cursor on the secret name of a {{secrets.NAME.FIELD}} reference to rename the secret.');
  const oldName = hit.placeholder;
  const problem = nameProblem(newName);
  if (problem) throw new ResponseError(ErrorCodes.InvalidParams, problem);
  if (newName === oldName) return { changes: {} };
  const catalog = deps.catalog();
  const clash = catalog.secrets.find((secret) => secret.name !== oldName && sameNameIgnoringCase(secret.name, newName));
  if (clash) {
    throw new ResponseError(ErrorCodes.InvalidParams, `A secret named "${printable(clash.name)}" already exists; names are unique ignoring case. Choose another name.`);
  }

  await deps.settle();
  const changes: Record<string, TextEdit[]> = {};
  for (const { uri, reference } of deps.index.referencesTo(oldName)) (changes[uri] ??= []).push({ range: reference.nameRange, newText: newName });
  // The document renamed from may not be a workflow file of the index (outside the globs).
  if (!changes[document.uri]?.some((edit) => sameRange(edit.range, hit.range))) (changes[document.uri] ??= []).push({ range: hit.range, newText: newName });
  const edit: WorkspaceEdit = { changes };

  // A ready catalog without the name means there is no vault entry to rename.
  const inVault = catalog.secrets.some((secret) => secret.name === oldName);
  if (catalog.state === 'ready' && !inVault) return edit;
  let result: RenameSecretResult;
  try {
    result = await deps.renameInVault({ oldName, newName });
  } catch (error) {
    if (error instanceof ResponseError && error.code === ErrorCodes.MethodNotFound) {
      const environment = catalog.environment && catalog.environment !== 'default' ? ` --env ${catalog.environment}` : '';
      deps.showMessage(
        MessageType.Warning,
        `Renamed the references to "${oldName}" in ${Object.keys(changes).length} file(s). This editor cannot rename the vault entry: run \`workflow-secrets secret rename ${oldName} ${newName}${environment}\`.`,
      );
      return edit;
    }
    throw new ResponseError(LSPErrorCodes.RequestFailed, `The secret "${oldName}" was not renamed: ${(error as Error).message}`);
  }
  if (!result.ok) throw new ResponseError(LSPErrorCodes.RequestFailed, result.message ?? `The vault entry "${oldName}" could not be renamed, so no reference was changed.`);
  return edit;
}

function sameRange(left: Range, right: Range): boolean {
  return left.start.line === right.start.line && left.start.character === right.start.character && left.end.line === right.end.line && left.end.character === right.end.character;
}
