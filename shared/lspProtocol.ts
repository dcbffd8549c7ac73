import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { Catalog } from './catalog';

/**
 * Custom LSP messages. Each is declared once here and documented in the README
 * ("Language server protocol extensions"). None of them ever carries a secret value.
 */

/** Client → server: the full catalog (names, types, field names, state). Replaces the previous one. */
export namespace CatalogNotification {
  export const method = 'workflowSecrets/catalog' as const;
  export const type = new NotificationType<Catalog>(method);
}

export interface SecretUsage {
  name: string;
  /** Number of references across the workspace's workflow files. */
  count: number;
  files: string[];
}

/** Server → client: reference counts per secret name across the workspace (for the Secrets view). */
export namespace UsageNotification {
  export const method = 'workflowSecrets/usage' as const;
  export const type = new NotificationType<{ usages: SecretUsage[] }>(method);
}

export interface RenameSecretParams {
  oldName: string;
  newName: string;
}
export interface RenameSecretResult {
  ok: boolean;
  /** Why the vault entry was not renamed, for the user. */
  message?: string;
}

/**
 * Server → client, during textDocument/rename: rename the vault entry (id kept). The server only
 * returns the workspace edit when the client answers ok.
 */
export namespace RenameSecretRequest {
  export const method = 'workflowSecrets/renameSecret' as const;
  export const type = new RequestType<RenameSecretParams, RenameSecretResult, void>(method);
}
