import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import YAML from 'yaml';
import { isReference, scanReferences } from '../../shared/referenceGrammar';
import { parseWorkflow } from '../../shared/workflowParser';
import type { JsonPath, ParsedWorkflow, TextRange, WorkflowFormat } from '../../shared/workflowTypes';
import { checkProperty } from './support/property';

/**
 * The JSON and YAML workflow parsers on 10,000+ generated workflows each and on as many mutated
 * ones: they never throw (nor fall into their catch-all), every range is inside the text, and on
 * generated documents every reference is reported once, at the right place (config, key or
 * outside a config), with a range that slices back to its own text — through JSON \u escapes,
 * YAML quoting and block styles, CRLF line ends and non-ASCII text before it.
 */
const validName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,12}$/);
const blanks = fc.constantFrom('', ' ', '  ');
/** Text around references: anything printable (non-ASCII and emoji included) that cannot open, close or escape one. */
const filler = fc.string({ unit: 'grapheme', maxLength: 8 }).map((text) => text.replace(/[{}\\\p{Cc}\p{Cs}\u2028\u2029\ufeff]/gu, '~'));
const reference = fc.tuple(validName, validName, blanks, blanks).map(([name, field, open, close]) => `{{${open}secrets.${name}.${field}${close}}}`);
const textWithRefs = fc.array(fc.oneof(filler, reference), { minLength: 1, maxLength: 4 }).map((parts) => parts.join(''));
const key = fc.oneof({ weight: 5, arbitrary: validName }, { weight: 1, arbitrary: textWithRefs });

const configTree = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('leaf'), tie('array'), tie('object')),
  leaf: fc.oneof({ weight: 4, arbitrary: textWithRefs }, fc.integer(), fc.boolean(), fc.constant(null)),
  array: fc.array(tie('node'), { maxLength: 3 }),
  object: fc.dictionary(key, tie('node'), { maxKeys: 3 }),
})).object;

const workflow = fc
  .record({
    name: filler,
    description: fc.option(textWithRefs, { nil: undefined }),
    nodes: fc.array(fc.record({ type: validName, name: fc.option(textWithRefs, { nil: undefined }), config: configTree }), { maxLength: 4 }),
  })
  .map((doc) => ({ ...doc, nodes: doc.nodes.map((node, i) => ({ id: `n${i}`, ...node })) }));

interface Expected {
  name: string;
  field: string;
  location: string;
  path: string;
}

/** The references a document holds, located by the documented rule (only nodes[*].config values resolve). */
function expectedReferences(value: unknown, path: JsonPath = []): Expected[] {
  const found = (text: string, isKey: boolean, at: JsonPath) =>
    scanReferences(text).references.map(({ name, field }) => ({
      name,
      field,
      location: isKey ? 'key' : at.length >= 3 && at[0] === 'nodes' && typeof at[1] === 'number' && at[2] === 'config' ? 'config' : 'outsideConfig',
      path: JSON.stringify(at),
    }));
  if (typeof value === 'string') return found(value, false, path);
  if (Array.isArray(value)) return value.flatMap((item, i) => expectedReferences(item, [...path, i]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([name, member]) => [...found(name, true, [...path, name]), ...expectedReferences(member, [...path, name])]);
  }
  return [];
}

const sortKey = (ref: Expected) => `${ref.path}|${ref.location}|${ref.name}|${ref.field}`;

function assertInBounds(parsed: ParsedWorkflow, text: string): void {
  const check = (range: TextRange | undefined, what: string) => {
    if (!range) return;
    assert.ok(Number.isInteger(range.start) && Number.isInteger(range.end) && 0 <= range.start && range.start <= range.end && range.end <= text.length, `${what} range ${range.start}-${range.end} outside 0-${text.length}`);
  };
  for (const problem of parsed.problems) {
    check(problem.range, `problem "${problem.message}"`);
    assert.ok(!/could not be read \(/.test(problem.message), `the parser fell into its catch-all: ${problem.message}`);
  }
  for (const ref of parsed.references) {
    for (const range of [ref.range, ref.nameRange, ref.fieldRange]) check(range, 'reference');
    assert.ok(ref.range.start <= ref.nameRange.start && ref.nameRange.end <= ref.fieldRange.start && ref.fieldRange.end <= ref.range.end, 'name and field inside the reference');
  }
  for (const bad of parsed.malformed) check(bad.range, 'malformed');
  for (const node of parsed.nodes) for (const range of [node.range, node.idRange, node.configRange]) check(range, 'node');
}

/** The source text of a range, decoded as the format would decode it. */
function decoded(format: WorkflowFormat, text: string, range: TextRange): string {
  const slice = text.slice(range.start, range.end);
  return format === 'json' ? (JSON.parse(`"${slice}"`) as string) : slice;
}

function assertReferences(parsed: ParsedWorkflow, text: string, document: unknown): void {
  assert.deepEqual(parsed.problems, [], 'a generated workflow has no problems');
  const got = parsed.references.map((ref) => ({ name: ref.name, field: ref.field, location: ref.location, path: JSON.stringify(ref.path) }));
  assert.deepEqual(got.map(sortKey).sort(), expectedReferences(document).map(sortKey).sort());
  for (const ref of parsed.references) {
    const source = decoded(parsed.format, text, ref.range);
    assert.ok(isReference(source), `the range of ${ref.name}.${ref.field} covers ${JSON.stringify(text.slice(ref.range.start, ref.range.end))}`);
    assert.equal(decoded(parsed.format, text, ref.nameRange), ref.name);
    assert.equal(decoded(parsed.format, text, ref.fieldRange), ref.field);
  }
}

/** JSON text with random indentation, line ends, and some reference characters written as \u escapes. */
function toJson(document: unknown, indent: number, crlf: boolean, escapes: boolean[]): string {
  let i = 0;
  const text = JSON.stringify(document, null, indent).replace(/\{\{[^"]*?\}\}/g, (match) =>
    [...match].map((char) => (escapes[i++ % escapes.length] ? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}` : char)).join(''),
  );
  return crlf ? text.replace(/\n/g, '\r\n') : text;
}

const STYLES = [YAML.Scalar.PLAIN, YAML.Scalar.QUOTE_DOUBLE, YAML.Scalar.QUOTE_SINGLE, YAML.Scalar.BLOCK_LITERAL, YAML.Scalar.BLOCK_FOLDED] as const;

/** YAML text with every string scalar in a chosen style (keys never in block styles), folding off, and a commented-out reference. */
function toYaml(document: unknown, styles: number[], crlf: boolean, flow: boolean): string {
  const doc = new YAML.Document(document);
  let i = 0;
  YAML.visit(doc, {
    Scalar(at, node) {
      if (typeof node.value !== 'string') return;
      const style = STYLES[styles[i++ % styles.length]! % (at === 'key' ? 3 : STYLES.length)];
      node.type = style;
    },
    Map(_, node) {
      node.flow = flow && i % 3 === 0;
    },
  });
  const text = `${doc.toString({ lineWidth: 0, minContentWidth: 0 })}# {{secrets.commented.out}}\n`;
  return crlf ? text.replace(/\n/g, '\r\n') : text;
}

/** Random edits of a valid text: deletions, insertions of syntax characters, duplications. */
const edits = fc.array(
  fc.tuple(fc.nat(), fc.nat({ max: 12 }), fc.constantFrom('', '{', '}', '[', ']', ',', ':', '"', "'", '\\', '\n', '  ', '- ', '#', '|', '>', '&a', '*a', '!!str ', '{{', '}}', '\r\n', '\t', '😀', '\\u')),
  { minLength: 1, maxLength: 4 },
);

function mutate(text: string, changes: [number, number, string][]): string {
  let out = text;
  for (const [at, length, insert] of changes) {
    const start = out.length === 0 ? 0 : at % (out.length + 1);
    out = insert === '' && length === 0 ? out + out.slice(start, start + 8) : out.slice(0, start) + insert + out.slice(start + length);
  }
  return out;
}

test('JSON: generated workflows parse with every reference at its place and its text', async (t) => {
  await checkProperty(
    t,
    'JSON parser: generated workflows',
    fc.property(workflow, fc.constantFrom(0, 1, 2, 4), fc.boolean(), fc.array(fc.boolean(), { minLength: 1, maxLength: 16 }), (document, indent, crlf, escapes) => {
      const text = toJson(document, indent, crlf, escapes);
      const parsed = parseWorkflow(text, 'json');
      assertInBounds(parsed, text);
      assert.deepEqual(parsed.value, JSON.parse(text), 'the same data as JSON.parse');
      assertReferences(parsed, text, document);
    }),
  );
});

test('JSON: mutated workflows never throw and keep every range inside the text', async (t) => {
  await checkProperty(
    t,
    'JSON parser: mutated workflows',
    fc.property(workflow, fc.boolean(), edits, (document, crlf, changes) => {
      const text = mutate(toJson(document, 2, crlf, [false]), changes);
      assertInBounds(parseWorkflow(text, 'json'), text);
    }),
  );
});

test('YAML: generated workflows in every scalar style parse with every reference at its place and its text', async (t) => {
  await checkProperty(
    t,
    'YAML parser: generated workflows',
    fc.property(workflow, fc.array(fc.nat({ max: 4 }), { minLength: 1, maxLength: 12 }), fc.boolean(), fc.boolean(), (document, styles, crlf, flow) => {
      const text = toYaml(document, styles, crlf, flow);
      const parsed = parseWorkflow(text, 'yaml');
      assertInBounds(parsed, text);
      // What the text means according to the yaml library itself (its stringify does not always
      // round-trip, e.g. a whitespace-only block scalar): the parser must agree with its composer.
      const meaning: unknown = YAML.parse(text);
      assert.deepEqual(parsed.value, meaning, 'the same data as YAML.parse');
      assertReferences(parsed, text, meaning);
    }),
  );
});

test('YAML: mutated workflows never throw and keep every range inside the text', async (t) => {
  await checkProperty(
    t,
    'YAML parser: mutated workflows',
    fc.property(workflow, fc.array(fc.nat({ max: 4 }), { minLength: 1, maxLength: 12 }), fc.boolean(), edits, (document, styles, crlf, changes) => {
      const text = mutate(toYaml(document, styles, crlf, false), changes);
      assertInBounds(parseWorkflow(text, 'yaml'), text);
    }),
  );
});
