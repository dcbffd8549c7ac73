import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';

/** The extension's Output channel as the extension host wrote it below `userDataDir/logs` (last 3000 chars per file). */
export async function extensionLog(userDataDir: string): Promise<string> {
  const found: string[] = [];
  const visit = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await visit(full);
      else if (/Workflow Secrets/.test(entry.name)) found.push(full);
    }
  };
  await visit(path.join(userDataDir, 'logs'));
  const texts = await Promise.all(found.map(async (file) => `${path.basename(file)}:\n${(await readFile(file, 'utf8')).slice(-3000)}`));
  return texts.join('\n') || '(empty)';
}
