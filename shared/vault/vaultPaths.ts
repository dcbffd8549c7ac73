import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { WorkflowSecretsError } from '../errors';
import { NAME_RULE_TEXT, nameProblem, printable } from '../secretNames';

/** Names the vault file (or a folder of vault files, one per environment). */
export const VAULT_PATH_ENV = 'WORKFLOW_SECRETS_VAULT';
/** Chooses the environment: `default`, `dev`, `prod`, ... */
export const VAULT_ENVIRONMENT_ENV = 'WORKFLOW_SECRETS_ENV';
export const DEFAULT_ENVIRONMENT = 'default';
export const VAULT_DIRECTORY_NAME = 'workflow-secrets';
export const VAULT_FILE_SUFFIX = '.vault.json';

export type Environment = Record<string, string | undefined>;

export interface VaultLocation {
  path: string;
  environment: string;
  /** Where the path came from, for messages ("set by WORKFLOW_SECRETS_VAULT"). */
  source: 'explicit' | 'environment-variable' | 'default';
}

/**
 * The per-user configuration folder for vaults, outside any workspace:
 * Linux and others `$XDG_CONFIG_HOME/workflow-secrets` (else `~/.config/workflow-secrets`),
 * macOS `~/Library/Application Support/workflow-secrets`, Windows `%APPDATA%\workflow-secrets`.
 */
export function defaultVaultDirectory(env: Environment = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') {
    const home = nonEmpty(env.USERPROFILE) ?? homedir();
    const appData = nonEmpty(env.APPDATA) ?? path.win32.join(home, 'AppData', 'Roaming');
    return path.win32.join(appData, VAULT_DIRECTORY_NAME);
  }
  const home = nonEmpty(env.HOME) ?? homedir();
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', VAULT_DIRECTORY_NAME);
  // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg = nonEmpty(env.XDG_CONFIG_HOME);
  const configHome = xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(home, '.config');
  return path.posix.join(configHome, VAULT_DIRECTORY_NAME);
}

/** `<environment>.vault.json`. */
export function vaultFileName(environment: string): string {
  return `${environment}${VAULT_FILE_SUFFIX}`;
}

/**
 * Where the vault is. Path: explicit (setting or `--vault`) > WORKFLOW_SECRETS_VAULT > the default
 * folder. Environment: explicit (`--env` or setting) > WORKFLOW_SECRETS_ENV > `default`. An explicit
 * path that is an existing folder, or ends with a separator, holds one `<environment>.vault.json`
 * per environment. A leading `~` means the home folder. Throws `usage` for a bad environment name.
 */
export function resolveVaultLocation(options: { vaultPath?: string; environment?: string; env?: Environment } = {}): VaultLocation {
  const env = options.env ?? process.env;
  const environment = nonEmpty(options.environment) ?? nonEmpty(env[VAULT_ENVIRONMENT_ENV]) ?? DEFAULT_ENVIRONMENT;
  if (nameProblem(environment)) {
    throw new WorkflowSecretsError(
      'usage',
      `The environment "${printable(environment)}" is not a valid name: use ${NAME_RULE_TEXT}.`,
      `Choose an environment such as "default", "dev" or "prod" with --env, ${VAULT_ENVIRONMENT_ENV} or the workflowSecrets.environment setting.`,
    );
  }
  const explicit = nonEmpty(options.vaultPath);
  const fromEnv = nonEmpty(env[VAULT_PATH_ENV]);
  const given = explicit ?? fromEnv;
  if (given === undefined) {
    return { path: path.join(defaultVaultDirectory(env), vaultFileName(environment)), environment, source: 'default' };
  }
  const expanded = path.resolve(expandHome(given, env));
  const isFolder = /[\\/]$/.test(given) || isDirectory(expanded);
  return {
    path: isFolder ? path.join(expanded, vaultFileName(environment)) : expanded,
    environment,
    source: explicit !== undefined ? 'explicit' : 'environment-variable',
  };
}

/** The lock file that serializes writers: `<vault>.lock`. */
export function lockPathOf(vaultPath: string): string {
  return `${vaultPath}.lock`;
}

/** Temp files of atomic writes sit next to the vault: `.<name>.tmp-<pid>-<random>`. */
export function tempFilePrefixOf(vaultPath: string): string {
  return `.${path.basename(vaultPath)}.tmp-`;
}

function expandHome(given: string, env: Environment): string {
  if (given === '~' || given.startsWith('~/') || given.startsWith('~\\')) {
    return path.join(nonEmpty(env.HOME) ?? nonEmpty(env.USERPROFILE) ?? homedir(), given.slice(1));
  }
  return given;
}

function isDirectory(candidate: string): boolean {
  try {
    return existsSync(candidate) && statSync(candidate).isDirectory();
  } catch {
    return false;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
