import type { Connection } from 'vscode-languageserver';
import type { ValidationQueue } from './validationQueue';
import type { WorkflowFileMatcher } from './workflowFiles';
import { findWorkflowFiles } from './workspaceScan';

export interface WorkspaceScannerDeps {
  connection: Connection;
  queue: ValidationQueue;
  matcher: WorkflowFileMatcher;
  log(message: string): void;
  /** Called when the scan's files are all validated (or the scan was cancelled). */
  onScanDone(): void;
}

/**
 * The start-up (and settings-change) scan: finds every workflow file of the workspace folders and
 * validates those never opened, reporting window/workDoneProgress when the client supports it. The
 * user can cancel; a newer scan replaces a running one.
 */
export class WorkspaceScanner {
  private current: AbortController | undefined;
  private readonly jobListeners = new Set<(key: string) => void>();

  constructor(private readonly deps: WorkspaceScannerDeps) {}

  /** The queue tells when a job ends; scan progress counts the scan's files. */
  jobDone(key: string): void {
    for (const listener of this.jobListeners) listener(key);
  }

  async scan(): Promise<void> {
    this.current?.abort();
    const controller = new AbortController();
    this.current = controller;
    const progress = await this.deps.connection.window.createWorkDoneProgress().catch(() => undefined);
    progress?.begin('Workflow Secrets: checking workflow files', 0, 'Looking for workflow files…', true);
    progress?.token.onCancellationRequested(() => controller.abort(new Error('The scan was cancelled.')));
    try {
      const files = await findWorkflowFiles(this.deps.matcher.workspaceFolders, (file) => this.deps.matcher.formatOfPath(file) !== undefined, {
        signal: controller.signal,
        onProgress: (_folders, found) => progress?.report(0, `Looking for workflow files… ${found} found`),
      });
      controller.signal.throwIfAborted();
      this.deps.log(`Found ${files.length} workflow file(s) in ${this.deps.matcher.workspaceFolders.length} workspace folder(s).`);
      const waiting = new Set(this.deps.queue.addFiles(files));
      const total = waiting.size;
      await new Promise<void>((resolve) => {
        let lastPercent = -1;
        const check = (key?: string): void => {
          if (key !== undefined) waiting.delete(key);
          const done = total - waiting.size;
          const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
          if (percent !== lastPercent) {
            lastPercent = percent;
            progress?.report(percent, `${done} of ${total} file(s) checked`);
          }
          if (waiting.size === 0 || controller.signal.aborted) {
            this.jobListeners.delete(check);
            controller.signal.removeEventListener('abort', onAbort);
            resolve();
          }
        };
        const onAbort = (): void => check();
        this.jobListeners.add(check);
        controller.signal.addEventListener('abort', onAbort);
        check();
      });
      if (controller.signal.aborted) this.deps.queue.dropQueued(waiting);
    } catch (error) {
      if (!controller.signal.aborted) this.deps.log(`The workspace scan failed: ${(error as Error).message}`);
    } finally {
      progress?.done();
      if (this.current === controller) this.current = undefined;
      this.deps.onScanDone();
    }
  }

  dispose(): void {
    this.current?.abort();
  }
}
