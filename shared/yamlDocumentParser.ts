import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node, type ParsedNode } from 'yaml';
import { mapScalar, type ScalarToken } from './yamlScalarMap';
import { headRange, WorkflowRanges, type RawWorkflow, type StringSite } from './workflowStructure';
import type { JsonPath, TextRange, WorkflowProblem } from './workflowTypes';

/** Past this many syntax problems the rest are noise (a file that is not YAML at all). */
const MAX_PROBLEMS = 100;

export const YAML_OPTIONS = { keepSourceTokens: true, prettyErrors: false, logLevel: 'error', uniqueKeys: true, strict: true } as const;

/**
 * The complete YAML path: `yaml`'s parser and composer with source tokens kept. Used when the
 * lexer-level fast path (yamlFastParser.ts) meets anything it does not handle, errors included,
 * so every syntax error comes with `yaml`'s own message and position.
 */
export function parseYamlDocument(text: string): RawWorkflow {
  const documents = parseAllDocuments(text, YAML_OPTIONS);
  const problems: WorkflowProblem[] = [];
  const syntax = (message: string, start: number, end: number) => {
    if (problems.length >= MAX_PROBLEMS) return;
    const from = Math.max(0, Math.min(start, text.length));
    problems.push({ code: 'syntax', message: `${message}.`.replace(/\.\.$/, '.'), range: { start: from, end: widen(text, from, Math.min(Math.max(end, from), text.length)) } });
  };
  const ranges = new WorkflowRanges();
  const strings: StringSite[] = [];
  if (documents.length === 0) {
    const info = documents as unknown as { errors?: { message: string; pos: [number, number] }[] };
    for (const error of info.errors ?? []) syntax(error.message, error.pos[0], error.pos[1]);
    return { value: undefined, root: { start: 0, end: 0 }, problems, strings, ranges };
  }
  for (const document of documents) for (const error of document.errors) syntax(error.message, error.pos[0], error.pos[1]);
  const [first, second] = documents as [Document.Parsed, Document.Parsed | undefined];
  if (second) {
    const start = second.range[0];
    problems.push({
      code: 'structure',
      message: `This file holds ${documents.length} YAML documents: a workflow is one document, and only the first is read.`,
      range: headRange(text, { start, end: second.range[1] }),
    });
  }
  let value: unknown;
  try {
    value = first.toJS({ maxAliasCount: 100 });
  } catch (error) {
    syntax(`The document could not be read: ${error instanceof Error ? error.message : 'invalid aliases'}.`, 0, 0);
  }
  const contents = first.contents as ParsedNode | null;
  new Walker(text, strings, ranges, problems).walk(contents, []);
  const root = contents ? { start: contents.range[0], end: contentEnd(contents) } : { start: 0, end: 0 };
  return { value, root, problems, strings, ranges };
}

class Walker {
  constructor(
    private readonly text: string,
    private readonly strings: StringSite[],
    private readonly ranges: WorkflowRanges,
    private readonly problems: WorkflowProblem[],
  ) {}

  walk(node: Node | null | undefined, path: JsonPath, isKey = false): void {
    if (!node) return;
    if (!isKey && node.range && WorkflowRanges.wants(path)) this.ranges.record(path, { start: node.range[0], end: contentEnd(node) });
    if (isAlias(node)) return; // an alias repeats its anchor's text: reported once, there
    if (isScalar(node)) {
      if (typeof node.value === 'string' && node.value.includes('{{') && node.srcToken) this.addString(node.value, node.srcToken as ScalarToken, path, isKey);
      return;
    }
    if (isMap(node)) {
      if (node.flow && node.range && this.looksLikeUnquotedReference(node.range[0], node.range[1], node)) return;
      for (const pair of node.items) {
        const key = keyText(pair.key as Node | null);
        const childPath = [...path, key];
        this.walk(pair.key as Node | null, childPath, true);
        this.walk(pair.value as Node | null, childPath, isKey);
      }
      return;
    }
    if (isSeq(node)) node.items.forEach((item, index) => this.walk(item as Node | null, [...path, index], isKey));
  }

  private addString(value: string, token: ScalarToken, path: JsonPath, isKey: boolean): void {
    const text = this.text;
    let map: ReturnType<typeof mapScalar> | undefined;
    this.strings.push({
      value,
      path,
      isKey,
      locate(start, end) {
        map ??= mapScalar(text, token, value);
        return map.locate(start, end);
      },
    });
  }

  /** `key: {{secrets.a.b}}` unquoted is a YAML flow mapping, not a string: say so instead of ignoring it. */
  private looksLikeUnquotedReference(start: number, end: number, node: Node): boolean {
    if (!this.text.startsWith('{{', start) || !/secrets/i.test(this.text.slice(start, Math.min(end, start + 300)))) return false;
    const range: TextRange = { start, end };
    this.problems.push({
      code: 'structure',
      message: 'In YAML a value that starts with "{" is a mapping, so this reference is not text: quote it, as in key: "{{secrets.NAME.FIELD}}".',
      range,
    });
    return node !== null;
  }
}

/** `yaml` often points at one character: underline the whole word there (a duplicate key, a bad scalar). */
function widen(text: string, start: number, end: number): number {
  if (end - start > 1) return end;
  let stop = start;
  while (stop < text.length && !/[\s:,[\]{}#]/.test(text[stop] as string)) stop++;
  return Math.max(stop, end, Math.min(start + 1, text.length));
}

/**
 * Where a value's own text ends: the last scalar, alias or flow collection in it, not the
 * comments and blank lines `yaml` counts in a block collection. The fast path measures the same.
 */
export function contentEnd(node: Node): number {
  const range = node.range as [number, number, number];
  if (isMap(node) && !node.flow) {
    const last = node.items[node.items.length - 1];
    if (!last) return range[1];
    const value = last.value as Node | null;
    if (value && !isEmptyScalar(value)) return contentEnd(value);
    return last.key ? contentEnd(last.key as Node) : range[1];
  }
  if (isSeq(node) && !node.flow) {
    const last = node.items[node.items.length - 1] as Node | null | undefined;
    return last ? contentEnd(last) : range[1];
  }
  return range[1];
}

const isEmptyScalar = (node: Node) => isScalar(node) && node.value === null && !!node.range && node.range[0] === node.range[1];

/** A key as the plain data names it (`yaml`'s toJS does the same for scalar keys). */
function keyText(key: Node | null): string {
  if (key === null || key === undefined) return '';
  if (isScalar(key)) return key.value === null || key.value === undefined ? '' : String(key.value);
  return String(key);
}
