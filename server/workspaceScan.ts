import { readdir } from 'node:fs/promises';
import * as path from 'node:path';

/** Folders never scanned: dependencies and version control hold no workflows of the user's. */
export const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.hg', '.svn']);

export interface ScanOptions {
  signal?: AbortSignal;
  /** Called after each folder: folders read so far and files found so far. */
  onProgress?: (foldersRead: number, filesFound: number) => void;
}

/**
 * Every file below the roots that `accept` takes, without following symbolic links (no cycles).
 * Unreadable folders are skipped; an abort stops the walk and throws the signal's reason.
 */
export async function findWorkflowFiles(roots: readonly string[], accept: (file: string) => boolean, options: ScanOptions = {}): Promise<string[]> {
  const found: string[] = [];
  const pending = [...roots];
  let foldersRead = 0;
  while (pending.length > 0) {
    options.signal?.throwIfAborted();
    const folder = pending.pop()!;
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) pending.push(full);
      } else if (entry.isFile() && accept(full)) found.push(full);
    }
    foldersRead++;
    options.onProgress?.(foldersRead, found.length);
  }
  return found.sort();
}
