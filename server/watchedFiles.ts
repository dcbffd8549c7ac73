import { DidChangeWatchedFilesNotification, FileChangeType, type Connection, type Disposable, type FileEvent } from 'vscode-languageserver';
import type { ValidationQueue } from './validationQueue';
import { pathOfUri } from './uris';
import type { WorkspaceIndex } from './workspaceIndex';

/**
 * Keeps never-opened files current: registers file watchers for the workflow globs when the client
 * allows dynamic registration (clients that watch on their own send the same notification).
 */
export class WatchedFiles {
  private registration: Disposable | undefined;
  private registeredGlobs = '';

  constructor(
    private readonly connection: Connection,
    private readonly canRegister: boolean,
  ) {}

  /** (Re)registers the watchers when the globs changed. */
  async register(globs: readonly string[]): Promise<void> {
    if (!this.canRegister || globs.join('\n') === this.registeredGlobs) return;
    this.registeredGlobs = globs.join('\n');
    const previous = this.registration;
    this.registration = undefined;
    previous?.dispose();
    this.registration = await this.connection.client.register(DidChangeWatchedFilesNotification.type, {
      watchers: globs.map((globPattern) => ({ globPattern })),
    });
  }

  dispose(): void {
    this.registration?.dispose();
  }
}

/** Applies watcher events to the queue; a deleted folder takes the files below it along. */
export function applyFileEvents(events: readonly FileEvent[], queue: ValidationQueue, index: WorkspaceIndex, separator: string): void {
  for (const event of events) {
    const filePath = pathOfUri(event.uri);
    if (!filePath) continue;
    if (event.type === FileChangeType.Deleted) {
      queue.fileDeleted(filePath);
      const prefix = filePath.endsWith(separator) ? filePath : filePath + separator;
      for (const key of index.keys()) if (key.startsWith(prefix)) queue.fileDeleted(key);
    } else queue.fileChanged(filePath);
  }
}
