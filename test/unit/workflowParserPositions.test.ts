import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonWorkflow, locate, yamlWorkflow } from '../helpers/workflowParserAssertions';

const REF = '{{secrets.api.key}}';
const exact = { text: REF, name: 'api', field: 'key' };

describe('reference positions in JSON', () => {
  it('points at the reference in a plain string', () => {
    const { refs } = locate(jsonWorkflow(`"h": "Bearer ${REF}"`), 'json');
    assert.deepEqual(refs, [{ ...exact, start: [6, 30], end: [6, 49] }]);
  });

  it('skips escapes before the reference: \\" and \\u00e9 count as one decoded character each', () => {
    const text = jsonWorkflow(`"h": "\\"quoted\\" \\u00e9 \\\\ \\n ${REF}"`);
    const { refs, parsed } = locate(text, 'json');
    assert.deepEqual(refs, [{ ...exact, start: [6, 47], end: [6, 66] }]);
    const config = (parsed.value as { nodes: { config: { h: string } }[] }).nodes[0]?.config;
    assert.equal(config?.h, `"quoted" é \\ \n ${REF}`);
  });

  it('covers a reference written with \\u escapes with the smallest range around it', () => {
    const text = jsonWorkflow('"h": "x \\u007b\\u007bsecrets.api.key}}"');
    const { refs } = locate(text, 'json');
    assert.deepEqual(refs, [{ text: '\\u007b\\u007bsecrets.api.key}}', name: 'api', field: 'key', start: [6, 25], end: [6, 54] }]);
  });

  it('counts UTF-16 units for non-ASCII text before the reference on the same line (emoji, CJK)', () => {
    const text = jsonWorkflow(`"h": "🙂 密码 ${REF}", "k": "é${REF}"`);
    const { refs } = locate(text, 'json');
    assert.deepEqual(refs, [
      { ...exact, start: [6, 29], end: [6, 48] },
      { ...exact, start: [6, 58], end: [6, 77] },
    ]);
  });

  it('handles CRLF files', () => {
    const text = jsonWorkflow(`\r\n        "a": 1,\r\n        "h": "${REF}"\r\n      `, '\r\n');
    const { refs } = locate(text, 'json');
    assert.deepEqual(refs, [{ ...exact, start: [8, 14], end: [8, 33] }]);
  });

  it('finds references at any depth of config, in arrays too, and in a minified file', () => {
    const text = `{"name":"w","nodes":[{"id":"a","type":"t","config":{"x":[{"y":[["${REF}"]]}]}}]}`;
    const { refs, parsed } = locate(text, 'json');
    assert.deepEqual(refs, [{ ...exact, start: [0, 65], end: [0, 84] }]);
    assert.deepEqual(parsed.references[0]?.path, ['nodes', 0, 'config', 'x', 0, 'y', 0, 0]);
    assert.equal(parsed.references[0]?.location, 'config');
    assert.equal(parsed.references[0]?.nodeId, 'a');
  });
});

describe('reference positions in YAML', () => {
  it('double-quoted with escapes before the reference', () => {
    const { refs, parsed } = locate(yamlWorkflow([`h: "\\t\\"q\\" \\u00e9 \\x41 ${REF}"`]), 'yaml');
    assert.deepEqual(refs, [{ ...exact, start: [5, 30], end: [5, 49] }]);
    const config = (parsed.value as { nodes: { config: { h: string } }[] }).nodes[0]?.config;
    assert.equal(config?.h, `\t"q" é A ${REF}`);
  });

  it("single-quoted with '' before the reference", () => {
    const { refs } = locate(yamlWorkflow([`h: 'it''s ${REF}'`]), 'yaml');
    assert.deepEqual(refs, [{ ...exact, start: [5, 16], end: [5, 35] }]);
  });

  it('plain scalars, on the first line and on a continuation line', () => {
    const { refs } = locate(yamlWorkflow([`a: Bearer ${REF}`, 'b: first line', `  second ${REF} end`]), 'yaml');
    assert.deepEqual(refs, [
      { ...exact, start: [5, 16], end: [5, 35] },
      { ...exact, start: [7, 15], end: [7, 34] },
    ]);
  });

  it('literal block scalars keep their indentation: | , |- , |+ and an explicit indentation indicator', () => {
    const text = yamlWorkflow([
      'a: |',
      '  first',
      `    indented ${REF}`,
      'b: |-',
      `  ${REF}`,
      'c: |+',
      `  x ${REF}`,
      '',
      'd: |2',
      `     three extra ${REF}`,
    ]);
    const { refs, parsed } = locate(text, 'yaml');
    assert.deepEqual(refs, [
      { ...exact, start: [7, 19], end: [7, 38] },
      { ...exact, start: [9, 8], end: [9, 27] },
      { ...exact, start: [11, 10], end: [11, 29] },
      { ...exact, start: [14, 23], end: [14, 42] },
    ]);
    const config = (parsed.value as { nodes: { config: Record<string, string> }[] }).nodes[0]?.config;
    assert.deepEqual(config, { a: `first\n  indented ${REF}\n`, b: REF, c: `x ${REF}\n\n`, d: `   three extra ${REF}\n` });
  });

  it('folded block scalars: a reference on a later line, and one folded across a line break', () => {
    const text = yamlWorkflow(['a: >', '  one', `  two ${REF}`, '', '  more', 'b: >-', '  {{ secrets.api.key', '  }}']);
    const { refs, parsed } = locate(text, 'yaml');
    assert.deepEqual(refs, [
      { ...exact, start: [7, 12], end: [7, 31] },
      // Folding turned the line break into the space before }}: the range spans both lines.
      { text: '{{ secrets.api.key\n        }}', name: 'api', field: 'key', start: [11, 8], end: [12, 10] },
    ]);
    const config = (parsed.value as { nodes: { config: Record<string, string> }[] }).nodes[0]?.config;
    assert.deepEqual(config, { a: `one two ${REF}\nmore\n`, b: '{{ secrets.api.key }}' });
  });

  it('multi-line double-quoted scalars fold too', () => {
    const text = yamlWorkflow(['h: "first', `  second ${REF}"`]);
    const { refs } = locate(text, 'yaml');
    assert.deepEqual(refs, [{ ...exact, start: [6, 15], end: [6, 34] }]);
  });

  it('handles CRLF files, in quoted, plain and block scalars', () => {
    const text = yamlWorkflow([`a: "x ${REF}"`, `b: y ${REF}`, 'c: |', '  l1', `  l2 ${REF}`, 'd: >', '  f1', `  f2 ${REF}`], '\r\n');
    const { refs, parsed } = locate(text, 'yaml');
    assert.deepEqual(refs, [
      { ...exact, start: [5, 12], end: [5, 31] },
      { ...exact, start: [6, 11], end: [6, 30] },
      { ...exact, start: [9, 11], end: [9, 30] },
      { ...exact, start: [12, 11], end: [12, 30] },
    ]);
    const config = (parsed.value as { nodes: { config: Record<string, string> }[] }).nodes[0]?.config;
    assert.equal(config?.c, `l1\nl2 ${REF}\n`);
  });

  it('counts UTF-16 units for emoji and CJK before the reference on the same line', () => {
    const { refs } = locate(yamlWorkflow([`a: 🙂🙂 密码 ${REF}`, `b: "ü 🙂 ${REF}"`, 'c: |', `  日本 🙂 ${REF}`]), 'yaml');
    assert.deepEqual(refs, [
      { ...exact, start: [5, 17], end: [5, 36] },
      { ...exact, start: [6, 15], end: [6, 34] },
      { ...exact, start: [8, 14], end: [8, 33] },
    ]);
  });

  it('flow collections: references in flow sequences and mappings', () => {
    const { refs } = locate(yamlWorkflow([`a: [x, "${REF}", {k: '${REF}'}]`]), 'yaml');
    assert.deepEqual(refs, [
      { ...exact, start: [5, 14], end: [5, 33] },
      { ...exact, start: [5, 41], end: [5, 60] },
    ]);
  });

  it('does not scan comments', () => {
    const text = yamlWorkflow([`# ${REF}`, `a: plain # ${REF}`, `b: "q" # {{secrets.bad`]);
    const { parsed } = locate(text, 'yaml');
    assert.deepEqual(parsed.references, []);
    assert.deepEqual(parsed.malformed, []);
  });

  it('reports a reference behind an anchor once, at the anchor, not again at each alias', () => {
    const text = yamlWorkflow([`a: &auth "Bearer ${REF}"`, 'b: *auth', 'c: [*auth]']);
    const { refs, parsed } = locate(text, 'yaml');
    assert.deepEqual(refs, [{ ...exact, start: [5, 23], end: [5, 42] }]);
    const config = (parsed.value as { nodes: { config: Record<string, unknown> }[] }).nodes[0]?.config;
    assert.deepEqual(config, { a: `Bearer ${REF}`, b: `Bearer ${REF}`, c: [`Bearer ${REF}`] });
  });
});
