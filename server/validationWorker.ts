import { readFile } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { EMPTY_CATALOG, type Catalog } from '../shared/catalog';
import { describeError } from '../shared/errors';
import type { WorkflowFormat } from '../shared/workflowTypes';
import { validateWorkflowText, type FileValidation, type ValidationOptions } from './diagnostics';

/**
 * The validation worker: parse and check run here, off the main thread, so a 4 MB YAML file being
 * re-validated never stands between a completion or hover request and its answer.
 */
export const VALIDATION_WORKER_ROLE = 'workflow-secrets-validation';

export interface ValidationJob {
  format: WorkflowFormat;
  /** The open document's text; without it the worker reads `path` from disk. */
  text?: string;
  path?: string;
}

export type WorkerRequest =
  | { kind: 'configure'; catalog: Catalog; options: ValidationOptions }
  | ({ kind: 'validate'; id: number } & ValidationJob);

export type WorkerResponse =
  | { kind: 'result'; id: number; result: FileValidation }
  /** The file is gone (deleted between the scan and the read). */
  | { kind: 'missing'; id: number }
  | { kind: 'failed'; id: number; message: string };

/** Validates one job with the given configuration: shared by the worker and the inline fallback. */
export async function runValidationJob(job: ValidationJob, catalog: Catalog, options: ValidationOptions): Promise<FileValidation | undefined> {
  let text = job.text;
  if (text === undefined) {
    if (!job.path) return undefined;
    try {
      text = await readFile(job.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'EISDIR') return undefined;
      throw error;
    }
    // Editors drop a byte-order mark from the text they show; positions must match theirs.
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  }
  return validateWorkflowText(text, job.format, catalog, options);
}

export function runValidationWorker(): void {
  const port = parentPort;
  if (!port) return;
  let catalog: Catalog = EMPTY_CATALOG;
  let options: ValidationOptions = { severities: {} };
  // One job at a time, in arrival order, so a `configure` always applies to the jobs sent after it.
  let queue = Promise.resolve();
  port.on('message', (request: WorkerRequest) => {
    queue = queue.then(async () => {
      if (request.kind === 'configure') {
        catalog = request.catalog;
        options = request.options;
        return;
      }
      let response: WorkerResponse;
      try {
        const result = await runValidationJob(request, catalog, options);
        response = result ? { kind: 'result', id: request.id, result } : { kind: 'missing', id: request.id };
      } catch (error) {
        response = { kind: 'failed', id: request.id, message: describeError(error) };
      }
      const transfer = response.kind === 'result' ? [response.result.references.numbers.buffer as ArrayBuffer] : [];
      port.postMessage(response, transfer);
    });
  });
}
