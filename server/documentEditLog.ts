/** One replacement in UTF-16 offsets of the text as it was just before it. */
export interface OffsetEdit {
  start: number;
  end: number;
  text: string;
}

/**
 * A document's edits since a revision its reader (the validation worker's copy) has, so the reader
 * can catch up with a few bytes instead of the whole text. Bounded: past a fraction of the text's
 * size it gives up, and the reader gets the whole text again.
 */
export class DocumentEditLog {
  private entries: { revision: number; edits: OffsetEdit[] }[] = [];
  /** Every edit after this revision is logged; undefined after the log gave up. */
  private base: number | undefined = 0;
  private size = 0;

  record(revision: number, edits: OffsetEdit[], textLength: number): void {
    if (this.base === undefined) return;
    this.entries.push({ revision, edits });
    for (const edit of edits) this.size += edit.text.length + 16;
    if (this.size > 65_536 + textLength / 4) this.giveUp();
  }

  /** Edits from `revision` to `current`, in order; undefined when some are missing. */
  since(revision: number, current: number): OffsetEdit[] | undefined {
    if (revision === current) return [];
    if (this.base === undefined || revision < this.base || revision > current) return undefined;
    const edits: OffsetEdit[] = [];
    for (const entry of this.entries) if (entry.revision > revision) edits.push(...entry.edits);
    return edits;
  }

  forgetThrough(revision: number, current: number): void {
    this.entries = this.entries.filter((entry) => entry.revision > revision);
    this.size = this.entries.reduce((sum, entry) => sum + entry.edits.reduce((total, edit) => total + edit.text.length + 16, 0), 0);
    // A reader that has the current text lets a log that gave up start again.
    if (this.base === undefined ? revision === current : revision > this.base) this.base = revision;
  }

  private giveUp(): void {
    this.entries = [];
    this.size = 0;
    this.base = undefined;
  }
}
