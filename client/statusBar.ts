import * as vscode from 'vscode';
import { CommandIds } from '../shared/commandIds';
import { describeKeyState } from '../shared/keyState';
import type { VaultSession } from './vaultSession';

export interface ProviderStatus {
  /** Providers that could not be reached at the last check, with why. */
  offline: { name: string; reason: string }[];
}

/**
 * "$(key) default: ready" and friends: the environment and the vault state at a glance. Clicking
 * offers the next step for the state (enter the key, switch environment, show output).
 */
export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('workflowSecrets.status', vscode.StatusBarAlignment.Left, 10);
  private providers: ProviderStatus = { offline: [] };

  constructor(private readonly session: VaultSession) {
    this.item.name = 'Workflow Secrets';
    this.update();
    this.item.show();
  }

  setProviderStatus(status: ProviderStatus): void {
    this.providers = status;
    this.update();
  }

  update(): void {
    const state = this.session.state;
    const { label, detail } = describeKeyState(state);
    const environment = this.session.environment;
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown(`**Workflow Secrets**: environment \`${environment}\`\n\n`);
    tooltip.appendText(`${detail}\n\nVault: ${this.session.vaultPath}\n`);
    this.item.backgroundColor = undefined;
    switch (state.kind) {
      case 'ready':
        if (this.providers.offline.length > 0) {
          this.item.text = `$(debug-disconnect) ${environment}: provider offline`;
          tooltip.appendText(`\n${this.providers.offline.map((p) => `${p.name}: ${p.reason}`).join('\n')}\nThe local vault is used as the fallback.`);
          this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
          this.item.command = CommandIds.showOutput;
        } else {
          this.item.text = `$(key) ${environment}: ${this.session.metadata.length} secret${this.session.metadata.length === 1 ? '' : 's'}`;
          this.item.command = CommandIds.listSecrets;
        }
        break;
      case 'noVault':
        this.item.text = `$(key) ${environment}: no vault`;
        this.item.command = CommandIds.createSecret;
        break;
      case 'keyMissing':
      case 'wrongKey':
        this.item.text = `$(warning) ${environment}: ${label}`;
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        this.item.command = CommandIds.enterMasterKey;
        break;
      case 'vaultError':
        this.item.text = `$(lock) ${environment}: locked`;
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        this.item.command = CommandIds.showOutput;
        break;
    }
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = { label: `Workflow Secrets, environment ${environment}, ${label}` };
  }

  dispose(): void {
    this.item.dispose();
  }
}
