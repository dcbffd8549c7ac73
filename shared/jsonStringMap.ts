import type { StringSite } from './workflowStructure';
import type { JsonPath, TextRange } from './workflowTypes';

/**
 * A JSON string that may hold references, with a lazily built map back to its source. A class, not
 * an object literal with a closure: a big workflow has one per reference.
 */
export class JsonStringSite implements StringSite {
  private map: StringMap | undefined;

  constructor(
    private readonly text: string,
    readonly value: string,
    readonly path: JsonPath,
    readonly isKey: boolean,
    /** The raw token, quotes included. */
    private readonly offset: number,
    private readonly length: number,
  ) {}

  locate(start: number, end: number): TextRange {
    // The common case, without building a map (as mapJsonString decides it).
    if (this.length - 2 === this.value.length && this.text.charCodeAt(this.offset) === 34) {
      const base = this.offset + 1;
      return { start: base + start, end: base + Math.max(start, end) };
    }
    this.map ??= mapJsonString(this.text, this.offset, this.length, this.value);
    return this.map.locate(start, end);
  }
}

export function jsonStringSite(text: string, value: string, path: JsonPath, isKey: boolean, offset: number, length: number): StringSite {
  return new JsonStringSite(text, value, path, isKey, offset, length);
}

interface StringMap {
  locate(start: number, end: number): TextRange;
}

/**
 * Maps offsets in a decoded JSON string back to the source by walking its raw token the way
 * jsonc-parser decodes it. If the walk disagrees with the decoded value (an invalid escape), every
 * offset maps to the whole token: still the right place, if not the tightest.
 */
export function mapJsonString(text: string, offset: number, length: number, value: string): StringMap {
  // Escapes always make the source longer than the value: same length means one to one.
  if (length - 2 === value.length && text.charCodeAt(offset) === 34) {
    const base = offset + 1;
    return { locate: (start, end) => ({ start: base + start, end: base + Math.max(start, end) }) };
  }
  const starts: number[] = [];
  const ends: number[] = [];
  let decoded = '';
  const end = offset + length;
  let pos = offset + 1;
  const emit = (char: string, from: number, to: number) => {
    decoded += char;
    for (let unit = 0; unit < char.length; unit++) {
      starts.push(from);
      ends.push(to);
    }
  };
  while (pos < end) {
    const char = text[pos] as string;
    if (char === '"' || char === '\n' || char === '\r') break;
    if (char !== '\\') {
      emit(char, pos, pos + 1);
      pos++;
      continue;
    }
    const next = text[pos + 1];
    if (next === undefined || pos + 1 >= end) break;
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      emit(simple, pos, pos + 2);
      pos += 2;
    } else if (next === 'u') {
      let digits = 0;
      while (digits < 4 && pos + 2 + digits < end && /[0-9a-fA-F]/.test(text[pos + 2 + digits] as string)) digits++;
      if (digits === 4) emit(String.fromCharCode(parseInt(text.slice(pos + 2, pos + 6), 16)), pos, pos + 6);
      pos += 2 + digits;
    } else {
      pos += 2;
    }
  }
  if (decoded !== value) return { locate: () => ({ start: offset, end }) };
  return {
    locate(start, stop) {
      if (value.length === 0) return { start: offset, end };
      const first = starts[Math.min(start, value.length - 1)] as number;
      const last = stop > start ? (ends[Math.min(stop, value.length) - 1] as number) : first;
      return { start: first, end: last };
    },
  };
}

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
