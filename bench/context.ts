// What every scenario gets: sizes for the mode, a temp dir for generated inputs (never in git),
// and the inputs themselves, generated once per run on first use.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from '../shared/catalog';
import type { WorkflowFormat } from '../shared/workflowTypes';
import { catalogOf, DEFAULT_SEED, generateSecrets, generateWorkflow, writeWorkspace, type GeneratedWorkflow, type SecretSpec, type WorkspaceFile } from './generate';

export interface Sizes {
  /** Nodes of the big workflow (10k full, 1k quick). */
  nodes: number;
  /** Secrets the workflows refer to. */
  referenced: number;
  /** Secrets in the benchmark vault. */
  vaultSecrets: number;
  /** Small workflows in the workspace scenario. */
  workspaceFiles: number;
  /** Completion/hover requests per idle phase, and edits with requests fired during re-validation. */
  editRequests: number;
  edits: number;
}

export const FULL_SIZES: Sizes = { nodes: 10_000, referenced: 500, vaultSecrets: 10_000, workspaceFiles: 1_000, editRequests: 200, edits: 5 };
export const QUICK_SIZES: Sizes = { nodes: 1_000, referenced: 500, vaultSecrets: 1_000, workspaceFiles: 100, editRequests: 40, edits: 5 };

export interface WrittenWorkflow extends GeneratedWorkflow {
  path: string;
  bytes: number;
}

export class BenchContext {
  private readonly workflows = new Map<WorkflowFormat, WrittenWorkflow>();
  private secretList: SecretSpec[] | undefined;
  private workspaceList: WorkspaceFile[] | undefined;
  private readonly memos = new Map<string, Promise<unknown>>();

  constructor(
    readonly root: string,
    readonly tmp: string,
    readonly quick: boolean,
    readonly sizes: Sizes,
    /** Timed runs per figure (≥ 5) after `warmup` untimed ones. */
    readonly runs: number,
    readonly warmup: number,
    readonly log: (message: string) => void,
    readonly seed = DEFAULT_SEED,
  ) {}

  /** The vault's secrets; the first `sizes.referenced` are the ones workflows use. */
  secrets(): SecretSpec[] {
    this.secretList ??= generateSecrets(Math.max(this.sizes.vaultSecrets, this.sizes.referenced), this.seed);
    return this.secretList;
  }

  referencedSecrets(): SecretSpec[] {
    return this.secrets().slice(0, this.sizes.referenced);
  }

  /** Catalog of the referenced secrets, as the client would send it. */
  catalog(): Catalog {
    return catalogOf(this.referencedSecrets());
  }

  /** The big workflow in a format, written to the temp dir as `big.workflow.<format>`. */
  workflow(format: WorkflowFormat): WrittenWorkflow {
    let written = this.workflows.get(format);
    if (!written) {
      const generated = generateWorkflow({ nodes: this.sizes.nodes, format, secrets: this.referencedSecrets(), seed: this.seed });
      const path = join(this.tmp, `big.workflow.${format}`);
      writeFileSync(path, generated.text);
      written = { ...generated, path, bytes: Buffer.byteLength(generated.text) };
      this.workflows.set(format, written);
      this.log(`generated ${path}: ${written.nodes} nodes, ${written.references} references, ${(written.bytes / 1e6).toFixed(2)} MB`);
    }
    return written;
  }

  /** The workspace of small workflows (half JSON, half YAML) under `<tmp>/workspace`. */
  workspace(): { dir: string; files: WorkspaceFile[] } {
    const dir = join(this.tmp, 'workspace');
    if (!this.workspaceList) {
      mkdirSync(dir, { recursive: true });
      this.workspaceList = writeWorkspace(dir, this.sizes.workspaceFiles, this.referencedSecrets(), this.seed);
      this.log(`generated ${this.workspaceList.length} workflows under ${dir}`);
    }
    return { dir, files: this.workspaceList };
  }

  /** Something expensive made once per run and shared by scenarios (e.g. the benchmark vault). */
  memo<T>(key: string, make: () => Promise<T>): Promise<T> {
    let made = this.memos.get(key) as Promise<T> | undefined;
    if (!made) {
      made = make();
      this.memos.set(key, made);
    }
    return made;
  }

  /** A fresh directory under the temp dir. */
  dir(name: string): string {
    const path = join(this.tmp, name);
    mkdirSync(path, { recursive: true });
    return path;
  }
}
