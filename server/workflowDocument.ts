import type { TextDocumentContentChangeEvent, TextDocumentsConfiguration } from 'vscode-languageserver';
import type { Position, Range, TextDocument } from 'vscode-languageserver-textdocument';
import { DocumentEditLog, type OffsetEdit } from './documentEditLog';
import { PieceText } from './pieceText';

const LF = 10;
const CR = 13;

/**
 * An open document as `vscode-languageserver-textdocument`'s TextDocument behaves (same positions,
 * same clamping, same line ends), with work per edit in proportion to the edit: its text is kept
 * in pieces (see pieceText.ts) instead of one string that every keystroke would copy. It also
 * logs its edits as offsets, so the validation worker's copy can follow without the whole text.
 */
export class WorkflowDocument implements TextDocument {
  private readonly content: PieceText;
  /** Offset of each line's start; computed on first use, then kept up to date by each edit. */
  private lineOffsets: number[] | undefined;
  private currentVersion: number;
  /** Counts updates: unlike the client's version numbers, certain to grow by one per update. */
  private currentRevision = 0;
  private readonly edits = new DocumentEditLog();

  constructor(
    readonly uri: string,
    readonly languageId: string,
    version: number,
    text: string,
  ) {
    this.content = new PieceText(text);
    this.currentVersion = version;
  }

  get version(): number {
    return this.currentVersion;
  }

  get revision(): number {
    return this.currentRevision;
  }

  get lineCount(): number {
    return this.getLineOffsets().length;
  }

  getText(range?: Range): string {
    if (!range) return this.content.toString();
    return this.content.slice(this.offsetAt(range.start), this.offsetAt(range.end));
  }

  positionAt(offset: number): Position {
    const at = Math.max(Math.min(offset, this.content.length), 0);
    const lineOffsets = this.getLineOffsets();
    let low = 0;
    let high = lineOffsets.length;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      if ((lineOffsets[middle] as number) > at) high = middle;
      else low = middle + 1;
    }
    const line = low - 1;
    const lineOffset = lineOffsets[line] as number;
    return { line, character: this.beforeLineEnd(at, lineOffset) - lineOffset };
  }

  offsetAt(position: Position): number {
    const lineOffsets = this.getLineOffsets();
    if (position.line >= lineOffsets.length) return this.content.length;
    if (position.line < 0) return 0;
    const lineOffset = lineOffsets[position.line] as number;
    if (position.character <= 0) return lineOffset;
    const nextLineOffset = position.line + 1 < lineOffsets.length ? (lineOffsets[position.line + 1] as number) : this.content.length;
    return this.beforeLineEnd(Math.min(lineOffset + position.character, nextLineOffset), lineOffset);
  }

  getLineRange(line: number): Range {
    const lineOffsets = this.getLineOffsets();
    if (line >= lineOffsets.length) {
      const last = lineOffsets.length - 1;
      return { start: { line: last, character: 0 }, end: { line: last, character: this.content.length - (lineOffsets[last] as number) } };
    }
    if (line < 0) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const start = lineOffsets[line] as number;
    const next = line + 1 < lineOffsets.length ? (lineOffsets[line + 1] as number) : this.content.length;
    return { start: { line, character: 0 }, end: { line, character: this.beforeLineEnd(next, start) - start } };
  }

  getEOLCharacters(line: number): string {
    const lineOffsets = this.getLineOffsets();
    if (line >= lineOffsets.length || line < 0) return '';
    const next = line + 1 < lineOffsets.length ? (lineOffsets[line + 1] as number) : this.content.length;
    return this.content.slice(this.beforeLineEnd(next, lineOffsets[line] as number), next);
  }

  /** Applies the changes in order, as TextDocument.update does. */
  update(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    const applied: OffsetEdit[] = [];
    for (const change of changes) {
      if ('range' in change && change.range !== undefined) applied.push(this.applyIncremental(change.range, change.text));
      else {
        applied.push({ start: 0, end: this.content.length, text: change.text });
        this.content.reset(change.text);
        this.lineOffsets = undefined;
      }
    }
    this.currentVersion = version;
    this.edits.record(++this.currentRevision, applied, this.content.length);
  }

  /** The edits that turn this document at `revision` into its current text; undefined when they are no longer all known. */
  editsSince(revision: number): OffsetEdit[] | undefined {
    return this.edits.since(revision, this.currentRevision);
  }

  /** The reader of the edits has everything up to `revision`. */
  forgetEditsThrough(revision: number): void {
    this.edits.forgetThrough(revision, this.currentRevision);
  }

  private applyIncremental(given: Range, text: string): OffsetEdit {
    const range = wellFormed(given);
    const start = this.offsetAt(range.start);
    const end = this.offsetAt(range.end);
    this.content.replace(start, end, text);
    const edit = { start, end, text };
    if (this.lineOffsets === undefined) return edit;
    const insertedEnd = start + text.length;
    const crlfAtStart = this.content.charCodeAt(start - 1) === CR && this.content.charCodeAt(start) === LF;
    const crlfAtEnd = this.content.charCodeAt(insertedEnd - 1) === CR && this.content.charCodeAt(insertedEnd) === LF;
    if (crlfAtStart || crlfAtEnd) {
      // A \r\n pair formed across the edit's boundary: count the lines again when next asked.
      this.lineOffsets = undefined;
      return edit;
    }
    const lineOffsets = this.lineOffsets;
    const startLine = Math.max(range.start.line, 0);
    const endLine = Math.max(range.end.line, 0);
    const added = lineStarts(text, start);
    if (endLine - startLine === added.length) {
      for (let index = 0; index < added.length; index++) lineOffsets[index + startLine + 1] = added[index] as number;
    } else if (added.length < 10_000) {
      lineOffsets.splice(startLine + 1, endLine - startLine, ...added);
    } else {
      this.lineOffsets = [...lineOffsets.slice(0, startLine + 1), ...added, ...lineOffsets.slice(endLine + 1)];
    }
    const shift = text.length - (end - start);
    if (shift !== 0) {
      const offsets = this.lineOffsets;
      for (let index = startLine + 1 + added.length; index < offsets.length; index++) offsets[index] = (offsets[index] as number) + shift;
    }
    return edit;
  }

  private getLineOffsets(): number[] {
    this.lineOffsets ??= [0, ...lineStarts(this.content.toString(), 0)];
    return this.lineOffsets;
  }

  /** Steps back over line-end characters, not before `lineOffset`. */
  private beforeLineEnd(offset: number, lineOffset: number): number {
    let at = offset;
    while (at > lineOffset && isLineEnd(this.content.charCodeAt(at - 1))) at--;
    return at;
  }
}

/** For `new TextDocuments(WORKFLOW_DOCUMENTS)`. */
export const WORKFLOW_DOCUMENTS: TextDocumentsConfiguration<WorkflowDocument> = {
  create: (uri, languageId, version, content) => new WorkflowDocument(uri, languageId, version, content),
  update: (document, changes, version) => {
    document.update(changes, version);
    return document;
  },
};

/** Offsets (plus `base`) just after each line end in `text`: `\r\n`, `\n` or a lone `\r`. */
function lineStarts(text: string, base: number): number[] {
  const starts: number[] = [];
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code !== CR && code !== LF) continue;
    if (code === CR && index + 1 < text.length && text.charCodeAt(index + 1) === LF) index++;
    starts.push(base + index + 1);
  }
  return starts;
}

function isLineEnd(code: number): boolean {
  return code === CR || code === LF;
}

function wellFormed(range: Range): Range {
  const { start, end } = range;
  return start.line > end.line || (start.line === end.line && start.character > end.character) ? { start: end, end: start } : range;
}
