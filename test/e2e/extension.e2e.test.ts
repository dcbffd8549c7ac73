import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, rm, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { filesContaining } from './harness/canaryScan';
import { CodeServer } from './harness/codeServer';
import { createE2eWorkspace, type E2eWorkspace } from './harness/e2eWorkspace';
import { CHROMIUM, CHROMIUM_ARGS, REPO_ROOT, RESULTS, SCREENSHOTS, VSIX, missingPrerequisite } from './harness/paths';
import { QUIET_WORKBENCH_SETTINGS } from './harness/workbenchSettings';
import { extensionLog } from './harness/extensionLog';
import { waitForFile } from './harness/waitForFile';
import { Workbench } from './harness/workbench';

/**
 * The packaged extension in a real VS Code (code-server + headless Chromium), driven like a person:
 * create a secret in the Command Palette, get its name from completion, fix a typo with the quick
 * fix from the Problems panel, resolve and export a workflow, and check the vault on disk. The
 * master key comes from SecretStorage (first use generates it); the vault lives outside the
 * workspace in WORKFLOW_SECRETS_VAULT. Screenshots go to media/screenshots/ for the README.
 */

const prerequisite = missingPrerequisite();
if (prerequisite) throw new Error(prerequisite);

let ws: E2eWorkspace;
let server: CodeServer;
let browser: Browser;
let bench: Workbench;
let failedStep: string | undefined;
let masterKey = '';
const secondCanary = `pw_e2eCanary_${Math.random().toString(36).slice(2, 12)}`;

/** Runs one step; after a failure, later steps fail at once instead of waiting out their timeouts. */
async function step(name: string, body: () => Promise<void>): Promise<void> {
  if (failedStep) throw new Error(`not run: the earlier step "${failedStep}" failed`);
  try {
    await body();
  } catch (error) {
    failedStep = name;
    const shot = await bench?.screenshot(path.join(RESULTS, `e2e-${name.replace(/\W+/g, '-')}.png`)).catch(() => undefined);
    const screen = await bench?.describeScreen().catch(() => '(page unavailable)');
    const log = await extensionLog(server.userDataDir).catch(() => '(no extension log found)');
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      `${name} failed: ${message}\n--- on screen ---\n${screen}\n--- screenshot ---\n${shot ?? '(none)'}\n--- Workflow Secrets output ---\n${log}\n--- code-server (last 2000 chars) ---\n${server?.log().slice(-2000)}`,
      { cause: error },
    );
  }
}

describe('Workflow Secrets in a real VS Code (code-server)', { timeout: 300_000 }, () => {
  before(async () => {
    const packaged = spawnSync('npm', ['run', 'package'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 180_000 });
    assert.equal(packaged.status, 0, `npm run package failed:\n${packaged.stdout}\n${packaged.stderr}`);
    ws = await createE2eWorkspace();
    server = new CodeServer({
      root: ws.root,
      workspace: ws.workspace,
      env: { WORKFLOW_SECRETS_VAULT: `${ws.vaultDir}${path.sep}`, XDG_CONFIG_HOME: path.join(ws.root, 'config') },
      settings: QUIET_WORKBENCH_SETTINGS,
    });
    await server.installExtension(VSIX);
    const port = await server.start();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
    });
    // Clipboard access lets the test read what Back Up Master Key copies.
    const context = await browser.newContext({ viewport: { width: 1280, height: 760 }, permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    bench = new Workbench(page);
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(ws.workspace)}`);
    await bench.waitForWorkbench();
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (ws && !failedStep) await rm(ws.root, { recursive: true, force: true });
    else if (ws) console.log(`Kept ${ws.root} for inspection.`);
  });

  it('activates on the workspace of workflows and shows the vault state in the status bar', () =>
    step('activation', async () => {
      // No vault yet: the key is generated on first use, not on activation.
      await bench.statusItem('default: no vault').waitFor({ timeout: 60_000 });
      await assert.rejects(stat(ws.vaultFile), 'activation alone must not create a vault');
    }));

  it('creates a secret through the Command Palette steps, validating the name as it is typed', () =>
    step('create secret', async () => {
      await bench.runCommand('Workflow Secrets: Create Secret');
      await bench.waitForStep('Type of the secret');
      await bench.pick('API Key');
      await bench.waitForStep('Name used in references');
      await bench.quickInput.fill('1bad');
      await bench.waitForValidation('is not allowed');
      await bench.answer('e2e_api');
      await bench.waitForStep('value: The API key.');
      assert.equal(await bench.quickInput.getAttribute('type'), 'password', 'the value is typed masked');
      await bench.answer(ws.canary);
      await bench.waitForStep('Description (optional');
      await bench.answer('Orders API key for the e2e test');
      await bench.waitForStep('Tags, separated by commas');
      await bench.answer('e2e, payments');
      await bench.notification('Created secret "e2e_api"').waitFor();
      await bench.statusItem('default: 1 secret').waitFor();
      await bench.clearNotifications();
    }));

  it('keeps the vault outside the workspace, 0600, without the plaintext value', () =>
    step('vault file', async () => {
      const info = await stat(ws.vaultFile);
      assert.equal(info.mode & 0o777, 0o600, 'vault file mode');
      assert.equal((await stat(ws.vaultDir)).mode & 0o777, 0o700, 'vault folder mode');
      assert.ok(path.relative(ws.workspace, ws.vaultFile).startsWith('..'), 'the vault is outside the workspace');
      const text = await readFile(ws.vaultFile, 'utf8');
      assert.ok(text.includes('e2e_api'), 'metadata (the name) is readable');
      assert.equal(text.includes(ws.canary), false, 'the value is not in the vault in plaintext');
      assert.equal(text.includes(Buffer.from(ws.canary).toString('base64').replace(/=+$/, '')), false, 'nor base64-encoded');
    }));

  it('shows a Problems panel error for a typo and fixes it with the quick fix', () =>
    step('problems and quick fix', async () => {
      await bench.openFile('e2e.workflow.json');
      await bench.page.keyboard.press('Control+Shift+M');
      // The examples bring their own (deliberate) mistakes: filter the panel to the typo.
      await bench.page.locator('.markers-panel .monaco-list-row').first().waitFor();
      const filter = bench.page.locator('.panel input[placeholder^="Filter"]').first();
      await filter.click();
      await filter.fill('e2e_apii');
      await bench.page.locator('.panel', { hasText: /Showing 1 of \d+/ }).waitFor();
      const problem = bench.page.locator('.markers-panel .monaco-list-row', { hasText: 'e2e_apii' }).first();
      await problem.waitFor();
      await problem.click();
      // The row's light bulb appears once the server's quick fixes for the marker are known.
      const bulb = problem.locator('[class*="codicon-light-bulb"], [class*="codicon-lightbulb"]').first();
      await bulb.waitFor();
      await bulb.click();
      // The Problems panel lists the marker's quick fixes in a menu (the editor uses the action widget).
      const fix = bench.page
        .locator('.context-view .monaco-menu .action-item', { hasText: 'Change to e2e_api' })
        .or(bench.page.locator('.action-widget .monaco-list-row', { hasText: 'Change to e2e_api' }))
        .first();
      await fix.waitFor();
      await bench.screenshot(path.join(SCREENSHOTS, 'problems-quick-fix.png'));
      await fix.click();
      await problem.waitFor({ state: 'detached' });
      await bench.runCommand('File: Save');
      // Waits for the complete saved text: both references now name the existing secret.
      const saved = await waitForFile(ws.workflowFile, (text) => text.match(/\{\{secrets\.e2e_api\.value\}\}/g)?.length === 2);
      assert.equal(saved.includes('e2e_apii'), false, 'the quick fix replaced the typo with the existing name');
      await filter.fill('');
    }));

  it('offers the new secret by completion after {{secrets.', () =>
    step('completion', async () => {
      await bench.openFile('scratch.workflow.json');
      await bench.goTo(ws.completionAt.line, ws.completionAt.column);
      await bench.page.mouse.move(1100, 420); // away from the breadcrumbs, whose tooltip would cover the picture
      await bench.page.keyboard.type('{{secrets.');
      const suggestion = bench.page.locator('.suggest-widget.visible .monaco-list-row', { hasText: 'e2e_api' }).first();
      await suggestion.waitFor();
      await bench.screenshot(path.join(SCREENSHOTS, 'completion.png'));
      await bench.page.keyboard.press('Enter');
      await bench.page.locator('.editor-group-container.active .view-line', { hasText: 'secrets.e2e_api' }).waitFor();
      await bench.page.keyboard.press('Escape');
      await bench.runCommand('File: Revert File');
      await bench.page.locator('.editor-group-container.active .tabs-container .tab.active.dirty').waitFor({ state: 'detached' });
    }));

  it('resolves the workflow into a read-only report that names sources and never values', () =>
    step('resolve workflow', async () => {
      await bench.openFile('e2e.workflow.json');
      await bench.runCommand('Workflow Secrets: Resolve Workflow');
      await bench.page.locator('.editor-group-container.active .tabs-container .tab.active', { hasText: 'e2e.workflow.json.resolution.txt' }).waitFor();
      await bench.page.locator('.editor-group-container.active .view-line', { hasText: 'Resolution report' }).waitFor();
      // The report wraps long lines on screen; compare with whitespace collapsed.
      const report = (await bench.activeEditorText()).replace(/\s+/g, ' ');
      assert.match(report, /Resolution report for e2e\.workflow\.json/);
      assert.match(report, /3 nodes, 3 ready, 0 blocked/);
      // Two references to one secret: one lookup for the whole run (the cache).
      assert.match(report, /2 references \(2 resolved, 0 unresolved\); 1 secret lookup\b/);
      assert.match(report, /\{\{secrets\.e2e_api\.value\}\}\s+ok: from local vault/);
      assert.equal(report.includes(ws.canary), false, 'the report holds no value');
      // Room for the report beside the workflow: no side bar or panel in the picture.
      await bench.notification('Resolving').waitFor({ state: 'detached' });
      await bench.runCommand('View: Close Primary Side Bar');
      await bench.runCommand('View: Toggle Panel Visibility');
      await bench.screenshot(path.join(SCREENSHOTS, 'resolution-report.png'));
      await bench.runCommand('View: Toggle Primary Side Bar Visibility');
    }));

  it('exports a sanitized copy: the literal value becomes a reference, with a manifest', () =>
    step('export sanitized', async () => {
      await bench.openFile('e2e.workflow.json');
      await bench.runCommand('Workflow Secrets: Export Sanitized Workflow');
      // The save dialog (VS Code's own in the browser) proposes e2e.sanitized.workflow.json beside the original.
      await bench.waitForInputValue(/e2e\.sanitized\.workflow\.json$/);
      await bench.page.keyboard.press('Enter');
      await bench.notification('Exported e2e.sanitized.workflow.json').waitFor();
      const exported = await waitForFile(path.join(ws.workspace, 'e2e.sanitized.workflow.json'), (text) => text.trimEnd().endsWith('}'));
      assert.equal(exported.includes(ws.canary), false, 'no value in the export');
      const sanitized = JSON.parse(exported) as { nodes: { id: string; config: Record<string, unknown> }[]; requiredSecrets: unknown };
      assert.equal(sanitized.nodes.find((node) => node.id === 'legacy')?.config.apiKey, '{{secrets.e2e_api.value}}');
      assert.deepEqual(sanitized.requiredSecrets, [{ name: 'e2e_api', type: 'apiKey', fields: ['value'] }]);
    }));

  it('backs up the master key, and picks up a secret the command line adds (vault watcher)', () =>
    step('back up key and watch vault', async () => {
      await bench.runCommand('Workflow Secrets: Back Up Master Key');
      const copy = bench.page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Copy Master Key' });
      await copy.waitFor();
      await copy.click();
      await bench.notification('Master key copied').waitFor();
      masterKey = await bench.page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText());
      assert.match(masterKey, /^[A-Za-z0-9+/]{43}=$/, 'a generated 32-byte key in base64');
      await bench.notification('Master key copied').locator('.monaco-button', { hasText: 'Clear Clipboard' }).click();

      // Another process writes the vault with that key: the window notices without a refresh.
      const added = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli.js'), 'secret', 'add', 'e2e_db', '--type', 'basicAuth', '--tag', 'e2e', '--description', 'Added from the command line'], {
        env: { ...process.env, WORKFLOW_SECRETS_VAULT: `${ws.vaultDir}${path.sep}`, WORKFLOW_SECRETS_KEY: masterKey },
        input: JSON.stringify({ username: 'svc_orders', password: secondCanary }),
        encoding: 'utf8',
      });
      assert.equal(added.status, 0, `workflow-secrets secret add failed: ${added.stderr}`);
      await bench.statusItem('default: 2 secrets').waitFor();
    }));

  it('lists the secret in the Secrets view grouped by type, with tags and usage count', () =>
    step('secrets view', async () => {
      await bench.clearNotifications();
      await bench.runCommand('View: Close All Editors');
      await bench.openFile('e2e.workflow.json');
      await bench.page.locator('.activitybar .action-item a[aria-label^="Workflow Secrets"], .activitybar .action-item[aria-label^="Workflow Secrets"]').first().click();
      await bench.page.locator('.pane-body .monaco-list-row', { hasText: 'API Key' }).first().waitFor();
      await bench.page.locator('.pane-body .monaco-list-row', { hasText: 'Basic Auth' }).first().waitFor();
      await bench.page.locator('.pane-body .monaco-list-row', { hasText: /e2e_db.*#e2e · 0 uses/ }).waitFor();
      const row = bench.page.locator('.pane-body .monaco-list-row', { hasText: 'e2e_api' }).first();
      await row.waitFor();
      // Usage counts come from the language server's workspace scan: 2 in the fixed workflow, 3 in its export.
      await bench.page.locator('.pane-body .monaco-list-row', { hasText: /e2e_api.*#e2e #payments · 5 uses/ }).waitFor();
      await row.click();
      await bench.page.locator('.pane-body .monaco-list-row', { hasText: '{{secrets.e2e_api.value}}' }).waitFor();
      // A wider side bar shows the whole description (drag the sash at its edge).
      const sidebar = await bench.page.locator('.part.sidebar').boundingBox();
      if (sidebar) {
        const y = sidebar.y + sidebar.height / 2;
        await bench.page.mouse.move(sidebar.x + sidebar.width + 1, y);
        await bench.page.mouse.down();
        await bench.page.mouse.move(sidebar.x + sidebar.width + 160, y, { steps: 5 });
        await bench.page.mouse.up();
      }
      await bench.page.mouse.move(900, 600);
      await bench.screenshot(path.join(SCREENSHOTS, 'secrets-view.png'));
    }));

  it('never writes the value anywhere but the workflow that already held it', () =>
    step('canary scan', async () => {
      await browser.close();
      await server.stop();
      const hits = await filesContaining(ws.canary, [ws.root], [ws.workflowFile]);
      assert.deepEqual(hits, [], `the value leaked into: ${hits.join(', ')}`);
      const secondHits = await filesContaining(secondCanary, [ws.root]);
      assert.deepEqual(secondHits, [], `the command line's value leaked into: ${secondHits.join(', ')}`);
      const keyHits = await filesContaining(masterKey, [ws.root]);
      assert.deepEqual(keyHits, [], `the master key was written to: ${keyHits.join(', ')}`);
    }));
});
