import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { assertBuilt, REPO_ROOT, runNodeScript } from './cliHarness';

describe('npm run demo', () => {
  it('tours the command line on a throwaway vault and exits 0', async () => {
    assertBuilt();
    const result = await runNodeScript(path.join(REPO_ROOT, 'scripts', 'demo.mjs'), []);
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /added 5 secrets \(apiKey, basicAuth, bearerToken, oauth, custom\)/);
    assert.match(result.stdout, /check found [1-9]\d* errors, all in broken\.workflow\.yaml/);
    assert.match(result.stdout, /resolve: (\d+) of \1 nodes ready, 0 blocked/);
    assert.match(result.stdout, /demo values found in it: none/);
    // Values are never revealed by the demo.
    for (const demoValue of ['sk_test_demo_4eC39HqLyjWDarjtT1zdp7dc', 'demo-smtp-password-1', 'whsec_demo_signing_key_42']) {
      assert.ok(!result.stdout.includes(demoValue), 'a demo value was printed');
    }
    const removed = /- removed (\S+) /.exec(result.stdout)?.[1];
    assert.ok(removed, 'the demo says which folder it removed');
    assert.ok(!existsSync(removed), 'the throwaway folder is gone');
  });
});
