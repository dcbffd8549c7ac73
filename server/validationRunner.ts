import { Worker } from 'node:worker_threads';
import { EMPTY_CATALOG, type Catalog } from '../shared/catalog';
import type { WorkflowFormat } from '../shared/workflowTypes';
import type { FileValidation, ValidationOptions } from './diagnostics';
import type { DocumentUpdate } from './documentMirrors';
import { DocumentSync, type SyncedDocument } from './documentSync';
import { InlineRunner } from './inlineRunner';
import { COLLECT_AFTER_CHARS, VALIDATION_WORKER_ROLE, type WorkerJob, type WorkerRequest, type WorkerResponse } from './validationWorker';

/** A file on disk (`path`) or an open document (`document`, keyed like the index). */
export interface RunnerJob {
  format: WorkflowFormat;
  path?: string;
  document?: { key: string; source: SyncedDocument };
}

/** Runs validation jobs off the request path: in a worker thread, or inline when no worker can start. */
export interface ValidationRunner {
  configure(catalog: Catalog, options: ValidationOptions): void;
  /** Validates the document as it is now (or the file on disk); undefined when the file no longer exists. */
  validate(job: RunnerJob): Promise<FileValidation | undefined>;
  /** An open document was closed: the worker's copy can go. */
  documentClosed(key: string): void;
  dispose(): Promise<void>;
}

export interface RunnerLogger {
  info(message: string): void;
  error(message: string): void;
}

/**
 * After a file this big the worker is ended once idle and started again on demand: the heap V8
 * keeps after such a parse (and the document copies) outweigh a warm worker. Smaller big files
 * (from COLLECT_AFTER_CHARS) only get a full collection in the worker, which keeps its compiled
 * code warm and its copies of the open documents current; a worker that cannot collect is ended
 * after those too.
 */
const RECYCLE_AFTER_CHARS = 16_000_000;

/**
 * The worker's young generation, in MB. V8's default lets a big parse grow it to tens of MB; this
 * bound cuts the server's peak memory while checking a 4 MB file by a fifth (about 113 to 92 MB)
 * at no measurable cost in speed.
 */
const WORKER_YOUNG_GENERATION_MB = 8;

/**
 * `workerScript` is the bundled server itself (`__filename` of dist/server.js), which starts the
 * worker loop when it finds the worker role in `workerData`. Without it validation runs inline,
 * yielding to the event loop between jobs.
 */
export function createValidationRunner(logger: RunnerLogger, workerScript?: string): ValidationRunner {
  return workerScript ? new WorkerRunner(workerScript, logger) : new InlineRunner();
}

interface Pending {
  job: RunnerJob;
  resolve(result: FileValidation | undefined): void;
  reject(error: Error): void;
}

class WorkerRunner implements ValidationRunner {
  private worker: Worker | undefined;
  private inline: InlineRunner | undefined;
  private readonly pending = new Map<number, Pending>();
  /** Document updates and jobs of this turn, posted together at its end. */
  private outbox: { documents: DocumentUpdate[]; jobs: WorkerJob[] } = { documents: [], jobs: [] };
  /** Which revision of each open document the current worker holds. */
  private sync = new DocumentSync();
  /** Documents closed since their jobs were sent: never sent again. */
  private readonly closed = new WeakSet<SyncedDocument>();
  private nextId = 1;
  private configuration: { catalog: Catalog; options: ValidationOptions } = { catalog: EMPTY_CATALOG, options: { severities: {} } };
  private disposed = false;

  constructor(
    private readonly script: string,
    private readonly logger: RunnerLogger,
  ) {
    // Started at once: it loads while the server waits for the client, ready for the first scan.
    this.start();
  }

  configure(catalog: Catalog, options: ValidationOptions): void {
    this.configuration = { catalog, options };
    // A worker that is not running gets the configuration when it starts.
    if (this.inline) this.inline.configure(catalog, options);
    else this.worker?.postMessage({ kind: 'configure', catalog, options } satisfies WorkerRequest);
  }

  validate(job: RunnerJob): Promise<FileValidation | undefined> {
    if (this.inline) return this.inline.validate(job);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { job, resolve, reject });
      this.enqueue(id, job);
    });
  }

  documentClosed(key: string): void {
    const closed = this.sync.closed(key);
    if (!closed) return;
    this.closed.add(closed.document);
    this.post(closed.update);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.outbox = { documents: [], jobs: [] };
    this.failPending(new Error('The language server is shutting down.'));
    if (worker) await worker.terminate();
  }

  /** The document's state is taken now, call by call: the worker sees each job's text as it was when submitted. */
  private enqueue(id: number, job: RunnerJob): void {
    if (!this.worker && !this.inline) this.start();
    if (this.inline) return this.runInline(id);
    const { format, path, document } = job;
    if (!document) return this.post(undefined, { id, format, path });
    const update = this.sync.updateFor(document.key, document.source);
    this.post(update, { id, format, document: { key: document.key, revision: document.source.revision } });
  }

  private post(update: DocumentUpdate | undefined, job?: WorkerJob): void {
    const { documents, jobs } = this.outbox;
    if (documents.length === 0 && jobs.length === 0) queueMicrotask(() => this.flush());
    if (update) documents.push(update);
    if (job) jobs.push(job);
  }

  private flush(): void {
    const { documents, jobs } = this.outbox;
    if ((documents.length === 0 && jobs.length === 0) || this.disposed) return;
    this.outbox = { documents: [], jobs: [] };
    // The worker ended since these were queued: a new one gets them (its missing copies answer "unsynced").
    if (!this.worker && !this.inline) this.start();
    if (this.inline) {
      for (const job of jobs) this.runInline(job.id);
      return;
    }
    this.worker?.postMessage({ kind: 'validate', documents, jobs } satisfies WorkerRequest);
  }

  private runInline(id: number): void {
    const pending = this.pending.get(id);
    if (pending && this.inline) this.inline.validate(pending.job).then(...this.settleWith(id));
  }

  private settleWith(id: number): [(result: FileValidation | undefined) => void, (error: Error) => void] {
    const take = (): Pending | undefined => {
      const pending = this.pending.get(id);
      this.pending.delete(id);
      return pending;
    };
    return [(result) => take()?.resolve(result), (error) => take()?.reject(error)];
  }

  /** Ends an idle worker after a big file; the next job starts a fresh one. */
  private recycle(): void {
    const worker = this.worker;
    if (!worker || this.pending.size > 0 || this.outbox.jobs.length > 0) return;
    this.worker = undefined;
    this.sync = new DocumentSync();
    void worker.terminate();
  }

  private start(): void {
    let worker: Worker;
    try {
      // A debugger flag of the server (VS Code's debug launch) would clash in the worker.
      const execArgv = process.execArgv.filter((arg) => !/^--(inspect|debug)/.test(arg));
      worker = new Worker(this.script, { workerData: { role: VALIDATION_WORKER_ROLE }, execArgv, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
    } catch (error) {
      this.logger.error(`Validating on the main thread: could not start the validation worker (${(error as Error).message}).`);
      this.inline = new InlineRunner();
      this.inline.configure(this.configuration.catalog, this.configuration.options);
      return;
    }
    // The worker must not keep the process alive after `exit`.
    worker.unref();
    worker.on('message', (response: WorkerResponse) => this.onResponse(response));
    worker.on('error', (error) => this.logger.error(`Validation worker failed: ${error.message}`));
    worker.on('exit', (code) => {
      if (this.disposed || this.worker !== worker) return;
      // Crashed (out of memory on a pathological file, say): fail its jobs; the next job starts a new worker.
      this.worker = undefined;
      this.sync = new DocumentSync();
      this.failPending(new Error(`The validation worker stopped (exit code ${code}).`));
      this.logger.error(`The validation worker stopped (exit code ${code}); a new one starts with the next check.`);
    });
    this.worker = worker;
    this.sync = new DocumentSync();
    worker.postMessage({ kind: 'configure', ...this.configuration } satisfies WorkerRequest);
  }

  private onResponse(response: WorkerResponse): void {
    const recycleAfter = response.collects ? RECYCLE_AFTER_CHARS : COLLECT_AFTER_CHARS;
    let big = false;
    for (const outcome of response.outcomes) {
      if (outcome.kind === 'unsynced') {
        this.resend(outcome.id);
        continue;
      }
      const [resolve, reject] = this.settleWith(outcome.id);
      if (outcome.kind === 'result') {
        big ||= outcome.result.textLength >= recycleAfter;
        resolve(outcome.result);
      } else if (outcome.kind === 'missing') resolve(undefined);
      else reject(new Error(outcome.message));
    }
    if (big) this.recycle();
  }

  /** The worker's copy was out of step: the same job again, with the whole text (unless the document has been closed: nobody waits for it). */
  private resend(id: number): void {
    const pending = this.pending.get(id);
    const document = pending?.job.document;
    if (!pending || !document) return;
    if (this.closed.has(document.source)) return this.settleWith(id)[0](undefined);
    this.sync.forget(document.key);
    this.enqueue(id, pending.job);
  }

  private failPending(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
