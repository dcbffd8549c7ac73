import * as vscode from 'vscode';
import { CommandIds } from '../../shared/commandIds';
import { describeError, isWorkflowSecretsError, type ErrorCode } from '../../shared/errors';
import { SECRET_TYPE_SPECS } from '../../shared/secretTypes';
import type { SecretMetadata } from '../../shared/vault/vaultTypes';
import type { WorkflowLanguageClient } from '../languageClient';
import type { MasterKeyStore } from '../masterKeyStore';
import type { Log } from '../output';
import type { ProviderSession } from '../providerSession';
import { InputCancelled } from '../quickInputFlow';
import type { ResolutionView } from '../resolutionView';
import { nodeSecretName, type SecretsView } from '../secretsView';
import type { VaultSession } from '../vaultSession';

/** What every command needs; built once in extension.ts. */
export interface CommandContext {
  extension: vscode.ExtensionContext;
  session: VaultSession;
  providers: ProviderSession;
  keys: MasterKeyStore;
  view: SecretsView;
  reports: ResolutionView;
  languageClient: WorkflowLanguageClient;
  channel: vscode.LogOutputChannel;
  log: Log;
}

interface NextStep {
  title: string;
  command: string;
  args?: unknown[];
}

const SHOW_OUTPUT: NextStep = { title: 'Show Output', command: CommandIds.showOutput };

/** Every error shown offers the next step as buttons, chosen by the error's code. */
function nextSteps(code: ErrorCode | undefined): NextStep[] {
  switch (code) {
    case 'key-missing':
    case 'key-invalid':
    case 'vault-wrong-key':
      return [{ title: 'Enter Master Key or Passphrase', command: CommandIds.enterMasterKey }, SHOW_OUTPUT];
    case 'secret-exists':
      return [{ title: 'Edit Secret', command: CommandIds.editSecret }, { title: 'List Secrets', command: CommandIds.listSecrets }];
    case 'secret-not-found':
    case 'field-not-found':
      return [{ title: 'Create Secret', command: CommandIds.createSecret }, { title: 'List Secrets', command: CommandIds.listSecrets }];
    case 'secret-invalid':
      return [{ title: 'Try Again', command: CommandIds.createSecret }, SHOW_OUTPUT];
    case 'provider-unavailable':
    case 'provider-denied':
    case 'provider-error':
      return [{ title: 'Set Provider Credentials', command: CommandIds.setProviderCredentials }, { title: 'Open Settings', command: 'workbench.action.openSettings', args: ['workflowSecrets.providers'] }, SHOW_OUTPUT];
    case 'vault-locked':
    case 'vault-io':
    case 'vault-corrupt':
    case 'vault-tampered':
    case 'vault-permissions':
    case 'vault-unsupported-version':
    case 'vault-weak-kdf':
      return [{ title: 'Refresh', command: CommandIds.refresh }, SHOW_OUTPUT];
    case 'workflow-invalid':
      return [{ title: 'Show Problems', command: 'workbench.actions.view.problems' }, SHOW_OUTPUT];
    default:
      return [SHOW_OUTPUT];
  }
}

/** Shows an error with its next steps and logs it (messages never carry values). */
export async function showError(context: CommandContext, what: string, error: unknown, extraSteps: NextStep[] = []): Promise<void> {
  if (error instanceof InputCancelled) return;
  const message = `${what}: ${describeError(error)}`;
  context.log.error(message);
  const steps = [...extraSteps, ...nextSteps(isWorkflowSecretsError(error) ? error.code : undefined)];
  const chosen = await vscode.window.showErrorMessage(message, ...steps.map((step) => step.title));
  const step = steps.find((candidate) => candidate.title === chosen);
  if (step) await vscode.commands.executeCommand(step.command, ...(step.args ?? []));
}

/** Wraps a command body: errors are shown with next steps, cancellation is silent. */
export function guarded<A extends unknown[]>(context: CommandContext, what: string, body: (...args: A) => Promise<unknown>) {
  return async (...args: A): Promise<void> => {
    try {
      await body(...args);
    } catch (error) {
      await showError(context, what, error);
    }
  };
}

type SecretItem = vscode.QuickPickItem & { secret: SecretMetadata };

/** The secret a command acts on: the view item it was invoked on, a name argument, or a pick. */
export async function chooseSecret(context: CommandContext, arg: unknown, placeholder: string): Promise<{ secret: SecretMetadata; field?: string } | undefined> {
  const fromView = nodeSecretName(arg);
  const name = fromView?.name ?? (typeof arg === 'string' ? arg : undefined);
  const secrets = context.session.metadata;
  if (name !== undefined) {
    const secret = secrets.find((candidate) => candidate.name === name);
    if (secret) return { secret, field: fromView?.field };
  }
  if (secrets.length === 0) {
    const choice = await vscode.window.showInformationMessage(`The vault of environment "${context.session.environment}" has no secrets yet.`, 'Create Secret');
    if (choice) await vscode.commands.executeCommand(CommandIds.createSecret);
    return undefined;
  }
  const items: SecretItem[] = [...secrets]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((secret) => ({
      secret,
      label: secret.name,
      description: `${SECRET_TYPE_SPECS[secret.type].label}${secret.tags.length ? ` · ${secret.tags.map((tag) => `#${tag}`).join(' ')}` : ''}`,
      detail: secret.description || undefined,
    }));
  const picked = await vscode.window.showQuickPick(items, { placeHolder: placeholder, matchOnDescription: true, matchOnDetail: true });
  return picked ? { secret: picked.secret } : undefined;
}

/** A field of the secret: the one given, the only one, or a pick. */
export async function chooseField(secret: SecretMetadata, given: string | undefined, placeholder: string): Promise<string | undefined> {
  if (given && secret.fields.includes(given)) return given;
  if (secret.fields.length === 1) return secret.fields[0];
  return vscode.window.showQuickPick(secret.fields, { placeHolder: placeholder });
}
