import { pathToFileURL } from 'node:url';
import type { Diagnostic, Position, Range } from 'vscode-languageserver-protocol';

/** Text and position helpers for the LSP tests (UTF-16 positions, as LSP counts them). */

/** A diagnostic's message as text (LSP 3.18 allows Markdown content too). */
export function messageOf(diagnostic: Diagnostic): string {
  return typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value;
}

export function fileUri(filePath: string): string {
  return pathToFileURL(filePath).href;
}

/** The LSP position (UTF-16) of the `occurrence`-th `needle` in `text`, plus `delta` characters. */
export function positionOf(text: string, needle: string, delta = 0, occurrence = 1): Position {
  let at = -1;
  for (let seen = 0; seen < occurrence; seen++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`"${needle}" occurs fewer than ${occurrence} times`);
  }
  return positionAt(text, at + delta);
}

/** LSP position of an offset; \r\n, \n and \r all end a line. */
export function positionAt(text: string, offset: number): Position {
  let line = 0;
  let lineStart = 0;
  for (let index = 0; index < offset; index++) {
    const char = text[index];
    if (char === '\n' || (char === '\r' && text[index + 1] !== '\n')) {
      line++;
      lineStart = index + 1;
    }
  }
  return { line, character: offset - lineStart };
}

/** Applies non-overlapping text edits to a text (for checking completion and code action edits). */
export function applyEdits(text: string, edits: { range: Range; newText: string }[]): string {
  const offsetOf = (position: Position): number => {
    let line = 0;
    let index = 0;
    while (line < position.line && index < text.length) {
      const char = text[index++];
      if (char === '\n' || (char === '\r' && text[index] !== '\n')) line++;
    }
    return index + position.character;
  };
  const sorted = [...edits].sort((left, right) => offsetOf(right.range.start) - offsetOf(left.range.start));
  let result = text;
  for (const edit of sorted) result = result.slice(0, offsetOf(edit.range.start)) + edit.newText + result.slice(offsetOf(edit.range.end));
  return result;
}
