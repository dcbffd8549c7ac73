import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './paths';

export interface E2eWorkspace {
  /** Everything temporary lives below this folder (removed at the end). */
  root: string;
  /** The opened folder: a copy of examples/ plus the test's own workflows. */
  workspace: string;
  /** WORKFLOW_SECRETS_VAULT: a folder outside the workspace. */
  vaultDir: string;
  vaultFile: string;
  canary: string;
  /** The workflow the test fixes, resolves and exports. */
  workflowFile: string;
  /** The workflow the test types a reference into for completion. */
  scratchFile: string;
  /** 1-based position inside the scratch file's empty config string. */
  completionAt: { line: number; column: number };
}

/** 1-based line and column of `offset` in `text`. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

/**
 * A temp workspace holding a copy of examples/ and two workflows of the test's own: one with a
 * reference, a literal value (for the export to replace) and a typo (for the quick fix), and a
 * scratch file to type a reference into.
 */
export async function createE2eWorkspace(): Promise<E2eWorkspace> {
  const root = await mkdtemp(path.join(tmpdir(), 'ws-e2e-'));
  const workspace = path.join(root, 'workspace');
  const vaultDir = path.join(root, 'vaults');
  await mkdir(workspace, { recursive: true });
  await cp(path.join(REPO_ROOT, 'examples'), workspace, { recursive: true });
  const canary = `sk_live_e2eCanary_${Math.random().toString(36).slice(2, 12)}`;

  const workflow = {
    name: 'E2E orders',
    nodes: [
      { id: 'fetch', type: 'http', config: { url: 'https://api.example.com/orders', headers: { Authorization: 'Bearer {{secrets.e2e_api.value}}' } } },
      { id: 'legacy', type: 'http', config: { apiKey: canary } },
      { id: 'typo', type: 'http', config: { token: '{{secrets.e2e_apii.value}}' } },
    ],
  };
  const workflowFile = path.join(workspace, 'e2e.workflow.json');
  await writeFile(workflowFile, `${JSON.stringify(workflow, null, 2)}\n`);

  const scratch = `${JSON.stringify({ name: 'Scratch', nodes: [{ id: 'draft', type: 'http', config: { token: '' } }] }, null, 2)}\n`;
  const scratchFile = path.join(workspace, 'scratch.workflow.json');
  await writeFile(scratchFile, scratch);
  const completionAt = positionOf(scratch, scratch.indexOf('"token": "') + '"token": "'.length);

  return { root, workspace, vaultDir, vaultFile: path.join(vaultDir, 'default.vault.json'), canary, workflowFile, scratchFile, completionAt };
}
