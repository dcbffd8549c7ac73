import * as vscode from 'vscode';
import type { Catalog } from '../shared/catalog';
import { describeError } from '../shared/errors';
import { ProviderCatalog, mergeProviderCatalog, type LearnedSecret, type ProviderCatalogSnapshot } from '../shared/providers/providerCatalog';
import { createProviderCredentials } from '../shared/providers/providerCredentials';
import { createProviders } from '../shared/providers/providerRegistry';
import { createSecretLookup } from '../shared/providers/secretLookupChain';
import type { SecretProvider } from '../shared/providers/secretProvider';
import type { SecretLookup } from '../shared/secretLookup';
import type { ProviderSetting } from '../shared/settings';
import type { VaultApi } from '../shared/vault/vaultTypes';
import type { Log } from './output';

const LEARNED_KEY = 'workflowSecrets.providerFields';

/**
 * The external providers from `workflowSecrets.providers`, with credentials from the environment
 * or SecretStorage. Their health feeds the status bar and view; their names (and field names
 * learned from lookups, kept in globalState: names only) join the language server's catalog.
 */
export class ProviderSession implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private providers: SecretProvider[] = [];
  private catalog: ProviderCatalog | undefined;
  private snapshot: ProviderCatalogSnapshot = { secrets: [], unavailable: [] };
  private health = new Map<string, { ok: boolean; detail: string }>();

  constructor(
    private readonly extension: vscode.ExtensionContext,
    private readonly log: Log,
  ) {}

  get count(): number {
    return this.providers.length;
  }

  /** Unreachable providers (health check failed or listing failed), with why. */
  get offline(): { name: string; reason: string }[] {
    const down = new Map<string, string>();
    for (const [name, state] of this.health) if (!state.ok) down.set(name, state.detail);
    for (const entry of this.snapshot.unavailable) if (!down.has(entry.provider)) down.set(entry.provider, entry.reason);
    return [...down].map(([name, reason]) => ({ name, reason }));
  }

  rows(): { name: string; detail: string; ok: boolean }[] {
    const offline = new Map(this.offline.map((entry) => [entry.name, entry.reason]));
    return this.providers.map((provider) => {
      const reason = offline.get(provider.name);
      const names = this.snapshot.secrets.filter((secret) => secret.source.kind === 'provider' && secret.source.provider === provider.name).length;
      return { name: provider.name, ok: reason === undefined, detail: reason ?? `${this.health.get(provider.name)?.detail ?? 'reachable'} · ${names} secret(s)` };
    });
  }

  async reconfigure(settings: ProviderSetting[]): Promise<void> {
    this.disposeProviders();
    const credentials = createProviderCredentials({ store: this.extension.secrets });
    try {
      const logger = { info: (message: string) => this.log.info(message), warn: (message: string) => this.log.warn(message) };
      this.providers = createProviders(settings, credentials, { logger });
    } catch (error) {
      this.log.error(`Provider settings: ${describeError(error)}`);
      void vscode.window.showErrorMessage(`Workflow Secrets: ${describeError(error)}`, 'Open Settings').then((choice) => {
        if (choice) return vscode.commands.executeCommand('workbench.action.openSettings', 'workflowSecrets.providers');
      });
    }
    const ttlSeconds = Object.fromEntries(settings.map((setting) => [setting.name, setting.listCacheSeconds]));
    const learned = this.extension.globalState.get<LearnedSecret[]>(LEARNED_KEY, []);
    this.catalog = this.providers.length > 0 ? new ProviderCatalog({ providers: this.providers, ttlSeconds, learned }) : undefined;
    await this.refresh();
  }

  /** Health and names of every provider again (Refresh); an unreachable provider is reported, never fatal. */
  async refresh(): Promise<void> {
    if (!this.catalog) {
      this.snapshot = { secrets: [], unavailable: [] };
      this.health.clear();
      this.changed.fire();
      return;
    }
    const [snapshot] = await Promise.all([this.catalog.refresh(), this.checkHealth()]);
    this.snapshot = snapshot;
    for (const provider of this.providers) {
      const state = this.health.get(provider.name);
      this.log.info(`Provider "${provider.name}": ${state?.ok ? 'reachable' : 'unavailable'} (${state?.detail ?? 'unknown'}).`);
    }
    this.changed.fire();
  }

  private async checkHealth(): Promise<void> {
    await Promise.all(
      this.providers.map(async (provider) => {
        try {
          this.health.set(provider.name, await provider.health());
        } catch (error) {
          this.health.set(provider.name, { ok: false, detail: describeError(error) });
        }
      }),
    );
  }

  /** Providers first, then the local vault (the fallback when a provider is unavailable). */
  lookup(vault: VaultApi | undefined, vaultLabel: string): SecretLookup {
    const catalog = this.catalog;
    return createSecretLookup({
      providers: this.providers,
      vault,
      vaultLabel,
      onProviderAnswer: (answer) => {
        if (!catalog) return;
        catalog.observe(answer);
        void this.extension.globalState.update(LEARNED_KEY, catalog.learned());
      },
    });
  }

  /** The local catalog with the provider names added; `providerUnavailable` when one cannot be listed. */
  mergeInto(local: Catalog): Catalog {
    return this.providers.length === 0 ? local : mergeProviderCatalog(local, this.snapshot);
  }

  private disposeProviders(): void {
    for (const provider of this.providers) provider.dispose();
    this.providers = [];
    this.catalog = undefined;
  }

  dispose(): void {
    this.disposeProviders();
    this.changed.dispose();
  }
}
