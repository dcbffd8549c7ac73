import type { WorkflowFormat } from '../shared/workflowTypes';
import { yamlScalarStart } from './yamlLineScan';

/**
 * What is being typed at the cursor, found from the current line alone (plus, for YAML block
 * scalars, the indicator line above): never a parse, so completion neither waits for a
 * re-validation nor fails on a document that is mid-edit and does not parse.
 */
export type CompletionContextKind = 'secretsKeyword' | 'secretName' | 'fieldName';

export interface ReferenceCompletionContext {
  kind: CompletionContextKind;
  /** Offsets of the segment an accepted item replaces: the partial word and its rest after the cursor. */
  segmentStart: number;
  segmentEnd: number;
  /** The part of the segment before the cursor. */
  typed: string;
  /** fieldName: the secret whose fields are offered. */
  name?: string;
  /** A `.` already follows the segment (the reference goes on). */
  followedByDot: boolean;
  /** `}}` already follows the segment (optionally after spaces). */
  closed: boolean;
  /** Written `{{ secrets...`: close with ` }}` to match. */
  spaced: boolean;
}

const WORD = /[A-Za-z0-9_-]/;
const KEYWORD_PART = /^([ \t]*)([A-Za-z]*)$/;
const NAME_PART = /^([ \t]*)secrets\.([A-Za-z_][A-Za-z0-9_-]*)?$/;
const FIELD_PART = /^([ \t]*)secrets\.([A-Za-z_][A-Za-z0-9_-]*)\.([A-Za-z_][A-Za-z0-9_-]*)?$/;

/** The reference being typed at `offset`, or undefined when completion has nothing to offer there. */
export function completionContextAt(text: string, offset: number, format: WorkflowFormat): ReferenceCompletionContext | undefined {
  if (offset < 2 || offset > text.length) return undefined;
  const lineStart = startOfLine(text, offset);
  // Cheapest test first: no `{{` before the cursor on this line means nothing to complete.
  const inLine = text.slice(lineStart, offset).lastIndexOf('{{');
  if (inLine < 0) return undefined;
  const open = lineStart + inLine;
  const contentStart = format === 'json' ? jsonStringStart(text, lineStart, offset) : yamlScalarStart(text, lineStart, offset);
  if (contentStart === undefined || open < contentStart) return undefined;
  const inside = text.slice(open + 2, offset);
  if (inside.includes('}}')) return undefined;
  // `\{{secrets.` is the literal text, not a reference.
  if (open > contentStart && text[open - 1] === '\\') return undefined;
  const after = wordEnd(text, offset);
  const rest = text.slice(after, after + 64);
  const shared = { segmentEnd: after, followedByDot: rest.startsWith('.'), closed: /^[ \t]*\}\}/.test(rest) };

  const field = FIELD_PART.exec(inside);
  if (field) {
    const typed = field[3] ?? '';
    return { kind: 'fieldName', segmentStart: offset - typed.length, typed, name: field[2]!, spaced: field[1]!.length > 0, ...shared };
  }
  const name = NAME_PART.exec(inside);
  if (name) {
    const typed = name[2] ?? '';
    return { kind: 'secretName', segmentStart: offset - typed.length, typed, spaced: name[1]!.length > 0, ...shared };
  }
  const keyword = KEYWORD_PART.exec(inside);
  if (keyword && 'secrets'.startsWith(keyword[2]!)) {
    const typed = keyword[2]!;
    return { kind: 'secretsKeyword', segmentStart: offset - typed.length, typed, spaced: keyword[1]!.length > 0, ...shared };
  }
  return undefined;
}

function startOfLine(text: string, offset: number): number {
  const afterNewline = text.lastIndexOf('\n', offset - 1) + 1;
  // A lone \r (old Mac line ends) also ends a line; look for one only on this line.
  const carriageReturn = text.slice(afterNewline, offset).lastIndexOf('\r');
  return carriageReturn < 0 ? afterNewline : afterNewline + carriageReturn + 1;
}

function wordEnd(text: string, offset: number): number {
  let end = offset;
  while (end < text.length && WORD.test(text[end]!)) end++;
  return end;
}

/**
 * JSON strings never span lines, so the quotes before the cursor on its line tell whether it is
 * inside one. Keys (a string followed by `:`) hold no references, so they get nothing.
 */
function jsonStringStart(text: string, lineStart: number, offset: number): number | undefined {
  let open: number | undefined;
  for (let index = lineStart; index < offset; index++) {
    const char = text[index];
    if (open !== undefined && char === '\\') index++;
    else if (char === '"') open = open === undefined ? index + 1 : undefined;
  }
  if (open === undefined) return undefined;
  // Find where this string closes on the line: a key when a `:` follows.
  for (let index = offset; index < text.length; index++) {
    const char = text[index];
    if (char === '\n' || char === '\r') return open;
    if (char === '\\') index++;
    else if (char === '"') return /^\s*:/.test(text.slice(index + 1, index + 40)) ? undefined : open;
  }
  return open;
}
