import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineIndex } from '../../shared/lineIndex';
import { parseWorkflow } from '../../shared/workflowParser';
import type { WorkflowFormat } from '../../shared/workflowTypes';
import { slice } from '../helpers/workflowParserAssertions';

function problemsOf(text: string, format: WorkflowFormat) {
  const parsed = parseWorkflow(text, format);
  const lines = new LineIndex(text);
  return parsed.problems.map((problem) => {
    const { line, character } = lines.positionAt(problem.range.start);
    return { code: problem.code, message: problem.message, text: slice(text, problem.range), line, character };
  });
}

describe('syntax errors come back with positions, never thrown', () => {
  it('JSON: a missing comma, at the place it is missing', () => {
    const problems = problemsOf('{\n  "name": "w"\n  "nodes": []\n}', 'json');
    assert.equal(problems.length, 1);
    assert.deepEqual([problems[0]?.code, problems[0]?.line, problems[0]?.character], ['syntax', 2, 2]);
    assert.match(problems[0]?.message ?? '', /Expected ","/);
  });

  it('JSON: comments and trailing commas are errors, and parsing keeps going after them', () => {
    const text = '{\n  // a comment\n  "name": "w",\n  "nodes": [{"id": "a", "type": "t", "config": {"k": "{{secrets.a.b}}"},},],\n}';
    const parsed = parseWorkflow(text, 'json');
    const messages = parsed.problems.map((problem) => [problem.message, slice(text, problem.range)]);
    assert.deepEqual(messages, [
      ['Comments are not allowed in JSON.', '// a comment'],
      ['Trailing commas are not allowed in JSON: remove this comma.', ','],
      ['Trailing commas are not allowed in JSON: remove this comma.', ','],
      ['Trailing commas are not allowed in JSON: remove this comma.', ','],
    ]);
    assert.deepEqual(parsed.references.map((reference) => slice(text, reference.range)), ['{{secrets.a.b}}'], 'still finds references');
    assert.equal(parsed.nodes[0]?.id, 'a');
  });

  it('JSON: a comment left open at the end stays inside the text', () => {
    const text = '{"name": "w", "nodes": []}/*';
    assert.deepEqual(parseWorkflow(text, 'json').problems, [{ code: 'syntax', message: 'Comments are not allowed in JSON.', range: { start: 26, end: 28 } }]);
  });

  it('JSON: an unterminated string, an empty document, garbage', () => {
    assert.deepEqual(problemsOf('{"name": "w', 'json').map((problem) => problem.message)[0], 'Unterminated string (a string must close on the line where it starts).');
    assert.deepEqual(problemsOf('  ', 'json').map((problem) => problem.message), ['The document is empty: a workflow is an object with "name" and "nodes".']);
    const garbage = parseWorkflow('@@@ not json {{secrets.a.b}}', 'json');
    assert.ok(garbage.problems.length > 0 && garbage.problems.every((problem) => problem.code === 'syntax'));
  });

  it('YAML: bad indentation and an unclosed quote, with yaml\'s message and position', () => {
    const indentation = problemsOf('name: w\nnodes:\n  - id: a\n     type: t\n', 'yaml');
    assert.ok(indentation.length >= 1);
    assert.equal(indentation[0]?.code, 'syntax');
    assert.equal(indentation[0]?.line, 2);
    assert.match(indentation[0]?.message ?? '', /Nested mappings are not allowed/);
    const quote = problemsOf('name: "w\nnodes: []\n', 'yaml');
    assert.ok(quote.some((problem) => problem.code === 'syntax' && /quote/i.test(problem.message)), JSON.stringify(quote));
  });

  it('YAML: duplicate keys are syntax errors at the second key', () => {
    const problems = problemsOf('name: w\nname: x\nnodes: []\n', 'yaml');
    assert.deepEqual(problems.map((problem) => [problem.code, problem.line, problem.text]), [['syntax', 1, 'name']]);
  });

  it('YAML: a tab used for indentation', () => {
    const problems = problemsOf('name: w\nnodes:\n\t- id: a\n', 'yaml');
    assert.ok(problems.some((problem) => problem.code === 'syntax' && problem.line === 2), JSON.stringify(problems));
  });

  it('YAML: only the first of several documents is read, and the rest is a structure problem', () => {
    const text = 'name: w\nnodes:\n  - id: a\n    type: t\n---\nname: other\n';
    const parsed = parseWorkflow(text, 'yaml');
    assert.deepEqual(parsed.problems.map((problem) => problem.code), ['structure']);
    assert.match(parsed.problems[0]?.message ?? '', /2 YAML documents/);
    assert.equal(new LineIndex(text).positionAt(parsed.problems[0]?.range.start ?? 0).line, 4);
    assert.equal(parsed.name, 'w');
  });

  it('YAML: an unquoted value starting with {{ is a mapping, and says to quote it', () => {
    const text = 'name: w\nnodes:\n  - id: a\n    type: t\n    config:\n      token: {{secrets.a.b}}\n';
    const parsed = parseWorkflow(text, 'yaml');
    assert.deepEqual(parsed.problems.map((problem) => [problem.code, slice(text, problem.range)]), [['structure', '{{secrets.a.b}}']]);
    assert.match(parsed.problems[0]?.message ?? '', /quote it/);
  });
});

describe('byte order marks', () => {
  it('a leading BOM is not an error in either format, and offsets still count it', () => {
    const json = '\uFEFF{"name": "w", "nodes": [{"id": "a", "type": "t", "config": {"k": "{{secrets.a.b}}"}}]}';
    const yaml = '\uFEFFname: w\nnodes:\n  - id: a\n    type: t\n    config:\n      k: "{{secrets.a.b}}"\n';
    for (const [format, text] of [['json', json], ['yaml', yaml]] as const) {
      const parsed = parseWorkflow(text, format);
      assert.deepEqual(parsed.problems, [], format);
      assert.deepEqual(parsed.references.map((reference) => slice(text, reference.range)), ['{{secrets.a.b}}'], format);
    }
  });
});

describe('structure errors', () => {
  const both = (json: string, yaml: string) =>
    [
      ['json', json],
      ['yaml', yaml],
    ] as const;

  it('a document that is not an object, and one without nodes', () => {
    for (const [format, text] of both('[1, 2]', '- 1\n- 2\n')) {
      assert.match(problemsOf(text, format)[0]?.message ?? '', /not an object/, format);
    }
    for (const text of ['', '# only a comment\n', '---\n']) {
      assert.deepEqual(problemsOf(text, 'yaml').map((problem) => [problem.code, problem.message]), [['structure', 'The document is empty: a workflow is an object with "name" and a "nodes" list.']]);
    }
    for (const [format, text] of both('{"name": "w"}', 'name: w\n')) {
      const [problem] = problemsOf(text, format);
      assert.equal(problem?.code, 'structure');
      assert.match(problem?.message ?? '', /no "nodes" list/, format);
    }
    for (const [format, text] of both('{"name": "w", "nodes": {"a": 1}}', 'name: w\nnodes:\n  a: 1\n')) {
      assert.match(problemsOf(text, format)[0]?.message ?? '', /"nodes" must be a list/, format);
    }
  });

  it('a node that is not an object; missing, empty and non-string ids; missing type', () => {
    const json = '{"name": "w", "nodes": [\n  "oops",\n  {"type": "t"},\n  {"id": "", "type": "t"},\n  {"id": 7, "type": "t"},\n  {"id": "x"}\n]}';
    const yaml = 'name: w\nnodes:\n  - oops\n  - type: t\n  - id: ""\n    type: t\n  - id: 7\n    type: t\n  - id: x\n';
    for (const [format, text] of both(json, yaml)) {
      const problems = problemsOf(text, format);
      assert.deepEqual(
        problems.map((problem) => problem.message),
        [
          'Node 1 is not an object: each node is { id, type, config }.',
          'Node 2 has no "id": give every node a unique id.',
          'Node 3\'s "id" is empty: give every node a unique id.',
          'Node 4\'s "id" must be a string (quote it in YAML).',
          'Node "x" has no "type".',
        ],
        format,
      );
      assert.ok(problems.every((problem) => problem.code === 'structure'));
      assert.deepEqual(problems.map((problem) => problem.text.replace(/"/g, '')).slice(2), ['', '7', 'x'], format);
    }
  });

  it('a duplicate id, with the range on the second id and the first one named', () => {
    const json = '{"name": "w", "nodes": [\n  {"id": "send", "type": "t"},\n  {"id": "send", "type": "t"}\n]}';
    const yaml = 'name: w\nnodes:\n  - id: send\n    type: t\n  - id: send\n    type: t\n';
    for (const [format, text] of both(json, yaml)) {
      const [problem, ...rest] = problemsOf(text, format);
      assert.deepEqual(rest, []);
      assert.equal(problem?.message, `Duplicate node id "send": node 1 (line ${format === 'json' ? 2 : 3}) already uses it.`);
      assert.deepEqual([problem?.line, problem?.text.replace(/"/g, '')], [format === 'json' ? 2 : 4, 'send']);
    }
  });

  it('fills node infos: id, name, type, ranges of the node, its id and its config', () => {
    const text = 'name: w\nnodes:\n  - id: a\n    name: First\n    type: http\n    config:\n      k: v\n';
    const parsed = parseWorkflow(text, 'yaml');
    const [node] = parsed.nodes;
    assert.deepEqual([node?.index, node?.id, node?.name, node?.type], [0, 'a', 'First', 'http']);
    assert.equal(slice(text, node?.idRange ?? { start: 0, end: 0 }), 'a');
    assert.equal(slice(text, node?.configRange ?? { start: 0, end: 0 }), 'k: v');
    assert.equal(slice(text, node?.range ?? { start: 0, end: 0 }), 'id: a\n    name: First\n    type: http\n    config:\n      k: v');
    const json = '{"name": "w", "nodes": [ {"id": "a", "type": "t", "config": {"k": 1}} ]}';
    const [jsonNode] = parseWorkflow(json, 'json').nodes;
    assert.equal(slice(json, jsonNode?.range ?? { start: 0, end: 0 }), '{"id": "a", "type": "t", "config": {"k": 1}}');
    assert.equal(slice(json, jsonNode?.idRange ?? { start: 0, end: 0 }), '"a"');
    assert.equal(slice(json, jsonNode?.configRange ?? { start: 0, end: 0 }), '{"k": 1}');
  });
});

describe('where references stand', () => {
  const text = [
    '{',
    '  "name": "{{secrets.top.name}}",',
    '  "{{secrets.top.key}}": 1,',
    '  "nodes": [',
    '    {',
    '      "id": "n1",',
    '      "name": "{{secrets.node.name}}",',
    '      "type": "t",',
    '      "config": {"a": {"{{secrets.cfg.key}}": "{{secrets.cfg.value}}"}, "b": "{{secret.bad.one}}"}',
    '    }',
    '  ]',
    '}',
  ].join('\n');

  it('config, outsideConfig and key, with node index, node id and path', () => {
    const parsed = parseWorkflow(text, 'json');
    assert.deepEqual(
      parsed.references.map((reference) => [reference.name, reference.location, reference.nodeIndex, reference.nodeId, reference.path.join('/')]),
      [
        ['top', 'outsideConfig', undefined, undefined, 'name'],
        ['top', 'key', undefined, undefined, '{{secrets.top.key}}'],
        ['node', 'outsideConfig', 0, 'n1', 'nodes/0/name'],
        ['cfg', 'key', 0, 'n1', 'nodes/0/config/a/{{secrets.cfg.key}}'],
        ['cfg', 'config', 0, 'n1', 'nodes/0/config/a/{{secrets.cfg.key}}'],
      ],
    );
    assert.deepEqual(
      parsed.malformed.map((bad) => [bad.code, bad.location, bad.nodeId, slice(text, bad.range)]),
      [['likely-typo', 'config', 'n1', '{{secret.bad.one}}']],
    );
  });

  it('the same in YAML', () => {
    const yaml = 'name: "{{secrets.top.name}}"\n"{{secrets.top.key}}": 1\nnodes:\n  - id: n1\n    name: "{{secrets.node.name}}"\n    type: t\n    config:\n      a:\n        "{{secrets.cfg.key}}": "{{secrets.cfg.value}}"\n';
    const parsed = parseWorkflow(yaml, 'yaml');
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(
      parsed.references.map((reference) => [reference.name, reference.location, reference.nodeId]),
      [
        ['top', 'outsideConfig', undefined],
        ['top', 'key', undefined],
        ['node', 'outsideConfig', 'n1'],
        ['cfg', 'key', 'n1'],
        ['cfg', 'config', 'n1'],
      ],
    );
  });
});
