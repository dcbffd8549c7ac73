import type { Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { describeError } from '../shared/errors';
import type { RunnerJob, ValidationRunner } from './validationRunner';
import { keyOfUri, pathOfUri, uriOfPath } from './uris';
import type { WorkflowDocument } from './workflowDocument';
import type { WorkflowFileMatcher } from './workflowFiles';
import type { WorkspaceIndex } from './workspaceIndex';

export interface ValidationQueueDeps {
  index: WorkspaceIndex;
  runner: ValidationRunner;
  matcher: WorkflowFileMatcher;
  /** The open document for an index key, if the editor has it open. */
  openDocument(key: string): WorkflowDocument | undefined;
  publish(uri: string, diagnostics: Diagnostic[], version?: number): void;
  debounceMs(): number;
  log(message: string): void;
  /** After any change to the index (for the usage notification). */
  onIndexChanged(): void;
  /** After each job, whatever its outcome (scan progress counts these). */
  onJobDone?(key: string): void;
}

/** Jobs at the runner at once: enough to keep the worker busy between batches, few (small) enough that an edit soon gets its turn. */
const MAX_IN_FLIGHT = 32;

/**
 * Decides what to validate when: open documents (debounced while typing, first in line) and files
 * on disk (scan, watcher, close), one job per file at a time, publishing results that are still
 * current and keeping the workspace index in step.
 */
export class ValidationQueue {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly urgent = new Set<string>();
  private readonly background = new Set<string>();
  private readonly running = new Set<string>();
  /** Keys asked for again while running: re-queued when the running job ends. */
  private readonly again = new Map<string, boolean>();
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  /** Held until the first settings and catalog are in, so no file is checked against an empty catalog. */
  private paused = true;

  constructor(private readonly deps: ValidationQueueDeps) {}

  resume(): void {
    this.paused = false;
    this.pump();
  }

  /** Forgets queued (not running) disk jobs for these files: a cancelled scan. */
  dropQueued(keys: Iterable<string>): void {
    for (const key of keys) this.background.delete(key);
    this.notifyIfIdle();
  }

  /** An open document changed: validate after the debounce (or at once on open). */
  documentChanged(document: TextDocument, immediately: boolean): void {
    const key = keyOfUri(document.uri);
    if (!this.deps.matcher.formatOfUri(document.uri)) {
      this.forget(key);
      return;
    }
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    const delay = this.deps.debounceMs();
    if (immediately || delay === 0) this.enqueue(key, true);
    else
      this.timers.set(
        key,
        setTimeout(() => {
          this.timers.delete(key);
          this.enqueue(key, true);
        }, delay),
      );
  }

  /** A document was closed: its file on disk (if a workflow) is what counts now. */
  documentClosed(uri: string): void {
    const key = keyOfUri(uri);
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.deps.runner.documentClosed(key);
    const filePath = pathOfUri(uri);
    if (filePath && this.deps.matcher.formatOfPath(filePath)) this.enqueue(key, false);
    else this.forget(key);
  }

  /** A file was created or changed on disk; an open document's own text wins over the disk. */
  fileChanged(filePath: string): void {
    if (this.deps.openDocument(filePath)) return;
    if (this.deps.matcher.formatOfPath(filePath)) this.enqueue(filePath, false);
    else this.forget(filePath);
  }

  fileDeleted(filePath: string): void {
    if (this.deps.openDocument(filePath)) return;
    this.forget(filePath);
  }

  /** Files found by a workspace scan; returns those queued (open documents are already covered). */
  addFiles(paths: readonly string[]): string[] {
    const queued = paths.filter((filePath) => !this.deps.openDocument(filePath));
    for (const filePath of queued) this.enqueue(filePath, false);
    return queued;
  }

  /** Everything again (catalog or settings changed): open documents first. */
  revalidateAll(openDocuments: readonly TextDocument[]): void {
    for (const document of openDocuments) if (this.deps.matcher.formatOfUri(document.uri)) this.enqueue(keyOfUri(document.uri), true);
    for (const key of this.deps.index.keys()) this.enqueue(key, Boolean(this.deps.openDocument(key)));
  }

  /** Runs debounced edits now and resolves once nothing is queued or running (rename and references need current data). */
  async settle(): Promise<void> {
    for (const [key, timer] of this.timers) {
      clearTimeout(timer);
      this.enqueue(key, true);
    }
    this.timers.clear();
    if (this.isIdle() || this.paused) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.urgent.clear();
    this.background.clear();
    this.paused = true;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private notifyIfIdle(): void {
    if (this.isIdle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private isIdle(): boolean {
    return this.urgent.size === 0 && this.background.size === 0 && this.inFlight === 0 && this.timers.size === 0;
  }

  private enqueue(key: string, urgent: boolean): void {
    if (this.running.has(key)) {
      this.again.set(key, urgent || this.again.get(key) === true);
      return;
    }
    if (urgent) {
      this.background.delete(key);
      this.urgent.add(key);
    } else if (!this.urgent.has(key)) this.background.add(key);
    this.pump();
  }

  private pump(): void {
    while (!this.paused && this.inFlight < MAX_IN_FLIGHT) {
      const key = first(this.urgent) ?? first(this.background);
      if (key === undefined) break;
      this.urgent.delete(key);
      this.background.delete(key);
      this.inFlight++;
      this.running.add(key);
      void this.run(key).finally(() => {
        this.inFlight--;
        this.running.delete(key);
        const rerun = this.again.get(key);
        this.again.delete(key);
        if (rerun !== undefined) this.enqueue(key, rerun);
        this.deps.onJobDone?.(key);
        this.pump();
        this.notifyIfIdle();
      });
    }
  }

  private async run(key: string): Promise<void> {
    const document = this.deps.openDocument(key);
    const format = document ? this.deps.matcher.formatOfUri(document.uri) : this.deps.matcher.formatOfPath(key);
    if (!format) {
      this.forget(key);
      return;
    }
    // An open document goes by reference: the runner sends the worker only what changed since its last check.
    const job: RunnerJob = document ? { format, document: { key, source: document } } : { format, path: key };
    const version = document?.version;
    let result;
    try {
      result = await this.deps.runner.validate(job);
    } catch (error) {
      this.deps.log(`Could not validate ${key}: ${describeError(error)}`);
      return;
    }
    // A newer run is coming: this result is already out of date.
    if (this.again.has(key)) return;
    const now = this.deps.openDocument(key);
    if (document ? now?.version !== version : now !== undefined) return;
    if (!result) {
      this.forget(key);
      return;
    }
    const uri = document?.uri ?? uriOfPath(key);
    const previous = this.deps.index.get(key);
    if (previous && previous.uri !== uri) this.deps.publish(previous.uri, []);
    this.deps.index.set({ key, uri, format, version, references: result.references });
    this.deps.publish(uri, result.diagnostics, version);
    this.deps.onIndexChanged();
  }

  /** Drops a file from the index and clears its diagnostics. */
  private forget(key: string): void {
    this.urgent.delete(key);
    this.background.delete(key);
    const entry = this.deps.index.delete(key);
    if (entry) {
      this.deps.publish(entry.uri, []);
      this.deps.onIndexChanged();
    }
  }
}

function first(set: Set<string>): string | undefined {
  for (const value of set) return value;
  return undefined;
}
