import type { OffsetEdit } from './documentEditLog';
import { PieceText } from './pieceText';

/**
 * How the main thread keeps the validation worker's copy of an open document current: the whole
 * text once, then only the edits (posting a 4 MB string on every re-validation would stall the
 * main thread, the one that answers completion). `revision` counts the document's updates.
 */
export type DocumentUpdate =
  | { kind: 'text'; key: string; revision: number; text: string }
  | { kind: 'edits'; key: string; from: number; revision: number; edits: OffsetEdit[] }
  | { kind: 'closed'; key: string };

/** The worker's copies of the open documents, by index key. */
export class DocumentMirrors {
  private readonly documents = new Map<string, { revision: number; text: PieceText }>();

  apply(update: DocumentUpdate): void {
    if (update.kind === 'closed') {
      this.documents.delete(update.key);
      return;
    }
    if (update.kind === 'text') {
      this.documents.set(update.key, { revision: update.revision, text: new PieceText(update.text) });
      return;
    }
    const mirror = this.documents.get(update.key);
    if (!mirror || mirror.revision !== update.from) {
      // Out of step (a message lost to a restart): drop the copy; the job asks for the whole text.
      this.documents.delete(update.key);
      return;
    }
    for (const edit of update.edits) mirror.text.replace(edit.start, edit.end, edit.text);
    mirror.revision = update.revision;
  }

  /** The document's text at `revision`, or undefined when this copy does not have it. */
  textOf(key: string, revision: number): string | undefined {
    const mirror = this.documents.get(key);
    return mirror?.revision === revision ? mirror.text.toString() : undefined;
  }
}
