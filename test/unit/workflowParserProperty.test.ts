import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { stringify, type ToStringOptions } from 'yaml';
import { parseJsonFast } from '../../shared/jsonFastParser';
import { parseWithJsonc } from '../../shared/jsonWorkflowParser';
import { formatReference } from '../../shared/referenceGrammar';
import { parseWorkflow } from '../../shared/workflowParser';
import { buildParsedWorkflow } from '../../shared/workflowStructure';
import type { ParsedWorkflow, TextRange, WorkflowFormat } from '../../shared/workflowTypes';
import { parseYamlDocument } from '../../shared/yamlDocumentParser';
import { parseYamlFast } from '../../shared/yamlFastParser';

const RUNS = 1000;

// Strings that stress both formats: YAML indicators, quotes, line breaks, look-alike numbers, references.
const tricky = fc.constantFrom(
  'id', 'name', 'type', 'config', 'nodes', 'true', '1', '0x1F', '1.5e3', '.inf', '~', 'null', '', ' x', 'x ', 'a: b', '#c', 'a #c', '- x',
  '{{secrets.a.b}}', 'Bearer {{ secrets.k.v }}', '{{secret.x.y}}', 'é🙂 密 {{secrets.u.v}}', "it's", 'say "hi"', 'l1\nl2', 'l1\n\nl2\n',
  '  lead\nx', 'tab\there', '\\{{secrets.e.f}}', '[x]', '{y}', '*a', '&b', '!t', '%p', '@at', '|', '>', '?', ':', ',', 'x\r\ny',
);
const text = fc.oneof(tricky, fc.string({ maxLength: 10 }), fc.tuple(tricky, tricky).map(([a, b]) => `${a} ${b}`));
const leaf = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(text, tie('value'), { maxKeys: 4 })),
}));
const workflow = fc.record({ name: text, nodes: fc.array(fc.record({ id: text, type: text, config: value }, { requiredKeys: ['id'] }), { maxLength: 4 }) });
const yamlOptions = fc.record({
  defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'),
  defaultKeyType: fc.constantFrom(null, 'PLAIN', 'QUOTE_DOUBLE'),
  indent: fc.integer({ min: 1, max: 4 }),
  indentSeq: fc.boolean(),
  lineWidth: fc.constantFrom(0, 20, 80),
  minContentWidth: fc.constantFrom(0, 20),
  collectionStyle: fc.constantFrom('any', 'block', 'flow'),
});
const generatedYaml = fc.tuple(fc.oneof(workflow, value), yamlOptions, fc.boolean()).map(([document, options, crlf]) => {
  const yaml = stringify(document, options as ToStringOptions);
  return crlf ? yaml.replace(/\n/g, '\r\n') : yaml;
});

/** Random edits: characters YAML and JSON care about, deletions, re-indented and doubled lines. */
const edit = fc.oneof(
  fc.record({ at: fc.nat(), insert: fc.constantFrom(' ', '\n', '-', '- ', ':', '#', '"', "'", '{', '}', '[', ']', ',', '|', '>', '&a ', '*a', '\t', '---\n', '? ', '\\', '{{secrets.a.b}}', '/*', '\r\n') }),
  fc.record({ at: fc.nat(), remove: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ line: fc.nat(), indent: fc.integer({ min: -3, max: 3 }) }),
);
function applyEdit(source: string, change: { at?: number; insert?: string; remove?: number; line?: number; indent?: number }): string {
  if (change.at !== undefined) {
    const at = change.at % (source.length + 1);
    return source.slice(0, at) + (change.insert ?? '') + source.slice(at + (change.remove ?? 0));
  }
  const lines = source.split('\n');
  const index = (change.line ?? 0) % lines.length;
  const delta = change.indent ?? 0;
  lines[index] = delta >= 0 ? ' '.repeat(delta) + lines[index] : (lines[index] ?? '').replace(new RegExp(`^ {0,${-delta}}`), '');
  return lines.join('\n');
}
const mutated = (base: fc.Arbitrary<string>) =>
  fc.tuple(base, fc.array(edit, { minLength: 1, maxLength: 3 })).map(([source, edits]) => edits.reduce(applyEdit, source));

function assertWellFormed(parsed: ParsedWorkflow, source: string): void {
  const inBounds = (range: TextRange) => assert.ok(range.start >= 0 && range.start <= range.end && range.end <= source.length, `range ${range.start}-${range.end} of ${source.length}`);
  const within = (inner: TextRange, outer: TextRange) => assert.ok(inner.start >= outer.start && inner.end <= outer.end);
  for (const reference of parsed.references) {
    inBounds(reference.range);
    within(reference.nameRange, reference.range);
    within(reference.fieldRange, reference.range);
  }
  for (const bad of parsed.malformed) inBounds(bad.range);
  for (const problem of parsed.problems) inBounds(problem.range);
  for (const node of parsed.nodes) inBounds(node.range);
}

describe('parseWorkflow never throws', () => {
  for (const format of ['json', 'yaml'] as WorkflowFormat[]) {
    it(`${format}: arbitrary text, and mutated documents, always give in-bounds ranges`, () => {
      const documents = format === 'json' ? workflow.map((document) => JSON.stringify(document, null, 2)) : generatedYaml;
      fc.assert(
        fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), mutated(documents)), (source) => {
          assertWellFormed(parseWorkflow(source, format), source);
        }),
        { numRuns: RUNS },
      );
    });
  }
});

describe('the YAML fast path agrees with the full composer', () => {
  const agree = (source: string): boolean => {
    const fast = parseYamlFast(source);
    if (!fast) return false;
    const full = parseYamlDocument(source);
    assert.deepEqual(full.problems, [], 'the fast path only accepts documents yaml accepts');
    assert.deepEqual(buildParsedWorkflow('yaml', source, fast), buildParsedWorkflow('yaml', source, full));
    return true;
  };

  it('on generated documents in every scalar and collection style, and handles most of them', () => {
    let handled = 0;
    fc.assert(
      fc.property(generatedYaml, (source) => {
        if (agree(source)) handled++;
      }),
      { numRuns: RUNS },
    );
    // Guards the speed: if the fast path quietly gave up on ordinary YAML, everything would still pass, slowly.
    assert.ok(handled > RUNS / 2, `fast path handled ${handled} of ${RUNS}`);
  });

  it('on mutated documents: it either agrees or leaves them to the composer', () => {
    fc.assert(fc.property(mutated(generatedYaml), (source) => void agree(source)), { numRuns: RUNS });
  });
});

/** JSON text with every `every`-th string character written as a \u escape, and `/` as `\/` sometimes. */
function toJson(value: unknown, every: number, indent: string, depth = 0): string {
  const pad = indent ? `\n${indent.repeat(depth + 1)}` : '';
  const close = indent ? `\n${indent.repeat(depth)}` : '';
  if (typeof value === 'string') {
    let out = '"';
    for (let index = 0; index < value.length; index++) {
      const char = value[index] as string;
      if (every > 0 && index % every === every - 1) out += `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
      else if (char === '/' && every % 2 === 1) out += '\\/';
      else out += JSON.stringify(char).slice(1, -1);
    }
    return `${out}"`;
  }
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `[${value.map((item) => pad + toJson(item, every, indent, depth + 1)).join(',')}${close}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    return `{${entries.map(([key, item]) => `${pad}${toJson(key, every, indent, depth + 1)}: ${toJson(item, every, indent, depth + 1)}`).join(',')}${close}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

describe('the JSON fast path agrees with jsonc-parser', () => {
  it('on valid JSON with escapes anywhere, including inside references', () => {
    fc.assert(
      fc.property(fc.oneof(workflow, value), fc.integer({ min: 0, max: 5 }), fc.constantFrom('', '  ', '\t'), (document, every, indent) => {
        const source = toJson(document, every, indent);
        const fast = parseJsonFast(source);
        assert.ok(fast, 'valid JSON takes the fast path');
        const full = parseWithJsonc(source);
        assert.deepEqual(full.problems, []);
        assert.deepEqual(buildParsedWorkflow('json', source, fast), buildParsedWorkflow('json', source, full));
      }),
      { numRuns: RUNS },
    );
  });

  it('leaves invalid JSON to jsonc-parser, which reports it', () => {
    fc.assert(
      fc.property(mutated(workflow.map((document) => JSON.stringify(document, null, 1))), (source) => {
        const fast = parseJsonFast(source);
        const full = parseWithJsonc(source);
        if (fast) {
          assert.deepEqual(full.problems, []);
          assert.deepEqual(buildParsedWorkflow('json', source, fast), buildParsedWorkflow('json', source, full));
        } else assert.ok(full.problems.length > 0, 'what JSON.parse refuses, jsonc-parser reports');
      }),
      { numRuns: RUNS },
    );
  });
});

describe('references in generated documents point at their own text', () => {
  const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,12}$/);
  const embedded = fc
    .tuple(fc.constantFrom('', 'Bearer ', 'x ', 'é🙂 ', 'a\nb '), name, name, fc.constantFrom('', ' tail', '\nnext line', ' 🙂'))
    .map(([before, secret, field, after]) => ({ text: `${before}${formatReference(secret, field)}${after}`, secret, field }));
  const config = fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), embedded, { minKeys: 1, maxKeys: 4 });

  it('JSON: every embedded reference is found with its exact text, in config', () => {
    fc.assert(
      fc.property(config, fc.constantFrom(0, 2, '\t'), (entries, indent) => {
        const document = { name: 'w', nodes: [{ id: 'a', type: 't', config: Object.fromEntries(Object.entries(entries).map(([key, item]) => [key, item.text])) }] };
        const source = JSON.stringify(document, null, indent);
        const parsed = parseWorkflow(source, 'json');
        assert.deepEqual(parsed.problems, []);
        assert.deepEqual(
          parsed.references.map((reference) => [source.slice(reference.range.start, reference.range.end), reference.location]),
          Object.values(entries).map((item) => [formatReference(item.secret, item.field), 'config']),
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('YAML: the same in every scalar style (no folding), through both paths', () => {
    fc.assert(
      fc.property(config, yamlOptions, fc.boolean(), (entries, options, crlf) => {
        const document = { name: 'w', nodes: [{ id: 'a', type: 't', config: Object.fromEntries(Object.entries(entries).map(([key, item]) => [key, item.text])) }] };
        let source = stringify(document, { ...options, lineWidth: 0 } as ToStringOptions);
        if (crlf) source = source.replace(/\n/g, '\r\n');
        for (const raw of [parseYamlFast(source), parseYamlDocument(source)]) {
          if (!raw) continue;
          const parsed = buildParsedWorkflow('yaml', source, raw);
          assert.deepEqual(parsed.problems, []);
          assert.deepEqual(
            parsed.references.map((reference) => source.slice(reference.range.start, reference.range.end)),
            Object.values(entries).map((item) => formatReference(item.secret, item.field)),
            source,
          );
        }
      }),
      { numRuns: RUNS },
    );
  });
});
