import * as vscode from 'vscode';
import type { Catalog, CatalogState } from '../shared/catalog';
import { catalogFromMetadata } from '../shared/catalogFromVault';
import { WorkflowSecretsError, describeError } from '../shared/errors';
import { acceptEnteredKey, describeKeyState, resolveKeyState, rotateWithStoredKey, ENV_KEY_HINT, type KeyState } from '../shared/keyState';
import { settingsSchema, type WorkflowSecretsSettings } from '../shared/settings';
import { Vault } from '../shared/vault/vault';
import { readVaultMetadata } from '../shared/vault/vaultMetadata';
import { resolveVaultLocation } from '../shared/vault/vaultPaths';
import type { SecretMetadata, VaultApi } from '../shared/vault/vaultTypes';
import type { MasterKeyStore } from './masterKeyStore';
import type { Log } from './output';

/**
 * The open vault of the current environment and everything derived from it: key state, secret
 * metadata and the catalog for the language server. One instance per window; views, status bar,
 * commands and the watcher read it and listen to onDidChange.
 */
export class VaultSession implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  private location = { path: '', environment: 'default' };
  private keyState: KeyState = { kind: 'noVault' };
  private vault: Vault | undefined;
  private secrets: SecretMetadata[] = [];
  private loading: Promise<void> = Promise.resolve();

  constructor(
    private readonly keys: MasterKeyStore,
    private readonly log: Log,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  get environment(): string {
    return this.location.environment;
  }
  get vaultPath(): string {
    return this.location.path;
  }
  get state(): KeyState {
    return this.keyState;
  }
  get metadata(): readonly SecretMetadata[] {
    return this.secrets;
  }
  /** The open vault, when the key is known. */
  get openVault(): VaultApi | undefined {
    return this.vault;
  }

  settings(): WorkflowSecretsSettings {
    const config = vscode.workspace.getConfiguration('workflowSecrets');
    const parsed = settingsSchema.safeParse({
      vaultPath: config.get('vaultPath'),
      environment: config.get('environment'),
      workflowGlobs: config.get('workflowGlobs'),
      diagnostics: { severity: config.get('diagnostics.severity'), debounceMs: config.get('diagnostics.debounceMs') },
      providers: config.get('providers'),
    });
    if (parsed.success) return parsed.data;
    this.log.warn(`Invalid workflowSecrets settings, using defaults where needed: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    return settingsSchema.parse({});
  }

  /** (Re)reads settings and the vault file without creating anything. */
  load(): Promise<void> {
    this.loading = this.loading.then(() => this.doLoad(false)).catch((error) => this.log.error(`Loading the vault failed: ${describeError(error)}`));
    return this.loading;
  }

  private async doLoad(createIfMissing: boolean): Promise<void> {
    const settings = this.settings();
    // An environment chosen in settings (Switch Environment) wins over WORKFLOW_SECRETS_ENV, as --env does on the command line.
    const explicitEnvironment = vscode.workspace.getConfiguration('workflowSecrets').inspect<string>('environment')?.globalValue;
    this.vault = undefined;
    try {
      this.location = resolveVaultLocation({ vaultPath: settings.vaultPath || undefined, environment: explicitEnvironment, env: this.env });
    } catch (error) {
      // A bad environment name: nothing can be opened until the setting or variable is fixed.
      this.keyState = { kind: 'vaultError', code: error instanceof WorkflowSecretsError ? error.code : 'unknown', reason: describeError(error) };
      this.secrets = [];
      this.log.error(describeError(error));
      this.changed.fire();
      return;
    }
    this.keyState = await resolveKeyState(this.keys.deps(this.location.environment, this.location.path), { createIfMissing });
    if (this.keyState.kind === 'ready') {
      try {
        this.vault = await Vault.open(this.location.path, this.keyState.key, { onWarning: (message) => this.log.warn(message) });
        this.secrets = this.vault.list();
      } catch (error) {
        this.keyState = { kind: 'vaultError', code: error instanceof WorkflowSecretsError ? error.code : 'unknown', reason: describeError(error) };
      }
    }
    if (!this.vault) this.secrets = await this.readMetadataQuietly();
    const { label } = describeKeyState(this.keyState);
    this.log.info(`Environment "${this.location.environment}", vault ${this.location.path}: ${label}, ${this.secrets.length} secret(s).`);
    if (this.keyState.kind === 'ready' && this.keyState.created) this.log.info('Created the vault with a new master key stored in VS Code SecretStorage.');
    this.changed.fire();
  }

  /** Without a key the names still come from the readable metadata, so completion keeps working. */
  private async readMetadataQuietly(): Promise<SecretMetadata[]> {
    if (this.keyState.kind === 'noVault') return [];
    try {
      return (await readVaultMetadata(this.location.path)).secrets;
    } catch (error) {
      this.log.warn(`Could not read the vault's metadata: ${describeError(error)}`);
      return [];
    }
  }

  /** The vault for a write: created on first use (new key in SecretStorage), refused when the key is lost. */
  async requireVault(): Promise<VaultApi> {
    if (this.vault) return this.vault;
    if (this.keyState.kind === 'noVault') {
      this.loading = this.loading.then(() => this.doLoad(true));
      await this.loading;
    }
    if (this.vault) return this.vault;
    throw this.unavailableError();
  }

  unavailableError(): WorkflowSecretsError {
    const { detail } = describeKeyState(this.keyState);
    switch (this.keyState.kind) {
      case 'keyMissing':
      case 'wrongKey':
        return new WorkflowSecretsError('key-missing', `The vault ${this.location.path} cannot be opened: ${detail}`, `Run "Enter Master Key or Passphrase". ${ENV_KEY_HINT}`);
      default:
        return new WorkflowSecretsError('vault-locked', `The vault ${this.location.path} cannot be opened: ${detail}`, 'Check the file (see Show Output), then run Refresh.');
    }
  }

  /** After a write by this window: refresh the list and tell everyone. */
  async afterWrite(): Promise<void> {
    if (this.vault) this.secrets = this.vault.list();
    this.changed.fire();
  }

  /** The vault file changed on disk (another window or the command line). */
  async reloadFromDisk(): Promise<void> {
    if (!this.vault) return this.load();
    try {
      await this.vault.reload();
      this.secrets = this.vault.list();
      this.changed.fire();
    } catch (error) {
      this.log.warn(`Reloading the vault failed (${describeError(error)}); checking the key again.`);
      await this.load();
    }
  }

  async enterKey(text: string): Promise<{ ok: true } | { ok: false; reason: string }> {
    const result = await acceptEnteredKey(this.keys.deps(this.location.environment, this.location.path), text);
    if (!result.ok) return result;
    if (this.keys.environmentKey()) {
      return { ok: false, reason: 'The key was stored, but WORKFLOW_SECRETS_KEY is set and takes precedence. Unset it and restart VS Code to use the stored key.' };
    }
    await this.load();
    return { ok: true };
  }

  async rotateKey(onProgress: (done: number, total: number) => void, signal: AbortSignal): Promise<void> {
    const vault = this.vault;
    if (!vault || this.keyState.kind !== 'ready') throw this.unavailableError();
    if (this.keyState.source === 'environment') {
      throw new WorkflowSecretsError(
        'usage',
        'The master key comes from WORKFLOW_SECRETS_KEY, so VS Code cannot replace it.',
        'Rotate from a terminal with `workflow-secrets key rotate`, then update WORKFLOW_SECRETS_KEY and restart VS Code.',
      );
    }
    const deps = this.keys.deps(this.location.environment, this.location.path);
    await rotateWithStoredKey(deps, (newKey) => vault.rotateKey(newKey, onProgress, signal));
    await this.load();
  }

  /** The catalog for the language server: names, types, field names and the state; never values. */
  catalog(): Catalog {
    return catalogFromMetadata(this.secrets, this.location.environment, catalogState(this.keyState));
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function catalogState(state: KeyState): { state: CatalogState; stateReason?: string } {
  switch (state.kind) {
    case 'ready':
      return { state: 'ready' };
    case 'noVault':
      return { state: 'noVault', stateReason: 'no vault has been created yet' };
    case 'keyMissing':
    case 'wrongKey':
      return { state: 'keyMissing', stateReason: state.reason };
    case 'vaultError':
      return { state: 'locked', stateReason: state.reason };
  }
}
