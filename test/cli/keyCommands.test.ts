import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { after, beforeEach, describe, it } from 'node:test';
import { addStandardSecrets, ALL_CANARIES, assertExit, assertNoValues, CANARY, makeSandbox } from './cliHarness';
import type { Sandbox } from './cliHarness';

describe('workflow-secrets key and vault errors', () => {
  let sandbox: Sandbox | undefined;
  beforeEach(async () => {
    await sandbox?.cleanup();
    sandbox = await makeSandbox();
    await addStandardSecrets(sandbox);
  });
  after(() => sandbox?.cleanup());

  it('generates a fresh 32-byte base64 key on stdout', async () => {
    const first = await sandbox!.run(['key', 'generate']);
    const second = await sandbox!.run(['key', 'generate']);
    assertExit(first, 0);
    const key = first.stdout.trim();
    assert.equal(Buffer.from(key, 'base64').length, 32);
    assert.notEqual(key, second.stdout.trim());
    assert.match(first.stderr, /WORKFLOW_SECRETS_KEY/);
  });

  it('exits 3 with how to set the key when WORKFLOW_SECRETS_KEY is missing', async () => {
    for (const args of [['secret', 'add', 'x', '--type', 'apiKey'], ['secret', 'get', 'stripe', '--reveal'], ['key', 'rotate', '--generate']]) {
      const result = await sandbox!.run(args, { env: { WORKFLOW_SECRETS_KEY: undefined }, input: '{"value": "CANARY-never-stored"}' });
      assertExit(result, 3);
      assert.match(result.stderr, /WORKFLOW_SECRETS_KEY is not set/);
      assert.match(result.stderr, /key generate/);
      assertNoValues(result, ['CANARY-never-stored', ...ALL_CANARIES]);
    }
  });

  it('exits 3 with a helpful message and no value on a wrong key', async () => {
    const wrong = randomBytes(32).toString('base64');
    for (const args of [['secret', 'get', 'stripe', '--reveal'], ['secret', 'rm', 'stripe'], ['secret', 'add', 'y', '--type', 'apiKey']]) {
      const result = await sandbox!.run(args, { env: { WORKFLOW_SECRETS_KEY: wrong }, input: '{"value": "CANARY-wrong-key-add"}' });
      assertExit(result, 3);
      assert.match(result.stderr, /master key does not open the vault/);
      assert.match(result.stderr, /hint: /);
      assertNoValues(result, [wrong, 'CANARY-wrong-key-add', ...ALL_CANARIES]);
    }
    assertExit(await sandbox!.run(['secret', 'get', 'stripe']), 0);
  });

  it('exits 3 on a short passphrase without echoing it', async () => {
    const result = await sandbox!.run(['secret', 'get', 'stripe', '--reveal'], { env: { WORKFLOW_SECRETS_KEY: 'short7' } });
    assertExit(result, 3);
    assert.ok(!result.stderr.includes('short7'));
  });

  it('exits 3 on a damaged vault, naming the file and never a value', async () => {
    const text = await readFile(sandbox!.vaultFile, 'utf8');
    const document = JSON.parse(text);
    // Swap two entries' ciphertexts: authenticated data must catch it.
    const [first, second] = document.entries;
    for (const part of ['iv', 'tag', 'ciphertext']) [first[part], second[part]] = [second[part], first[part]];
    await writeFile(sandbox!.vaultFile, JSON.stringify(document));
    const swapped = await sandbox!.run(['secret', 'get', 'stripe', '--reveal']);
    assertExit(swapped, 3);
    assert.ok(swapped.stderr.includes(sandbox!.vaultFile));
    assertNoValues(swapped, ALL_CANARIES);

    await writeFile(sandbox!.vaultFile, text.slice(0, Math.floor(text.length / 2)));
    for (const args of [['secret', 'get', 'stripe', '--reveal'], ['secret', 'list'], ['check', sandbox!.dir]]) {
      const truncated = await sandbox!.run(args);
      assertExit(truncated, 3);
      assert.match(truncated.stderr, /damaged|corrupt|not valid/i);
      assertNoValues(truncated, ALL_CANARIES);
    }
  });

  it('rotates the key from stdin: the old key stops working, values survive', async () => {
    const newKey = randomBytes(32).toString('hex');
    const rotated = await sandbox!.run(['key', 'rotate'], { input: `${newKey}\n` });
    assertExit(rotated, 0);
    assert.match(rotated.stderr, /Re-encrypting secrets: 5\/5/);
    assert.equal(rotated.stdout, '');
    assertNoValues(rotated, [newKey, ...ALL_CANARIES]);
    assertExit(await sandbox!.run(['secret', 'get', 'stripe', '--reveal']), 3);
    const withNew = await sandbox!.run(['secret', 'get', 'stripe', '--field', 'value', '--reveal'], { env: { WORKFLOW_SECRETS_KEY: newKey } });
    assert.equal(withNew.stdout, `${CANARY.stripe}\n`);
  });

  it('rotates to a generated key printed once on stdout', async () => {
    const rotated = await sandbox!.run(['key', 'rotate', '--generate']);
    assertExit(rotated, 0);
    const printed = rotated.stdout.trim();
    assert.equal(Buffer.from(printed, 'base64').length, 32);
    const withNew = await sandbox!.run(['secret', 'get', 'smtp', '--field', 'password', '--reveal'], { env: { WORKFLOW_SECRETS_KEY: printed } });
    assert.equal(withNew.stdout, `${CANARY.smtpPassword}\n`);
  });

  it('refuses to rotate to the same key or to nothing', async () => {
    assertExit(await sandbox!.run(['key', 'rotate'], { input: sandbox!.key }), 2);
    assertExit(await sandbox!.run(['key', 'rotate'], { input: '' }), 2);
    assertExit(await sandbox!.run(['secret', 'get', 'stripe', '--reveal']), 0);
  });
});
