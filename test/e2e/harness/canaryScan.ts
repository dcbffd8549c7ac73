import { readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';

/** Files below `roots` that contain `canary` (raw, base64 or URL-encoded), except those in `allowed`. */
export async function filesContaining(canary: string, roots: string[], allowed: string[] = []): Promise<string[]> {
  const needles = [canary, Buffer.from(canary).toString('base64').replace(/=+$/, ''), encodeURIComponent(canary)].map((text) => Buffer.from(text));
  const hits: string[] = [];
  const visit = async (entry: string): Promise<void> => {
    let info;
    try {
      info = await stat(entry);
    } catch {
      return; // removed while scanning (sockets, lock files)
    }
    if (info.isDirectory()) {
      for (const child of await readdir(entry)) await visit(path.join(entry, child));
      return;
    }
    if (!info.isFile() || info.size > 64 * 1024 * 1024 || allowed.includes(entry)) return;
    const content = await readFile(entry).catch(() => undefined);
    if (content && needles.some((needle) => content.includes(needle))) hits.push(entry);
  };
  for (const root of roots) await visit(root);
  return hits;
}
