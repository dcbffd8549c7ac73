/**
 * Text held as a list of pieces of bounded size, so that replacing a few characters of a 4 MB
 * document copies a few kilobytes. A single JavaScript string cannot do that: every edit builds a
 * rope that V8 flattens (a full copy, and megabytes of garbage) on the next character read.
 * The whole text is joined only when asked for, and kept until the next edit.
 */

/** Pieces are cut to this many UTF-16 units; an edited piece may grow to twice that before it is cut again. */
const PIECE = 16 * 1024;

export class PieceText {
  private pieces: string[] = [''];
  /** Offset of each piece's first character. */
  private starts: number[] = [0];
  private total = 0;
  /** The whole text, while no edit has happened since it was last joined. */
  private whole: string | undefined = '';

  constructor(text: string) {
    this.reset(text);
  }

  get length(): number {
    return this.total;
  }

  reset(text: string): void {
    this.pieces = cut(text);
    this.total = text.length;
    this.whole = text;
    this.restartFrom(0);
  }

  /** The whole text; joins the pieces once per edit, then slices them off the joined copy so only one copy stays alive. */
  toString(): string {
    if (this.whole === undefined) {
      this.whole = this.pieces.length === 1 ? (this.pieces[0] as string) : this.pieces.join('');
      this.pieces = cut(this.whole);
      this.restartFrom(0);
    }
    return this.whole;
  }

  /** As `String.prototype.charCodeAt`: NaN outside the text. */
  charCodeAt(offset: number): number {
    if (!(offset >= 0 && offset < this.total)) return Number.NaN;
    if (this.whole !== undefined) return this.whole.charCodeAt(offset);
    const index = this.pieceAt(offset);
    return (this.pieces[index] as string).charCodeAt(offset - (this.starts[index] as number));
  }

  /** As `String.prototype.slice` with non-negative offsets (clamped to the text). */
  slice(start: number, end: number = this.total): string {
    const from = Math.max(0, Math.min(start, this.total));
    const to = Math.max(from, Math.min(end, this.total));
    if (this.whole !== undefined) return this.whole.slice(from, to);
    let index = this.pieceAt(from);
    const first = this.pieces[index] as string;
    const firstStart = this.starts[index] as number;
    if (to <= firstStart + first.length) return first.slice(from - firstStart, to - firstStart);
    const parts = [first.slice(from - firstStart)];
    for (index++; index < this.pieces.length && (this.starts[index] as number) < to; index++) {
      const piece = this.pieces[index] as string;
      parts.push(piece.slice(0, to - (this.starts[index] as number)));
    }
    return parts.join('');
  }

  /** Replaces `[start, end)` (clamped, in order) with `text`. */
  replace(start: number, end: number, text: string): void {
    const from = Math.max(0, Math.min(start, this.total));
    const to = Math.max(from, Math.min(end, this.total));
    if (from === to && text.length === 0) return;
    const first = this.pieceAt(from);
    let last = this.pieceAt(to);
    let merged =
      (this.pieces[first] as string).slice(0, from - (this.starts[first] as number)) + text + (this.pieces[last] as string).slice(to - (this.starts[last] as number));
    // A piece shrunk by deletions takes in its neighbour, so the number of pieces stays bounded.
    if (merged.length < PIECE / 2 && last + 1 < this.pieces.length) merged += this.pieces[++last] as string;
    const replacement = merged.length > 2 * PIECE ? cut(merged) : merged.length > 0 ? [merged] : [];
    this.pieces.splice(first, last - first + 1, ...replacement);
    if (this.pieces.length === 0) this.pieces.push('');
    this.total += text.length - (to - from);
    this.whole = undefined;
    this.restartFrom(first);
  }

  /** Index of the piece holding `offset` (the last piece for the end of the text). */
  private pieceAt(offset: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.starts[middle] as number) <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  private restartFrom(index: number): void {
    this.starts.length = this.pieces.length;
    let offset = index === 0 ? 0 : (this.starts[index - 1] as number) + (this.pieces[index - 1] as string).length;
    for (let at = index; at < this.pieces.length; at++) {
      this.starts[at] = offset;
      offset += (this.pieces[at] as string).length;
    }
  }
}

/** Slices share the text's memory: cutting copies nothing. */
function cut(text: string): string[] {
  if (text.length <= 2 * PIECE) return [text];
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += PIECE) pieces.push(text.slice(start, start + PIECE));
  return pieces;
}
