import { NODE_RANGE_FIELDS, JsonNodeRanges } from './jsonNodeRanges';
import { JsonStringSite } from './jsonStringMap';
import { keepShape } from './shapeKeeper';
import { isPlainObject, locateScan, ReferenceScans, type RawWorkflow } from './workflowStructure';
import type { JsonPath, LocatedMalformed, LocatedReference, TextRange } from './workflowTypes';

/**
 * The fast JSON path for valid files: the native JSON.parse gives the value, and one scan of the
 * text finds what JSON.parse cannot tell: the source ranges of the workflow's values and where the
 * references are. Strings are skipped with indexOf, not read character by character, and only
 * those holding `{{` are decoded and scanned for references, which are located on the spot.
 * Returns undefined for text JSON.parse refuses; jsonc-parser then reports the errors
 * (jsonWorkflowParser.ts). A differential test holds both paths to the same result.
 */
export function parseJsonFast(text: string): RawWorkflow | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  try {
    return new JsonScan(text, value).run();
  } catch {
    return undefined;
  }
}

const QUOTE = 34;
const BACKSLASH = 92;
/** Field slot (NODE_RANGE_FIELDS) of the whole node, and of none. */
const NODE_SLOT = 0;
const NO_SLOT = -1;
/** A local copy: under tsx an imported binding is a getter call, and this one is read per key. */
const NODE_FIELDS: readonly string[] = NODE_RANGE_FIELDS;
/** How many recently decoded keys are reused rather than sliced again (keys repeat from node to node). */
const RECENT_KEYS = 16;

/**
 * The scan keeps little per value: the open containers live in parallel arrays indexed by depth,
 * and an object's current key is kept as its token's offsets. A key is decoded only when a
 * reference below it needs its path, or when workflow ranges depend on it (`nodes`, `id`, ...).
 */
class JsonScan {
  private readonly references: LocatedReference[] = [];
  private readonly malformed: LocatedMalformed[] = [];
  private readonly ranges = new JsonNodeRanges();
  private readonly site: JsonStringSite;
  private readonly scans = new ReferenceScans();
  /** The node list as JSON.parse read it, which references are attributed to. */
  private readonly nodeValues: unknown[] | undefined;
  private root: TextRange | undefined;
  private depth = 0;
  private readonly isArray: boolean[] = [];
  private readonly starts: number[] = [];
  /** Per array: the index of the next item. */
  private readonly indexes: number[] = [];
  /** Per object: the current key's token (quotes included), whether it has escapes, and its text once decoded. */
  private readonly keyStarts: number[] = [];
  private readonly keyEnds: number[] = [];
  private readonly keyEscaped: boolean[] = [];
  private readonly keyTexts: (string | undefined)[] = [];
  private readonly recentKeys: string[] = [];
  private recentNext = 0;
  /** The next string token is a key (right after `{` or a comma in an object). */
  private expectKey = false;
  /** The root is an object and its current key is `nodes`: values at depth 1 to 3 may be workflow ranges. */
  private inNodes = false;
  /** NODE_RANGE_FIELDS slot of the current depth-3 key inside `nodes[i]`, or NO_SLOT. */
  private nodeField = NO_SLOT;
  // Next backslash and next `{{` at or after the scan position: found once, so the scan stays linear.
  private nextBackslash = -1;
  private nextBraces = -1;

  constructor(
    private readonly text: string,
    private readonly value: unknown,
  ) {
    this.site = new JsonStringSite(text);
    this.nodeValues = isPlainObject(value) && Array.isArray(value.nodes) ? (value.nodes as unknown[]) : undefined;
  }

  run(): RawWorkflow {
    const text = this.text;
    const length = text.length;
    let index = 0;
    while (index < length) {
      const code = text.charCodeAt(index);
      // Indentation is most of a pretty-printed file: one cheap test before any dispatch.
      if (code === 32 || code === 10 || code === 13 || code === 9) {
        index++;
        continue;
      }
      if (code === QUOTE) {
        index = this.string(index);
        continue;
      }
      switch (code) {
        case 123: // {
        case 91: {
          // [
          const depth = this.depth++;
          this.isArray[depth] = code === 91;
          this.starts[depth] = index;
          this.indexes[depth] = 0;
          this.expectKey = code === 123;
          index++;
          break;
        }
        case 125: // }
        case 93: // ]
          this.depth--;
          this.expectKey = false;
          this.complete(this.starts[this.depth] as number, index + 1);
          index++;
          break;
        case 44: // ,
          if (!this.isArray[this.depth - 1]) this.expectKey = true;
          index++;
          break;
        case 58: // :
          index++;
          break;
        default: {
          // A number, true, false or null: runs to the next delimiter.
          let end = index + 1;
          while (end < length && !isDelimiter(text.charCodeAt(end))) end++;
          this.complete(index, end);
          index = end;
        }
      }
    }
    const located = { references: this.references, malformed: this.malformed };
    return { value: this.value, root: this.root ?? { start: 0, end: length }, problems: [], strings: [], located, ranges: this.ranges };
  }

  /** A string token starting at `start` (its opening quote); returns the offset after it. */
  private string(start: number): number {
    const text = this.text;
    let close = text.indexOf('"', start + 1);
    if (this.nextBackslash < start) this.nextBackslash = indexOrEnd(text, '\\', start);
    let escaped = false;
    if (this.nextBackslash < close) {
      // Escapes inside: walk them, so an escaped quote does not end the string.
      escaped = true;
      let at = start + 1;
      while (text.charCodeAt(at) !== QUOTE) at += text.charCodeAt(at) === BACKSLASH ? 2 : 1;
      close = at;
      this.nextBackslash = indexOrEnd(text, '\\', close);
    }
    const end = close + 1;
    if (this.nextBraces < start) this.nextBraces = indexOrEnd(text, '{{', start);
    // Outside strings valid JSON never has `{{`, so a raw `{{` before the close quote is inside.
    const mayHold = this.nextBraces < close || escaped;
    if (this.expectKey) {
      this.expectKey = false;
      this.key(start, end, escaped);
      if (mayHold) this.scanString(this.keyText(this.depth - 1), start, end, true);
      return end;
    }
    if (mayHold) this.scanString(escaped ? decode(text, start, end) : text.slice(start + 1, close), start, end, false);
    this.complete(start, end);
    return end;
  }

  /** A new key at the current depth: remembered by offsets; decoded at once only where ranges depend on it. */
  private key(start: number, end: number, escaped: boolean): void {
    const slot = this.depth - 1;
    this.keyStarts[slot] = start;
    this.keyEnds[slot] = end;
    this.keyEscaped[slot] = escaped;
    this.keyTexts[slot] = undefined;
    if (slot === 0) this.inNodes = this.keyIs(slot, 'nodes');
    else if (slot === 2 && this.inNodes && this.isArray[1]) this.nodeField = this.nodeFieldOf(slot);
  }

  private nodeFieldOf(slot: number): number {
    for (let field = NODE_SLOT + 1; field < NODE_FIELDS.length; field++) if (this.keyIs(slot, NODE_FIELDS[field] as string)) return field;
    return NO_SLOT;
  }

  private keyIs(slot: number, name: string): boolean {
    if (this.keyEscaped[slot]) return this.keyText(slot) === name;
    const start = this.keyStarts[slot] as number;
    return (this.keyEnds[slot] as number) - start - 2 === name.length && this.text.startsWith(name, start + 1);
  }

  private keyText(slot: number): string {
    let key = this.keyTexts[slot];
    if (key === undefined) {
      const start = this.keyStarts[slot] as number;
      const end = this.keyEnds[slot] as number;
      key = this.keyEscaped[slot] ? decode(this.text, start, end) : this.recentKey(start + 1, end - 1);
      this.keyTexts[slot] = key;
    }
    return key;
  }

  /** The key text between `from` and `to`, as the string decoded last time when it is one of the recent keys. */
  private recentKey(from: number, to: number): string {
    const recent = this.recentKeys;
    for (let index = 0; index < recent.length; index++) {
      const key = recent[index] as string;
      if (key.length === to - from && this.text.startsWith(key, from)) return key;
    }
    const key = this.text.slice(from, to);
    recent[this.recentNext] = key;
    this.recentNext = (this.recentNext + 1) % RECENT_KEYS;
    return key;
  }

  /** Scans a string that may hold references; its path is built only when it holds some. */
  private scanString(value: string, start: number, end: number, isKey: boolean): void {
    if (!value.includes('{{')) return;
    const scan = this.scans.of(value);
    if (scan.references.length === 0 && scan.malformed.length === 0) return;
    const path = this.path();
    // Attributed to a node as buildParsedWorkflow does: inside nodes[i] of the node list JSON.parse kept.
    let nodeIndex: number | undefined;
    let nodeId: string | undefined;
    const index = path[1];
    if (this.nodeValues && path[0] === 'nodes' && typeof index === 'number' && path.length >= 3 && index < this.nodeValues.length) {
      nodeIndex = index;
      const node = this.nodeValues[index];
      if (isPlainObject(node) && typeof node.id === 'string') nodeId = node.id;
    }
    const site = this.site.at(value, path, isKey, start, end - start);
    locateScan(scan, site, nodeIndex, nodeId, this.references, this.malformed);
  }

  private path(): JsonPath {
    const path: JsonPath = new Array<string | number>(this.depth);
    for (let slot = 0; slot < this.depth; slot++) path[slot] = this.isArray[slot] ? (this.indexes[slot] as number) : this.keyText(slot);
    return path;
  }

  private complete(start: number, end: number): void {
    const depth = this.depth;
    if (depth === 0) {
      this.root ??= { start, end };
      return;
    }
    if (this.inNodes && depth <= 3) this.record(depth, start, end);
    if (this.isArray[depth - 1]) this.indexes[depth - 1] = (this.indexes[depth - 1] as number) + 1;
  }

  /** The ranges a workflow keeps: `nodes`, `nodes[i]` and `nodes[i].id/type/name/config`. */
  private record(depth: number, start: number, end: number): void {
    if (depth === 1) {
      this.ranges.nodes = { start, end };
      return;
    }
    if (!this.isArray[1]) return;
    const index = this.indexes[1] as number;
    if (depth === 2) this.ranges.record(index, NODE_SLOT, start, end);
    else if (!this.isArray[2] && this.nodeField !== NO_SLOT) this.ranges.record(index, this.nodeField, start, end);
  }
}

function decode(text: string, start: number, end: number): string {
  return JSON.parse(text.slice(start, end)) as string;
}

function indexOrEnd(text: string, search: string, from: number): number {
  const found = text.indexOf(search, from);
  return found < 0 ? text.length : found;
}

const isDelimiter = (code: number) => code === 44 || code === 125 || code === 93 || code === 32 || code === 10 || code === 13 || code === 9;

/**
 * A scanner kept alive after reading a sample that takes its every path (keys, nodes, a reference,
 * an escaped string), so the classes it uses (itself, its ranges, string site and escape map,
 * scan cache) outlive every parse: see shapeKeeper.ts.
 */
const SHAPE_SAMPLE = '{"nodes":[{"id":"n","type":"t","name":"n","config":{"a":"{{secrets.s.f}}","b":"\\t{{secrets.s.f}}"}}]}';
keepShape(new JsonScan(SHAPE_SAMPLE, JSON.parse(SHAPE_SAMPLE))).run();
