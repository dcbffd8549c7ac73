import { scanReferences, unescapeLiteral } from './referenceGrammar';
import { NAME_MAX_LENGTH } from './secretNames';

/** The values a node may use: those of its own resolved references. */
export interface NodeValues {
  /**
   * The value of the reference whose NAME is `text` from `nameStart` to `nameEnd` and whose FIELD
   * is from `fieldStart` to `fieldEnd`, or undefined when the node has none. Offsets, so the common
   * case compares in place rather than cutting two strings out of every reference.
   */
  valueAt(text: string, nameStart: number, nameEnd: number, fieldStart: number, fieldEnd: number): string | undefined;
}

const NO_VALUES: NodeValues = { valueAt: () => undefined };

/**
 * Substitutes node configs, one at a time; a run keeps one and reuses it for every node. It walks
 * a config once; only strings holding `{{` are scanned (a literal escape `\{{` holds one too).
 * With `build`, `apply` returns a copy of the config of its own, each reference in its strings
 * replaced and literal escapes undone (strings are immutable, so unchanged ones are not copied).
 * Without `build` (a dry run) nothing is copied: `apply` returns the config as given and only
 * `missing` is worked out.
 */
export class ConfigSubstitution {
  /** References found in the last config's strings that had no value, as `{{secrets.NAME.FIELD}}`. */
  readonly missing: string[] = [];
  private values: NodeValues = NO_VALUES;
  private readonly parts: ReferenceParts = { nameStart: 0, nameEnd: 0, fieldStart: 0, fieldEnd: 0, end: 0 };

  constructor(private readonly build: boolean) {}

  apply(config: unknown, values: NodeValues): unknown {
    this.missing.length = 0;
    this.values = values;
    const result = this.value(config);
    this.values = NO_VALUES;
    return this.build ? result : config;
  }

  private value(value: unknown): unknown {
    if (typeof value === 'string') return this.string(value);
    if (typeof value !== 'object' || value === null) return value;
    return Array.isArray(value) ? this.array(value) : this.record(value as Record<string, unknown>);
  }

  private string(text: string): string {
    const open = text.indexOf('{{');
    if (open < 0) return text;
    return this.plain(text, open) ?? this.scanned(text);
  }

  /**
   * The common case without the scanner: no escape, and every `{{` opens a well-formed reference
   * (read by `wellFormedAt`, which accepts exactly what `scanReferences` does). Then those are
   * the scanner's references; anything else (an escape, another template, a malformed reference)
   * returns undefined and goes through the scanner.
   */
  private plain(text: string, open: number): string | undefined {
    if (text.includes('\\{{')) return undefined;
    const parts = this.parts;
    const missingBefore = this.missing.length;
    let result = '';
    let last = 0;
    for (let at = open; at >= 0; at = text.indexOf('{{', at + 1)) {
      if (!wellFormedAt(text, at, parts)) {
        this.missing.length = missingBefore;
        return undefined;
      }
      const value = this.values.valueAt(text, parts.nameStart, parts.nameEnd, parts.fieldStart, parts.fieldEnd);
      if (value === undefined) this.missing.push(`{{secrets.${text.slice(parts.nameStart, parts.nameEnd)}.${text.slice(parts.fieldStart, parts.fieldEnd)}}}`);
      if (this.build) result += text.slice(last, at) + (value ?? '');
      last = parts.end;
    }
    return this.build ? result + text.slice(last) : text;
  }

  private scanned(text: string): string {
    const { references } = scanReferences(text);
    if (references.length === 0) return this.build ? unescapeLiteral(text) : text;
    let result = '';
    let last = 0;
    // The scanner is one left-to-right pass: references come in order.
    for (const ref of references) {
      const value = this.values.valueAt(text, ref.nameStart, ref.nameEnd, ref.fieldStart, ref.fieldEnd);
      if (value === undefined) this.missing.push(`{{secrets.${ref.name}.${ref.field}}}`);
      if (this.build) result += unescapeLiteral(text.slice(last, ref.start)) + (value ?? '');
      last = ref.end;
    }
    return this.build ? result + unescapeLiteral(text.slice(last)) : text;
  }

  // Copies are made with `slice` and spread, which copy a container in one step; the executor
  // gets objects of its own, so it cannot change the parsed document or another node's config.
  private array(list: unknown[]): unknown[] {
    const copy = this.build ? list.slice() : list;
    for (let index = 0; index < list.length; index++) {
      const item = list[index];
      const next = this.value(item);
      if (next !== item) copy[index] = next;
    }
    return copy;
  }

  private record(record: Record<string, unknown>): Record<string, unknown> {
    const copy = this.build ? { ...record } : record;
    for (const key of Object.keys(record)) {
      const item = record[key];
      const next = this.value(item);
      if (next === item) continue;
      // A `__proto__` key is data here (JSON.parse makes it an own property), not the prototype.
      if (key === '__proto__') Object.defineProperty(copy, key, { value: next, writable: true, enumerable: true, configurable: true });
      else copy[key] = next;
    }
    return copy;
  }
}

/** Where the parts of a reference read by `wellFormedAt` are. */
export interface ReferenceParts {
  nameStart: number;
  nameEnd: number;
  fieldStart: number;
  fieldEnd: number;
  /** Just past the closing `}}`. */
  end: number;
}

const SPACE = 32;
const TAB = 9;
const DOT = 46;
const CLOSE = 125;
const UNDERSCORE = 95;
const HYPHEN = 45;

/**
 * Reads `{{secrets.NAME.FIELD}}` at `open` as `scanReferences` accepts it: spaces or tabs only
 * right after `{{` and before `}}`, NAME and FIELD per the naming rule (secretNames.ts) and at
 * most NAME_MAX_LENGTH long. False for anything else, which the scanner then judges.
 */
export function wellFormedAt(text: string, open: number, parts: ReferenceParts): boolean {
  let index = open + 2;
  while (isBlank(text.charCodeAt(index))) index++;
  if (!text.startsWith('secrets.', index)) return false;
  parts.nameStart = index + 8;
  parts.nameEnd = segmentEnd(text, parts.nameStart);
  if (parts.nameEnd < 0 || text.charCodeAt(parts.nameEnd) !== DOT) return false;
  parts.fieldStart = parts.nameEnd + 1;
  parts.fieldEnd = segmentEnd(text, parts.fieldStart);
  if (parts.fieldEnd < 0) return false;
  index = parts.fieldEnd;
  while (isBlank(text.charCodeAt(index))) index++;
  if (text.charCodeAt(index) !== CLOSE || text.charCodeAt(index + 1) !== CLOSE) return false;
  parts.end = index + 2;
  return true;
}

/** The end of a name segment (`[A-Za-z_][A-Za-z0-9_-]*`, at most NAME_MAX_LENGTH) starting at `from`; -1 when there is none. */
function segmentEnd(text: string, from: number): number {
  const first = text.charCodeAt(from);
  if (!isLetter(first) && first !== UNDERSCORE) return -1;
  let index = from + 1;
  while (isNameChar(text.charCodeAt(index))) index++;
  return index - from <= NAME_MAX_LENGTH ? index : -1;
}

const isBlank = (code: number) => code === SPACE || code === TAB;
const isLetter = (code: number) => (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
const isNameChar = (code: number) => isLetter(code) || (code >= 48 && code <= 57) || code === UNDERSCORE || code === HYPHEN;
