/**
 * `initializationOptions` the server understands (all optional), documented in
 * the README section "Language server":
 * - selfCatalog: false when the client sends the catalog itself (the VS Code client does); otherwise
 *   the server reads the vault file's metadata until a catalog notification arrives.
 * - vaultPath / environment: where that vault is (else WORKFLOW_SECRETS_VAULT / WORKFLOW_SECRETS_ENV,
 *   then the workspace setting, then the default location).
 * - settings: `workflowSecrets.*` settings for clients that do not answer workspace/configuration.
 * - retriggerCompletionCommand: a client command run after accepting `secrets.` or a name, to
 *   offer the next segment at once (VS Code: editor.action.triggerSuggest, the default there).
 */
export interface ServerInitializationOptions {
  selfCatalog: boolean;
  vaultPath?: string;
  environment?: string;
  settings?: unknown;
  retriggerCompletionCommand?: string;
}

export function parseInitializationOptions(raw: unknown, clientName: string | undefined): ServerInitializationOptions {
  const given = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const options: ServerInitializationOptions = { selfCatalog: given.selfCatalog !== false };
  const text = (key: string): string | undefined => {
    const value = given[key];
    return typeof value === 'string' && value.trim() ? value : undefined;
  };
  const vaultPath = text('vaultPath');
  if (vaultPath) options.vaultPath = vaultPath;
  const environment = text('environment');
  if (environment) options.environment = environment;
  if (given.settings !== undefined) options.settings = given.settings;
  // Only clients known to have the command get it by default: others would show an error.
  const retrigger = typeof given.retriggerCompletionCommand === 'string' ? given.retriggerCompletionCommand : /code/i.test(clientName ?? '') ? 'editor.action.triggerSuggest' : undefined;
  if (retrigger) options.retriggerCompletionCommand = retrigger;
  return options;
}
