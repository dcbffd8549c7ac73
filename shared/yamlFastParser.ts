import { CST } from 'yaml';
import { mapScalar, tokenRange, type ScalarToken } from './yamlScalarMap';
import { corePlainValue, TokenCursor, Unsupported } from './yamlTokens';
import { WorkflowRanges, type RawWorkflow, type StringSite } from './workflowStructure';
import type { JsonPath } from './workflowTypes';

/**
 * The fast YAML path: builds the workflow straight from the `yaml` Lexer's tokens, skipping its
 * CST parser and composer (most of `parseDocument`'s time). It handles the YAML that workflows
 * are written in: block maps and sequences, every scalar style, single-line flow collections,
 * comments, scalar anchors and aliases, `!!str`. Anything else, and anything `yaml` would call
 * an error, throws Unsupported and the caller uses the full composer (yamlDocumentParser.ts),
 * which gives the same result with `yaml`'s own messages. A differential test holds the two to
 * the same output.
 */
export function parseYamlFast(text: string): RawWorkflow | undefined {
  try {
    return new FastYaml(text).parse();
  } catch {
    // Unsupported, or anything unexpected: the full composer is always right.
    return undefined;
  }
}

interface Parsed {
  value: unknown;
  start: number;
  end: number;
  /** `key:` with nothing after it: null without source text. */
  empty?: boolean;
}

type Context = 'document' | 'map' | 'seq';

interface Props {
  anchor?: string;
  tag?: '!!str';
}

const unsupported = (why: string): never => {
  throw new Unsupported(why);
};

/** Plain scalars whose value is their source: one line, no indicator yaml would complain about. */
const isTrivialPlain = (source: string) => !source.includes('\n') && !/^[,%|>@`\t]/.test(source);

class FastYaml {
  private readonly cursor: TokenCursor;
  private readonly strings: StringSite[] = [];
  private readonly ranges = new WorkflowRanges();
  private readonly anchors = new Map<string, unknown>();
  private readonly path: JsonPath = [];

  constructor(private readonly text: string) {
    this.cursor = new TokenCursor(text);
  }

  parse(): RawWorkflow {
    const cursor = this.cursor;
    if (cursor.kind() === 'bom') cursor.advance();
    cursor.skipBlank();
    if (cursor.kind() === 'docStart') {
      cursor.advance();
      cursor.lineEnd();
      cursor.skipBlank();
    }
    if (cursor.kind() === 'eof') unsupported('empty document');
    const root = this.node(-1, 'document', false);
    cursor.skipBlank();
    if (cursor.kind() !== 'eof') unsupported(`trailing ${cursor.kind()}`);
    return { value: root.value, root: { start: root.start, end: root.end }, problems: [], strings: this.strings, ranges: this.ranges };
  }

  /** The value after `key:` or `- `: on the same line, on the lines below, or none. */
  private value(parentIndent: number, context: 'map' | 'seq'): Parsed {
    const cursor = this.cursor;
    cursor.skipSpaces();
    if (cursor.kind() === 'comment' || cursor.kind() === 'newline' || cursor.kind() === 'eof') {
      const at = cursor.offset;
      cursor.lineEnd();
      cursor.skipBlank();
      if (cursor.kind() === 'eof') return { value: null, start: at, end: at, empty: true };
      const column = cursor.column;
      if (cursor.kind() === 'seq' && (column > parentIndent || (column === parentIndent && context === 'map'))) return this.sequence(column);
      if (column <= parentIndent) return { value: null, start: at, end: at, empty: true };
      return this.node(parentIndent, context, false);
    }
    if (cursor.kind() === 'seq') {
      if (context !== 'seq') unsupported('sequence after a key on one line');
      return this.sequence(cursor.column);
    }
    return this.node(parentIndent, context, true);
  }

  /** A node starting at the cursor (not a `-`): a mapping if a key follows, else a scalar, flow collection or alias. */
  private node(parentIndent: number, context: Context, sameLine: boolean): Parsed {
    const cursor = this.cursor;
    const column = cursor.column;
    const props = this.props();
    switch (cursor.kind()) {
      case 'seq':
        if (props.anchor || props.tag) unsupported('props on a sequence');
        return this.sequence(column);
      case 'mapStart':
      case 'seqStart': {
        if (props.anchor || props.tag) unsupported('props on a flow collection');
        const flow = this.flow();
        cursor.skipSpaces();
        if (cursor.kind() === 'colon') unsupported('flow collection as a key');
        cursor.lineEnd();
        return flow;
      }
      case 'alias': {
        if (props.anchor || props.tag) unsupported('props on an alias');
        const alias = this.alias();
        cursor.skipSpaces();
        if (cursor.kind() === 'colon') unsupported('alias as a key');
        cursor.lineEnd();
        return alias;
      }
      case 'header':
        return this.blockScalar(context === 'document' ? 0 : parentIndent, props);
      case 'plain':
      case 'single':
      case 'double': {
        const token = this.scalarToken();
        cursor.skipSpaces();
        if (cursor.kind() === 'colon') {
          if (props.anchor || props.tag) unsupported('props on a key');
          if (sameLine && context !== 'seq') unsupported('compact mapping after a key');
          return this.mapping(column, token);
        }
        cursor.lineEnd();
        return this.scalar(token, props);
      }
      default:
        return unsupported(`unexpected ${cursor.kind()}`);
    }
  }

  private mapping(column: number, firstKey: ScalarToken): Parsed {
    const cursor = this.cursor;
    const map: Record<string, unknown> = {};
    const start = firstKey.offset;
    let end: number;
    let key = firstKey;
    for (;;) {
      if (key.source.includes('\n') || key.source.length > 1024) unsupported('multi-line or long key');
      const keyText = this.keyText(key);
      if (keyText === '<<' || Object.prototype.hasOwnProperty.call(map, keyText)) unsupported('merge or duplicate key');
      this.path.push(keyText);
      this.site(key, keyText, true);
      cursor.advance(); // the ':'
      const value = this.value(column, 'map');
      this.record(value);
      setOwn(map, keyText, value.value);
      end = value.empty ? tokenRange(key).end : value.end;
      this.path.pop();
      cursor.skipBlank();
      if (cursor.kind() === 'eof' || cursor.column < column) break;
      if (cursor.column > column || (cursor.kind() !== 'plain' && cursor.kind() !== 'single' && cursor.kind() !== 'double')) {
        unsupported('misplaced mapping entry');
      }
      key = this.scalarToken();
      cursor.skipSpaces();
      if (cursor.kind() !== 'colon') unsupported('key without value indicator');
    }
    return { value: map, start, end };
  }

  private sequence(column: number): Parsed {
    const cursor = this.cursor;
    const items: unknown[] = [];
    const start = cursor.offset;
    let end: number;
    for (;;) {
      cursor.advance(); // the '-'
      this.path.push(items.length);
      const item = this.value(column, 'seq');
      if (item.empty) unsupported('empty sequence item');
      this.record(item);
      items.push(item.value);
      end = item.end;
      this.path.pop();
      cursor.skipBlank();
      if (cursor.kind() === 'eof' || cursor.column < column) break;
      if (cursor.column > column) unsupported('misplaced sequence item');
      if (cursor.kind() !== 'seq') break; // a key of the mapping this sequence is the value of
    }
    return { value: items, start, end };
  }

  private flow(): Parsed {
    const cursor = this.cursor;
    const start = cursor.offset;
    const isMap = cursor.kind() === 'mapStart';
    const close = isMap ? 'mapEnd' : 'seqEnd';
    const container: Record<string, unknown> | unknown[] = isMap ? {} : [];
    cursor.advance();
    for (;;) {
      this.flowSpace();
      if (cursor.kind() === close) break;
      if (Array.isArray(container)) {
        this.path.push(container.length);
        const item = this.flowItem();
        this.record(item);
        container.push(item.value);
        this.flowSpace();
        if (cursor.kind() === 'colon') unsupported('pair in a flow sequence');
      } else {
        if (cursor.kind() !== 'plain' && cursor.kind() !== 'single' && cursor.kind() !== 'double') unsupported('complex flow key');
        const key = this.scalarToken();
        const keyText = this.keyText(key);
        if (keyText === '<<' || Object.prototype.hasOwnProperty.call(container, keyText)) unsupported('merge or duplicate key');
        this.path.push(keyText);
        this.site(key, keyText, true);
        this.flowSpace();
        let item: Parsed = { value: null, start: cursor.offset, end: cursor.offset, empty: true };
        if (cursor.kind() === 'colon') {
          cursor.advance();
          this.flowSpace();
          if (cursor.kind() !== 'comma' && cursor.kind() !== close) {
            item = this.flowItem();
            this.flowSpace();
          }
        }
        this.record(item);
        setOwn(container, keyText, item.value);
      }
      this.path.pop();
      if (cursor.kind() === 'comma') cursor.advance();
      else if (cursor.kind() !== close) unsupported('flow collection syntax');
    }
    const end = cursor.offset + cursor.source.length;
    cursor.advance();
    return { value: container, start, end };
  }

  private flowItem(): Parsed {
    const cursor = this.cursor;
    switch (cursor.kind()) {
      case 'mapStart':
      case 'seqStart':
        return this.flow();
      case 'alias':
        return this.alias();
      case 'plain':
      case 'single':
      case 'double':
        return this.scalar(this.scalarToken(), {});
      default:
        return unsupported(`unexpected ${cursor.kind()} in a flow collection`);
    }
  }

  /** Spaces inside a flow collection; line breaks and comments there are left to the composer. */
  private flowSpace(): void {
    this.cursor.skipSpaces();
    if (this.cursor.kind() === 'newline' || this.cursor.kind() === 'comment' || this.cursor.kind() === 'eof') unsupported('multi-line flow');
  }

  private props(): Props {
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

  private alias(): Parsed {
    const cursor = this.cursor;
    const name = cursor.source.slice(1);
    if (!this.anchors.has(name)) unsupported('alias to an unknown or collection anchor');
    const parsed = { value: this.anchors.get(name), start: cursor.offset, end: cursor.offset + cursor.source.length };
    cursor.advance();
    return parsed;
  }

  private scalarToken(): ScalarToken {
    const cursor = this.cursor;
    const type = cursor.kind() === 'plain' ? 'scalar' : cursor.kind() === 'single' ? 'single-quoted-scalar' : 'double-quoted-scalar';
    const token: ScalarToken = { type, offset: cursor.offset, indent: 0, source: cursor.source };
    cursor.advance();
    return token;
  }

  private blockScalar(indent: number, props: Props): Parsed {
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
  private scalar(token: ScalarToken, props: Props): Parsed {
    const text = token.type === 'scalar' && isTrivialPlain(token.source) ? token.source : this.resolve(token);
    const value = token.type === 'scalar' && !props.tag ? corePlainValue(text) : text;
    if (typeof value === 'string') this.site(token, value, false);
    if (props.anchor !== undefined) this.anchors.set(props.anchor, value);
    const { start, end } = tokenRange(token);
    return { value, start, end };
  }

  private keyText(token: ScalarToken): string {
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

  private site(token: ScalarToken, value: string, isKey: boolean): void {
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

  /** Keeps the ranges a workflow needs; an empty value there has a position only the composer knows. */
  private record(parsed: Parsed): void {
    if (!WorkflowRanges.wants(this.path)) return;
    if (parsed.empty) unsupported('empty workflow value');
    this.ranges.record(this.path, { start: parsed.start, end: parsed.end });
  }
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}
