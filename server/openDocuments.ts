import type { TextDocuments } from 'vscode-languageserver';
import { keyOfUri } from './uris';
import type { WorkflowDocument } from './workflowDocument';

/** Open documents by index key (file path), as the editor has them: their text wins over the disk. */
export class OpenDocuments {
  private readonly uriByKey = new Map<string, string>();
  /** Opened but not yet validated: the first validation runs at once, later edits are debounced. */
  private readonly fresh = new Set<string>();

  constructor(private readonly documents: TextDocuments<WorkflowDocument>) {}

  opened(document: WorkflowDocument): void {
    const key = keyOfUri(document.uri);
    this.uriByKey.set(key, document.uri);
    this.fresh.add(key);
  }

  closed(document: WorkflowDocument): void {
    const key = keyOfUri(document.uri);
    this.uriByKey.delete(key);
    this.fresh.delete(key);
  }

  /** True once per open: the first content event after opening. */
  takeFresh(document: WorkflowDocument): boolean {
    return this.fresh.delete(keyOfUri(document.uri));
  }

  byKey(key: string): WorkflowDocument | undefined {
    const uri = this.uriByKey.get(key);
    return uri === undefined ? undefined : this.documents.get(uri);
  }

  all(): WorkflowDocument[] {
    return this.documents.all();
  }
}
