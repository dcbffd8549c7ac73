import type { CST } from 'yaml';
import { blockHeaderLength, blockScalar, Builder } from './yamlBlockScalarMap';
import type { TextRange } from './workflowTypes';

/**
 * Maps offsets in a YAML scalar's decoded value back to the source. Each decoder below walks the
 * raw token exactly as the `yaml` package's resolvers do (resolve-flow-scalar.js,
 * resolve-block-scalar.js) and records, per decoded UTF-16 unit, the source span it came from:
 * escapes map to the whole escape, folded line breaks to the break that produced them.
 * When the walk disagrees with the value `yaml` computed (an error case), every offset maps to
 * the whole token: still the right place, if not the tightest.
 */
export type ScalarToken = CST.FlowScalar | CST.BlockScalar;

export interface ScalarMap {
  locate(start: number, end: number): TextRange;
}

export function tokenRange(token: ScalarToken): TextRange {
  if (token.type !== 'block-scalar') return { start: token.offset, end: token.offset + token.source.length };
  return { start: token.offset, end: token.offset + blockHeaderLength(token) + token.source.length };
}

export function mapScalar(text: string, token: ScalarToken, value: string): ScalarMap {
  const whole = tokenRange(token);
  const fallback: ScalarMap = { locate: () => whole };
  let built: Builder | undefined;
  try {
    built = decode(text, token);
  } catch {
    built = undefined;
  }
  if (!built || built.value !== value || value.length === 0) return fallback;
  const { starts, ends } = built;
  return {
    locate(start, end) {
      const first = starts[Math.max(0, Math.min(start, value.length - 1))] as number;
      const last = end > start ? (ends[Math.min(end, value.length) - 1] as number) : first;
      return { start: first, end: Math.max(first, last) };
    },
  };
}

function decode(text: string, token: ScalarToken): Builder | undefined {
  switch (token.type) {
    case 'scalar':
      if (!text.startsWith(token.source, token.offset)) return undefined;
      return unfold(token.source, token.offset, new Builder());
    case 'single-quoted-scalar': {
      if (!text.startsWith(token.source, token.offset)) return undefined;
      return undoubleQuotes(unfold(token.source.slice(1, -1), token.offset + 1, new Builder()));
    }
    case 'double-quoted-scalar':
      if (!text.startsWith(token.source, token.offset)) return undefined;
      return doubleQuoted(token.source, token.offset);
    case 'block-scalar':
      return blockScalar(text, token);
    default:
      return undefined;
  }
}

interface Line {
  /** Offset of the line's first character (in the text). */
  start: number;
  content: string;
  /** Offset and length of the line break after it (length 0 for the last line). */
  breakAt: number;
  breakLength: number;
}

function splitBreaks(source: string, base: number): Line[] {
  const lines: Line[] = [];
  let from = 0;
  for (;;) {
    const newline = source.indexOf('\n', from);
    if (newline < 0) {
      lines.push({ start: base + from, content: source.slice(from), breakAt: base + source.length, breakLength: 0 });
      return lines;
    }
    const crlf = newline > from && source[newline - 1] === '\r';
    const contentEnd = crlf ? newline - 1 : newline;
    lines.push({ start: base + from, content: source.slice(from, contentEnd), breakAt: base + contentEnd, breakLength: crlf ? 2 : 1 });
    from = newline + 1;
  }
}

const leadingBlanks = (text: string) => text.length - text.replace(/^[ \t]+/, '').length;
const trailingBlanks = (text: string) => text.length - text.replace(/[ \t]+$/, '').length;

/** Mirrors `unfoldLines`: line breaks fold to a space, blank lines to `\n`, edge blanks trimmed. */
function unfold(source: string, base: number, out: Builder): Builder {
  const lines = splitBreaks(source, base);
  if (lines.length === 1) {
    out.copy(source, base);
    return out;
  }
  const first = lines[0] as Line;
  out.copy(first.content.slice(0, first.content.length - trailingBlanks(first.content)), first.start);
  let sep = ' ';
  let sepFrom = first.breakAt;
  let sepTo = first.breakAt + first.breakLength;
  for (let index = 1; index < lines.length; index++) {
    const line = lines[index] as Line;
    const last = index === lines.length - 1;
    const lead = leadingBlanks(line.content);
    const content = last ? line.content.slice(lead) : line.content.slice(lead, line.content.length - trailingBlanks(line.content));
    if (last) {
      out.add(sep, sepFrom, sepTo);
      out.copy(content, line.start + lead);
    } else if (content === '') {
      if (sep === '\n') out.add('\n', line.breakAt, line.breakAt + line.breakLength);
      else {
        sep = '\n';
        sepFrom = line.breakAt;
        sepTo = line.breakAt + line.breakLength;
      }
    } else {
      out.add(sep, sepFrom, sepTo);
      out.copy(content, line.start + lead);
      sep = ' ';
      sepFrom = line.breakAt;
      sepTo = line.breakAt + line.breakLength;
    }
  }
  return out;
}

/** Mirrors `.replace(/''/g, "'")` after unfolding single-quoted text. */
function undoubleQuotes(built: Builder): Builder {
  if (!built.value.includes("''")) return built;
  const out = new Builder();
  for (let index = 0; index < built.value.length; index++) {
    if (built.value[index] === "'" && built.value[index + 1] === "'") {
      out.add("'", built.starts[index] as number, built.ends[index + 1] as number);
      index++;
    } else out.add(built.value[index] as string, built.starts[index] as number, built.ends[index] as number);
  }
  return out;
}

const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  '\t': '\t',
};

/** Mirrors `doubleQuotedValue`. */
function doubleQuoted(source: string, base: number): Builder {
  const out = new Builder();
  for (let i = 1; i < source.length - 1; ++i) {
    const ch = source[i] as string;
    if (ch === '\r' && source[i + 1] === '\n') continue;
    if (ch === '\n') {
      const from = i;
      let fold = '';
      let next = source[i + 1];
      while (next === ' ' || next === '\t' || next === '\n' || next === '\r') {
        if (next === '\r' && source[i + 2] !== '\n') break;
        if (next === '\n') fold += '\n';
        i += 1;
        next = source[i + 1];
      }
      out.add(fold || ' ', base + from, base + i + 1);
    } else if (ch === '\\') {
      const escapeStart = i;
      let next = source[++i];
      const code = next === undefined ? undefined : ESCAPES[next];
      if (code) out.add(code, base + escapeStart, base + i + 1);
      else if (next === '\n') {
        next = source[i + 1];
        while (next === ' ' || next === '\t') next = source[++i + 1];
      } else if (next === '\r' && source[i + 1] === '\n') {
        next = source[++i + 1];
        while (next === ' ' || next === '\t') next = source[++i + 1];
      } else if (next === 'x' || next === 'u' || next === 'U') {
        const length = next === 'x' ? 2 : next === 'u' ? 4 : 8;
        const digits = source.substr(i + 1, length);
        const ok = digits.length === length && /^[0-9a-fA-F]+$/.test(digits);
        let decoded: string;
        try {
          decoded = String.fromCodePoint(ok ? parseInt(digits, 16) : NaN);
        } catch {
          decoded = source.substr(i - 1, length + 2);
        }
        out.add(decoded, base + escapeStart, base + Math.min(i + 1 + length, source.length));
        i += length;
      } else {
        out.copy(source.substr(i - 1, 2), base + i - 1);
      }
    } else if (ch === ' ' || ch === '\t') {
      const blankStart = i;
      let next = source[i + 1];
      while (next === ' ' || next === '\t') next = source[++i + 1];
      if (next !== '\n' && !(next === '\r' && source[i + 2] === '\n')) out.copy(source.slice(blankStart, i + 1), base + blankStart);
    } else {
      out.add(ch, base + i, base + i + 1);
    }
  }
  return out;
}
