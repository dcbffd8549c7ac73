import { WorkflowSecretsError } from '../shared/errors';

/**
 * A small argv parser (no dependencies): `--name value`, `--name=value`, `-o value`, repeatable
 * list options and `--` to end options. Error messages name options, never the values given
 * (someone may have pasted a secret where it does not belong).
 */
export interface OptionSpec {
  kind: 'boolean' | 'string' | 'list';
  short?: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

export interface ParsedArgs {
  positionals: string[];
  strings: Map<string, string>;
  lists: Map<string, string[]>;
  flags: Set<string>;
}

export interface ParseContext {
  /** e.g. `secret add`, for messages. */
  command: string;
  /** Appended to the message about an unknown option (e.g. why values are never taken from argv). */
  unknownOptionHint?: string;
}

/** Options every command accepts. */
export const GLOBAL_OPTIONS: OptionSpecs = {
  vault: { kind: 'string' },
  env: { kind: 'string' },
  help: { kind: 'boolean', short: 'h' },
  version: { kind: 'boolean', short: 'V' },
};

/** Option names that would carry a secret value: refused with an explanation wherever they appear. */
const VALUE_OPTIONS = new Set(['value', 'values', 'password', 'passwd', 'token', 'secret', 'data', 'client-secret', 'clientsecret', 'api-key', 'apikey', 'access-token', 'refresh-token', 'key', 'master-key', 'passphrase']);

export const VALUES_NEVER_FROM_ARGV =
  'Secret values are never taken from the command line, where shell history and process lists would keep them: pipe the fields as JSON on stdin (e.g. `workflow-secrets secret add NAME --type TYPE < fields.json`) or run the command in a terminal to type them at masked prompts.';

export function usageError(message: string, hint: string): WorkflowSecretsError {
  return new WorkflowSecretsError('usage', message, hint);
}

export function parseArgs(argv: readonly string[], specs: OptionSpecs, context: ParseContext): ParsedArgs {
  const all: OptionSpecs = { ...GLOBAL_OPTIONS, ...specs };
  const byShort = new Map(Object.entries(all).flatMap(([name, spec]) => (spec.short ? [[spec.short, name] as const] : [])));
  const result: ParsedArgs = { positionals: [], strings: new Map(), lists: new Map(), flags: new Set() };
  const helpHint = `Run \`workflow-secrets ${context.command} --help\` for its options.`;

  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] as string;
    if (arg === '--') {
      result.positionals.push(...argv.slice(index + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      result.positionals.push(arg);
      continue;
    }
    const long = arg.startsWith('--');
    const body = long ? arg.slice(2) : arg.slice(1);
    const equals = body.indexOf('=');
    const rawName = equals >= 0 ? body.slice(0, equals) : body;
    const name = long ? rawName : byShort.get(rawName);
    const spec = name === undefined ? undefined : all[name];
    if (name === undefined || spec === undefined) {
      const shown = long ? `--${rawName}` : `-${rawName}`;
      if (VALUE_OPTIONS.has(rawName.toLowerCase())) throw usageError(`\`${context.command}\` does not accept ${shown}.`, VALUES_NEVER_FROM_ARGV);
      throw usageError(`\`${context.command}\` has no option ${shown}.`, context.unknownOptionHint ? `${context.unknownOptionHint} ${helpHint}` : helpHint);
    }
    if (spec.kind === 'boolean') {
      if (equals >= 0) throw usageError(`--${name} takes no value.`, helpHint);
      result.flags.add(name);
      continue;
    }
    let value: string | undefined;
    if (equals >= 0) value = body.slice(equals + 1);
    else {
      value = argv[index + 1];
      index += 1;
    }
    if (value === undefined) throw usageError(`--${name} needs a value.`, helpHint);
    if (spec.kind === 'string') {
      if (result.strings.has(name)) throw usageError(`--${name} is given more than once.`, helpHint);
      result.strings.set(name, value);
    } else {
      result.lists.set(name, [...(result.lists.get(name) ?? []), value]);
    }
  }
  return result;
}

/** Exactly `count` positionals, or a usage error that counts them without echoing them. */
export function expectPositionals(args: ParsedArgs, names: string[], context: ParseContext & { extraHint?: string }): string[] {
  const helpHint = `Run \`workflow-secrets ${context.command} --help\`.`;
  if (args.positionals.length < names.length) {
    throw usageError(`\`${context.command}\` needs ${names.join(' and ')}.`, `Usage: workflow-secrets ${context.command} ${names.join(' ')}. ${helpHint}`);
  }
  if (args.positionals.length > names.length) {
    const extra = args.positionals.length - names.length;
    throw usageError(
      `\`${context.command}\` takes ${names.join(' and ')} but got ${extra} more argument${extra === 1 ? '' : 's'}.`,
      context.extraHint ?? helpHint,
    );
  }
  return args.positionals;
}
