import { randomBytes } from 'node:crypto';
import { link, open, rename, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import { WorkflowSecretsError } from '../shared/errors';

/**
 * Writes `text` to `target` atomically: a temp file in the same folder, fsync, then rename (with
 * `overwrite`) or a hard link that fails if the target exists (without), so readers never see
 * half a file and an existing file is never clobbered by accident. Only call this with text that
 * is safe to store (the export has passed its leak scan).
 */
export async function writeFileAtomic(target: string, text: string, options: { overwrite: boolean; shownAs?: string }): Promise<void> {
  const folder = path.dirname(target);
  const temp = path.join(folder, `.${path.basename(target)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  const shown = options.shownAs ?? target;
  let handle;
  try {
    handle = await open(temp, 'wx', 0o644);
  } catch (error) {
    throw new WorkflowSecretsError('usage', `Cannot write in ${folder} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, 'Check that the folder exists and that you may write to it.');
  }
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
    await handle.close();
    handle = undefined;
    if (options.overwrite) {
      await rename(temp, target);
    } else {
      try {
        await link(temp, target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw existsError(shown);
        throw error;
      }
      await unlink(temp);
    }
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

export function existsError(shown: string): WorkflowSecretsError {
  return new WorkflowSecretsError('usage', `${shown} already exists; nothing was written.`, 'Choose another output file, or pass --force to replace it.');
}
