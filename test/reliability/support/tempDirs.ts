import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Every temp folder of the suite starts with this, so the leak test can find what tests leave. */
export const TEMP_PREFIX = 'ws-reliability-';

/** A fresh folder under the system temp folder, removed when the test ends. */
export async function tempDir(t: { after(fn: () => Promise<void>): void }, name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `${TEMP_PREFIX}${name}-`));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}
