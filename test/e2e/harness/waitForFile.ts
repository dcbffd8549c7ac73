import { watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Resolves with the file's text once `accept` returns true for it, checking now and on every
 * change in its folder (saves may write a temp file and rename). Rejects after `timeoutMs`.
 */
export function waitForFile(file: string, accept: (text: string) => boolean, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let done = false;
    const watcher = watch(path.dirname(file), () => void check());
    const timer = setTimeout(() => finish(new Error(`${file} did not reach the expected content within ${timeoutMs} ms`)), timeoutMs);
    const finish = (result: Error | string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      watcher.close();
      if (typeof result === 'string') resolve(result);
      else reject(result);
    };
    const check = async () => {
      const text = await readFile(file, 'utf8').catch(() => undefined);
      if (text !== undefined && accept(text)) finish(text);
    };
    void check();
  });
}
