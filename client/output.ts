import * as vscode from 'vscode';

/**
 * The extension's log (Output > Workflow Secrets). Only names, paths, states and error messages
 * go here, never a secret value or key material: callers pass text built from names, and errors
 * are described with describeError (whose messages carry no values by construction).
 */
export interface Log {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
}

export function createOutput(): { channel: vscode.LogOutputChannel; log: Log } {
  const channel = vscode.window.createOutputChannel('Workflow Secrets', { log: true });
  const log: Log = {
    info: (message) => channel.info(message),
    warn: (message) => channel.warn(message),
    error: (message) => channel.error(message),
    debug: (message) => channel.debug(message),
  };
  return { channel, log };
}
