import { Worker } from 'node:worker_threads';
import { EMPTY_CATALOG, type Catalog } from '../shared/catalog';
import type { FileValidation, ValidationOptions } from './diagnostics';
import { InlineRunner } from './inlineRunner';
import { VALIDATION_WORKER_ROLE, type JobOutcome, type ValidationJob, type WorkerRequest, type WorkerResponse } from './validationWorker';

/** Runs validation jobs off the request path: in a worker thread, or inline when no worker can start. */
export interface ValidationRunner {
  configure(catalog: Catalog, options: ValidationOptions): void;
  /** Undefined when the file no longer exists. */
  validate(job: ValidationJob): Promise<FileValidation | undefined>;
  dispose(): Promise<void>;
}

export interface RunnerLogger {
  info(message: string): void;
  error(message: string): void;
}

/**
 * After a file this big the worker is ended once idle and started again on demand: a parse of a
 * 4 MB YAML file leaves the worker's heap at several times the file size, and V8 keeps it.
 */
const RECYCLE_AFTER_CHARS = 1_000_000;

/**
 * `workerScript` is the bundled server itself (`__filename` of dist/server.js), which starts the
 * worker loop when it finds the worker role in `workerData`. Without it validation runs inline,
 * yielding to the event loop between jobs.
 */
export function createValidationRunner(logger: RunnerLogger, workerScript?: string): ValidationRunner {
  return workerScript ? new WorkerRunner(workerScript, logger) : new InlineRunner();
}

interface Pending {
  resolve(result: FileValidation | undefined): void;
  reject(error: Error): void;
}

class WorkerRunner implements ValidationRunner {
  private worker: Worker | undefined;
  private inline: InlineRunner | undefined;
  private readonly pending = new Map<number, Pending>();
  /** Jobs of this turn, posted together at its end. */
  private outbox: ({ id: number } & ValidationJob)[] = [];
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

  validate(job: ValidationJob): Promise<FileValidation | undefined> {
    if (this.inline) return this.inline.validate(job);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.outbox.push({ id, ...job }) === 1) queueMicrotask(() => this.flush());
    });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.outbox = [];
    this.failPending(new Error('The language server is shutting down.'));
    if (worker) await worker.terminate();
  }

  private flush(): void {
    if (this.outbox.length === 0 || this.disposed) return;
    if (this.inline) {
      for (const job of this.outbox.splice(0)) this.inline.validate(job).then(...this.settleWith(job.id));
      return;
    }
    if (!this.worker) this.start();
    this.worker?.postMessage({ kind: 'validate', jobs: this.outbox.splice(0) } satisfies WorkerRequest);
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
    if (!worker || this.pending.size > 0 || this.outbox.length > 0) return;
    this.worker = undefined;
    void worker.terminate();
  }

  private start(): void {
    let worker: Worker;
    try {
      // A debugger flag of the server (VS Code's debug launch) would clash in the worker.
      const execArgv = process.execArgv.filter((arg) => !/^--(inspect|debug)/.test(arg));
      worker = new Worker(this.script, { workerData: { role: VALIDATION_WORKER_ROLE }, execArgv });
    } catch (error) {
      this.logger.error(`Validating on the main thread: could not start the validation worker (${(error as Error).message}).`);
      this.inline = new InlineRunner();
      this.inline.configure(this.configuration.catalog, this.configuration.options);
      return;
    }
    // The worker must not keep the process alive after `exit`.
    worker.unref();
    worker.on('message', (response: WorkerResponse) => this.onResponse(response.outcomes));
    worker.on('error', (error) => this.logger.error(`Validation worker failed: ${error.message}`));
    worker.on('exit', (code) => {
      if (this.disposed || this.worker !== worker) return;
      // Crashed (out of memory on a pathological file, say): fail its jobs; the next job starts a new worker.
      this.worker = undefined;
      this.failPending(new Error(`The validation worker stopped (exit code ${code}).`));
      this.logger.error(`The validation worker stopped (exit code ${code}); a new one starts with the next check.`);
    });
    this.worker = worker;
    worker.postMessage({ kind: 'configure', ...this.configuration } satisfies WorkerRequest);
  }

  private onResponse(outcomes: JobOutcome[]): void {
    let big = false;
    for (const outcome of outcomes) {
      const [resolve, reject] = this.settleWith(outcome.id);
      if (outcome.kind === 'result') {
        big ||= outcome.result.textLength >= RECYCLE_AFTER_CHARS;
        resolve(outcome.result);
      } else if (outcome.kind === 'missing') resolve(undefined);
      else reject(new Error(outcome.message));
    }
    if (big) this.recycle();
  }

  private failPending(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
