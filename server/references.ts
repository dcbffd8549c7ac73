import type { Location, Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { referenceAtPosition } from './referenceAtPosition';
import type { WorkspaceIndex } from './workspaceIndex';

/** Find All References of a secret: every `{{secrets.NAME...}}` across the workspace's workflow files. */
export async function findSecretReferences(document: TextDocument, position: Position, index: WorkspaceIndex, settle: () => Promise<void>): Promise<Location[]> {
  const hit = referenceAtPosition(document, position, index);
  if (!hit) return [];
  await settle();
  return index.referencesTo(hit.name).map(({ uri, reference }) => ({ uri, range: reference.range }));
}
