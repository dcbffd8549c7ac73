import type { Command } from './command';

const GLOBAL_HELP = [
  'Global options:',
  '  --vault PATH   The vault file, or a folder holding one <env>.vault.json per environment',
  '                 (default: $WORKFLOW_SECRETS_VAULT, else the user config folder, e.g. ~/.config/workflow-secrets/).',
  '  --env NAME     The environment: default, dev, prod, ... (default: $WORKFLOW_SECRETS_ENV, else "default").',
  '  -h, --help     Help for the command.',
  '  -V, --version  Print the version.',
];

const ENVIRONMENT_HELP = [
  'Environment variables:',
  '  WORKFLOW_SECRETS_KEY    The master key: base64 or hex of 32 bytes (`key generate`), or a passphrase of 8+ characters.',
  '  WORKFLOW_SECRETS_VAULT  The vault file or folder (like --vault).',
  '  WORKFLOW_SECRETS_ENV    The environment (like --env).',
  '  VAULT_TOKEN, WORKFLOW_SECRETS_PROVIDER_<NAME>_TOKEN, ...  Credentials of providers in providers.json.',
];

const EXIT_HELP = ['Exit codes: 0 ok, 1 problems found (errors, blocked nodes, refused export, missing secret), 2 usage, 3 vault or key error.'];

export function commandLine(command: Command): string {
  return `workflow-secrets ${command.name}${command.usage ? ` ${command.usage}` : ''}`;
}

export function generalHelp(commands: Command[], version: string): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    `workflow-secrets ${version}: an encrypted local vault for the {{secrets.NAME.FIELD}} references of workflow files.`,
    '',
    'Usage: workflow-secrets COMMAND [ARGUMENTS] [OPTIONS]',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    ...GLOBAL_HELP,
    '',
    ...ENVIRONMENT_HELP,
    '',
    ...EXIT_HELP,
    '',
    'Run `workflow-secrets COMMAND --help` for a command\'s options. Secret values are never taken from arguments and never printed without --reveal.',
    '',
  ].join('\n');
}

export function groupHelp(group: string, commands: Command[]): string {
  const width = Math.max(...commands.map((command) => commandLine(command).length));
  return [`workflow-secrets ${group} commands:`, ...commands.map((command) => `  ${commandLine(command).padEnd(width)}  ${command.summary}`), ''].join('\n');
}

export function commandHelp(command: Command): string {
  return [`Usage: ${commandLine(command)}`, '', command.summary, ...(command.details ?? []).map((line) => `  ${line}`), '', ...GLOBAL_HELP, '', ...EXIT_HELP, ''].join('\n');
}
