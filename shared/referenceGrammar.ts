import { NAME_MAX_LENGTH, NAME_PATTERN, NAME_RULE_TEXT, printable } from './secretNames';

/**
 * The reference grammar: `{{secrets.NAME.FIELD}}`, with optional spaces or tabs right after `{{`
 * and right before `}}`. NAME and FIELD follow the naming rule of shared/secretNames.ts.
 *
 * Anything that opens `{{` + optional spaces + `secrets` (or a likely typo of it such as
 * `secret`, `Secrets`, `secrets:`) and does not complete the grammar is reported as malformed.
 * Other templates (`{{ env.HOME }}`) are left alone. A backslash right before such an opener
 * (`\{{secrets.a.b}}`) makes it literal text; `unescapeLiteral` drops that backslash.
 *
 * The scanner is a single left-to-right pass (no backtracking regex) and never throws.
 */

export type MalformedCode =
  | 'missing-segment'
  | 'empty-segment'
  | 'extra-segment'
  | 'invalid-character'
  | 'unclosed'
  | 'likely-typo';

export interface ScannedReference {
  name: string;
  field: string;
  /** Offsets in the scanned string, end exclusive: the whole `{{ ... }}`. */
  start: number;
  end: number;
  nameStart: number;
  nameEnd: number;
  fieldStart: number;
  fieldEnd: number;
}

export interface ScannedMalformed {
  code: MalformedCode;
  /** Names the expected form `{{secrets.NAME.FIELD}}` and what is wrong. */
  message: string;
  start: number;
  end: number;
}

export interface ScanResult {
  references: ScannedReference[];
  malformed: ScannedMalformed[];
}

export const REFERENCE_FORM = '{{secrets.NAME.FIELD}}';
const KEYWORD = 'secrets';

/** The reference text for a secret field: `{{secrets.NAME.FIELD}}`. */
export function formatReference(name: string, field: string): string {
  return `{{secrets.${name}.${field}}}`;
}

/** True when `text` is exactly one valid reference (no surrounding text). */
export function isReference(text: string): boolean {
  const { references, malformed } = scanReferences(text);
  return malformed.length === 0 && references.length === 1 && references[0]?.start === 0 && references[0].end === text.length;
}

export function scanReferences(text: string): ScanResult {
  const result: ScanResult = { references: [], malformed: [] };
  let from = 0;
  for (;;) {
    const open = text.indexOf('{{', from);
    if (open < 0) return result;
    const head = readOpener(text, open);
    if (!head || (open > 0 && text.charCodeAt(open - 1) === BACKSLASH)) {
      from = open + 1;
      continue;
    }
    from = scanOne(text, open, head, result);
  }
}

/** Removes the backslash of each escaped opener (`\{{secrets.` becomes `{{secrets.`); used at resolution. */
export function unescapeLiteral(text: string): string {
  if (!text.includes('\\{{')) return text;
  let out = '';
  let copied = 0;
  let from = 0;
  for (;;) {
    const open = text.indexOf('\\{{', from);
    if (open < 0) break;
    if (readOpener(text, open + 1)) {
      out += text.slice(copied, open);
      copied = open + 1;
    }
    from = open + 2;
  }
  return out + text.slice(copied);
}

const BACKSLASH = 92;
const SPACE = 32;
const TAB = 9;

interface Opener {
  /** The word after `{{` and optional spaces. */
  word: string;
  wordStart: number;
  wordEnd: number;
  /** Why the word is a likely typo of `secrets`, when it is not exactly `secrets`. */
  typo?: string;
}

const isBlank = (code: number) => code === SPACE || code === TAB;
const isWordChar = (code: number) =>
  (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code === 45;

/** Reads `{{` + spaces + word at `open`; undefined when the word is neither `secrets` nor a likely typo of it. */
function readOpener(text: string, open: number): Opener | undefined {
  let index = open + 2;
  while (index < text.length && isBlank(text.charCodeAt(index))) index++;
  const wordStart = index;
  // Words longer than a typo of `secrets` can be are not read to the end: that keeps the scan linear.
  while (index < text.length && index - wordStart <= 12 && isWordChar(text.charCodeAt(index))) index++;
  const word = text.slice(wordStart, index);
  if (word === KEYWORD) return { word, wordStart, wordEnd: index };
  // Short words (`sets`, `sects`) are too often something else to call them a typo.
  if (word.length < 6 || word.length > 9) return undefined;
  const next = text[index];
  // A near miss counts only when it is used like a path (`secret.x`, `Secrets:x`), not as a lone variable.
  if (next !== '.' && next !== ':' && next !== '/') return undefined;
  const lower = word.toLowerCase();
  if (lower === KEYWORD || editDistanceAtMost2(lower, KEYWORD)) {
    return { word, wordStart, wordEnd: index, typo: `"${word}" should be "${KEYWORD}"` };
  }
  return undefined;
}

/** Optimal string alignment distance ≤ 2 (insertions, deletions, substitutions, adjacent swaps). */
function editDistanceAtMost2(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 2) return false;
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (before[j - 2] ?? 0) + 1);
      current.push(best);
    }
    before = previous;
    previous = current;
  }
  return (previous[b.length] ?? 3) <= 2;
}

/** Scans one opener at `open` into `result`; returns where scanning resumes. */
function scanOne(text: string, open: number, head: Opener, result: ScanResult): number {
  // The body runs to the first `}}`; a line break or another `{{` first means it is unclosed.
  let index = head.wordEnd;
  let close = -1;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code === 125 && text.charCodeAt(index + 1) === 125) {
      close = index;
      break;
    }
    if (code === 10 || code === 13 || (code === 123 && text.charCodeAt(index + 1) === 123)) break;
    index++;
  }
  const bad = (code: MalformedCode, what: string, start = open, end = close < 0 ? unclosedEnd(text, head.wordEnd) : close + 2) => {
    result.malformed.push({ code, message: `Malformed secret reference: expected ${REFERENCE_FORM}, but ${what}.`, start, end });
    return close < 0 ? index : close + 2;
  };
  if (head.typo) return bad('likely-typo', `${head.typo} (likely a typo)`);
  if (close < 0) return bad('unclosed', 'the closing }} is missing');

  let bodyEnd = close;
  while (bodyEnd > head.wordEnd && isBlank(text.charCodeAt(bodyEnd - 1))) bodyEnd--;
  if (bodyEnd === head.wordEnd) return bad('missing-segment', 'the secret name and the field are missing');
  const after = text[head.wordEnd];
  if (after === ':' || after === '/') return bad('likely-typo', `"${after}" separates the parts (likely a typo): write a dot, as in secrets.NAME.FIELD`);
  if (after !== '.') return bad('invalid-character', `"${printable(after ?? '')}" follows "secrets" where a dot belongs`);

  // Segments between dots; only the first three boundaries matter (a third segment is already extra).
  const nameStart = head.wordEnd + 1;
  const firstDot = dotBetween(text, nameStart, bodyEnd);
  const nameEnd = firstDot < 0 ? bodyEnd : firstDot;
  if (nameStart === nameEnd) return bad('empty-segment', 'the secret name is empty');
  const nameProblem = segmentProblem(text.slice(nameStart, nameEnd), 'secret name');
  if (nameProblem) return bad('invalid-character', nameProblem);
  if (firstDot < 0) return bad('missing-segment', 'the field is missing (write secrets.NAME.FIELD)');
  const fieldStart = firstDot + 1;
  const secondDot = dotBetween(text, fieldStart, bodyEnd);
  const fieldEnd = secondDot < 0 ? bodyEnd : secondDot;
  if (fieldStart === fieldEnd) return bad('empty-segment', 'the field name is empty');
  const fieldProblem = segmentProblem(text.slice(fieldStart, fieldEnd), 'field name');
  if (fieldProblem) return bad('invalid-character', fieldProblem);
  if (secondDot >= 0) {
    const extra = text.slice(secondDot + 1, bodyEnd);
    return bad('extra-segment', `".${printable(extra, 32)}" follows the field: a reference has exactly a secret name and a field`);
  }
  result.references.push({
    name: text.slice(nameStart, nameEnd),
    field: text.slice(fieldStart, fieldEnd),
    start: open,
    end: close + 2,
    nameStart,
    nameEnd,
    fieldStart,
    fieldEnd,
  });
  return close + 2;
}

function dotBetween(text: string, from: number, to: number): number {
  const dot = text.indexOf('.', from);
  return dot >= 0 && dot < to ? dot : -1;
}

function segmentProblem(segment: string, role: 'secret name' | 'field name'): string | undefined {
  if (segment.length > NAME_MAX_LENGTH) return `the ${role} is ${segment.length} characters long (at most ${NAME_MAX_LENGTH})`;
  if (NAME_PATTERN.test(segment)) return undefined;
  const blank = /[ \t]/.test(segment);
  const where = blank ? ': spaces are allowed only right after {{ and before }}' : `: use ${NAME_RULE_TEXT}`;
  return `the ${role} "${printable(segment, 48)}" has a character that is not allowed${where}`;
}

/** An unclosed opener covers `{{`, the word and the dotted run after it (not the rest of the line). */
function unclosedEnd(text: string, from: number): number {
  let index = from;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (!isWordChar(code) && code !== 46 && code !== 58 && code !== 47) break;
    index++;
  }
  return index;
}
