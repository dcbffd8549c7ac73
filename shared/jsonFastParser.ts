import { jsonStringSite } from './jsonStringMap';
import { WorkflowRanges, type RawWorkflow, type StringSite } from './workflowStructure';
import type { JsonPath, TextRange } from './workflowTypes';

/**
 * The fast JSON path for valid files: the native JSON.parse gives the value, and one scan of the
 * text finds what JSON.parse cannot tell: the source ranges of the workflow's values and of the
 * strings that hold `{{`. Strings are skipped with indexOf, not read character by character.
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

interface Frame {
  start: number;
  isArray: boolean;
  /** In an object: the next string is a key. */
  expectKey: boolean;
}

const QUOTE = 34;
const BACKSLASH = 92;

class JsonScan {
  private readonly strings: StringSite[] = [];
  private readonly ranges = new WorkflowRanges();
  private readonly path: JsonPath = [];
  private readonly frames: Frame[] = [];
  private root: TextRange | undefined;
  // Next backslash and next `{{` at or after the scan position: found once, so the scan stays linear.
  private nextBackslash = -1;
  private nextBraces = -1;

  constructor(
    private readonly text: string,
    private readonly value: unknown,
  ) {}

  run(): RawWorkflow {
    const text = this.text;
    const length = text.length;
    let index = 0;
    while (index < length) {
      const code = text.charCodeAt(index);
      if (code === QUOTE) {
        index = this.string(index);
        continue;
      }
      switch (code) {
        case 123: // {
        case 91: // [
          this.frames.push({ start: index, isArray: code === 91, expectKey: code === 123 });
          this.path.push(code === 91 ? 0 : '');
          index++;
          break;
        case 125: // }
        case 93: {
          // ]
          const frame = this.frames.pop() as Frame;
          this.path.pop();
          this.complete(frame.start, index + 1);
          index++;
          break;
        }
        case 44: {
          // ,
          const frame = this.frames[this.frames.length - 1] as Frame;
          if (!frame.isArray) frame.expectKey = true;
          index++;
          break;
        }
        case 32:
        case 9:
        case 10:
        case 13:
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
    return { value: this.value, root: this.root ?? { start: 0, end: length }, problems: [], strings: this.strings, ranges: this.ranges };
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
    const frame = this.frames[this.frames.length - 1];
    const isKey = frame !== undefined && frame.expectKey;
    if (this.nextBraces < start) this.nextBraces = indexOrEnd(text, '{{', start);
    const hasBraces = this.nextBraces < close;
    if (isKey || hasBraces || escaped) {
      const decoded = escaped ? (JSON.parse(text.slice(start, end)) as string) : text.slice(start + 1, close);
      if (isKey) {
        (frame as Frame).expectKey = false;
        this.path[this.path.length - 1] = decoded;
      }
      if (decoded.includes('{{')) this.strings.push(jsonStringSite(text, decoded, this.path.slice(), isKey, start, end - start));
    }
    if (!isKey) this.complete(start, end);
    return end;
  }

  private complete(start: number, end: number): void {
    const path = this.path;
    const depth = path.length;
    if (depth === 0) {
      this.root ??= { start, end };
      return;
    }
    if (depth <= 3 && path[0] === 'nodes') this.ranges.record(path, { start, end });
    const last = path[depth - 1];
    if (typeof last === 'number') path[depth - 1] = last + 1;
  }
}

function indexOrEnd(text: string, search: string, from: number): number {
  const found = text.indexOf(search, from);
  return found < 0 ? text.length : found;
}

const isDelimiter = (code: number) => code === 44 || code === 125 || code === 93 || code === 32 || code === 10 || code === 13 || code === 9;
