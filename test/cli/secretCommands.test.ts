import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { addStandardSecrets, ALL_CANARIES, assertExit, assertNoValues, CANARY, makeSandbox } from './cliHarness';
import type { Sandbox } from './cliHarness';

describe('workflow-secrets secret', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await makeSandbox();
    await addStandardSecrets(sandbox);
  });
  after(() => sandbox.cleanup());

  it('adds secrets from JSON on stdin into a 0600 vault that holds no plaintext', async () => {
    const mode = (await stat(sandbox.vaultFile)).mode & 0o777;
    assert.equal(mode, 0o600);
    const text = await readFile(sandbox.vaultFile, 'utf8');
    for (const canary of ALL_CANARIES) assert.ok(!text.includes(canary), 'plaintext value in the vault file');
    const result = await sandbox.run(['secret', 'add', 'sendgrid', '--type', 'apiKey', '--description', 'Mail API', '--tag', 'mail', '--tag', 'prod'], { input: '{"value": "SG.CANARY-add-1"}' });
    assertExit(result, 0);
    assert.match(result.stdout, /Added API Key secret "sendgrid"/);
    assert.match(result.stdout, /\{\{secrets\.sendgrid\.value\}\}/);
    assertNoValues(result, ['SG.CANARY-add-1']);
  });

  it('refuses values given as arguments, without echoing them', async () => {
    const secret = 'sk_live_CANARY_argv_e41';
    for (const args of [
      ['secret', 'add', 'x1', '--type', 'apiKey', `--value=${secret}`],
      ['secret', 'add', 'x1', '--type', 'apiKey', '--value', secret],
      ['secret', 'add', 'x1', '--type', 'apiKey', '--password', secret],
      ['secret', 'add', 'x1', '--type', 'apiKey', secret],
      ['secret', 'update', 'stripe', '--data', secret],
    ]) {
      const result = await sandbox.run(args, { input: '{"value": "v-from-stdin"}' });
      assertExit(result, 2);
      assert.match(result.stderr, /never taken from the command line/);
      assertNoValues(result, [secret]);
    }
    const listed = await sandbox.run(['secret', 'list', '--json']);
    assert.ok(!JSON.parse(listed.stdout).some((secret: { name: string }) => secret.name === 'x1'));
  });

  it('refuses invalid data with the field named and no value shown', async () => {
    const cases = [
      { args: ['secret', 'add', 'bad1', '--type', 'basicAuth'], input: '{"username": "CANARY-only-user"}', message: /"password" is required/ },
      { args: ['secret', 'add', 'bad2', '--type', 'apiKey'], input: '{"value": "CANARY-x", "extra": "CANARY-extra-val"}', message: /unknown field\(s\) "extra"/ },
      { args: ['secret', 'add', 'bad3', '--type', 'apiKey'], input: '{"value": "CANARY-not-json"', message: /not valid JSON/ },
      { args: ['secret', 'add', 'bad4', '--type', 'apiKey'], input: '', message: /No field values on stdin/ },
    ];
    for (const { args, input, message } of cases) {
      const result = await sandbox.run(args, { input });
      assert.ok(result.code === 1 || result.code === 2, `exit ${result.code}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assertNoValues(result, ['CANARY-only-user', 'CANARY-x', 'CANARY-extra-val', 'CANARY-not-json']);
    }
  });

  it('refuses a name that differs only in case, and unknown types', async () => {
    const clash = await sandbox.run(['secret', 'add', 'Stripe', '--type', 'apiKey'], { input: '{"value": "v12345"}' });
    assertExit(clash, 1);
    assert.match(clash.stderr, /differs only in case/);
    const badType = await sandbox.run(['secret', 'add', 'x2', '--type', 'password'], { input: '{}' });
    assertExit(badType, 2);
    assert.match(badType.stderr, /apiKey, basicAuth, bearerToken, oauth, custom/);
  });

  it('shows metadata with masked values, and values only with --reveal', async () => {
    const masked = await sandbox.run(['secret', 'get', 'smtp']);
    assertExit(masked, 0);
    assert.match(masked.stdout, /type: +basicAuth/);
    assert.match(masked.stdout, /username: \*{8}/);
    assert.match(masked.stdout, /password: \*{8}/);
    assertNoValues(masked, ALL_CANARIES);

    const maskedJson = await sandbox.run(['secret', 'get', 'smtp', '--json']);
    assert.deepEqual(JSON.parse(maskedJson.stdout).fields, ['username', 'password']);
    assertNoValues(maskedJson, ALL_CANARIES);

    const revealed = await sandbox.run(['secret', 'get', 'smtp', '--reveal']);
    assertExit(revealed, 0);
    assert.match(revealed.stdout, new RegExp(`password: ${CANARY.smtpPassword}`));

    const one = await sandbox.run(['secret', 'get', 'google', '--field', 'scopes', '--reveal']);
    assert.equal(one.stdout, 'email profile\n');
    const oneMasked = await sandbox.run(['secret', 'get', 'stripe', '--field', 'value']);
    assert.match(oneMasked.stdout, /value: \*{8}/);
    assertNoValues(oneMasked, [CANARY.stripe]);
  });

  it('says which fields exist when a field is missing, and suggests names for a missing secret', async () => {
    const field = await sandbox.run(['secret', 'get', 'smtp', '--field', 'pass']);
    assertExit(field, 1);
    assert.match(field.stderr, /no field "pass"[\s\S]*username, password/);
    const name = await sandbox.run(['secret', 'get', 'strpe']);
    assertExit(name, 1);
    assert.match(name.stderr, /No secret named "strpe"[\s\S]*Did you mean "stripe"/);
  });

  it('lists metadata, filtered by type and tags, as a table or JSON', async () => {
    const all = await sandbox.run(['secret', 'list']);
    assertExit(all, 0);
    for (const name of ['github', 'google', 'smtp', 'stripe', 'webhook']) assert.match(all.stdout, new RegExp(`^${name} `, 'm'));
    assertNoValues(all, ALL_CANARIES);
    const oauth = await sandbox.run(['secret', 'list', '--type', 'oauth', '--json']);
    assert.deepEqual(JSON.parse(oauth.stdout).map((secret: { name: string }) => secret.name), ['google']);
    const tagged = await sandbox.run(['secret', 'list', '--tag', 'mail', '--tag', 'prod', '--json']);
    assert.deepEqual(JSON.parse(tagged.stdout).map((secret: { name: string }) => secret.name), ['sendgrid']);
    assertNoValues(tagged, ['SG.CANARY-add-1']);
  });

  it('works without the key for list and masked get (readable metadata)', async () => {
    const result = await sandbox.run(['secret', 'list'], { env: { WORKFLOW_SECRETS_KEY: undefined } });
    assertExit(result, 0);
    assert.match(result.stdout, /stripe/);
  });

  it('updates description, tags and data; keeps the id', async () => {
    const before = JSON.parse((await sandbox.run(['secret', 'get', 'webhook', '--json'])).stdout);
    const described = await sandbox.run(['secret', 'update', 'webhook', '--description', 'Incoming hooks', '--tag', 'hooks']);
    assertExit(described, 0);
    const data = await sandbox.run(['secret', 'update', 'webhook', '--data-stdin'], { input: '{"url": "https://hooks.example.com/v2", "signingKey": "whsec_CANARY_new_77"}' });
    assertExit(data, 0);
    assertNoValues(data, ['whsec_CANARY_new_77']);
    const after = JSON.parse((await sandbox.run(['secret', 'get', 'webhook', '--json', '--reveal'])).stdout);
    assert.equal(after.id, before.id);
    assert.equal(after.description, 'Incoming hooks');
    assert.deepEqual(after.tags, ['hooks']);
    assert.equal(after.data.signingKey, 'whsec_CANARY_new_77');
    const nothing = await sandbox.run(['secret', 'update', 'webhook']);
    assertExit(nothing, 2);
  });

  it('renames (same id) and deletes', async () => {
    const added = await sandbox.run(['secret', 'add', 'temp', '--type', 'custom'], { input: '{"a": "CANARY-temp-value"}' });
    assertExit(added, 0);
    const id = JSON.parse((await sandbox.run(['secret', 'get', 'temp', '--json'])).stdout).id;
    const renamed = await sandbox.run(['secret', 'rename', 'temp', 'temp2']);
    assertExit(renamed, 0);
    assert.equal(JSON.parse((await sandbox.run(['secret', 'get', 'temp2', '--json'])).stdout).id, id);
    assertExit(await sandbox.run(['secret', 'get', 'temp']), 1);
    const removed = await sandbox.run(['secret', 'rm', 'temp2']);
    assertExit(removed, 0);
    assertExit(await sandbox.run(['secret', 'get', 'temp2']), 1);
    assertExit(await sandbox.run(['secret', 'rm', 'temp2']), 1);
  });

  it('answers --help, --version and usage mistakes with exit codes 0 and 2', async () => {
    const help = await sandbox.run(['--help']);
    assertExit(help, 0);
    assert.match(help.stdout, /secret add/);
    assert.match(help.stdout, /Exit codes/);
    const commandHelp = await sandbox.run(['secret', 'add', '--help']);
    assertExit(commandHelp, 0);
    assert.match(commandHelp.stdout, /Usage: workflow-secrets secret add NAME --type TYPE/);
    const version = await sandbox.run(['--version']);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
    assertExit(await sandbox.run([]), 2);
    assertExit(await sandbox.run(['frobnicate']), 2);
    assertExit(await sandbox.run(['secret']), 2);
    assertExit(await sandbox.run(['secret', 'get']), 2);
    assertExit(await sandbox.run(['secret', 'list', '--colour']), 2);
  });

  it('takes --vault and --env before or after the command', async () => {
    const other = `${sandbox.dir}/other-vaults/`;
    const added = await sandbox.run(['--vault', other, '--env', 'dev', 'secret', 'add', 'devkey', '--type', 'apiKey'], { input: '{"value": "dev-value-1"}' });
    assertExit(added, 0);
    assert.match(added.stdout, /other-vaults\/dev\.vault\.json/);
    const listed = await sandbox.run(['secret', 'list', '--json', '--vault', other, '--env', 'dev']);
    assert.deepEqual(JSON.parse(listed.stdout).map((secret: { name: string }) => secret.name), ['devkey']);
    const defaultEnv = await sandbox.run(['secret', 'list', '--json', '--vault', other]);
    assertExit(defaultEnv, 3);
  });
});
