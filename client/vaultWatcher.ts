import { watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { Log } from './output';

/**
 * Watches the vault file for changes made by another window or the command line. Writes replace
 * the file by rename, so the folder is watched (a watch on the file would follow the old inode);
 * bursts (temp file, rename, lock) are coalesced into one refresh.
 */
export class VaultWatcher implements vscode.Disposable {
  private watcher: FSWatcher | undefined;
  private watchedPath: string | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly onChange: () => void,
    private readonly log: Log,
    private readonly delayMs = 150,
  ) {}

  /** (Re)targets the watch; a missing folder is retried on the next call (after the vault is created). */
  watch(vaultPath: string): void {
    if (this.watchedPath === vaultPath && this.watcher) return;
    this.close();
    this.watchedPath = vaultPath;
    const folder = path.dirname(vaultPath);
    const name = path.basename(vaultPath);
    try {
      this.watcher = watch(folder, { persistent: false }, (_event, file) => {
        if (file !== null && file.toString() !== name) return;
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.onChange(), this.delayMs);
      });
      this.watcher.on('error', (error) => {
        this.log.warn(`Stopped watching ${folder}: ${error.message}`);
        this.close();
      });
      this.log.debug(`Watching ${vaultPath} for changes by other windows or the command line.`);
    } catch {
      // The folder does not exist yet: no vault to watch until one is created.
      this.watcher = undefined;
    }
  }

  private close(): void {
    clearTimeout(this.timer);
    this.watcher?.close();
    this.watcher = undefined;
  }

  dispose(): void {
    this.close();
    this.watchedPath = undefined;
  }
}
