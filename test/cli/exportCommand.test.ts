import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { addStandardSecrets, ALL_CANARIES, assertExit, assertNoValues, CANARY, makeSandbox } from './cliHarness';
import type { Sandbox } from './cliHarness';

const PASTED = `{
  "name": "pasted",
  "nodes": [
    { "id": "charge", "type": "http", "config": { "auth": "Bearer ${CANARY.stripe}", "ref": "{{secrets.github.token}}" } },
    { "id": "mail", "type": "email", "config": { "user": "${CANARY.smtpUser}", "password": "${CANARY.smtpPassword}", "port": 587 } }
  ]
}
`;

const YAML_FLOW = [
  '# sends mail',
  'name: mail',
  'nodes:',
  '  - id: send',
  '    type: email',
  '    config:',
  `      password: ${CANARY.smtpPassword}`,
  '      signing: |',
  `        key=${CANARY.webhookKey}`,
  '',
].join('\n');

describe('workflow-secrets export', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await makeSandbox();
    await addStandardSecrets(sandbox);
    await sandbox.write('pasted.workflow.json', PASTED);
    await sandbox.write('mail.workflow.yaml', YAML_FLOW);
    await sandbox.write('leaky.workflow.json', PASTED.replace('"port": 587', `"header": "Basic ${Buffer.from(`${CANARY.smtpUser}:${CANARY.smtpPassword}`).toString('base64')}"`));
  });
  after(() => sandbox.cleanup());

  it('writes a sanitized copy with references and a manifest, and no value anywhere', async () => {
    const result = await sandbox.run(['export', 'pasted.workflow.json', '-o', 'out/pasted.workflow.json']);
    assertExit(result, 0);
    assert.match(result.stdout, /3 values replaced by references; needs 3 secrets \(github, smtp, stripe\)/);
    assertNoValues(result, ALL_CANARIES);
    const text = await readFile(path.join(sandbox.dir, 'out/pasted.workflow.json'), 'utf8');
    for (const canary of ALL_CANARIES) assert.ok(!text.includes(canary));
    const exported = JSON.parse(text);
    assert.deepEqual(exported.nodes[1].config, { user: '{{secrets.smtp.username}}', password: '{{secrets.smtp.password}}', port: 587 });
    assert.equal(exported.nodes[0].config.auth, 'Bearer {{secrets.stripe.value}}');
    assert.deepEqual(exported.requiredSecrets, [
      { name: 'github', type: 'bearerToken', fields: ['token'] },
      { name: 'smtp', type: 'basicAuth', fields: ['username', 'password'] },
      { name: 'stripe', type: 'apiKey', fields: ['value'] },
    ]);
  });

  it('keeps YAML as YAML, comments included', async () => {
    const result = await sandbox.run(['export', 'mail.workflow.yaml', '-o', 'out/mail.workflow.yaml']);
    assertExit(result, 0);
    const text = await readFile(path.join(sandbox.dir, 'out/mail.workflow.yaml'), 'utf8');
    assert.ok(text.startsWith('# sends mail\n'));
    const value = parseYaml(text);
    assert.equal(value.nodes[0].config.password, '{{secrets.smtp.password}}');
    assert.equal(value.nodes[0].config.signing, 'key={{secrets.webhook.signingKey}}\n');
    for (const canary of ALL_CANARIES) assert.ok(!text.includes(canary));
  });

  it('refuses to overwrite without --force, and replaces with it', async () => {
    await sandbox.write('out/existing.workflow.json', '{"keep": true}');
    const refused = await sandbox.run(['export', 'pasted.workflow.json', '-o', 'out/existing.workflow.json']);
    assertExit(refused, 2);
    assert.match(refused.stderr, /already exists.*--force/s);
    assert.equal(await readFile(path.join(sandbox.dir, 'out/existing.workflow.json'), 'utf8'), '{"keep": true}');
    const forced = await sandbox.run(['export', 'pasted.workflow.json', '-o', 'out/existing.workflow.json', '--force']);
    assertExit(forced, 0);
    assert.ok(JSON.parse(await readFile(path.join(sandbox.dir, 'out/existing.workflow.json'), 'utf8')).requiredSecrets);
  });

  it('refuses an export that would leak an encoded value: exit 1, nothing written, no temp file, no value shown', async () => {
    const result = await sandbox.run(['export', 'leaky.workflow.json', '-o', 'out/leaky.workflow.json']);
    assertExit(result, 1);
    assert.match(result.stderr, /leaky\.workflow\.json: The export was refused because it would contain a secret value/);
    assert.match(result.stderr, /the value of \{\{secrets\.smtp\.password\}\} base64-encoded at line 5, column \d+/);
    assert.match(result.stderr, /nodes\[1\]\.config\.header/);
    assertNoValues(result, [...ALL_CANARIES, Buffer.from(`${CANARY.smtpUser}:${CANARY.smtpPassword}`).toString('base64')]);
    const files = await readdir(path.join(sandbox.dir, 'out'));
    assert.ok(!files.includes('leaky.workflow.json'));
    assert.deepEqual(files.filter((file) => file.includes('.tmp-')), []);
  });

  it('checks its arguments: -o required, same format, key needed', async () => {
    assertExit(await sandbox.run(['export', 'pasted.workflow.json']), 2);
    const format = await sandbox.run(['export', 'pasted.workflow.json', '-o', 'out/x.workflow.yaml']);
    assertExit(format, 2);
    assert.match(format.stderr, /must be a JSON file/);
    assertExit(await sandbox.run(['export', 'pasted.workflow.json', '-o', 'out/y.workflow.json'], { env: { WORKFLOW_SECRETS_KEY: undefined } }), 3);
  });
});
