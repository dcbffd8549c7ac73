import { EMPTY_CATALOG, type Catalog } from '../shared/catalog';
import type { FileValidation, ValidationOptions } from './diagnostics';
import { runValidationJob, type ValidationJob } from './validationWorker';

/**
 * Validation on the main thread, for when no worker thread can start: one job per event-loop
 * turn, so requests can slip in between files (a single big file still blocks while it parses).
 */
export class InlineRunner {
  private catalog: Catalog = EMPTY_CATALOG;
  private options: ValidationOptions = { severities: {} };
  private queue: Promise<unknown> = Promise.resolve();

  configure(catalog: Catalog, options: ValidationOptions): void {
    this.catalog = catalog;
    this.options = options;
  }

  validate(job: ValidationJob): Promise<FileValidation | undefined> {
    const run = this.queue.then(() => new Promise<void>((resolve) => setImmediate(resolve))).then(() => runValidationJob(job, this.catalog, this.options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async dispose(): Promise<void> {}
}
