import { watch, watchFile, unwatchFile, type FSWatcher } from 'node:fs';
import * as path from 'node:path';
import type { Catalog, CatalogSecret } from '../shared/catalog';
import { catalogFromMetadata } from '../shared/catalogFromVault';
import { describeError, isWorkflowSecretsError } from '../shared/errors';
import { isSecretType } from '../shared/secretTypes';
import { readVaultMetadata } from '../shared/vault/vaultMetadata';
import { resolveVaultLocation } from '../shared/vault/vaultPaths';

/**
 * The catalog the features check against. A client's CatalogNotification wins for good; until one
 * arrives (and unless the client said it sends one) the server reads the vault file's readable
 * metadata itself and watches the file, so neovim or Helix users need no key and no extension.
 */
export interface CatalogStoreOptions {
  selfCatalog: boolean;
  log(message: string): void;
  /** Debounce for vault file events (atomic writes fire several). */
  reloadDelayMs?: number;
}

export interface VaultSource {
  vaultPath?: string;
  environment?: string;
}

export class CatalogStore {
  private catalog: Catalog;
  private fromClient = false;
  private readonly listeners: ((catalog: Catalog) => void)[] = [];
  /** Path and environment being watched. */
  private watched: string | undefined;
  private watcher: FSWatcher | undefined;
  private polling: string | undefined;
  private reloadTimer: NodeJS.Timeout | undefined;
  private loadGeneration = 0;

  constructor(private readonly options: CatalogStoreOptions) {
    this.catalog = options.selfCatalog
      ? { state: 'noVault', stateReason: 'the vault has not been read yet', environment: 'default', secrets: [] }
      : { state: 'locked', stateReason: 'the editor has not sent the list of secrets yet', environment: 'default', secrets: [] };
  }

  get current(): Catalog {
    return this.catalog;
  }

  get isFromClient(): boolean {
    return this.fromClient;
  }

  onDidChange(listener: (catalog: Catalog) => void): void {
    this.listeners.push(listener);
  }

  /** A CatalogNotification: replaces the catalog and ends self-reading for the session. */
  applyClientCatalog(raw: unknown): void {
    const catalog = sanitizeCatalog(raw);
    if (!catalog) {
      this.options.log('Ignoring a catalog notification that is not a catalog.');
      return;
    }
    this.fromClient = true;
    this.stopWatching();
    this.loadGeneration++;
    this.set(catalog);
  }

  /** (Re)points self-reading at the vault for these settings; a no-op once a client sends catalogs. */
  async useVault(source: VaultSource): Promise<void> {
    if (this.fromClient || !this.options.selfCatalog) return;
    let location: { path: string; environment: string };
    try {
      location = resolveVaultLocation({ vaultPath: source.vaultPath, environment: source.environment });
    } catch (error) {
      this.stopWatching();
      this.set({ state: 'noVault', stateReason: describeError(error), environment: source.environment ?? 'default', secrets: [] });
      return;
    }
    const watched = `${location.path}\n${location.environment}`;
    if (watched !== this.watched) {
      this.stopWatching();
      this.watched = watched;
      this.watchVault(location.path, location.environment);
    }
    await this.load(location.path, location.environment);
  }

  dispose(): void {
    this.stopWatching();
  }

  private async load(vaultPath: string, environment: string): Promise<void> {
    const generation = ++this.loadGeneration;
    let next: Catalog;
    try {
      const metadata = await readVaultMetadata(vaultPath);
      next = catalogFromMetadata(metadata.secrets, environment);
    } catch (error) {
      const missing = isWorkflowSecretsError(error, 'vault-not-found') || (error as NodeJS.ErrnoException).code === 'ENOENT';
      next = missing
        ? { state: 'noVault', stateReason: `no vault file at ${vaultPath}`, environment, secrets: [] }
        : { state: 'locked', stateReason: `the vault file could not be read (${describeError(error)})`, environment, secrets: [] };
    }
    // A slower, older read must not overwrite a newer one, nor a client's catalog.
    if (generation !== this.loadGeneration || this.fromClient) return;
    this.set(next);
  }

  private set(catalog: Catalog): void {
    this.catalog = catalog;
    for (const listener of this.listeners) listener(catalog);
  }

  private watchVault(vaultPath: string, environment: string): void {
    const reload = (): void => {
      clearTimeout(this.reloadTimer);
      this.reloadTimer = setTimeout(() => void this.load(vaultPath, environment), this.options.reloadDelayMs ?? 100);
    };
    const directory = path.dirname(vaultPath);
    const base = path.basename(vaultPath);
    try {
      // Watching the folder sees the atomic rename that replaces the file.
      this.watcher = watch(directory, { persistent: false }, (_event, filename) => {
        if (filename === null || filename === base) reload();
      });
      this.watcher.on('error', () => {
        this.watcher?.close();
        this.watcher = undefined;
        this.pollVault(vaultPath, reload);
      });
    } catch {
      // No folder yet: poll until the vault appears.
      this.pollVault(vaultPath, reload);
    }
  }

  private pollVault(vaultPath: string, reload: () => void): void {
    this.polling = vaultPath;
    watchFile(vaultPath, { persistent: false, interval: 1000 }, reload);
  }

  private stopWatching(): void {
    clearTimeout(this.reloadTimer);
    this.watcher?.close();
    this.watcher = undefined;
    if (this.polling) unwatchFile(this.polling);
    this.polling = undefined;
    this.watched = undefined;
  }
}

/** Keeps only the catalog's documented properties: nothing else (least of all a value) travels on. */
export function sanitizeCatalog(raw: unknown): Catalog | undefined {
  if (!isRecord(raw) || !Array.isArray(raw.secrets) || typeof raw.state !== 'string') return undefined;
  const states = ['ready', 'locked', 'keyMissing', 'noVault', 'providerUnavailable'];
  if (!states.includes(raw.state)) return undefined;
  const secrets: CatalogSecret[] = [];
  for (const item of raw.secrets) {
    if (!isRecord(item) || typeof item.name !== 'string' || !isSecretType(item.type)) continue;
    const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : []);
    const source = isRecord(item.source) && item.source.kind === 'provider' && typeof item.source.provider === 'string' ? { kind: 'provider' as const, provider: item.source.provider } : { kind: 'local' as const };
    const secret: CatalogSecret = {
      name: item.name,
      type: item.type,
      description: typeof item.description === 'string' ? item.description : '',
      tags: strings(item.tags),
      fields: strings(item.fields),
      source,
    };
    for (const key of ['expiresAt', 'createdAt', 'updatedAt'] as const) {
      const value = item[key];
      if (typeof value === 'string') secret[key] = value;
    }
    secrets.push(secret);
  }
  const catalog: Catalog = { state: raw.state as Catalog['state'], environment: typeof raw.environment === 'string' ? raw.environment : 'default', secrets };
  if (typeof raw.stateReason === 'string') catalog.stateReason = raw.stateReason;
  return catalog;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
