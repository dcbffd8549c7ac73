import { CST } from 'yaml';
import { mapScalar, tokenRange, type ScalarToken } from './yamlScalarMap';
import { corePlainValue, type TokenCursor, Unsupported } from './yamlTokens';
import type { StringSite } from './workflowStructure';
import type { JsonPath } from './workflowTypes';

/** A value the fast YAML path has read, with its source range. */
export interface Parsed {
  value: unknown;
  start: number;
  end: number;
  /** `key:` with nothing after it: null without source text. */
  empty?: boolean;
}

export type Context = 'document' | 'map' | 'seq';

export interface Props {
  anchor?: string;
  tag?: '!!str';
}

export const unsupported = (why: string): never => {
  throw new Unsupported(why);
};

/** Plain scalars whose value is their source: one line, no indicator yaml would complain about. */
const isTrivialPlain = (source: string) => !source.includes('\n') && !/^[,%|>@`\t]/.test(source);

/** Scalars, anchors, aliases and `!!str` for the fast YAML path (yamlFastParser.ts builds the structure). */
export class ScalarReader {
  private readonly anchors = new Map<string, unknown>();

  constructor(
    private readonly text: string,
    private readonly cursor: TokenCursor,
    private readonly strings: StringSite[],
    /** The fast parser's path, shared: sites copy it as it is when they are found. */
    private readonly path: JsonPath,
  ) {}

  props(): Props {
    const cursor = this.cursor;
    const props: Props = {};
    while (cursor.kind() === 'anchor' || cursor.kind() === 'tag') {
      if (cursor.kind() === 'anchor') {
        if (props.anchor !== undefined) unsupported('two anchors');
        props.anchor = cursor.source.slice(1);
      } else if (cursor.source === '!!str' && !props.tag) props.tag = '!!str';
      else unsupported(`tag ${cursor.source}`);
      cursor.advance();
      if (cursor.kind() !== 'space') unsupported('props not followed by a value on the line');
      cursor.skipSpaces();
    }
    if ((props.anchor || props.tag) && (cursor.kind() === 'newline' || cursor.kind() === 'comment' || cursor.kind() === 'eof')) unsupported('props before a block');
    return props;
  }

  alias(): Parsed {
    const cursor = this.cursor;
    const name = cursor.source.slice(1);
    if (!this.anchors.has(name)) unsupported('alias to an unknown or collection anchor');
    const parsed = { value: this.anchors.get(name), start: cursor.offset, end: cursor.offset + cursor.source.length };
    cursor.advance();
    return parsed;
  }

  token(): ScalarToken {
    const cursor = this.cursor;
    const type = cursor.kind() === 'plain' ? 'scalar' : cursor.kind() === 'single' ? 'single-quoted-scalar' : 'double-quoted-scalar';
    const token: ScalarToken = { type, offset: cursor.offset, indent: 0, source: cursor.source };
    cursor.advance();
    return token;
  }

  block(indent: number, props: Props): Parsed {
    const cursor = this.cursor;
    const offset = cursor.offset;
    const headerProps: CST.SourceToken[] = [];
    const push = (type: CST.SourceToken['type']) => {
      headerProps.push({ type, offset: cursor.offset, indent, source: cursor.source });
      cursor.advance();
    };
    push('block-scalar-header');
    while (cursor.kind() === 'space' || cursor.kind() === 'comment') push(cursor.kind() === 'space' ? 'space' : 'comment');
    if (cursor.kind() !== 'newline') unsupported('block scalar header');
    push('newline');
    if (cursor.kind() !== 'plain') unsupported('block scalar without body');
    const token: CST.BlockScalar = { type: 'block-scalar', offset, indent, props: headerProps, source: cursor.source };
    cursor.advance();
    return this.scalar(token, props);
  }

  /** A scalar's value (core schema for plain ones unless tagged !!str), its site and its anchor. */
  scalar(token: ScalarToken, props: Props): Parsed {
    const text = token.type === 'scalar' && isTrivialPlain(token.source) ? token.source : this.resolve(token);
    const value = token.type === 'scalar' && !props.tag ? corePlainValue(text) : text;
    if (typeof value === 'string') this.site(token, value, false);
    if (props.anchor !== undefined) this.anchors.set(props.anchor, value);
    const { start, end } = tokenRange(token);
    return { value, start, end };
  }

  keyText(token: ScalarToken): string {
    const text = token.type === 'scalar' && isTrivialPlain(token.source) ? token.source : this.resolve(token);
    if (token.type !== 'scalar') return text;
    const value = corePlainValue(text);
    return value === null ? '' : String(value);
  }

  /** `yaml`'s own scalar resolution; any error it reports means the fast path stops. */
  private resolve(token: ScalarToken): string {
    if (token.type === 'double-quoted-scalar' && token.source.length > 1 && token.source.endsWith('"') && !/[\\\n\r]/.test(token.source)) {
      return token.source.slice(1, -1);
    }
    const resolved = CST.resolveAsScalar(token, true, (_offset, _code, message) => unsupported(message));
    return resolved?.value ?? unsupported('scalar');
  }

  site(token: ScalarToken, value: string, isKey: boolean): void {
    if (!value.includes('{{')) return;
    const text = this.text;
    let map: ReturnType<typeof mapScalar> | undefined;
    this.strings.push({
      value,
      path: this.path.slice(),
      isKey,
      locate(start, end) {
        map ??= mapScalar(text, token, value);
        return map.locate(start, end);
      },
    });
  }

}
