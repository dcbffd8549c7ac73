import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addStandardSecrets, ALL_CANARIES, assertExit, assertNoValues, makeSandbox, REPO_ROOT } from './cliHarness';
import type { Sandbox } from './cliHarness';

const GOOD_JSON = `{
  "name": "good",
  "nodes": [
    { "id": "charge", "type": "http", "config": { "auth": "Bearer {{secrets.stripe.value}}" } }
  ]
}
`;

const BAD_YAML = [
  'name: bad',
  'nodes:',
  '  - id: send',
  '    type: email',
  '    config:',
  '      user: "{{secrets.smtp.username}}"',
  '      pass: "{{secrets.smtp.pasword}}"',
  '      key: "{{secrets.strpe.value}}"',
  '      broken: "{{secrets.stripe}}"',
  '',
].join('\n');

describe('workflow-secrets check', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await makeSandbox();
    await addStandardSecrets(sandbox);
    await sandbox.write('flows/good.workflow.json', GOOD_JSON);
    await sandbox.write('flows/nested/bad.workflow.yaml', BAD_YAML);
    await sandbox.write('flows/notes.json', '{ "not": "a workflow by name" }');
    await sandbox.write('flows/node_modules/skip.workflow.json', '{ broken');
  });
  after(() => sandbox.cleanup());

  it('prints file:line:col: severity code: message and exits 1 on errors', async () => {
    const result = await sandbox.run(['check', 'flows']);
    assertExit(result, 1);
    const lines = result.stdout.trim().split('\n');
    // Ranges point at the field (unknown-field), the name (unknown-secret) or the whole reference.
    assert.deepEqual(lines.map((line) => /^(\S+:\d+:\d+: \w+ [\w-]+):/.exec(line)?.[1]), [
      'flows/nested/bad.workflow.yaml:7:29: error unknown-field',
      'flows/nested/bad.workflow.yaml:8:23: error unknown-secret',
      'flows/nested/bad.workflow.yaml:9:16: error malformed-reference',
    ]);
    assert.match(lines[0] ?? '', /"pasword".*username, password/);
    assert.match(lines[1] ?? '', /stripe/);
    assert.match(result.stderr, /Checked 2 files: 3 errors, 0 warnings/);
    assertNoValues(result, ALL_CANARIES);
  });

  it('exits 0 for a clean file given directly', async () => {
    const result = await sandbox.run(['check', 'flows/good.workflow.json']);
    assertExit(result, 0);
    assert.equal(result.stdout, '');
  });

  it('gives JSON with positions and a summary', async () => {
    const result = await sandbox.run(['check', 'flows', '--json']);
    assertExit(result, 1);
    const report = JSON.parse(result.stdout);
    assert.equal(report.summary.errors, 3);
    assert.equal(report.summary.files, 2);
    const bad = report.files.find((file: { file: string }) => file.file.endsWith('bad.workflow.yaml'));
    assert.deepEqual(
      bad.diagnostics.map((d: { code: string; line: number; column: number }) => [d.code, d.line, d.column]),
      [
        ['unknown-field', 7, 29],
        ['unknown-secret', 8, 23],
        ['malformed-reference', 9, 16],
      ],
    );
  });

  it('reports syntax errors with their position', async () => {
    await sandbox.write('syntax/broken.workflow.json', '{\n  "name": "x",\n  "nodes": [\n');
    const result = await sandbox.run(['check', 'syntax']);
    assertExit(result, 1);
    assert.match(result.stdout, /^syntax\/broken\.workflow\.json:\d+:\d+: error syntax: /m);
  });

  it('needs no key, and without a vault verifies no names but still finds malformed references', async () => {
    const result = await sandbox.run(['check', 'flows'], { env: { WORKFLOW_SECRETS_KEY: undefined, WORKFLOW_SECRETS_VAULT: `${sandbox.dir}/none/` } });
    assertExit(result, 1);
    assert.doesNotMatch(result.stdout, /unknown-secret|unknown-field/);
    assert.match(result.stdout, /malformed-reference/);
    assert.match(result.stdout, /information unverified-references/);
  });

  it('exits 2 for a path that does not exist', async () => {
    const result = await sandbox.run(['check', 'nowhere']);
    assertExit(result, 2);
    assert.match(result.stderr, /nowhere: no such file or folder/);
  });
});

describe('workflow-secrets check on examples/', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await makeSandbox();
    await addStandardSecrets(sandbox);
  });
  after(() => sandbox.cleanup());

  it('finds the mistakes of broken.workflow.yaml only, with the language server codes', async () => {
    const result = await sandbox.run(['check', 'examples'], { cwd: REPO_ROOT });
    assertExit(result, 1);
    const lines = result.stdout.trim().split('\n');
    assert.ok(lines.length > 0);
    for (const line of lines) assert.match(line, /^examples\/broken\.workflow\.yaml:\d+:\d+: (error|warning|information|hint) [a-z-]+: /);
    const codes = new Set(lines.map((line) => / (?:error|warning) ([a-z-]+):/.exec(line)?.[1]));
    for (const code of ['malformed-reference', 'unknown-secret', 'unknown-field', 'reference-outside-config', 'structure']) assert.ok(codes.has(code), `no ${code} in:\n${result.stdout}`);
    assertNoValues(result, ALL_CANARIES);
  });

  it('resolves the correct examples completely', async () => {
    for (const file of ['examples/payments.workflow.json', 'examples/notifications.workflow.yaml']) {
      const result = await sandbox.run(['resolve', file], { cwd: REPO_ROOT });
      assertExit(result, 0);
      assert.match(result.stdout, / 0 blocked;/);
      assertNoValues(result, ALL_CANARIES);
    }
  });
});
