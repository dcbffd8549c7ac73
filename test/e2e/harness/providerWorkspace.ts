import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { positionOf } from './e2eWorkspace';
import { REPO_ROOT } from './paths';

/** Distinctive values that must never reach a file the run writes. */
export interface ProviderCanaries {
  /** team_api's value in the HashiCorp Vault. */
  remote: string;
  /** team_webhook's token, only in the HashiCorp Vault. */
  remoteOnly: string;
  /** The local vault's own copy of team_api: what the fallback serves. */
  localCopy: string;
  /** local_db's password, only in the local vault. */
  localOnly: string;
}

export interface ProviderWorkspace {
  /** Everything temporary lives below this folder (removed at the end). */
  root: string;
  workspace: string;
  /** WORKFLOW_SECRETS_VAULT (a folder outside the workspace) and the vault file in it. */
  vaultDir: string;
  vaultFile: string;
  /** WORKFLOW_SECRETS_KEY of the local vault (so the window needs no SecretStorage). */
  masterKey: string;
  /** The HashiCorp Vault token, passed as WORKFLOW_SECRETS_PROVIDER_TEAM_TOKEN. */
  token: string;
  canaries: ProviderCanaries;
  /** Refers to team_api (provider, local copy as fallback) and local_db (local only). */
  workflowFile: string;
  /** A workflow with an empty config string to type a reference into. */
  scratchFile: string;
  /** 1-based position inside the scratch file's empty config string. */
  completionAt: { line: number; column: number };
}

const random = () => Math.random().toString(36).slice(2, 12);

function cli(args: string[], env: NodeJS.ProcessEnv, input?: string): string {
  const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli.js'), ...args], { env: { ...process.env, ...env }, input, encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`workflow-secrets ${args.join(' ')} failed (exit ${result.status}): ${result.stderr}`);
  return result.stdout;
}

/**
 * A temp workspace for the provider suite, and a local vault made beforehand with the command line
 * (dist/cli.js, so build first): `team_api` (the local copy of the provider's secret) and `local_db`.
 */
export async function createProviderWorkspace(): Promise<ProviderWorkspace> {
  const root = await mkdtemp(path.join(tmpdir(), 'ws-e2e-provider-'));
  const workspace = path.join(root, 'workspace');
  const vaultDir = path.join(root, 'vaults');
  await mkdir(workspace, { recursive: true });
  const canaries: ProviderCanaries = {
    remote: `sk_live_remoteCanary_${random()}`,
    remoteOnly: `whk_remoteOnlyCanary_${random()}`,
    localCopy: `sk_live_localCopyCanary_${random()}`,
    localOnly: `pw_localOnlyCanary_${random()}`,
  };

  const masterKey = cli(['key', 'generate'], {}).trim();
  const env = { WORKFLOW_SECRETS_VAULT: `${vaultDir}${path.sep}`, WORKFLOW_SECRETS_KEY: masterKey };
  cli(['secret', 'add', 'team_api', '--type', 'apiKey', '--description', 'Local copy of the team key'], env, JSON.stringify({ value: canaries.localCopy }));
  cli(['secret', 'add', 'local_db', '--type', 'basicAuth', '--description', 'Only in the local vault'], env, JSON.stringify({ username: 'svc_orders', password: canaries.localOnly }));

  const workflow = {
    name: 'Provider orders',
    nodes: [
      { id: 'charge', type: 'http', config: { url: 'https://api.example.com/charge', headers: { Authorization: 'Bearer {{secrets.team_api.value}}' } } },
      { id: 'store', type: 'postgres', config: { user: '{{secrets.local_db.username}}', password: '{{secrets.local_db.password}}' } },
    ],
  };
  const workflowFile = path.join(workspace, 'provider.workflow.json');
  await writeFile(workflowFile, `${JSON.stringify(workflow, null, 2)}\n`);

  const scratch = `${JSON.stringify({ name: 'Scratch', nodes: [{ id: 'draft', type: 'http', config: { token: '' } }] }, null, 2)}\n`;
  const scratchFile = path.join(workspace, 'scratch.workflow.json');
  await writeFile(scratchFile, scratch);
  const completionAt = positionOf(scratch, scratch.indexOf('"token": "') + '"token": "'.length);

  return { root, workspace, vaultDir, vaultFile: path.join(vaultDir, 'default.vault.json'), masterKey, token: `hvs.e2eToken${random()}`, canaries, workflowFile, scratchFile, completionAt };
}
