import { build } from 'esbuild';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

/**
 * Bundles a child-process script of test/helpers into one CommonJS file, so each child starts in
 * tens of milliseconds instead of the half second tsx needs: the crash test spawns hundreds.
 * The bundle runs the same product code (shared/ is compiled in, not copied by hand).
 */
export async function bundleHelper(t: { after(fn: () => Promise<void>): void }, helper: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ws-reliability-bundle-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const outfile = join(dir, `${basename(helper, '.ts')}.cjs`);
  await build({
    entryPoints: [join(REPO_ROOT, 'test', 'helpers', helper)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    mainFields: ['module', 'main'],
    logLevel: 'warning',
  });
  return outfile;
}
