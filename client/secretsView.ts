import * as vscode from 'vscode';
import { CommandIds } from '../shared/commandIds';
import { describeKeyState } from '../shared/keyState';
import type { SecretUsage } from '../shared/lspProtocol';
import { formatReference } from '../shared/referenceGrammar';
import { SECRET_TYPES, SECRET_TYPE_SPECS, type SecretType } from '../shared/secretTypes';
import type { SecretMetadata } from '../shared/vault/vaultTypes';
import type { VaultSession } from './vaultSession';

/** Tree items carry what commands need (the secret's name, the field); never values. */
export type SecretsNode =
  | { kind: 'problem'; label: string; detail: string }
  | { kind: 'provider'; name: string; detail: string; ok: boolean }
  | { kind: 'group'; type: SecretType; secrets: SecretMetadata[] }
  | { kind: 'secret'; secret: SecretMetadata }
  | { kind: 'field'; secret: SecretMetadata; field: string };

/** The Secrets view: secrets grouped by type, tags and usage counts in the description. */
export class SecretsView implements vscode.TreeDataProvider<SecretsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<SecretsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private usages = new Map<string, SecretUsage>();
  private providerRows: { name: string; detail: string; ok: boolean }[] = [];
  private readonly view: vscode.TreeView<SecretsNode>;

  constructor(private readonly session: VaultSession) {
    this.view = vscode.window.createTreeView('workflowSecrets.secrets', { treeDataProvider: this, showCollapseAll: true });
  }

  refresh(): void {
    this.view.description = `${this.session.environment} · ${describeKeyState(this.session.state).label}`;
    this.changed.fire(undefined);
  }

  setUsages(usages: SecretUsage[]): void {
    this.usages = new Map(usages.map((usage) => [usage.name, usage]));
    this.changed.fire(undefined);
  }

  setProviders(rows: { name: string; detail: string; ok: boolean }[]): void {
    this.providerRows = rows;
    this.changed.fire(undefined);
  }

  usageOf(name: string): SecretUsage | undefined {
    return this.usages.get(name);
  }

  getChildren(node?: SecretsNode): SecretsNode[] {
    if (!node) return this.roots();
    if (node.kind === 'group') return node.secrets.map((secret) => ({ kind: 'secret', secret }));
    if (node.kind === 'secret') return node.secret.fields.map((field) => ({ kind: 'field', secret: node.secret, field }));
    return [];
  }

  private roots(): SecretsNode[] {
    const roots: SecretsNode[] = [];
    const state = this.session.state;
    if (state.kind === 'keyMissing' || state.kind === 'wrongKey' || state.kind === 'vaultError') {
      const { label, detail } = describeKeyState(state);
      roots.push({ kind: 'problem', label: `Vault ${label}`, detail });
    }
    roots.push(...this.providerRows.map((row) => ({ kind: 'provider' as const, ...row })));
    const secrets = [...this.session.metadata].sort((a, b) => a.name.localeCompare(b.name));
    for (const type of SECRET_TYPES) {
      const ofType = secrets.filter((secret) => secret.type === type);
      if (ofType.length > 0) roots.push({ kind: 'group', type, secrets: ofType });
    }
    // An empty list lets the view's welcome content (Create Secret) show.
    return roots;
  }

  getTreeItem(node: SecretsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'problem': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
        item.description = 'Enter Master Key or Passphrase';
        item.tooltip = node.detail;
        item.contextValue = 'keyProblem';
        item.command = { command: CommandIds.enterMasterKey, title: 'Enter Master Key or Passphrase' };
        return item;
      }
      case 'provider': {
        const item = new vscode.TreeItem(`Provider ${node.name}`, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(node.ok ? 'cloud' : 'debug-disconnect');
        item.description = node.detail;
        item.tooltip = node.ok ? `${node.name}: ${node.detail}` : `${node.name} is unreachable (${node.detail}); the local vault is the fallback.`;
        item.contextValue = 'provider';
        return item;
      }
      case 'group': {
        const spec = SECRET_TYPE_SPECS[node.type];
        const item = new vscode.TreeItem(spec.label, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `group:${node.type}`;
        item.description = `${node.secrets.length}`;
        item.tooltip = spec.description;
        item.iconPath = new vscode.ThemeIcon('folder-library');
        item.contextValue = 'group';
        return item;
      }
      case 'secret':
        return this.secretItem(node.secret);
      case 'field': {
        const item = new vscode.TreeItem(node.field, vscode.TreeItemCollapsibleState.None);
        item.id = `field:${node.secret.id}:${node.field}`;
        item.description = formatReference(node.secret.name, node.field);
        item.tooltip = `Copy ${formatReference(node.secret.name, node.field)} to paste into a node's config.`;
        item.iconPath = new vscode.ThemeIcon('symbol-field');
        item.contextValue = 'field';
        return item;
      }
    }
  }

  private secretItem(secret: SecretMetadata): vscode.TreeItem {
    const item = new vscode.TreeItem(secret.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `secret:${secret.id}`;
    const usage = this.usages.get(secret.name);
    const count = usage?.count ?? 0;
    const tags = secret.tags.map((tag) => `#${tag}`).join(' ');
    item.description = [tags, `${count} use${count === 1 ? '' : 's'}`].filter(Boolean).join(' · ');
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(`**${secret.name}** (${SECRET_TYPE_SPECS[secret.type].label})\n\n`);
    if (secret.description) tooltip.appendText(`${secret.description}\n\n`);
    tooltip.appendText(`Fields: ${secret.fields.join(', ')}\n`);
    if (secret.expiresAt) tooltip.appendText(`Expires: ${secret.expiresAt}\n`);
    tooltip.appendText(`Updated: ${secret.updatedAt}\n`);
    if (usage && usage.files.length > 0) {
      const shown = usage.files.slice(0, 10).map((file) => vscode.workspace.asRelativePath(file.startsWith('file:') ? vscode.Uri.parse(file) : file));
      tooltip.appendText(`\nUsed ${count} time(s) in: ${shown.join(', ')}${usage.files.length > 10 ? ', …' : ''}`);
    } else {
      tooltip.appendText('\nNot referenced by any workflow in this workspace.');
    }
    item.tooltip = tooltip;
    item.iconPath = new vscode.ThemeIcon(secret.expiresAt && Date.parse(secret.expiresAt) < Date.now() ? 'warning' : 'key');
    item.contextValue = 'secret';
    item.accessibilityInformation = { label: `${secret.name}, ${SECRET_TYPE_SPECS[secret.type].label}, ${count} uses` };
    return item;
  }

  dispose(): void {
    this.view.dispose();
    this.changed.dispose();
  }
}

/** The secret name a command was invoked on from the view (or undefined from the palette). */
export function nodeSecretName(arg: unknown): { name: string; field?: string } | undefined {
  if (!arg || typeof arg !== 'object' || !('kind' in arg)) return undefined;
  const node = arg as SecretsNode;
  if (node.kind === 'secret') return { name: node.secret.name };
  if (node.kind === 'field') return { name: node.secret.name, field: node.field };
  return undefined;
}
