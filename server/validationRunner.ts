import { Worker } from 'node:worker_threads';
import { EMPTY_CATALOG, type Catalog } from '../shared/catalog';
import type { FileValidation, ValidationOptions } from './diagnostics';
import { runValidationJob, VALIDATION_WORKER_ROLE, type ValidationJob, type WorkerRequest, type WorkerResponse } from './validationWorker';

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

const MAX_RESTARTS = 3;

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
  private nextId = 1;
  private restarts = 0;
  private configuration: { catalog: Catalog; options: ValidationOptions } = { catalog: EMPTY_CATALOG, options: { severities: {} } };
  private disposed = false;

  constructor(
    private readonly script: string,
    private readonly logger: RunnerLogger,
  ) {
    this.start();
  }

  configure(catalog: Catalog, options: ValidationOptions): void {
    this.configuration = { catalog, options };
    if (this.inline) this.inline.configure(catalog, options);
    else this.post({ kind: 'configure', catalog, options });
  }

  validate(job: ValidationJob): Promise<FileValidation | undefined> {
    if (this.inline) return this.inline.validate(job);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.post({ kind: 'validate', id, ...job });
    });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.failPending(new Error('The language server is shutting down.'));
    if (worker) await worker.terminate();
  }

  private post(request: WorkerRequest): void {
    this.worker?.postMessage(request);
  }

  private start(): void {
    let worker: Worker;
    try {
      worker = new Worker(this.script, { workerData: { role: VALIDATION_WORKER_ROLE } });
    } catch (error) {
      this.fallBackInline(`could not start the validation worker (${(error as Error).message})`);
      return;
    }
    // The worker must not keep the process alive after `exit`.
    worker.unref();
    worker.on('message', (response: WorkerResponse) => this.onResponse(response));
    worker.on('error', (error) => this.logger.error(`Validation worker failed: ${error.message}`));
    worker.on('exit', (code) => {
      if (this.disposed || this.worker !== worker) return;
      this.worker = undefined;
      this.failPending(new Error(`The validation worker stopped (exit code ${code}).`));
      if (this.restarts++ < MAX_RESTARTS) {
        this.logger.info('Restarting the validation worker.');
        this.start();
      } else this.fallBackInline('the validation worker kept stopping');
    });
    this.worker = worker;
    this.post({ kind: 'configure', ...this.configuration });
  }

  private fallBackInline(reason: string): void {
    this.logger.error(`Validating on the main thread: ${reason}.`);
    this.inline = new InlineRunner();
    this.inline.configure(this.configuration.catalog, this.configuration.options);
  }

  private onResponse(response: WorkerResponse): void {
    const pending = this.pending.get(response.id);
    if (!pending) return;
    this.pending.delete(response.id);
    if (response.kind === 'result') pending.resolve(response.result);
    else if (response.kind === 'missing') pending.resolve(undefined);
    else pending.reject(new Error(response.message));
  }

  private failPending(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}

/** Same jobs on the main thread, one per event-loop turn, so requests can slip in between files. */
class InlineRunner implements ValidationRunner {
  private catalog: Catalog = EMPTY_CATALOG;
  private options: ValidationOptions = { severities: {} };
  private queue: Promise<unknown> = Promise.resolve();

  configure(catalog: Catalog, options: ValidationOptions): void {
    this.catalog = catalog;
    this.options = options;
  }

  validate(job: ValidationJob): Promise<FileValidation | undefined> {
    const { catalog, options } = this;
    const run = this.queue.then(() => new Promise<void>((resolve) => setImmediate(resolve))).then(() => runValidationJob(job, catalog, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async dispose(): Promise<void> {}
}
