import { visit } from 'jsonc-parser';
import { parseJsonFast } from './jsonFastParser';
import { jsonStringSite } from './jsonStringMap';
import { WorkflowRanges, type RawWorkflow, type StringSite } from './workflowStructure';
import type { JsonPath, TextRange, WorkflowProblem } from './workflowTypes';

/** jsonc-parser's ParseErrorCode (a const enum, so not importable here), in words. */
const ERROR_MESSAGES: Record<number, string> = {
  1: 'Unexpected character',
  2: 'Invalid number',
  3: 'Expected a property name in double quotes',
  4: 'Expected a value',
  5: 'Expected ":" after the property name',
  6: 'Expected "," between items',
  7: 'Expected "}" to close the object',
  8: 'Expected "]" to close the list',
  9: 'Unexpected content after the end of the document',
  10: 'Comments are not allowed in JSON',
  11: 'Unterminated comment',
  12: 'Unterminated string (a string must close on the line where it starts)',
  13: 'Unterminated number',
  14: 'Invalid \\u escape: write four hex digits, as in \\u00e9',
  15: 'Invalid escape sequence in a string',
  16: 'Control characters must be escaped in a string (\\n, \\t, \\u0000)',
};
const PROPERTY_NAME_EXPECTED = 3;
const VALUE_EXPECTED = 4;

/** Past this many syntax problems the rest are noise (a file that is not JSON at all). */
const MAX_PROBLEMS = 100;

interface Frame {
  container: Record<string, unknown> | unknown[];
  start: number;
  key?: string;
}

/** JSON workflows: the fast path for valid JSON, else jsonc-parser, which reports every error and keeps going. */
export function parseJsonWorkflow(text: string): RawWorkflow {
  // A byte order mark is not an error: read it as a space, which keeps every offset.
  const source = text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
  return parseJsonFast(source) ?? parseWithJsonc(source);
}

/** One pass of jsonc-parser's visitor for the string sites, the workflow ranges and the errors; then the value it recovers. */
export function parseWithJsonc(text: string): RawWorkflow {
  const problems: WorkflowProblem[] = [];
  const strings: StringSite[] = [];
  const ranges = new WorkflowRanges();
  // The path of the value being read: a key or index per open container, and where each began.
  const path: JsonPath = [];
  const starts: number[] = [];
  let rootRange: TextRange | undefined;

  const complete = (start: number, end: number) => {
    const depth = path.length;
    if (depth === 0) {
      rootRange ??= { start, end };
      return;
    }
    if (depth <= 3 && path[0] === 'nodes') ranges.record(path, { start, end });
    const last = path[depth - 1];
    if (typeof last === 'number') path[depth - 1] = last + 1;
  };

  visit(
    text,
    {
      onObjectBegin: (offset) => {
        starts.push(offset);
        path.push('');
      },
      onObjectProperty: (property, offset, length) => {
        path[path.length - 1] = property;
        if (property.includes('{{')) strings.push(jsonStringSite(text, property, path.slice(), true, offset, length));
      },
      onObjectEnd: (offset, length) => {
        path.pop();
        complete(starts.pop() as number, offset + length);
      },
      onArrayBegin: (offset) => {
        starts.push(offset);
        path.push(0);
      },
      onArrayEnd: (offset, length) => {
        path.pop();
        complete(starts.pop() as number, offset + length);
      },
      onLiteralValue: (value: unknown, offset, length) => {
        if (typeof value === 'string' && value.includes('{{')) strings.push(jsonStringSite(text, value, path.slice(), false, offset, length));
        complete(offset, offset + length);
      },
      onError: (error, offset, length) => {
        if (problems.length >= MAX_PROBLEMS) return;
        const problem = syntaxProblem(text, error, offset, length);
        // One mistake can trip several checks at one place (a trailing comma): say it once.
        const last = problems[problems.length - 1];
        if (!last || last.range.start !== problem.range.start || last.message !== problem.message) problems.push(problem);
      },
    },
    JSON_OPTIONS,
  );
  return { value: tolerantValue(text), root: rootRange ?? { start: 0, end: text.length }, problems, strings, ranges };
}

const JSON_OPTIONS = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false };

/** The value jsonc-parser recovers from a text with errors: what the editor can still work with. */
function tolerantValue(text: string): unknown {
  const stack: Frame[] = [];
  let root: unknown;
  let done = false;
  const complete = (value: unknown) => {
    const parent = stack[stack.length - 1];
    if (!parent) {
      if (!done) root = value;
      done = true;
    } else if (Array.isArray(parent.container)) parent.container.push(value);
    else if (parent.key !== undefined) {
      setOwn(parent.container, parent.key, value);
      parent.key = undefined;
    }
  };
  visit(
    text,
    {
      onObjectBegin: (offset) => void stack.push({ container: {}, start: offset }),
      onObjectProperty: (property) => void ((stack[stack.length - 1] as Frame).key = property),
      onObjectEnd: () => complete((stack.pop() as Frame).container),
      onArrayBegin: (offset) => void stack.push({ container: [], start: offset }),
      onArrayEnd: () => complete((stack.pop() as Frame).container),
      onLiteralValue: (value: unknown) => complete(value),
    },
    JSON_OPTIONS,
  );
  return root;
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // As JSON.parse does: `__proto__` is a plain key, never the prototype.
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

function syntaxProblem(text: string, error: number, offset: number, length: number): WorkflowProblem {
  if (error === VALUE_EXPECTED && text.trim() === '') {
    return { code: 'syntax', message: 'The document is empty: a workflow is an object with "name" and "nodes".', range: { start: 0, end: 0 } };
  }
  if ((error === VALUE_EXPECTED || error === PROPERTY_NAME_EXPECTED) && (text[offset] === ']' || text[offset] === '}')) {
    let comma = offset - 1;
    while (comma >= 0 && /\s/.test(text[comma] as string)) comma--;
    if (text[comma] === ',') {
      return { code: 'syntax', message: 'Trailing commas are not allowed in JSON: remove this comma.', range: { start: comma, end: comma + 1 } };
    }
  }
  const message = ERROR_MESSAGES[error] ?? 'Invalid JSON';
  // jsonc-parser can report a token running past the end (an unterminated comment): clamp it.
  const start = Math.min(offset, text.length);
  return { code: 'syntax', message: `${message}.`, range: { start, end: Math.min(text.length, start + Math.max(length, 1)) } };
}

