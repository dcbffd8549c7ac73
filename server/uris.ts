import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * URIs and paths. The index keys files by file-system path: a client may spell the same file's
 * URI differently from Node (`%40` or `@`), and the open document and the scanned file must meet.
 */
export function pathOfUri(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return path.normalize(fileURLToPath(uri));
  } catch {
    return undefined;
  }
}

export function uriOfPath(filePath: string): string {
  return pathToFileURL(filePath).href;
}

/** The index key of a document: its path for files, the URI itself for anything else (untitled:). */
export function keyOfUri(uri: string): string {
  return pathOfUri(uri) ?? uri;
}
