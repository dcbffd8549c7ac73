import type { Position, Range } from 'vscode-languageserver';
import type { LocatedReference, ReferenceLocation } from '../shared/workflowTypes';

/**
 * A file's references in LSP positions, packed into one typed array: the worker thread sends them
 * to the main thread, and 20,000 small objects (or 40,000 strings) would cost the main thread a
 * long structured-clone pause (the one completion must not wait behind). Names and fields are
 * tables of distinct strings (a big file repeats a few hundred names); numbers per reference:
 * name index, field index, location, then line and character of range start/end, name start/end
 * and field start/end.
 */
export interface PackedReferences {
  /** Distinct names, in order of first use. */
  names: string[];
  /** Distinct fields, in order of first use. */
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

const STRIDE = 15;
/** Where the positions start within a reference's numbers. */
const RANGES = 3;
const LOCATIONS: ReferenceLocation[] = ['config', 'outsideConfig', 'key'];

export const NO_REFERENCES: PackedReferences = { names: [], fields: [], numbers: new Int32Array(0) };

/** Offsets to LSP positions (shared/lineIndex.ts's LineIndex). */
export interface PositionSource {
  positionAt(offset: number): Position;
}

export function packReferences(references: readonly LocatedReference[], lines: PositionSource): PackedReferences {
  const numbers = new Int32Array(references.length * STRIDE);
  const names = new StringTable();
  const fields = new StringTable();
  let at = 0;
  const put = (offset: number): void => {
    const position = lines.positionAt(offset);
    numbers[at++] = position.line;
    numbers[at++] = position.character;
  };
  for (const reference of references) {
    numbers[at++] = names.indexOf(reference.name);
    numbers[at++] = fields.indexOf(reference.field);
    numbers[at++] = LOCATIONS.indexOf(reference.location);
    put(reference.range.start);
    put(reference.range.end);
    put(reference.nameRange.start);
    put(reference.nameRange.end);
    put(reference.fieldRange.start);
    put(reference.fieldRange.end);
  }
  return { names: names.values, fields: fields.values, numbers };
}

class StringTable {
  readonly values: string[] = [];
  private readonly indexes = new Map<string, number>();

  indexOf(value: string): number {
    let index = this.indexes.get(value);
    if (index === undefined) {
      index = this.values.push(value) - 1;
      this.indexes.set(value, index);
    }
    return index;
  }
}

export function referenceCount(packed: PackedReferences): number {
  return packed.numbers.length / STRIDE;
}

/** Counted once per file's references (they never change): the usage notification asks again after every check of any file. */
const countsByFile = new WeakMap<PackedReferences, Map<string, number>>();

/** How many references each name has. */
export function referenceCountsByName(packed: PackedReferences): ReadonlyMap<string, number> {
  let counts = countsByFile.get(packed);
  if (!counts) {
    const perName = new Int32Array(packed.names.length);
    for (let at = 0; at < packed.numbers.length; at += STRIDE) {
      const name = packed.numbers[at]!;
      perName[name] = perName[name]! + 1;
    }
    counts = new Map(packed.names.map((name, index) => [name, perName[index]!]));
    countsByFile.set(packed, counts);
  }
  return counts;
}

export function unpackReference(packed: PackedReferences, index: number): IndexedReference {
  const at = index * STRIDE;
  const n = packed.numbers;
  const range = (from: number): Range => ({ start: { line: n[from]!, character: n[from + 1]! }, end: { line: n[from + 2]!, character: n[from + 3]! } });
  return {
    name: packed.names[n[at]!]!,
    field: packed.fields[n[at + 1]!]!,
    location: LOCATIONS[n[at + 2]!] ?? 'config',
    range: range(at + RANGES),
    nameRange: range(at + RANGES + 4),
    fieldRange: range(at + RANGES + 8),
  };
}

/** Every reference, unpacked (for rename and references, which need them all anyway). */
export function unpackAll(packed: PackedReferences): IndexedReference[] {
  return Array.from({ length: referenceCount(packed) }, (_, index) => unpackReference(packed, index));
}

/** The reference whose `{{ ... }}` contains the position (end inclusive, so a cursor just after `}}` still counts). */
export function referenceAt(packed: PackedReferences, position: Position): IndexedReference | undefined {
  const n = packed.numbers;
  const count = referenceCount(packed);
  for (let index = 0; index < count; index++) {
    const at = index * STRIDE + RANGES;
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
