import { LineIndex } from './lineIndex';

/**
 * 1-based line and column of offsets asked for in (mostly) ascending order: one forward sweep
 * over the text instead of a `LineIndex` of the whole document. A resolution asks for node starts
 * and reference starts in document order, so on a 5 MB workflow this skips building an array of
 * every line start. An offset behind the cursor on an earlier line (e.g. a malformed reference
 * before a node's references) falls back to a `LineIndex`, built once. Line breaks are `\n`,
 * `\r\n` and a lone `\r`, counted as `LineIndex` counts them.
 */
export class PositionCursor {
  /** 1-based, of the last `moveTo`. */
  line = 1;
  column = 1;
  /** 0-based line and start offset of the cursor's line. */
  private lineNumber = 0;
  private lineStart = 0;
  /** Next `\n` / `\r` at or after the cursor's line start (text length when there is none). */
  private nextLf = -1;
  private nextCr = -1;
  private index: LineIndex | undefined;
  private readonly hasCr: boolean;

  constructor(private readonly text: string) {
    this.hasCr = text.includes('\r');
  }

  /** Moves to `offset` (clamped to the text) and sets `line` and `column`. */
  moveTo(offset: number): void {
    const target = Number.isFinite(offset) ? Math.max(0, Math.min(Math.floor(offset), this.text.length)) : 0;
    if (target < this.lineStart) {
      this.index ??= new LineIndex(this.text);
      const { line, character } = this.index.positionAt(target);
      this.line = line + 1;
      this.column = character + 1;
      return;
    }
    this.advance(target);
    this.line = this.lineNumber + 1;
    this.column = target - this.lineStart + 1;
  }

  /** Moves the line start past every line break before `target`. */
  private advance(target: number): void {
    const text = this.text;
    if (!this.hasCr) {
      // Only `\n` breaks (the usual case): one native search per line, nothing else.
      let next = this.nextLf < this.lineStart ? indexOrEnd(text, '\n', this.lineStart) : this.nextLf;
      while (next < target) {
        this.lineNumber++;
        this.lineStart = next + 1;
        next = indexOrEnd(text, '\n', next + 1);
      }
      this.nextLf = next;
      return;
    }
    for (;;) {
      const brk = this.nextBreak();
      if (brk >= target) return;
      let start = brk + 1;
      if (text.charCodeAt(brk) === 13 && text.charCodeAt(start) === 10) start++;
      // Between a `\r` and its `\n`: still the `\r`'s line, as LineIndex has it.
      if (start > target) return;
      this.lineNumber++;
      this.lineStart = start;
    }
  }

  /** The first line break at or after the line start; each of `\n` and `\r` is searched for again only once passed. */
  private nextBreak(): number {
    const from = this.lineStart;
    if (this.nextLf < from) this.nextLf = indexOrEnd(this.text, '\n', from);
    if (this.nextCr < from) this.nextCr = indexOrEnd(this.text, '\r', from);
    return this.nextLf < this.nextCr ? this.nextLf : this.nextCr;
  }
}

function indexOrEnd(text: string, search: string, from: number): number {
  const found = text.indexOf(search, from);
  return found < 0 ? text.length : found;
}
