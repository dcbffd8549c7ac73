import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort } from 'node:worker_threads';
import { EMPTY_CATALOG, type Catalog } from '../shared/catalog';
import { describeError } from '../shared/errors';
import type { WorkflowFormat } from '../shared/workflowTypes';
import { validateWorkflowText, type FileValidation, type ValidationOptions } from './diagnostics';
import { DocumentMirrors, type DocumentUpdate } from './documentMirrors';

/**
 * The validation worker: parse and check run here, off the main thread, so a 4 MB YAML file being
 * re-validated never stands between a completion or hover request and its answer. It keeps a
 * copy of each open document that the main thread updates with edits (documentMirrors.ts).
 */
export const VALIDATION_WORKER_ROLE = 'workflow-secrets-validation';

/** A job as the inline runner takes it: a text, or a path to read. */
export interface ValidationJob {
  format: WorkflowFormat;
  /** The open document's text; without it the worker reads `path` from disk. */
  text?: string;
  path?: string;
}

/** A job as the worker takes it: a file to read, or its copy of an open document at a revision. */
export interface WorkerJob {
  id: number;
  format: WorkflowFormat;
  path?: string;
  document?: { key: string; revision: number };
}

export type WorkerRequest =
  | { kind: 'configure'; catalog: Catalog; options: ValidationOptions }
  /** Document updates first, then the jobs: those submitted in the same turn travel together. */
  | { kind: 'validate'; documents: DocumentUpdate[]; jobs: WorkerJob[] };

export type JobOutcome =
  | { kind: 'result'; id: number; result: FileValidation }
  /** The file is gone (deleted between the scan and the read). */
  | { kind: 'missing'; id: number }
  /** The worker's copy of the document is not at the job's revision: send the whole text again. */
  | { kind: 'unsynced'; id: number }
  | { kind: 'failed'; id: number; message: string };

export interface WorkerResponse {
  outcomes: JobOutcome[];
  /** The worker frees its heap itself after a big file (otherwise the runner restarts it). */
  collects: boolean;
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
/** After a text this long the heap holds a parse several times its size: collected once the worker is idle. */
export const COLLECT_AFTER_CHARS = 1_000_000;

export function runValidationWorker(): void {
  const port = parentPort;
  if (!port) return;
  let catalog: Catalog = EMPTY_CATALOG;
  let options: ValidationOptions = { severities: {} };
  const mirrors = new DocumentMirrors();
  const collectGarbage = garbageCollector();
  let waiting = 0;
  let bigSinceCollection = false;
  // A worker may block: reading synchronously skips a thread-pool round trip per file.
  const read: Read = (path) => readFileSync(path, 'utf8');
  // In arrival order, so a `configure` always applies to the jobs sent after it.
  let queue = Promise.resolve();
  port.on('message', (request: WorkerRequest) => {
    waiting++;
    queue = queue.then(async () => {
      if (request.kind === 'configure') {
        catalog = request.catalog;
        options = request.options;
        return;
      }
      for (const update of request.documents) mirrors.apply(update);
      let outcomes: JobOutcome[] = [];
      const flush = (): void => {
        // Moving a buffer beats copying it only when it is big; small ones are cheaper to copy.
        const transfer = outcomes.flatMap((outcome) =>
          outcome.kind === 'result' && outcome.result.references.numbers.byteLength >= 65_536 ? [outcome.result.references.numbers.buffer as ArrayBuffer] : [],
        );
        port.postMessage({ outcomes, collects: collectGarbage !== undefined } satisfies WorkerResponse, transfer);
        outcomes = [];
      };
      for (const job of request.jobs) {
        try {
          const text = job.document ? mirrors.textOf(job.document.key, job.document.revision) : undefined;
          if (job.document && text === undefined) {
            outcomes.push({ kind: 'unsynced', id: job.id });
            continue;
          }
          const result = await runValidationJob({ format: job.format, text, path: job.path }, catalog, options, read);
          bigSinceCollection ||= (result?.textLength ?? 0) >= COLLECT_AFTER_CHARS;
          outcomes.push(result ? { kind: 'result', id: job.id, result } : { kind: 'missing', id: job.id });
        } catch (error) {
          outcomes.push({ kind: 'failed', id: job.id, message: describeError(error) });
        }
        if (outcomes.length >= RESULTS_PER_MESSAGE) flush();
      }
      if (outcomes.length > 0) flush();
    });
    void queue.finally(() => {
      waiting--;
      // Collected only once nothing waits (a message that arrives meanwhile comes first).
      if (waiting === 0 && bigSinceCollection && collectGarbage)
        setImmediate(() => {
          if (waiting > 0 || !bigSinceCollection) return;
          bigSinceCollection = false;
          // Twice: the first collection finds the garbage, the second lets V8 hand the emptied pages back.
          collectGarbage();
          collectGarbage();
        });
    });
  });
}

/**
 * A full collection on demand: V8 keeps the heap a 4 MB parse grew to, and a full collection gives
 * most of it back, so the worker (its compiled code warm, its document copies current) can stay.
 * Undefined when V8 will not expose it; the runner then restarts the worker after big files.
 */
function garbageCollector(): (() => void) | undefined {
  const existing = (globalThis as { gc?: unknown }).gc;
  if (typeof existing === 'function') return existing as () => void;
  try {
    setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as unknown;
    setFlagsFromString('--no-expose-gc');
    return typeof collect === 'function' ? (collect as () => void) : undefined;
  } catch {
    return undefined;
  }
}
