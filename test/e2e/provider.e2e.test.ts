import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Locator } from 'playwright-core';
import { FakeVaultServer } from '../helpers/fakeVaultServer';
import { filesContaining } from './harness/canaryScan';
import { CodeServer } from './harness/codeServer';
import { CHROMIUM, CHROMIUM_ARGS, REPO_ROOT, SCREENSHOTS, VSIX, missingPrerequisite } from './harness/paths';
import { createProviderWorkspace, type ProviderWorkspace } from './harness/providerWorkspace';
import { createStepRunner } from './harness/stepRunner';
import { Workbench } from './harness/workbench';
import { QUIET_WORKBENCH_SETTINGS } from './harness/workbenchSettings';

/**
 * Issue 5's "done when" in a real VS Code (code-server + headless Chromium): the user settings
 * point the packaged extension at a HashiCorp Vault (the fake server of test/helpers, KV v2 on
 * 127.0.0.1, token in WORKFLOW_SECRETS_PROVIDER_TEAM_TOKEN), completion offers the Vault's secret
 * names, Resolve Workflow reports team_api as coming from provider "team", and once Vault is down
 * Refresh shows the provider offline and the same workflow resolves from the local vault's copy as
 * a fallback. The local vault is made beforehand with the command line; its key comes from
 * WORKFLOW_SECRETS_KEY. Nothing the run writes may hold a value, the master key or the token.
 */

const prerequisite = missingPrerequisite();
if (prerequisite) throw new Error(prerequisite);

let ws: ProviderWorkspace;
let vault: FakeVaultServer | undefined;
let server: CodeServer;
let browser: Browser;
let bench: Workbench;
const runner = createStepRunner('provider-e2e', { bench: () => bench, server: () => server });
const step = runner.step;

/** Shows the Secrets view (idempotent, unlike clicking its activity bar icon) and waits for a row. */
async function showSecretsRow(text: RegExp): Promise<void> {
  await bench.runCommand('Workflow Secrets: Focus on Secrets View');
  await bench.page.locator('.pane-body .monaco-list-row', { hasText: text }).first().waitFor();
}

async function resolveProviderWorkflow(): Promise<void> {
  // A fresh editor layout: the workflow is the active editor, so the command takes it without asking.
  await bench.runCommand('View: Close All Editors');
  await bench.openFile('provider.workflow.json');
  await bench.runCommand('Workflow Secrets: Resolve Workflow');
  await bench.page.locator('.editor-group-container.active .tabs-container .tab.active', { hasText: 'provider.workflow.json.resolution.txt' }).waitFor();
}

describe('A HashiCorp Vault provider in a real VS Code (code-server)', { timeout: 240_000 }, () => {
  before(async () => {
    const packaged = spawnSync('npm', ['run', 'package'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 180_000 });
    assert.equal(packaged.status, 0, `npm run package failed:\n${packaged.stdout}\n${packaged.stderr}`);
    ws = await createProviderWorkspace();

    vault = await FakeVaultServer.start();
    vault.api.mountKv('secret', 2);
    vault.api.addToken(ws.token);
    vault.api.putSecret('secret', 'team_api', { value: ws.canaries.remote });
    vault.api.putSecret('secret', 'team_webhook', { url: 'https://hooks.example.com/orders', token: ws.canaries.remoteOnly });

    server = new CodeServer({
      root: ws.root,
      workspace: ws.workspace,
      // The extension host inherits the server's environment: the vault folder, its key and the Vault token.
      env: {
        WORKFLOW_SECRETS_VAULT: `${ws.vaultDir}${path.sep}`,
        WORKFLOW_SECRETS_KEY: ws.masterKey,
        WORKFLOW_SECRETS_PROVIDER_TEAM_TOKEN: ws.token,
        XDG_CONFIG_HOME: path.join(ws.root, 'config'),
      },
      settings: {
        ...QUIET_WORKBENCH_SETTINGS,
        'workflowSecrets.providers': [{ name: 'team', kind: 'hashicorpVault', address: vault.url, mount: 'secret', kvVersion: '2', timeoutSeconds: 2 }],
      },
    });
    await server.installExtension(VSIX);
    const port = await server.start();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
    });
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 760 } })).newPage();
    bench = new Workbench(page);
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(ws.workspace)}`);
    await bench.waitForWorkbench();
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    await vault?.close();
    if (ws && !runner.failedStep) await rm(ws.root, { recursive: true, force: true });
    else if (ws) console.log(`Kept ${ws.root} for inspection.`);
  });

  it('activates with the local vault open and the provider reachable', () =>
    step('activation', async () => {
      // Two local secrets, no provider offline: the plain "N secrets" state.
      await bench.statusItem('default: 2 secrets').waitFor({ timeout: 60_000 });
      // The Secrets view lists the provider with its health and the number of names Vault listed.
      await showSecretsRow(/Provider team.*active · 2 secret\(s\)/);
      assert.ok(vault?.requestsTo(/^secret\/metadata\/?$/).some((request) => request.token === ws.token), 'the extension listed the KV v2 mount with the token from the environment');
    }));

  it('offers the Vault secret names by completion after {{secrets.', () =>
    step('completion', async () => {
      await bench.openFile('scratch.workflow.json');
      await bench.goTo(ws.completionAt.line, ws.completionAt.column);
      await bench.page.keyboard.type('{{secrets.');
      const row = (name: string) => bench.page.locator('.suggest-widget.visible .monaco-list-row', { hasText: name }).first();
      // team_webhook exists only in the Vault: its name can only have come from the provider's LIST.
      await row('team_webhook').waitFor();
      await row('team_api').waitFor();
      await row('local_db').waitFor();
      await bench.page.keyboard.press('Escape');
      await bench.runCommand('File: Revert File');
      await bench.page.locator('.editor-group-container.active .tabs-container .tab.active.dirty').waitFor({ state: 'detached' });
    }));

  it('resolves team_api from provider "team" and local_db from the local vault', () =>
    step('resolve from provider', async () => {
      await resolveProviderWorkflow();
      const report = await bench.waitForEditorText(/Resolution report for provider\.workflow\.json.*\{\{secrets\.local_db\.password\}\}/);
      assert.match(report, /2 nodes, 2 ready, 0 blocked/);
      assert.match(report, /\{\{secrets\.team_api\.value\}\} ok: from provider "team"/);
      assert.match(report, /\{\{secrets\.local_db\.password\}\} ok: from local vault(?! \(fallback)/);
      assert.doesNotMatch(report, /fallback/, 'no fallback while the provider answers');
      assert.ok(vault?.requestsTo('secret/data/team_api').length, 'the value was read from the Vault');
    }));

  it('falls back to the local copy when the Vault is down, and shows the provider offline', () =>
    step('fallback when down', async () => {
      await vault?.close();
      vault = undefined;
      await bench.runCommand('Workflow Secrets: Refresh');
      const status = bench.statusItem('provider offline');
      await status.waitFor();
      await showSecretsRow(/Provider team.*connection refused/);
      // An icon name VS Code does not know renders as nothing: both places must show a glyph.
      assert.ok(await drawsGlyph(status.locator('.codicon').first()), 'the status bar item shows its icon');
      const row = bench.page.locator('.pane-body .monaco-list-row', { hasText: 'Provider team' }).first();
      assert.ok(await drawsGlyph(row.locator('.custom-view-tree-node-item-icon').first()), 'the offline provider row shows its icon');

      await resolveProviderWorkflow();
      const report = await bench.waitForEditorText(/served by the local vault as a fallback.*\{\{secrets\.local_db\.password\}\}/);
      assert.match(report, /2 nodes, 2 ready, 0 blocked/);
      // Provider first for every name: with "team" down, even local_db is served "as a fallback" (team might have held it).
      assert.match(report, /3 references \(3 resolved, 0 unresolved\); 2 secret lookups .*; 3 served by the local vault as a fallback/);
      assert.match(report, /\{\{secrets\.team_api\.value\}\} ok: from local vault \(fallback: provider "team" unavailable: connection refused at 127\.0\.0\.1:\d+\)/);
      assert.match(report, /\{\{secrets\.local_db\.password\}\} ok: from local vault \(fallback: provider "team" unavailable/);
      assert.doesNotMatch(report, /from provider "team"/, 'nothing came from the Vault while it was down');
      // The README's picture: the offline provider in the view and status bar beside the fallback report.
      await bench.notification('Resolving').waitFor({ state: 'detached' });
      await widenSideBar(120); // room for the provider's reason
      await bench.page.mouse.move(1100, 700);
      await bench.screenshot(path.join(SCREENSHOTS, 'provider-fallback.png'));
    }));

  it('never writes a value, the master key or the token to a file', () =>
    step('canary scan', async () => {
      await browser.close();
      await server.stop();
      const secrets = { ...ws.canaries, masterKey: ws.masterKey, token: ws.token };
      for (const [what, canary] of Object.entries(secrets)) {
        const hits = await filesContaining(canary, [ws.root]);
        assert.deepEqual(hits, [], `${what} leaked into: ${hits.join(', ')}`);
      }
    }));
});

/** True when an icon element draws a codicon glyph (its ::before has content). */
async function drawsGlyph(icon: Locator): Promise<boolean> {
  const content = await icon.evaluate((element) => (globalThis as unknown as { getComputedStyle(e: unknown, pseudo: string): { content: string } }).getComputedStyle(element, '::before').content);
  return content !== 'none' && content !== 'normal' && content !== '""' && content !== '';
}

/** Drags the sash at the side bar's edge, as a person widens it. */
async function widenSideBar(by: number): Promise<void> {
  const sidebar = await bench.page.locator('.part.sidebar').boundingBox();
  if (!sidebar) return;
  const y = sidebar.y + sidebar.height / 2;
  await bench.page.mouse.move(sidebar.x + sidebar.width + 1, y);
  await bench.page.mouse.down();
  await bench.page.mouse.move(sidebar.x + sidebar.width + by, y, { steps: 5 });
  await bench.page.mouse.up();
}
