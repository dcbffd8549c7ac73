// Loads our modules on demand. A module whose file is absent gives `undefined`, so its rows are
// reported as pending and the baselines still run (the code base grows while the bench exists).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface OurModules {
  parser: typeof import('../shared/workflowParser');
  checks: typeof import('../shared/workflowChecks');
  resolver: typeof import('../shared/workflowResolver');
  resolutionCache: typeof import('../shared/resolutionCache');
  vault: typeof import('../shared/vault/vault');
  masterKey: typeof import('../shared/vault/masterKey');
  vaultCrypto: typeof import('../shared/vault/vaultCrypto');
  catalogFromVault: typeof import('../shared/catalogFromVault');
  lookupChain: typeof import('../shared/providers/secretLookupChain');
}

const FILES: Record<keyof OurModules, string> = {
  parser: 'shared/workflowParser.ts',
  checks: 'shared/workflowChecks.ts',
  resolver: 'shared/workflowResolver.ts',
  resolutionCache: 'shared/resolutionCache.ts',
  vault: 'shared/vault/vault.ts',
  masterKey: 'shared/vault/masterKey.ts',
  vaultCrypto: 'shared/vault/vaultCrypto.ts',
  catalogFromVault: 'shared/catalogFromVault.ts',
  lookupChain: 'shared/providers/secretLookupChain.ts',
};

export class Missing extends Error {
  constructor(readonly what: string) {
    super(`${what} has not landed yet`);
  }
}

export class Ours {
  constructor(readonly root: string) {}

  /** The module, or throws `Missing` when its file does not exist yet. */
  async load<K extends keyof OurModules>(key: K): Promise<OurModules[K]> {
    const file = join(this.root, FILES[key]);
    if (!existsSync(file)) throw new Missing(FILES[key]);
    // require, not import(): one module instance per file, shared with the bench's static imports.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file) as OurModules[K];
  }

  /** dist/server.js, when built and newer than every server/ and shared/ source. */
  serverState(): 'missing' | 'unbuilt' | 'stale' | 'ready' {
    const bundle = join(this.root, 'dist/server.js');
    if (!existsSync(join(this.root, 'server/server.ts'))) return 'missing';
    if (!existsSync(bundle)) return 'unbuilt';
    const built = statSync(bundle).mtimeMs;
    const newest = Math.max(newestIn(join(this.root, 'server')), newestIn(join(this.root, 'shared')));
    return newest > built ? 'stale' : 'ready';
  }
}

function newestIn(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Turns a `Missing` into the note of a pending row; anything else is a real error. */
export function isMissing(error: unknown): error is Missing {
  return error instanceof Missing;
}
