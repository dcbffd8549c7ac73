import { closestNames } from '../shared/closestNames';
import { WorkflowSecretsError } from '../shared/errors';
import { formatReference } from '../shared/referenceGrammar';
import { nameProblem, printable, sameNameIgnoringCase } from '../shared/secretNames';
import { fieldAsString, isSecretType, presentFieldNames, SECRET_TYPE_SPECS, SECRET_TYPES, validateSecretData } from '../shared/secretTypes';
import { secretExists, secretInvalid } from '../shared/vault/vaultErrors';
import { vaultFileExists } from '../shared/vault/vaultFile';
import type { SecretType } from '../shared/secretTypes';
import type { SecretMetadata, StoredSecret } from '../shared/vault/vaultTypes';
import { expectPositionals, usageError, VALUES_NEVER_FROM_ARGV } from './args';
import type { ParsedArgs } from './args';
import type { Command } from './command';
import { ExitCode, err, json, out, plural } from './output';
import { readSecretData } from './secretInput';
import { locateVault, openVault, readMetadata, requireKey } from './vaultAccess';

const MASK = '********';

function typeOption(args: ParsedArgs, required: boolean): SecretType | undefined {
  const type = args.strings.get('type');
  if (type === undefined) {
    if (required) throw usageError('`secret add` needs --type.', `Choose one of ${SECRET_TYPES.join(', ')}, e.g. --type apiKey.`);
    return undefined;
  }
  // Not echoed: whatever was typed there is no business of the terminal's scrollback.
  if (!isSecretType(type)) throw usageError('The value of --type is not a secret type.', `Use one of ${SECRET_TYPES.join(', ')}.`);
  return type;
}

function notFound(name: string, path: string, secrets: SecretMetadata[]): WorkflowSecretsError {
  const near = closestNames(name, secrets.map((secret) => secret.name));
  return new WorkflowSecretsError(
    'secret-not-found',
    `No secret named "${printable(name)}" in the vault ${path}.`,
    near.length > 0 ? `Did you mean ${near.map((candidate) => `"${candidate}"`).join(' or ')}? \`workflow-secrets secret list\` shows every secret.` : '`workflow-secrets secret list` shows every secret; `workflow-secrets secret add` creates one.',
  );
}

function referenceExample(name: string, fields: string[]): string {
  return fields.length > 0 ? formatReference(name, fields[0] as string) : `{{secrets.${name}.FIELD}}`;
}

const add: Command = {
  name: 'secret add',
  usage: 'NAME --type TYPE [--description D] [--tag T]...',
  summary: 'Add a secret; field values come as JSON on stdin, or from masked prompts on a terminal.',
  details: [
    `Types: ${SECRET_TYPES.join(', ')}. Values are never taken from arguments.`,
    'Example: workflow-secrets secret add stripe --type apiKey --tag payments < stripe.json   (stripe.json: {"value": "sk_live_..."})',
  ],
  options: { type: { kind: 'string', short: 't' }, description: { kind: 'string', short: 'd' }, tag: { kind: 'list' } },
  unknownOptionHint: VALUES_NEVER_FROM_ARGV,
  async run(io, args) {
    const [name] = expectPositionals(args, ['NAME'], { command: 'secret add', extraHint: VALUES_NEVER_FROM_ARGV }) as [string];
    const type = typeOption(args, true) as SecretType;
    const nameIssue = nameProblem(name);
    if (nameIssue) throw secretInvalid(name, [nameIssue.replace(/\.$/, '')]);
    const location = locateVault(io, args);
    requireKey(io);
    // An existing vault is opened first (a wrong key fails before anything is typed); a new one is
    // created only once the data is valid, so a mistake leaves nothing behind.
    const existing = (await vaultFileExists(location.path)) ? await openVault(io, location) : undefined;
    const clash = existing?.list().find((secret) => sameNameIgnoringCase(secret.name, name));
    if (existing && clash) throw secretExists(existing.path, name, clash.name);
    const data = await readSecretData(io, type, name);
    const checked = validateSecretData(type, data);
    if (!checked.ok) throw secretInvalid(name, checked.problems);
    const vault = existing ?? (await openVault(io, location, { create: true }));
    const metadata = await vault.add({ name, type, data, description: args.strings.get('description'), tags: args.lists.get('tag') });
    out(io, `Added ${SECRET_TYPE_SPECS[type].label} secret "${metadata.name}" with ${plural(metadata.fields.length, 'field')} (${metadata.fields.join(', ')}) to ${vault.path} (environment "${location.environment}").`);
    out(io, `Reference it as ${referenceExample(metadata.name, metadata.fields)}.`);
    return ExitCode.ok;
  },
};

function describeMetadata(secret: SecretMetadata): string[] {
  const lines = [
    `name:        ${secret.name}`,
    `type:        ${secret.type} (${SECRET_TYPE_SPECS[secret.type].label})`,
    `id:          ${secret.id}`,
    `description: ${secret.description || '-'}`,
    `tags:        ${secret.tags.join(', ') || '-'}`,
    `created:     ${secret.createdAt}`,
    `updated:     ${secret.updatedAt}`,
  ];
  if (secret.expiresAt) lines.push(`expires:     ${secret.expiresAt}`);
  return lines;
}

const get: Command = {
  name: 'secret get',
  usage: 'NAME [--field F] [--reveal] [--json]',
  summary: 'Show a secret\'s metadata and field names; values stay masked unless --reveal is given.',
  details: [
    'Without --reveal no key is needed (metadata is readable). With --reveal the vault is decrypted with WORKFLOW_SECRETS_KEY.',
    'With --field F --reveal only that value is printed, with a newline, for use in scripts.',
  ],
  options: { field: { kind: 'string', short: 'f' }, reveal: { kind: 'boolean' }, json: { kind: 'boolean' } },
  async run(io, args) {
    const [name] = expectPositionals(args, ['NAME'], { command: 'secret get' }) as [string];
    const field = args.strings.get('field');
    const location = locateVault(io, args);
    let metadata: SecretMetadata;
    let stored: StoredSecret | undefined;
    if (args.flags.has('reveal')) {
      const vault = await openVault(io, location);
      stored = vault.get(name);
      if (!stored) throw notFound(name, vault.path, vault.list());
      metadata = stored;
    } else {
      const snapshot = await readMetadata(io, location);
      const found = snapshot.secrets.find((secret) => secret.name === name);
      if (!found) throw notFound(name, location.path, snapshot.secrets);
      metadata = found;
    }
    const fields = stored ? presentFieldNames(stored.data) : metadata.fields;
    if (field !== undefined && !fields.includes(field)) {
      throw new WorkflowSecretsError('field-not-found', `Secret "${metadata.name}" has no field "${printable(field)}".`, `Its fields are: ${fields.join(', ')}.`);
    }
    const shown = field === undefined ? fields : [field];
    const valueOf = (fieldName: string) => (stored ? (fieldAsString(stored.data, fieldName) ?? '') : MASK);
    if (args.flags.has('json')) {
      const { id, name: secretName, type, description, tags, createdAt, updatedAt, expiresAt } = metadata;
      const base = { id, name: secretName, type, description, tags, fields, createdAt, updatedAt, ...(expiresAt ? { expiresAt } : {}) };
      json(io, stored ? { ...base, data: field === undefined ? stored.data : { [field]: (stored.data as Record<string, unknown>)[field] } } : base);
      return ExitCode.ok;
    }
    if (field !== undefined && stored) {
      out(io, valueOf(field));
      return ExitCode.ok;
    }
    const lines = field === undefined ? [...describeMetadata(metadata), 'fields:'] : [];
    for (const fieldName of shown) lines.push(`${field === undefined ? '  ' : ''}${fieldName}: ${valueOf(fieldName)}`);
    if (!stored) lines.push(`(values hidden: add --reveal to show them; reference a field as ${referenceExample(metadata.name, shown)})`);
    out(io, lines.join('\n'));
    return ExitCode.ok;
  },
};

const list: Command = {
  name: 'secret list',
  usage: '[--type T] [--tag T]... [--json]',
  summary: 'List secrets (metadata only: names, types, fields, tags, descriptions). No key needed.',
  details: ['--tag may be repeated: a secret is listed when it has every tag given.'],
  options: { type: { kind: 'string', short: 't' }, tag: { kind: 'list' }, json: { kind: 'boolean' } },
  async run(io, args) {
    expectPositionals(args, [], { command: 'secret list' });
    const type = typeOption(args, false);
    const tags = args.lists.get('tag') ?? [];
    const location = locateVault(io, args);
    const snapshot = await readMetadata(io, location);
    const secrets = snapshot.secrets
      .filter((secret) => (type === undefined || secret.type === type) && tags.every((tag) => secret.tags.includes(tag)))
      .sort((a, b) => a.name.localeCompare(b.name, 'en'));
    if (args.flags.has('json')) {
      json(io, secrets);
      return ExitCode.ok;
    }
    if (secrets.length === 0) {
      out(io, snapshot.secrets.length === 0 ? `No secrets in ${location.path} yet.` : 'No secrets match the filter.');
      return ExitCode.ok;
    }
    const rows = secrets.map((secret) => [secret.name, secret.type, secret.fields.join(','), secret.tags.join(',') || '-', secret.description || '-']);
    out(io, table([['NAME', 'TYPE', 'FIELDS', 'TAGS', 'DESCRIPTION'], ...rows]));
    err(io, `${plural(secrets.length, 'secret')} in ${location.path} (environment "${location.environment}").`);
    return ExitCode.ok;
  },
};

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ')).join('\n');
}

const update: Command = {
  name: 'secret update',
  usage: 'NAME [--description D] [--tag T]... [--clear-tags] [--data-stdin]',
  summary: 'Change a secret\'s description, tags, or (with --data-stdin) all its field values; id and type stay.',
  details: ['--tag replaces the tags (repeat it for several); --clear-tags removes them all.', '--data-stdin reads the complete new fields as JSON on stdin (masked prompts on a terminal).'],
  options: { description: { kind: 'string', short: 'd' }, tag: { kind: 'list' }, 'clear-tags': { kind: 'boolean' }, 'data-stdin': { kind: 'boolean' } },
  unknownOptionHint: VALUES_NEVER_FROM_ARGV,
  async run(io, args) {
    const [name] = expectPositionals(args, ['NAME'], { command: 'secret update', extraHint: VALUES_NEVER_FROM_ARGV }) as [string];
    const tags = args.flags.has('clear-tags') ? [] : args.lists.get('tag');
    if (args.flags.has('clear-tags') && args.lists.has('tag')) throw usageError('--tag and --clear-tags cannot be combined.', 'Give either the new tags or --clear-tags.');
    const description = args.strings.get('description');
    const withData = args.flags.has('data-stdin');
    if (description === undefined && tags === undefined && !withData) {
      throw usageError('`secret update` needs something to change.', 'Give --description, --tag, --clear-tags or --data-stdin.');
    }
    const vault = await openVault(io, locateVault(io, args));
    const existing = vault.list().find((secret) => secret.name === name);
    if (!existing) throw notFound(name, vault.path, vault.list());
    const data = withData ? await readSecretData(io, existing.type, name) : undefined;
    const metadata = await vault.update(name, { description, tags, data });
    const changed = [description !== undefined && 'description', tags !== undefined && 'tags', withData && 'field values'].filter(Boolean).join(', ');
    out(io, `Updated ${changed} of secret "${metadata.name}" (fields: ${metadata.fields.join(', ')}).`);
    return ExitCode.ok;
  },
};

const rename: Command = {
  name: 'secret rename',
  usage: 'OLD NEW',
  summary: 'Rename a secret (its id stays the same). Update the workflows\' references too.',
  options: {},
  async run(io, args) {
    const [oldName, newName] = expectPositionals(args, ['OLD', 'NEW'], { command: 'secret rename' }) as [string, string];
    const vault = await openVault(io, locateVault(io, args));
    if (!vault.list().some((secret) => secret.name === oldName)) throw notFound(oldName, vault.path, vault.list());
    const metadata = await vault.rename(oldName, newName);
    out(io, `Renamed secret "${oldName}" to "${metadata.name}" (id ${metadata.id} kept).`);
    err(io, `References to {{secrets.${oldName}.…}} in workflow files now fail: rename them (VS Code's Rename Symbol does it everywhere) and run \`workflow-secrets check\`.`);
    return ExitCode.ok;
  },
};

const remove: Command = {
  name: 'secret rm',
  usage: 'NAME',
  summary: 'Delete a secret from the vault.',
  options: {},
  async run(io, args) {
    const [name] = expectPositionals(args, ['NAME'], { command: 'secret rm' }) as [string];
    const vault = await openVault(io, locateVault(io, args));
    if (!vault.list().some((secret) => secret.name === name)) throw notFound(name, vault.path, vault.list());
    await vault.delete(name);
    out(io, `Deleted secret "${name}" from ${vault.path}.`);
    return ExitCode.ok;
  },
};

export const SECRET_COMMANDS: Command[] = [add, get, list, update, rename, remove];
