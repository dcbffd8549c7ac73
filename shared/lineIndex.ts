import type { TextRange } from './workflowTypes';

/** A zero-based line and UTF-16 character, as LSP counts them. */
export interface LinePosition {
  line: number;
  character: number;
}

/**
 * Offsets to line/character and back. Built once per text in one pass; each lookup is a binary
 * search. Line breaks are `\n`, `\r\n` and a lone `\r`, as LSP clients count them.
 */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if (code === 13) {
        if (text.charCodeAt(index + 1) === 10) index++;
        this.starts.push(index + 1);
      } else if (code === 10) {
        this.starts.push(index + 1);
      }
    }
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** Offsets below 0 or past the end are clamped. */
  positionAt(offset: number): LinePosition {
    const clamped = Math.max(0, Math.min(Number.isFinite(offset) ? Math.floor(offset) : 0, this.text.length));
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.starts[middle] as number) <= clamped) low = middle;
      else high = middle - 1;
    }
    return { line: low, character: clamped - (this.starts[low] as number) };
  }

  /** Lines past the end give the text's length; characters past a line's end stop before its line break. */
  offsetAt(position: LinePosition): number {
    if (position.line < 0) return 0;
    if (position.line >= this.starts.length) return this.text.length;
    const start = this.starts[position.line] as number;
    return start + Math.max(0, Math.min(position.character, this.lineEnd(position.line) - start));
  }

  /** Offset of the end of a line's content (before its line break). */
  lineEnd(line: number): number {
    if (line < 0) return 0;
    if (line >= this.starts.length - 1) return this.text.length;
    let end = this.starts[line + 1] as number;
    if (this.text.charCodeAt(end - 1) === 10) end--;
    if (this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  lineStart(line: number): number {
    if (line < 0) return 0;
    return this.starts[Math.min(line, this.starts.length - 1)] as number;
  }

  /** A range as start and end positions. */
  rangeAt(range: TextRange): { start: LinePosition; end: LinePosition } {
    return { start: this.positionAt(range.start), end: this.positionAt(range.end) };
  }
}
