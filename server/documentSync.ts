import type { OffsetEdit } from './documentEditLog';
import type { DocumentUpdate } from './documentMirrors';

/** What the runner needs of an open document to keep the worker's copy current (a WorkflowDocument). */
export interface SyncedDocument {
  readonly revision: number;
  getText(): string;
  editsSince(revision: number): OffsetEdit[] | undefined;
  forgetEditsThrough(revision: number): void;
}

/**
 * The main thread's record of which revision of each open document the current worker holds, so
 * each validation sends only what changed since the last one. One per worker: a new worker
 * starts with nothing and gets whole texts again.
 */
export class DocumentSync {
  private readonly sent = new Map<string, { document: SyncedDocument; revision: number }>();

  /** The update that brings the worker's copy to the document's current revision; undefined when it already has it. */
  updateFor(key: string, document: SyncedDocument): DocumentUpdate | undefined {
    const revision = document.revision;
    const known = this.sent.get(key);
    // Another object under the same key is a document closed and opened again: start over.
    if (known?.document === document && known.revision === revision) return undefined;
    const edits = known?.document === document ? document.editsSince(known.revision) : undefined;
    const update: DocumentUpdate =
      known && edits ? { kind: 'edits', key, from: known.revision, revision, edits } : { kind: 'text', key, revision, text: document.getText() };
    this.sent.set(key, { document, revision });
    document.forgetEditsThrough(revision);
    return update;
  }

  /** The document was closed: the worker may drop its copy (the update says so; undefined when it has none). */
  closed(key: string): { update: DocumentUpdate; document: SyncedDocument } | undefined {
    const known = this.sent.get(key);
    if (!known) return undefined;
    this.sent.delete(key);
    return { update: { kind: 'closed', key }, document: known.document };
  }

  /** The worker lost step with this document: the next update sends the whole text. */
  forget(key: string): void {
    this.sent.delete(key);
  }
}
