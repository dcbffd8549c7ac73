import type { StringSite } from './workflowStructure';
import type { JsonPath, TextRange } from './workflowTypes';

/**
 * A JSON string that may hold references, with a lazily built map back to its source. A class, not
 * an object literal with a closure: a big workflow has one per reference. The JSON fast path moves
 * one instance from string to string (`at`) and keeps none.
 */
export class JsonStringSite implements StringSite {
  value = '';
  path: JsonPath = [];
  isKey = false;
  /** The raw token, quotes included. */
  private offset = 0;
  private length = 0;
  private map: StringMap | undefined;

  constructor(private readonly text: string) {}

  at(value: string, path: JsonPath, isKey: boolean, offset: number, length: number): this {
    this.value = value;
    this.path = path;
    this.isKey = isKey;
    this.offset = offset;
    this.length = length;
    this.map = undefined;
    return this;
  }

  locate(start: number, end: number): TextRange {
    // The common case (no escapes), without building a map: mapJsonString decides it the same way.
    if (this.length - 2 === this.value.length && this.text.charCodeAt(this.offset) === QUOTE) {
      const base = this.offset + 1;
      return { start: base + start, end: base + Math.max(start, end) };
    }
    this.map ??= mapJsonString(this.text, this.offset, this.length, this.value);
    return this.map.locate(start, end);
  }
}

export function jsonStringSite(text: string, value: string, path: JsonPath, isKey: boolean, offset: number, length: number): StringSite {
  return new JsonStringSite(text).at(value, path, isKey, offset, length);
}

interface StringMap {
  locate(start: number, end: number): TextRange;
}

const QUOTE = 34;
const BACKSLASH = 92;

/**
 * Maps offsets in a decoded JSON string back to the source by walking its raw token the way
 * jsonc-parser decodes it. If the walk disagrees with the decoded value (an invalid escape), every
 * offset maps to the whole token: still the right place, if not the tightest.
 */
export function mapJsonString(text: string, offset: number, length: number, value: string): StringMap {
  // Escapes always make the source longer than the value: same length means one to one.
  if (length - 2 === value.length && text.charCodeAt(offset) === QUOTE) return new PlainMap(offset + 1);
  const end = offset + length;
  const escapes = new EscapeMap(offset, end, value.length);
  // Each source character and each valid escape decodes to one UTF-16 unit (an invalid escape to
  // none, as jsonc-parser reads it); only escapes are recorded.
  let unit = 0;
  let pos = offset + 1;
  while (pos < end) {
    const code = text.charCodeAt(pos);
    if (code === QUOTE || code === 10 || code === 13) break;
    if (code !== BACKSLASH) {
      if (value.charCodeAt(unit) !== code) return new WholeToken(offset, end);
      unit++;
      pos++;
      continue;
    }
    if (pos + 1 >= end) break;
    const next = text.charCodeAt(pos + 1);
    const simple = SIMPLE_ESCAPES.get(next);
    let decoded = -1;
    let size = 2;
    if (simple !== undefined) decoded = simple;
    else if (next === 117) {
      // \u: four hex digits, else (jsonc-parser's error) nothing is decoded.
      let digits = 0;
      while (digits < 4 && pos + 2 + digits < end && isHexDigit(text.charCodeAt(pos + 2 + digits))) digits++;
      if (digits === 4) decoded = parseInt(text.slice(pos + 2, pos + 6), 16);
      size = 2 + digits;
    }
    if (decoded >= 0 && value.charCodeAt(unit) !== decoded) return new WholeToken(offset, end);
    escapes.add(unit, pos, pos + size, decoded >= 0);
    if (decoded >= 0) unit++;
    pos += size;
  }
  return unit === value.length ? escapes : new WholeToken(offset, end);
}

/** No escapes: decoded offsets are source offsets shifted past the quote. */
class PlainMap implements StringMap {
  constructor(private readonly base: number) {}

  locate(start: number, end: number): TextRange {
    return { start: this.base + start, end: this.base + Math.max(start, end) };
  }
}

/** The walk disagreed with the value: every range is the whole token. */
class WholeToken implements StringMap {
  constructor(
    private readonly start: number,
    private readonly end: number,
  ) {}

  locate(): TextRange {
    return { start: this.start, end: this.end };
  }
}

/** The escapes, in order; every other decoded unit is one source character. */
class EscapeMap implements StringMap {
  /** Per escape: the decoded unit it stands at, its source range, the first unit after it. */
  private readonly units: number[] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly afters: number[] = [];

  constructor(
    /** The token, quotes included. */
    private readonly tokenStart: number,
    private readonly tokenEnd: number,
    private readonly size: number,
  ) {}

  add(unit: number, start: number, end: number, decodes: boolean): void {
    this.units.push(unit);
    this.starts.push(start);
    this.ends.push(end);
    this.afters.push(decodes ? unit + 1 : unit);
  }

  locate(start: number, stop: number): TextRange {
    if (this.size === 0) return { start: this.tokenStart, end: this.tokenEnd };
    const first = this.sourceStart(Math.min(start, this.size - 1));
    const last = stop > start ? this.sourceEnd(Math.min(stop, this.size) - 1) : first;
    return { start: first, end: last };
  }

  /** The last escape at or before `unit`, or -1. */
  private escapeAtOrBefore(unit: number): number {
    let low = 0;
    let high = this.units.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if ((this.units[middle] as number) <= unit) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    return found;
  }

  private sourceStart(unit: number): number {
    const index = this.escapeAtOrBefore(unit);
    if (index < 0) return this.tokenStart + 1 + unit;
    if (this.isEscape(index, unit)) return this.starts[index] as number;
    return (this.ends[index] as number) + (unit - (this.afters[index] as number));
  }

  private sourceEnd(unit: number): number {
    const index = this.escapeAtOrBefore(unit);
    if (index >= 0 && this.isEscape(index, unit)) return this.ends[index] as number;
    return this.sourceStart(unit) + 1;
  }

  /** The unit is the one escape `index` decodes to (not a character after an escape that decodes to nothing). */
  private isEscape(index: number, unit: number): boolean {
    return this.units[index] === unit && this.afters[index] === unit + 1;
  }
}

const SIMPLE_ESCAPES = new Map<number, number>([
  [34, 34], // \"
  [92, 92], // \\
  [47, 47], // \/
  [98, 8], // \b
  [102, 12], // \f
  [110, 10], // \n
  [114, 13], // \r
  [116, 9], // \t
]);

const isHexDigit = (code: number) => (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
