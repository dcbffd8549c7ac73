import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Catalog } from '../../shared/catalog';
import { LspTestClient, type LspClientOptions } from './lspClient';
import { fileUri } from './lspText';
import { catalogSecret as secret } from './catalogSecret';

export const LSP_FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'lsp');


/** The catalog the tests send as the VS Code client would (names, types, fields; no values). */
export const TEST_CATALOG: Catalog = {
  state: 'ready',
  environment: 'default',
  secrets: [
    secret('stripe', 'apiKey', ['value'], { description: 'Stripe live key', tags: ['payments', 'prod'], createdAt: '2025-01-02T03:04:05.000Z', updatedAt: '2025-02-03T04:05:06.000Z' }),
    secret('github', 'bearerToken', ['token', 'expiresAt'], { description: 'CI token', expiresAt: '2020-01-01T00:00:00Z' }),
    secret('crm', 'oauth', ['scopes', 'clientSecret', 'refreshToken', 'clientId'], { description: 'CRM client' }),
    secret('ci', 'bearerToken', ['token', 'expiresAt'], { expiresAt: '2999-01-01T00:00:00Z' }),
    secret('registry', 'basicAuth', ['username', 'password']),
    secret('slack', 'custom', ['url'], { source: { kind: 'provider', provider: 'team-vault' } }),
  ],
};

export interface TestWorkspace {
  root: string;
  /** A folder outside the workspace for the vault. */
  vaultDir: string;
  vaultPath: string;
  file(name: string): string;
  uri(name: string): string;
  read(name: string): string;
  write(name: string, text: string): void;
}

/** A temp workspace holding copies of test/fixtures/lsp (or only `names`), removed after the test. */
export function makeWorkspace(t: { after(fn: () => void): void }, names?: string[]): TestWorkspace {
  const base = realpathSync(mkdtempSync(path.join(tmpdir(), 'ws-lsp-')));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const root = path.join(base, 'workspace');
  const vaultDir = path.join(base, 'vault');
  mkdirSync(root);
  mkdirSync(vaultDir);
  for (const name of names ?? readdirSync(LSP_FIXTURES)) copyFileSync(path.join(LSP_FIXTURES, name), path.join(root, name));
  const file = (name: string) => path.join(root, name);
  return {
    root,
    vaultDir,
    vaultPath: path.join(vaultDir, 'test.vault.json'),
    file,
    uri: (name) => fileUri(file(name)),
    read: (name) => readFileSync(file(name), 'utf8'),
    write: (name, text) => {
      mkdirSync(path.dirname(file(name)), { recursive: true });
      writeFileSync(file(name), text);
    },
  };
}

/** Starts the bundled server on the workspace with the vault pinned inside the test's temp folder. */
export async function startServer(t: { after(fn: () => void): void }, workspace: TestWorkspace, options: LspClientOptions = {}): Promise<LspTestClient> {
  const client = await LspTestClient.start({
    workspace: workspace.root,
    ...options,
    env: { WORKFLOW_SECRETS_VAULT: workspace.vaultPath, WORKFLOW_SECRETS_ENV: '', WORKFLOW_SECRETS_KEY: '', ...options.env },
  });
  t.after(() => client.kill());
  return client;
}

/** Starts a server that gets its catalog from the "client", as VS Code does, and sends TEST_CATALOG. */
export async function startWithCatalog(t: { after(fn: () => void): void }, workspace: TestWorkspace, options: LspClientOptions = {}, catalog: Catalog = TEST_CATALOG): Promise<LspTestClient> {
  const client = await startServer(t, workspace, { initializationOptions: { selfCatalog: false }, ...options });
  await client.sendCatalog(catalog);
  return client;
}
