import * as path from 'node:path';
import { isWorkflowFile, workflowFormatOf } from '../shared/workflowParser';
import type { WorkflowFormat } from '../shared/workflowTypes';
import { pathOfUri } from './uris';

/**
 * Which files are workflows: the configured globs (workflowSecrets.workflowGlobs), matched against
 * the path relative to the workspace folder that holds the file. Editors such as neovim send every
 * YAML and JSON document; the others get no diagnostics and no completion.
 */
export class WorkflowFileMatcher {
  /** Completion asks on every keystroke: remember answers until the folders or globs change. */
  private readonly cache = new Map<string, WorkflowFormat | null>();

  constructor(
    private folders: readonly string[],
    private globs: readonly string[],
  ) {}

  update(folders: readonly string[], globs: readonly string[]): void {
    this.folders = folders;
    this.globs = globs;
    this.cache.clear();
  }

  get workspaceFolders(): readonly string[] {
    return this.folders;
  }

  /** The format when the file is a workflow, else undefined. */
  formatOfPath(filePath: string): WorkflowFormat | undefined {
    const format = workflowFormatOf(filePath);
    if (!format) return undefined;
    return isWorkflowFile(this.relativeName(filePath), [...this.globs]) ? format : undefined;
  }

  formatOfUri(uri: string): WorkflowFormat | undefined {
    let format = this.cache.get(uri);
    if (format === undefined) {
      format = this.matchUri(uri) ?? null;
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(uri, format);
    }
    return format ?? undefined;
  }

  private matchUri(uri: string): WorkflowFormat | undefined {
    const filePath = pathOfUri(uri);
    if (filePath) return this.formatOfPath(filePath);
    // untitled: and other schemes: judge by the name alone.
    const name = decodeURIComponent(uri.replace(/[?#].*$/, '').replace(/^.*[/:]/, ''));
    const format = workflowFormatOf(name);
    return format && isWorkflowFile(name, [...this.globs]) ? format : undefined;
  }

  /** Relative to the innermost workspace folder holding the file, with `/`; the file name otherwise. */
  private relativeName(filePath: string): string {
    let best: string | undefined;
    for (const folder of this.folders) {
      const relative = path.relative(folder, filePath);
      if (relative && !relative.startsWith('..') && !path.isAbsolute(relative) && (best === undefined || relative.length < best.length)) best = relative;
    }
    return (best ?? path.basename(filePath)).split(path.sep).join('/');
  }
}
