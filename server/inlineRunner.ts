import { EMPTY_CATALOG, type Catalog } from '../shared/catalog';
import type { FileValidation, ValidationOptions } from './diagnostics';
import type { RunnerJob, ValidationRunner } from './validationRunner';
import { runValidationJob } from './validationWorker';

/**
 * Validation on the main thread, for when no worker thread can start: one job per event-loop
 * turn, so requests can slip in between files (a single big file still blocks while it parses).
 */
export class InlineRunner implements ValidationRunner {
  private catalog: Catalog = EMPTY_CATALOG;
  private options: ValidationOptions = { severities: {} };
  private queue: Promise<unknown> = Promise.resolve();

  configure(catalog: Catalog, options: ValidationOptions): void {
    this.catalog = catalog;
    this.options = options;
  }

  validate(job: RunnerJob): Promise<FileValidation | undefined> {
    const text = job.document?.source.getText();
    const run = this.queue.then(() => new Promise<void>((resolve) => setImmediate(resolve))).then(() => runValidationJob({ format: job.format, path: job.path, text }, this.catalog, this.options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  documentClosed(): void {}

  async dispose(): Promise<void> {}
}
