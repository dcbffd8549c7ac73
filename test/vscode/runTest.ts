import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { formatMasterKey, generateMasterKey } from '../../shared/vault/masterKey';
import { Vault } from '../../shared/vault/vault';
import { SUITE_CANARY, SUITE_SECRET } from './suiteFixture';

/**
 * `npm run test:vscode`: the standard @vscode/test-electron runner. It downloads a VS Code build,
 * so it needs internet access to update.code.visualstudio.com (not available on the CI machines,
 * which run the code-server suite in test/e2e instead). The extension runs from this checkout
 * (dist/ must be built); the suite (bundled to out/test/vscode/suite.js) talks to it through the
 * VS Code API. The vault is prepared here with a key passed as WORKFLOW_SECRETS_KEY.
 */
async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..');
  const temp = await mkdtemp(path.join(tmpdir(), 'ws-vscode-test-'));
  try {
    const workspace = path.join(temp, 'workspace');
    const vaultDir = path.join(temp, 'vaults');
    const key = generateMasterKey();
    const vault = await Vault.create(path.join(vaultDir, 'default.vault.json'), key);
    await vault.add({ name: SUITE_SECRET, type: 'apiKey', data: { value: SUITE_CANARY }, tags: ['suite'] });
    await mkdir(workspace, { recursive: true });
    const workflow = {
      name: 'Suite',
      nodes: [
        { id: 'ok', type: 'http', config: { token: `{{secrets.${SUITE_SECRET}.value}}` } },
        { id: 'typo', type: 'http', config: { token: `{{secrets.${SUITE_SECRET}x.value}}` } },
      ],
    };
    await writeFile(path.join(workspace, 'suite.workflow.json'), `${JSON.stringify(workflow, null, 2)}\n`);
    await runTests({
      version: process.env.VSCODE_TEST_VERSION ?? 'stable',
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(root, 'out', 'test', 'vscode', 'suite.js'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
      extensionTestsEnv: {
        WORKFLOW_SECRETS_VAULT: `${vaultDir}${path.sep}`,
        WORKFLOW_SECRETS_KEY: formatMasterKey(key),
        WORKFLOW_SECRETS_SUITE_WORKSPACE: workspace,
      },
    });
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
