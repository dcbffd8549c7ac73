import type { Position, Range } from 'vscode-languageserver';
import type { LocatedReference, ReferenceLocation } from '../shared/workflowTypes';

/**
 * A file's references in LSP positions, packed into one typed array: the worker thread sends them
 * to the main thread, and 20,000 small objects would cost the main thread a long structured-clone
 * pause (the one completion must not wait behind). Numbers per reference: location, then line and
 * character of range start/end, name start/end and field start/end.
 */
export interface PackedReferences {
  names: string[];
  fields: string[];
  numbers: Int32Array;
}

export interface IndexedReference {
  name: string;
  field: string;
  /** The whole `{{secrets.NAME.FIELD}}`. */
  range: Range;
  nameRange: Range;
  fieldRange: Range;
  location: ReferenceLocation;
}

const STRIDE = 13;
const LOCATIONS: ReferenceLocation[] = ['config', 'outsideConfig', 'key'];

export const NO_REFERENCES: PackedReferences = { names: [], fields: [], numbers: new Int32Array(0) };

/** Offsets to LSP positions (shared/lineIndex.ts's LineIndex). */
export interface PositionSource {
  positionAt(offset: number): Position;
}

export function packReferences(references: readonly LocatedReference[], lines: PositionSource): PackedReferences {
  const numbers = new Int32Array(references.length * STRIDE);
  const names: string[] = new Array(references.length);
  const fields: string[] = new Array(references.length);
  let at = 0;
  const put = (offset: number): void => {
    const position = lines.positionAt(offset);
    numbers[at++] = position.line;
    numbers[at++] = position.character;
  };
  for (let index = 0; index < references.length; index++) {
    const reference = references[index]!;
    names[index] = reference.name;
    fields[index] = reference.field;
    numbers[at++] = LOCATIONS.indexOf(reference.location);
    put(reference.range.start);
    put(reference.range.end);
    put(reference.nameRange.start);
    put(reference.nameRange.end);
    put(reference.fieldRange.start);
    put(reference.fieldRange.end);
  }
  return { names, fields, numbers };
}

export function referenceCount(packed: PackedReferences): number {
  return packed.names.length;
}

export function unpackReference(packed: PackedReferences, index: number): IndexedReference {
  const at = index * STRIDE;
  const n = packed.numbers;
  const range = (from: number): Range => ({ start: { line: n[from]!, character: n[from + 1]! }, end: { line: n[from + 2]!, character: n[from + 3]! } });
  return {
    name: packed.names[index]!,
    field: packed.fields[index]!,
    location: LOCATIONS[n[at]!] ?? 'config',
    range: range(at + 1),
    nameRange: range(at + 5),
    fieldRange: range(at + 9),
  };
}

/** Every reference, unpacked (for rename and references, which need them all anyway). */
export function unpackAll(packed: PackedReferences): IndexedReference[] {
  return packed.names.map((_, index) => unpackReference(packed, index));
}

/** The reference whose `{{ ... }}` contains the position (end inclusive, so a cursor just after `}}` still counts). */
export function referenceAt(packed: PackedReferences, position: Position): IndexedReference | undefined {
  const n = packed.numbers;
  for (let index = 0; index < packed.names.length; index++) {
    const at = index * STRIDE + 1;
    if (compare(position, n[at]!, n[at + 1]!) >= 0 && compare(position, n[at + 2]!, n[at + 3]!) <= 0) return unpackReference(packed, index);
  }
  return undefined;
}

function compare(position: Position, line: number, character: number): number {
  return position.line - line || position.character - character;
}

export function rangeContains(range: Range, position: Position): boolean {
  return compare(position, range.start.line, range.start.character) >= 0 && compare(position, range.end.line, range.end.character) <= 0;
}
