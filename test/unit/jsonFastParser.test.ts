import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJsonFast } from '../../shared/jsonFastParser';
import { mapJsonString } from '../../shared/jsonStringMap';
import { parseWithJsonc } from '../../shared/jsonWorkflowParser';
import { buildParsedWorkflow } from '../../shared/workflowStructure';
import type { ParsedWorkflow } from '../../shared/workflowTypes';
import { slice } from '../helpers/workflowParserAssertions';

/** The fast path's result, after asserting it takes the document and agrees with jsonc-parser's. */
function bothPaths(text: string): ParsedWorkflow {
  const fast = parseJsonFast(text);
  assert.ok(fast, 'valid JSON takes the fast path');
  const parsed = buildParsedWorkflow('json', text, fast);
  assert.deepEqual(parsed, buildParsedWorkflow('json', text, parseWithJsonc(text)), 'both paths agree');
  return parsed;
}

const where = (parsed: ParsedWorkflow) =>
  parsed.references.map((reference) => [slice(parsed.text, reference.range), reference.path.join('/'), reference.nodeIndex, reference.nodeId]);

describe('the JSON fast path reads the document as JSON.parse does', () => {
  it('a repeated "nodes" key: the last list wins, and earlier references go to its node at the same index', () => {
    const text =
      '{"nodes": [{"id": "old", "type": "t", "config": {"a": "{{secrets.s.one}}"}}, {"id": "gone", "config": {"b": "{{secrets.s.two}}"}}],' +
      ' "nodes": [{"id": "new", "type": "t", "config": {"c": "{{secrets.s.three}}"}}]}';
    const parsed = bothPaths(text);
    assert.deepEqual(
      parsed.nodes.map((node) => [node.id, slice(text, node.range).slice(0, 13)]),
      [['new', '{"id": "new",']],
    );
    assert.deepEqual(where(parsed), [
      ['{{secrets.s.one}}', 'nodes/0/config/a', 0, 'new'],
      ['{{secrets.s.two}}', 'nodes/1/config/b', undefined, undefined],
      ['{{secrets.s.three}}', 'nodes/0/config/c', 0, 'new'],
    ]);
  });

  it('a repeated "id" key: the last value and its range', () => {
    const text = '{"nodes": [{"id": "first", "type": "t", "id": "second", "config": {}}]}';
    const parsed = bothPaths(text);
    assert.equal(parsed.nodes[0]?.id, 'second');
    assert.equal(slice(text, parsed.nodes[0]!.idRange!), '"second"');
  });

  it('keys written with escapes are the keys they decode to', () => {
    const text = '{"node\\u0073": [{"\\u0069d": "n1", "type": "t", "con\\u0066ig": {"k\\"ey": "{{secrets.s.f}}"}}]}';
    const parsed = bothPaths(text);
    assert.deepEqual(where(parsed), [['{{secrets.s.f}}', 'nodes/0/config/k"ey', 0, 'n1']]);
    assert.equal(parsed.references[0]?.location, 'config');
    assert.equal(slice(text, parsed.nodes[0]!.configRange!).slice(0, 5), '{"k\\"');
  });

  it('the same string in many nodes is located once per occurrence, with its own node and path', () => {
    const node = (id: string) => `{"id": "${id}", "type": "t", "config": {"h": "Bearer {{secrets.api.token}}", "x": "{{ env.HOME }}"}}`;
    const text = `{"nodes": [${node('a')}, ${node('b')}, ${node('c')}]}`;
    const parsed = bothPaths(text);
    assert.deepEqual(where(parsed), [
      ['{{secrets.api.token}}', 'nodes/0/config/h', 0, 'a'],
      ['{{secrets.api.token}}', 'nodes/1/config/h', 1, 'b'],
      ['{{secrets.api.token}}', 'nodes/2/config/h', 2, 'c'],
    ]);
    assert.equal(new Set(parsed.references.map((reference) => reference.range.start)).size, 3);
  });

  it('references and malformed ones outside nodes, in a root array, and in nodes that are not a list', () => {
    assert.deepEqual(where(bothPaths('["{{secrets.a.b}}", {"k": ["x", "{{secrets.c.d}}"]}]')), [
      ['{{secrets.a.b}}', '0', undefined, undefined],
      ['{{secrets.c.d}}', '1/k/1', undefined, undefined],
    ]);
    const parsed = bothPaths('{"nodes": {"a": {"config": {"k": "{{secret.a.b}}"}}}}');
    assert.deepEqual(parsed.references, []);
    assert.deepEqual(
      parsed.malformed.map((bad) => [bad.code, bad.location, bad.path.join('/')]),
      [['likely-typo', 'outsideConfig', 'nodes/a/config/k']],
    );
    assert.equal(parsed.problems[0]?.message, '"nodes" must be a list of node objects.');
  });
});

describe('mapJsonString', () => {
  const token = (text: string) => ({ offset: text.indexOf('"'), length: text.lastIndexOf('"') + 1 - text.indexOf('"') });

  it('maps decoded offsets past escapes of every length, and a reference spelled with escapes to its whole source', () => {
    const text = '["\\t\\u00e9\\/ {{secrets.a.b}} \\u007b\\u007bsecrets.c.d}}"]';
    const value = JSON.parse(text)[0] as string;
    const { offset, length } = token(text);
    const map = mapJsonString(text, offset, length, value);
    const first = value.indexOf('{{');
    assert.equal(slice(text, map.locate(first, first + '{{secrets.a.b}}'.length)), '{{secrets.a.b}}');
    const second = value.lastIndexOf('{{');
    assert.equal(slice(text, map.locate(second, value.length)), '\\u007b\\u007bsecrets.c.d}}');
    assert.equal(slice(text, map.locate(1, 2)), '\\u00e9');
    const space = text.indexOf(' {{');
    assert.deepEqual(map.locate(3, 3), { start: space, end: space }, 'an empty range sits at its start, after the escapes');
  });

  it('an escape jsonc-parser cannot decode (\\x) decodes to nothing, and the text after it still maps', () => {
    const text = '{"nodes": [{"id": "n", "type": "t", "config": {"k": "\\x {{secrets.a.b}}"}}]}';
    assert.equal(parseJsonFast(text), undefined, 'JSON.parse refuses it');
    const raw = parseWithJsonc(text);
    const parsed = buildParsedWorkflow('json', text, raw);
    assert.ok(parsed.problems.some((problem) => problem.code === 'syntax'));
    assert.deepEqual(
      parsed.references.map((reference) => [slice(text, reference.range), slice(text, reference.nameRange), slice(text, reference.fieldRange)]),
      [['{{secrets.a.b}}', 'a', 'b']],
    );
  });

  it('a value the walk cannot reproduce maps every offset to the whole token', () => {
    const text = '["abc"]';
    const map = mapJsonString(text, 1, 5, 'xyz!');
    assert.deepEqual(map.locate(0, 2), { start: 1, end: 6 });
  });
});
