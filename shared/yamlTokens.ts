import { Lexer } from 'yaml';

/**
 * A cursor over the `yaml` package's Lexer output for the fast YAML path: each token with its
 * kind, offset and column. The lexer already settles the hard lexical questions (where a plain or
 * block scalar ends, what is a quoted string); structure is left to yamlFastParser.ts.
 */
export type TokenKind =
  | 'plain'
  | 'double'
  | 'single'
  | 'space'
  | 'newline'
  | 'comment'
  | 'seq'
  | 'explicit'
  | 'colon'
  | 'mapStart'
  | 'mapEnd'
  | 'seqStart'
  | 'seqEnd'
  | 'comma'
  | 'anchor'
  | 'alias'
  | 'tag'
  | 'header'
  | 'docStart'
  | 'docEnd'
  | 'bom'
  | 'other'
  | 'eof';

/** Thrown to leave the fast path: the caller falls back to the full composer. */
export class Unsupported extends Error {
  constructor(readonly why: string) {
    super(why);
  }
}

const DOCUMENT_MARKER = '\x02';
const SCALAR_MARKER = '\x1f';
const FLOW_ERROR_MARKER = '\x18';

const EXACT: Record<string, TokenKind> = {
  '\n': 'newline',
  '\r\n': 'newline',
  '': 'newline',
  '-': 'seq',
  '?': 'explicit',
  ':': 'colon',
  '{': 'mapStart',
  '}': 'mapEnd',
  '[': 'seqStart',
  ']': 'seqEnd',
  ',': 'comma',
  '---': 'docStart',
  '...': 'docEnd',
  '\uFEFF': 'bom',
};

const FIRST: Record<string, TokenKind> = {
  ' ': 'space',
  '\t': 'space',
  '#': 'comment',
  '*': 'alias',
  '&': 'anchor',
  '!': 'tag',
  "'": 'single',
  '"': 'double',
  '|': 'header',
  '>': 'header',
};

function kindOf(source: string): TokenKind {
  return EXACT[source] ?? FIRST[source[0] as string] ?? 'other';
}

export class TokenCursor {
  private current: TokenKind = 'eof';
  source = '';
  /** Offset of the current token in the text. */
  offset = 0;
  /** Offset where the current token's line starts. */
  lineStart = 0;
  private end = 0;
  private previous: TokenKind = 'newline';
  private readonly tokens: Iterator<string>;

  constructor(text: string) {
    this.tokens = new Lexer().lex(text)[Symbol.iterator]();
    this.advance();
  }

  /** A method, not a field: TypeScript would otherwise keep a narrowed kind across advance(). */
  kind(): TokenKind {
    return this.current;
  }

  get column(): number {
    return this.offset - this.lineStart;
  }

  advance(): void {
    const newline = this.source.lastIndexOf('\n');
    if (newline >= 0) this.lineStart = this.offset + newline + 1;
    this.previous = this.current === 'eof' && this.offset === 0 ? 'newline' : this.current;
    let scalar = false;
    for (;;) {
      const next = this.tokens.next();
      if (next.done) {
        this.current = 'eof';
        this.source = '';
        this.offset = this.end;
        return;
      }
      const source = next.value;
      if (source === DOCUMENT_MARKER) continue;
      if (source === SCALAR_MARKER) {
        scalar = true;
        continue;
      }
      if (source === FLOW_ERROR_MARKER) throw new Unsupported('flow error');
      this.source = source;
      this.offset = this.end;
      this.end += source.length;
      this.current = scalar ? 'plain' : kindOf(source);
      // yaml requires white space before a comment; the lexer does not check it.
      if (this.current === 'comment' && this.previous !== 'space' && this.previous !== 'newline' && this.previous !== 'bom') {
        throw new Unsupported('comment without space');
      }
      if (this.current === 'space' && source.includes('\t')) throw new Unsupported('tab');
      return;
    }
  }

  skipSpaces(): void {
    while (this.current === 'space') this.advance();
  }

  /** Skips spaces, comments and line breaks: to the next content token or the end. */
  skipBlank(): void {
    while (this.current === 'space' || this.current === 'newline' || this.current === 'comment') this.advance();
  }

  /** After a value: optional spaces and comment, then a line break (consumed) or the end. */
  lineEnd(): void {
    this.skipSpaces();
    if (this.current === 'comment') this.advance();
    if (this.current === 'newline') this.advance();
    else if (this.current !== 'eof') throw new Unsupported(`unexpected ${this.current}`);
  }
}

/**
 * A plain scalar's value under YAML 1.2's core schema, exactly as `yaml` resolves it
 * (schema/core: null, bool, int in octal/decimal/hex, .inf/.nan, floats).
 */
export function corePlainValue(text: string): unknown {
  const first = text[0];
  if (first === undefined) return null;
  if (!/[-+.0-9~nNtTfF]/.test(first)) return text;
  if (/^(?:~|[Nn]ull|NULL)$/.test(text)) return null;
  if (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(text)) return first === 't' || first === 'T';
  if (/^0o[0-7]+$/.test(text)) return parseInt(text.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(text)) return parseInt(text, 10);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return parseInt(text.substring(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(text)) {
    if (text.slice(-3).toLowerCase() === 'nan') return NaN;
    return first === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(text)) return parseFloat(text);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(text)) return parseFloat(text);
  return text;
}
