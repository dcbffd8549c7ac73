import { readFileSync } from 'node:fs';
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
  /** Jobs submitted in the same turn travel together: one message instead of hundreds during a scan. */
  | { kind: 'validate'; jobs: ({ id: number } & ValidationJob)[] };

export type JobOutcome =
  | { kind: 'result'; id: number; result: FileValidation }
  /** The file is gone (deleted between the scan and the read). */
  | { kind: 'missing'; id: number }
  | { kind: 'failed'; id: number; message: string };

export interface WorkerResponse {
  outcomes: JobOutcome[];
}

type Read = (path: string) => Promise<string> | string;

/** Validates one job with the given configuration: shared by the worker and the inline fallback. */
export async function runValidationJob(job: ValidationJob, catalog: Catalog, options: ValidationOptions, read: Read = (path) => readFile(path, 'utf8')): Promise<FileValidation | undefined> {
  let text = job.text;
  if (text === undefined) {
    if (!job.path) return undefined;
    try {
      text = await read(job.path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return undefined;
      throw error;
    }
    // Editors drop a byte-order mark from the text they show; positions must match theirs.
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  }
  return validateWorkflowText(text, job.format, catalog, options);
}

/** How many finished jobs go back in one message (small files; a big file goes alone anyway). */
const RESULTS_PER_MESSAGE = 8;

export function runValidationWorker(): void {
  const port = parentPort;
  if (!port) return;
  let catalog: Catalog = EMPTY_CATALOG;
  let options: ValidationOptions = { severities: {} };
  // A worker may block: reading synchronously skips a thread-pool round trip per file.
  const read: Read = (path) => readFileSync(path, 'utf8');
  // In arrival order, so a `configure` always applies to the jobs sent after it.
  let queue = Promise.resolve();
  port.on('message', (request: WorkerRequest) => {
    queue = queue.then(async () => {
      if (request.kind === 'configure') {
        catalog = request.catalog;
        options = request.options;
        return;
      }
      let outcomes: JobOutcome[] = [];
      const flush = (): void => {
        // Moving a buffer beats copying it only when it is big; small ones are cheaper to copy.
        const transfer = outcomes.flatMap((outcome) =>
          outcome.kind === 'result' && outcome.result.references.numbers.byteLength >= 65_536 ? [outcome.result.references.numbers.buffer as ArrayBuffer] : [],
        );
        port.postMessage({ outcomes } satisfies WorkerResponse, transfer);
        outcomes = [];
      };
      for (const job of request.jobs) {
        try {
          const result = await runValidationJob(job, catalog, options, read);
          outcomes.push(result ? { kind: 'result', id: job.id, result } : { kind: 'missing', id: job.id });
        } catch (error) {
          outcomes.push({ kind: 'failed', id: job.id, message: describeError(error) });
        }
        if (outcomes.length >= RESULTS_PER_MESSAGE) flush();
      }
      if (outcomes.length > 0) flush();
    });
  });
}
