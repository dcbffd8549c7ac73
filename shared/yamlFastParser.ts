import { ScalarReader, unsupported, type Context, type Parsed } from './yamlFastScalars';
import { tokenRange, type ScalarToken } from './yamlScalarMap';
import { TokenCursor } from './yamlTokens';
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

class FastYaml {
  private readonly cursor: TokenCursor;
  private readonly strings: StringSite[] = [];
  private readonly ranges = new WorkflowRanges();
  private readonly path: JsonPath = [];
  private readonly scalars: ScalarReader;

  constructor(text: string) {
    this.cursor = new TokenCursor(text);
    this.scalars = new ScalarReader(text, this.cursor, this.strings, this.path);
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
    const props = this.scalars.props();
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
        const alias = this.scalars.alias();
        cursor.skipSpaces();
        if (cursor.kind() === 'colon') unsupported('alias as a key');
        cursor.lineEnd();
        return alias;
      }
      case 'header':
        return this.scalars.block(context === 'document' ? 0 : parentIndent, props);
      case 'plain':
      case 'single':
      case 'double': {
        const token = this.scalars.token();
        cursor.skipSpaces();
        if (cursor.kind() === 'colon') {
          if (props.anchor || props.tag) unsupported('props on a key');
          if (sameLine && context !== 'seq') unsupported('compact mapping after a key');
          return this.mapping(column, token);
        }
        cursor.lineEnd();
        return this.scalars.scalar(token, props);
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
      const keyText = this.scalars.keyText(key);
      if (keyText === '<<' || Object.prototype.hasOwnProperty.call(map, keyText)) unsupported('merge or duplicate key');
      this.path.push(keyText);
      this.scalars.site(key, keyText, true);
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
      key = this.scalars.token();
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
        const key = this.scalars.token();
        const keyText = this.scalars.keyText(key);
        if (keyText === '<<' || Object.prototype.hasOwnProperty.call(container, keyText)) unsupported('merge or duplicate key');
        this.path.push(keyText);
        this.scalars.site(key, keyText, true);
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
        return this.scalars.alias();
      case 'plain':
      case 'single':
      case 'double':
        return this.scalars.scalar(this.scalars.token(), {});
      default:
        return unsupported(`unexpected ${cursor.kind()} in a flow collection`);
    }
  }

  /** Spaces inside a flow collection; line breaks and comments there are left to the composer. */
  private flowSpace(): void {
    this.cursor.skipSpaces();
    if (this.cursor.kind() === 'newline' || this.cursor.kind() === 'comment' || this.cursor.kind() === 'eof') unsupported('multi-line flow');
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
