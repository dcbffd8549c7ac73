/**
 * Cheap YAML context detection from the text around one line, without parsing the document:
 * completion must answer in milliseconds even while a 4 MB file is being re-validated, and
 * must work while the document does not parse at all.
 */

/** How far up a block scalar's indicator line is looked for (longer bodies are treated as plain lines). */
const MAX_LINES_UP = 1000;

/**
 * Where the scalar text holding `offset` starts on its line, or undefined when `offset` is not in
 * a scalar value (a key, a comment, between tokens, after a closed quote).
 */
export function yamlScalarStart(text: string, lineStart: number, offset: number): number | undefined {
  const lineEnd = endOfLine(text, offset);
  const indent = indentationAt(text, lineStart, lineEnd);
  if (isInBlockScalar(text, lineStart, indent)) return Math.min(lineStart + indent, offset);
  return scalarStartOnLine(text, lineStart + indent, offset, lineEnd);
}

function endOfLine(text: string, offset: number): number {
  let end = offset;
  while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
  return end;
}

function indentationAt(text: string, start: number, end: number): number {
  let index = start;
  while (index < end && text[index] === ' ') index++;
  return index - start;
}

const BLOCK_INDICATOR = /(?:^|[:-]\s+)[|>][1-9+-]{0,2}\s*(?:#.*)?$/;

/** True when the line is inside the body of a literal `|` or folded `>` scalar. */
function isInBlockScalar(text: string, lineStart: number, indent: number): boolean {
  let minIndent = indent;
  let end = lineStart;
  for (let lines = 0; lines < MAX_LINES_UP && end > 0 && minIndent > 0; lines++) {
    // Step to the previous line: `end` is the start of the line below it.
    let lineEnd = end - 1;
    if (text[lineEnd] === '\n' && text[lineEnd - 1] === '\r') lineEnd--;
    let start = lineEnd;
    while (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') start--;
    end = start;
    const lineIndent = indentationAt(text, start, lineEnd);
    if (start + lineIndent === lineEnd) continue; // blank lines belong to any block
    if (lineIndent >= minIndent) continue;
    const line = text.slice(start + lineIndent, lineEnd);
    if (line.startsWith('#')) continue;
    if (BLOCK_INDICATOR.test(line) && !insideQuotes(line)) return true;
    minIndent = lineIndent;
  }
  return false;
}

/** A `|` at the end of a quoted scalar is text, not an indicator. */
function insideQuotes(line: string): boolean {
  const last = line.search(/[|>][1-9+-]{0,2}\s*(?:#.*)?$/);
  let quote: string | undefined;
  for (let index = 0; index < last; index++) {
    const char = line[index];
    if (quote === '"' && char === '\\') index++;
    else if (quote && char === quote) quote = undefined;
    else if (!quote && (char === '"' || char === "'") && (index === 0 || /[\s:\-[{,]/.test(line[index - 1]!))) quote = char;
  }
  return quote !== undefined;
}

/**
 * Walks one line from its first non-space character: sequence dashes, keys, quoted and plain
 * scalars, flow collections and comments, and says where the scalar holding `offset` starts.
 */
function scalarStartOnLine(text: string, from: number, offset: number, lineEnd: number): number | undefined {
  let index = from;
  let flowDepth = 0;
  for (;;) {
    // At the start of a node: skip spaces, sequence dashes and flow openers.
    while (index < offset) {
      const char = text[index]!;
      if (char === ' ' || char === '\t') index++;
      else if (char === '-' && isSpaceOrEnd(text, index + 1, lineEnd)) index++;
      else if ((char === '[' || char === '{') && text[index + 1] !== '{') {
        flowDepth++;
        index++;
      } else if (flowDepth > 0 && (char === ',' || char === ']' || char === '}')) index++;
      else break;
    }
    if (index >= offset) return offset; // the cursor stands where a value can begin
    const char = text[index]!;
    if (char === '#') return undefined; // a comment
    let scalarEnd: number;
    if (char === '"' || char === "'") {
      const close = closingQuote(text, index, lineEnd, char);
      if (close === undefined || close >= offset) {
        // The cursor is inside this quoted scalar: a value unless a key indicator follows it.
        return close !== undefined && isKeyIndicatorAfter(text, close + 1, lineEnd) ? undefined : index + 1;
      }
      scalarEnd = close + 1;
    } else {
      const end = plainScalarEnd(text, index, lineEnd, flowDepth > 0);
      if (end >= offset) {
        if (text.slice(index, offset + 1).includes(' #')) return undefined; // a comment before the cursor (searched on this scalar only)
        return end < lineEnd && text[end] === ':' ? undefined : index;
      }
      scalarEnd = end;
    }
    // After a finished scalar: a key indicator starts a value; anything else ends the chance.
    let next = scalarEnd;
    while (next < lineEnd && text[next] === ' ') next++;
    if (text[next] === ':' && isSpaceOrEnd(text, next + 1, lineEnd, flowDepth > 0)) {
      index = next + 1;
      continue;
    }
    if (flowDepth > 0 && (text[next] === ',' || text[next] === ']' || text[next] === '}')) {
      index = next;
      continue;
    }
    return undefined;
  }
}

function isSpaceOrEnd(text: string, index: number, lineEnd: number, inFlow = false): boolean {
  if (index >= lineEnd) return true;
  const char = text[index];
  return char === ' ' || char === '\t' || (inFlow && (char === ',' || char === ']' || char === '}'));
}

function closingQuote(text: string, open: number, lineEnd: number, quote: string): number | undefined {
  for (let index = open + 1; index < lineEnd; index++) {
    const char = text[index];
    if (quote === '"' && char === '\\') index++;
    else if (char === quote) {
      if (quote === "'" && text[index + 1] === "'") index++;
      else return index;
    }
  }
  return undefined;
}

/** A plain scalar runs to `: `, ` #`, the line's end, or (in flow) a flow indicator. */
function plainScalarEnd(text: string, start: number, lineEnd: number, inFlow: boolean): number {
  for (let index = start; index < lineEnd; index++) {
    const char = text[index];
    if (char === ':' && isSpaceOrEnd(text, index + 1, lineEnd, inFlow)) return index;
    if (char === '#' && index > start && (text[index - 1] === ' ' || text[index - 1] === '\t')) return index - 1;
    // `{{` inside a flow collection is still reference text, not a flow indicator.
    if (inFlow && (char === ',' || char === ']' || (char === '}' && text[index - 1] !== '}' && text[index + 1] !== '}'))) return index;
  }
  return lineEnd;
}

function isKeyIndicatorAfter(text: string, from: number, lineEnd: number): boolean {
  let index = from;
  while (index < lineEnd && text[index] === ' ') index++;
  return text[index] === ':' && isSpaceOrEnd(text, index + 1, lineEnd, true);
}
