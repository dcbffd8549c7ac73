import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_WORKFLOW_GLOBS, isWorkflowFile, parseWorkflow, workflowFormatOf } from '../../shared/workflowParser';
import { parseYamlFast } from '../../shared/yamlFastParser';
import { slice } from '../helpers/workflowParserAssertions';

const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples');

describe('workflow files', () => {
  it('workflowFormatOf: .json is JSON, .yaml and .yml are YAML, in any case; others are not workflows', () => {
    assert.equal(workflowFormatOf('a/b/payments.workflow.json'), 'json');
    assert.equal(workflowFormatOf('x.workflow.YAML'), 'yaml');
    assert.equal(workflowFormatOf('x.yml'), 'yaml');
    assert.equal(workflowFormatOf('x.workflow.toml'), undefined);
    assert.equal(workflowFormatOf('json'), undefined);
  });

  it('isWorkflowFile matches the default globs on relative, absolute, ./ and Windows paths', () => {
    assert.deepEqual(DEFAULT_WORKFLOW_GLOBS, ['**/*.workflow.json', '**/*.workflow.yaml', '**/*.workflow.yml']);
    for (const path of ['payments.workflow.json', 'a/b/c.workflow.yaml', '/home/me/x.workflow.yml', './flows/x.workflow.json', 'C:\\work\\x.workflow.yaml', '.github/x.workflow.yml']) {
      assert.equal(isWorkflowFile(path), true, path);
    }
    for (const path of ['package.json', 'a/workflow.json', 'x.workflow.json.bak', 'x.workflow.txt', 'workflow.yaml']) {
      assert.equal(isWorkflowFile(path), false, path);
    }
  });

  it('isWorkflowFile takes configured globs, and needs a JSON or YAML name even then', () => {
    const globs = ['flows/**/*.json', '**/*.pipeline.yaml'];
    assert.equal(isWorkflowFile('flows/a/b.json', globs), true);
    assert.equal(isWorkflowFile('other/b.json', globs), false);
    assert.equal(isWorkflowFile('x/y.pipeline.yaml', globs), true);
    assert.equal(isWorkflowFile('x/y.workflow.yaml', globs), false);
    assert.equal(isWorkflowFile('flows/readme.md', ['flows/**']), false);
  });
});

describe('examples', () => {
  const read = (file: string) => readFileSync(join(EXAMPLES, file), 'utf8');
  const used = (file: string) => {
    const text = read(file);
    const parsed = parseWorkflow(text, workflowFormatOf(file) ?? 'json');
    assert.deepEqual(parsed.problems, [], file);
    assert.deepEqual(parsed.malformed, [], file);
    assert.ok(parsed.references.every((reference) => reference.location === 'config' && slice(text, reference.range) === slice(text, reference.range).trim()));
    return new Set(parsed.references.map((reference) => `${reference.name}.${reference.field}`));
  };
  // One secret of each type, named as the demo creates them.
  const everyType = ['stripe.value', 'smtp.username', 'smtp.password', 'github.token', 'google.clientId', 'google.clientSecret', 'google.scopes', 'webhook.url', 'webhook.signingKey'];

  it('both good examples use every secret type, only in node configs, without mistakes', () => {
    for (const file of ['payments.workflow.json', 'notifications.workflow.yaml']) assert.deepEqual([...used(file)].sort(), [...everyType].sort(), file);
    assert.ok(parseYamlFast(read('notifications.workflow.yaml')), 'the YAML example takes the fast path');
  });

  it('the JSON example keeps an escaped {{secrets. literal out of the references', () => {
    const parsed = parseWorkflow(read('payments.workflow.json'), 'json');
    assert.ok(!parsed.references.some((reference) => reference.name === 'not'));
  });

  it('the broken example shows each kind of mistake', () => {
    const text = read('broken.workflow.yaml');
    const parsed = parseWorkflow(text, 'yaml');
    assert.deepEqual(parsed.malformed.map((bad) => [bad.code, slice(text, bad.range)]), [
      ['likely-typo', '{{secret.stripe.value}}'],
      ['missing-segment', '{{secrets.stripe}}'],
      ['unclosed', '{{secrets.github.token'],
    ]);
    assert.deepEqual(
      parsed.references.map((reference) => [reference.location, `${reference.name}.${reference.field}`]),
      [
        ['outsideConfig', 'stripe.value'],
        ['config', 'stripee.value'],
        ['config', 'smtp.passwd'],
        ['key', 'smtp.username'],
        ['config', 'webhook.url'],
      ],
    );
    assert.deepEqual(parsed.problems.map((problem) => [problem.code, slice(text, problem.range)]), [
      ['structure', 'typo'],
      ['structure', 'no-type'],
    ]);
  });
});

describe('large workflows', () => {
  const nodes = Array.from({ length: 2000 }, (_, index) => ({
    id: `node-${index}`,
    type: 'http.request',
    config: { url: `https://api.example.com/${index}`, headers: { Authorization: `Bearer {{secrets.s${index % 500}.token}}`, Key: `{{ secrets.k${index % 7}.value }}` } },
  }));

  it('JSON: every node and reference of a 2000-node file, in order', () => {
    const text = JSON.stringify({ name: 'big', nodes }, null, 2);
    const parsed = parseWorkflow(text, 'json');
    assert.deepEqual(parsed.problems, []);
    assert.equal(parsed.nodes.length, 2000);
    assert.equal(parsed.references.length, 4000);
    assert.equal(parsed.references[3999]?.nodeId, 'node-1999');
    assert.equal(slice(text, parsed.references[3998]?.range ?? { start: 0, end: 0 }), '{{secrets.s499.token}}');
  });

  it('YAML: the same through the fast path, and a duplicate id among thousands points at the right line', () => {
    const lines = ['name: big', 'nodes:'];
    for (const node of nodes) {
      lines.push(`  - id: ${node.id}`, `    type: ${node.type}`, '    config:', `      url: ${node.config.url}`, '      headers:');
      lines.push(`        Authorization: Bearer ${node.config.headers.Authorization.slice(7)}`, `        Key: "${node.config.headers.Key}"`);
    }
    const text = `${lines.join('\n')}\n`;
    assert.ok(parseYamlFast(text));
    const parsed = parseWorkflow(text, 'yaml');
    assert.equal(parsed.nodes.length, 2000);
    assert.equal(parsed.references.length, 4000);
    const duplicated = text.replace('id: node-1999\n', 'id: node-7\n');
    const [problem] = parseWorkflow(duplicated, 'yaml').problems;
    assert.equal(problem?.message, 'Duplicate node id "node-7": node 8 (line 52) already uses it.');
    assert.equal(slice(duplicated, problem?.range ?? { start: 0, end: 0 }), 'node-7');
  });
});
